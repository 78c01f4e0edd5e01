"""What an experiment's comparison says, in words: overview cards and the report's narrative.

Both read the output of ``results.compare()`` (means, 95% intervals, paired differences from the
baseline) and the measures' metadata; the dashboard and the HTML report render the same cards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import floor, log10

import numpy as np
import pandas as pd

from orgsim.measures import Measure


@dataclass(frozen=True)
class CardRow:
    """One policy's line on an overview card: formatted mean, interval and difference."""

    policy: str
    mean: str
    interval: str
    diff: str
    verdict: str  # better | worse | unclear | neutral | baseline


@dataclass(frozen=True)
class Card:
    """An overview card: one key measure across the policies."""

    measure: str
    label: str
    unit: str
    rows: tuple[CardRow, ...]


def fmt(
    value: float, unit: str, signed: bool = False, ref: float | None = None, suffix: bool = True
) -> str:
    """A value for a strategist: shares as percentages (points for differences), others to
    three significant figures of ``ref`` (default: the value), so a difference and its
    interval share the decimals of the mean they qualify."""
    if value is None or np.isnan(value):
        return "n/a"
    sign = "+" if signed else ""
    if unit.startswith("share"):
        return f"{value * 100:{sign}.1f}{(' pts' if signed else '%') * suffix}"
    if unit == "correlation":
        return f"{value:{sign}.2f}"
    scale = abs(value if ref is None or np.isnan(ref) else ref)
    decimals = max(0, 2 - floor(log10(scale))) if scale > 0 else 2
    return f"{value:{sign},.{decimals}f}"


def verdict(diff_low: float, diff_high: float, better: str) -> str:
    """Whether a paired difference is clearly better, clearly worse or unclear for the org."""
    if better not in ("higher", "lower"):
        return "neutral"
    if np.isnan(diff_low) or np.isnan(diff_high) or diff_low <= 0 <= diff_high:
        return "unclear"
    up = diff_low > 0
    return "better" if up == (better == "higher") else "worse"


def interval(low: float, high: float, unit: str, signed: bool, ref: float) -> str:
    """'[a, b]' in the units of the value it follows."""
    return f"[{fmt(low, unit, signed, ref, False)}, {fmt(high, unit, signed, ref, False)}]"


def coverage(r) -> str:
    """' (2 of 3 runs)' when the measure is undefined in some replications, else ''."""
    n, runs = getattr(r, "n", None), getattr(r, "runs", None)
    if n is None or runs is None or np.isnan(n) or n >= runs:
        return ""
    return f" ({int(n)} of {int(runs)} runs)"


def diff_text(r, unit: str) -> str:
    """'+1.2 pts [+0.4, +2.0]': a paired difference and its 95% interval."""
    ci = interval(r.diff_ci_low, r.diff_ci_high, unit, True, r.mean)
    return f"{fmt(r.diff, unit, True, r.mean)} {ci}"


def overview_cards(
    comparison: pd.DataFrame, measures: dict[str, Measure], keys: Iterable[str], baseline: str
) -> list[Card]:
    """A card per key measure present in ``comparison`` (the output of results.compare)."""
    cards = []
    for key in keys:
        block = comparison[comparison["measure"] == key]
        if block.empty:
            continue
        m = measures[key]
        rows = tuple(_card_row(r, m, baseline) for r in block.itertuples())
        cards.append(Card(key, m.label, m.unit, rows))
    return cards


def _card_row(r, m: Measure, baseline: str) -> CardRow:
    mean = fmt(r.mean, m.unit)
    ci = interval(r.ci_low, r.ci_high, m.unit, False, r.mean)
    if r.policy == baseline:
        return CardRow(r.policy, mean, ci, "baseline", "baseline")
    v = verdict(r.diff_ci_low, r.diff_ci_high, m.better)
    return CardRow(r.policy, mean, ci, diff_text(r, m.unit), v)


def narrative(
    comparison: pd.DataFrame, measures: dict[str, Measure], keys: Iterable[str], baseline: str
) -> list[str]:
    """One short paragraph per policy: where it is clearly better or worse than the baseline."""
    keys = list(keys)
    rows = comparison[comparison["measure"].isin(keys) & (comparison["policy"] != baseline)]
    out = []
    for policy, block in rows.groupby("policy", sort=False):
        found: dict[str, list[str]] = {"better": [], "worse": [], "unclear": []}
        for r in block.itertuples():
            m = measures[r.measure]
            v = verdict(r.diff_ci_low, r.diff_ci_high, m.better)
            if v in found:
                found[v].append(f"{m.label.lower()} ({diff_text(r, m.unit)})")
        out.append(_paragraph(policy, baseline, found))
    return out


def _paragraph(policy: str, baseline: str, found: dict[str, list[str]]) -> str:
    parts = [f"Compared with {baseline}, {policy}"]
    if found["better"]:
        parts.append(f" does better on {_join(found['better'])}")
    if found["worse"]:
        parts.append(f"{';' if found['better'] else ''} does worse on {_join(found['worse'])}")
    if not (found["better"] or found["worse"]):
        parts.append(" shows no clear difference on any key measure")
    n = len(found["unclear"])
    if n and (found["better"] or found["worse"]):
        parts.append(
            f"; {n} other key measure{'s' * (n > 1)} show{'s' * (n == 1)} no clear difference"
        )
    return "".join(parts) + "."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


SAME_VERDICT = "same verdict in every sampled world"  # what orgsim sensitivity writes then


def rules_text(rules: dict[str, str], measure: str, share_better: float | None = None) -> str:
    """When the verdict on ``measure`` flips (a decision tree over the uncertain parameters),
    or in words why there is no tree; ``share_better`` says which way a constant verdict goes."""
    text = rules.get(measure)
    if text is None:
        return ("No verdict rules: higher is neither better nor worse for this measure, or it is "
                "undefined in some sampled worlds.")  # fmt: skip
    if text == SAME_VERDICT and share_better is not None:
        where = "all" if share_better >= 0.5 else "none"
        return f"Same verdict in every sampled world: better than the baseline in {where} of them."
    return text
