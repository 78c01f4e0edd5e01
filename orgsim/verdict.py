"""The plain-language verdict of an experiment: templated sentences, no language model.

It reads the output of ``results.compare()`` (means, 95% intervals and paired differences from
the baseline) and the measures' metadata, and says, in this order:

* **Net value** (when the comparison holds money measures named ``net_value`` and ``npv``): the
  policies ranked on their mean net value against the baseline, with its 95% interval.
* **The key people measures**: the policies ranked by a simple score, *the number of key
  measures on which a policy is clearly better than the baseline minus the number on which it is
  clearly worse*. "Clearly" means the paired 95% interval of the difference excludes zero; a
  measure's ``better`` direction says which side is better; measures whose direction is
  ``neither`` do not count. The baseline scores 0; ties keep the scenario's order.
* **Per policy**: each clear difference with its interval, translated into headcount at the
  scenario's size where the unit allows (see ``HEADCOUNT``).
* **Trade-offs**: a policy clearly better on some key measures and clearly worse on others.
* **Robustness** (when a sensitivity analysis exists): the share of sampled worlds in which the
  policy beats the baseline on each key measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from math import floor, log10

import numpy as np
import pandas as pd

from orgsim.measures import Measure
from orgsim.overview import fmt, verdict

#: Money measures the verdict ranks on first, when a comparison holds them.
NET_VALUE, NPV = "net_value", "npv"
MONEY_MEASURES = (NET_VALUE, NPV)

#: Measures translated into headcount: name -> (population the share is of, what is counted).
#: ``organisation``: the scenario's size; ``top_quartile``: a quarter of it; ``managers``: the
#: baseline's managers at the horizon. A measure in 'people per year' is already a headcount.
HEADCOUNT: dict[str, tuple[str, str]] = {
    "voluntary_turnover": ("organisation", "leavers a year"),
    "regretted_turnover": ("top_quartile", "leavers from the top skill quartile a year"),
    "reluctant_manager_share": ("managers", "reluctant managers"),
}
#: Share of sampled worlds at or above which an advantage is called robust.
ROBUST = 0.8

NOTE = (
    "How to read this: brackets give 95% intervals of the paired difference from the baseline "
    "(each replication is paired with the baseline's, common random numbers); 'clearly' means "
    "that interval excludes zero. The people score is the number of key measures clearly better "
    "minus the number clearly worse."
)


@dataclass(frozen=True)
class Scale:
    """What headcount a share is of: the organisation's size and its managers."""

    size: float | None = None
    managers: float | None = None

    def population(self, kind: str) -> float | None:
        """The number of people a share of ``kind`` (see ``HEADCOUNT``) is of."""
        if kind == "organisation":
            return self.size
        if kind == "top_quartile":
            return None if self.size is None else self.size / 4
        if kind == "managers":
            return self.managers
        return None


@dataclass(frozen=True)
class Standing:
    """A policy's place on the key people measures (measure names in each group)."""

    policy: str
    better: tuple[str, ...] = ()
    worse: tuple[str, ...] = ()
    unclear: tuple[str, ...] = ()
    baseline: bool = False

    @property
    def score(self) -> int:
        """Key measures clearly better minus clearly worse than the baseline."""
        return len(self.better) - len(self.worse)


@dataclass(frozen=True)
class MoneyStanding:
    """A policy's net value (or NPV) against the baseline with its 95% interval."""

    policy: str
    value: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """Whether the interval excludes zero."""
        return not (np.isnan(self.low) or np.isnan(self.high) or self.low <= 0 <= self.high)


@dataclass(frozen=True)
class Verdict:
    """The verdict's parts; ``paragraphs()`` gives them in reading order."""

    headline: str
    ranking: tuple[Standing, ...]
    money: tuple[MoneyStanding, ...] = ()
    money_text: tuple[str, ...] = ()
    people_text: str = ""
    claims: tuple[str, ...] = ()
    tradeoffs: tuple[str, ...] = ()
    robustness: str | None = None
    notes: tuple[str, ...] = field(default=(NOTE,))

    def paragraphs(self) -> list[str]:
        """Headline, money, ranking, per-policy claims, trade-offs, robustness, how to read."""
        parts = [self.headline, *self.money_text, self.people_text, *self.claims]
        parts += [*self.tradeoffs, *([self.robustness] if self.robustness else []), *self.notes]
        return [p for p in parts if p]

    def text(self) -> str:
        """The verdict as plain text, one paragraph per line, blank lines between."""
        return "\n\n".join(self.paragraphs())


# --- numbers in words ---------------------------------------------------------------------
def count(value: float) -> str:
    """A headcount: whole people from 10 up, one decimal below, thousands separated."""
    value = abs(value)
    return f"{value:,.0f}" if value >= 9.95 else f"{value:.1f}"


SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥"}


def money(value: float, unit: str = "", signed: bool = False, ref: float | None = None) -> str:
    """A money amount: thousands separators, decimals by magnitude, then the unit; a unit
    starting with a known currency code puts its symbol first ('+£1,200,000 a year')."""
    if value is None or np.isnan(value):
        return "n/a"
    scale = abs(value if ref is None or np.isnan(ref) else ref)
    decimals = 0 if scale >= 100 else max(0, 2 - floor(log10(scale))) if scale > 0 else 0
    code, _, rest = unit.partition(" ")
    symbol = SYMBOLS.get(code, "")
    unit = rest if symbol else unit
    sign = "+" if signed and value >= 0 else "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.{decimals}f} {unit}".strip()


def difference(r, m: Measure) -> str:
    """'+1.2 pts [+0.4, +2.0]': a paired difference and its 95% interval (see overview)."""
    if _is_money(m):
        lo = money(r.diff_ci_low, _symbol_only(m.unit), True, r.diff)
        hi = money(r.diff_ci_high, _symbol_only(m.unit), True, r.diff)
        return f"{money(r.diff, m.unit, True)} [{lo}, {hi}]"
    ref = r.mean if not np.isnan(r.mean) and r.mean != 0 else r.diff
    lo, hi = (fmt(v, m.unit, True, ref, False) for v in (r.diff_ci_low, r.diff_ci_high))
    return f"{fmt(r.diff, m.unit, True, ref)} [{lo}, {hi}]"


def headcount(r, m: Measure, scale: Scale) -> str | None:
    """A clear difference in people: 'about 108 fewer leavers a year (95% interval 95-121) in
    an organisation of 3,000'; None where the unit or the scale does not allow it."""
    if m.name in HEADCOUNT:
        kind, noun = HEADCOUNT[m.name]
        n = scale.population(kind)
        if n is None or not n > 0:
            return None
        where = {
            "organisation": f" in an organisation of {count(n)}",
            "top_quartile": f" (a top quartile of {count(n)} people)",
            "managers": f" (of about {count(n)} managers)",
        }[kind]
    elif m.unit == "people per year":
        n, noun, where = 1.0, f"{m.label.lower()} a year", ""
    else:
        return None
    values = [v * n for v in (r.diff, r.diff_ci_low, r.diff_ci_high)]
    if any(np.isnan(v) for v in values) or values[1] <= 0 <= values[2]:
        return None
    low, high = sorted(abs(v) for v in values[1:])
    direction = "more" if values[0] > 0 else "fewer"
    return (
        f"about {count(values[0])} {direction} {noun} "
        f"(95% interval {count(low)}-{count(high)}){where}"
    )


# --- the verdict ----------------------------------------------------------------------------
def rank(
    comparison: pd.DataFrame,
    measures: Mapping[str, Measure],
    keys: Iterable[str],
    baseline: str,
    policies: Iterable[str] | None = None,
) -> list[Standing]:
    """Policies by score (clearly better minus clearly worse key measures), best first."""
    keys = [k for k in keys if k in measures and k not in MONEY_MEASURES]
    rows = comparison[comparison["measure"].isin(keys)]
    order = list(policies) if policies is not None else list(dict.fromkeys(comparison["policy"]))
    standings = []
    for policy in order:
        if policy == baseline:
            standings.append(Standing(policy, baseline=True))
            continue
        found: dict[str, list[str]] = {"better": [], "worse": [], "unclear": []}
        for r in _in_order(rows[rows["policy"] == policy], keys):
            if np.isnan(r.diff):  # undefined (e.g. no manager to measure): not a finding
                continue
            v = verdict(r.diff_ci_low, r.diff_ci_high, measures[r.measure].better)
            if v in found:
                found[v].append(r.measure)
        standings.append(Standing(policy, *(tuple(found[k]) for k in found)))
    position = {s.policy: i for i, s in enumerate(standings)}
    return sorted(standings, key=lambda s: (-s.score, -len(s.better), position[s.policy]))


def rank_money(comparison: pd.DataFrame, name: str, baseline: str) -> list[MoneyStanding]:
    """Policies by mean ``name`` (net value or NPV) against the baseline, highest first."""
    rows = comparison[comparison["measure"] == name]
    out = [
        MoneyStanding(r.policy, *(0.0,) * 3)
        if r.policy == baseline
        else MoneyStanding(r.policy, r.diff, r.diff_ci_low, r.diff_ci_high)
        for r in rows.itertuples()
    ]
    return sorted(out, key=lambda s: -s.value if not np.isnan(s.value) else np.inf)


def build(
    comparison: pd.DataFrame,
    measures: Mapping[str, Measure],
    keys: Iterable[str],
    baseline: str,
    policies: Iterable[str] | None = None,
    scale: Scale | None = None,
    robustness: pd.DataFrame | None = None,
) -> Verdict:
    """The verdict on a comparison table (the output of ``results.compare``).

    ``measures`` gives each measure's label, unit and better direction; ``keys`` the key people
    measures; ``scale`` the headcount for the translations; ``robustness`` a sensitivity
    analysis's share of worlds in which the policy beats the baseline (``measure``, ``policy``,
    ``share_better``, ``worlds``). Rows named ``net_value`` or ``npv`` rank on money first.
    """
    keys, scale = [k for k in keys if k not in MONEY_MEASURES], scale or Scale()
    keys = [k for k in keys if k in measures]
    measures = dict(measures)
    for name in MONEY_MEASURES:
        measures.setdefault(name, _money_measure(name))
    ranking = rank(comparison, measures, keys, baseline, policies)
    money_ranks = rank_money(comparison, NET_VALUE, baseline)
    others = comparison[(comparison["policy"] != baseline) & comparison["diff"].notna()]
    present = set(others["measure"])  # a measure undefined for every policy is not scored
    scored = [k for k in keys if k in present and measures[k].better in ("higher", "lower")]
    claims = tuple(
        _claims(comparison, s, measures, baseline, scale) for s in ranking if not s.baseline
    )
    return Verdict(
        headline=_headline(ranking, money_ranks, baseline, len(scored)),
        ranking=tuple(ranking),
        money=tuple(money_ranks),
        money_text=_money_text(comparison, money_ranks, measures, baseline),
        people_text=_ranking_text(ranking, baseline),
        claims=claims,
        tradeoffs=tuple(t for s in ranking if (t := _tradeoff(s, measures, baseline))),
        robustness=robustness_text(robustness, measures, keys, baseline),
    )


def _headline(
    ranking: list[Standing], money: list[MoneyStanding], baseline: str, n_keys: int
) -> str:
    """The one sentence a board reads first."""
    parts = []
    ahead = [s.policy for s in money if s.policy != baseline and s.clear and s.value > 0]
    if ahead and money[0].policy == ahead[0]:
        parts.append(f"On net value, {ahead[0]} ranks first.")
    elif ahead:  # the highest mean is not clear, others are
        verb = "is" if len(ahead) == 1 else "are"
        parts.append(f"On net value, {_join(ahead)} {verb} clearly ahead of {baseline}.")
    best = ranking[0] if ranking else None
    others = [s for s in ranking if not s.baseline]
    if best is None or not others:
        return " ".join(parts) or "There is no policy to compare with the baseline."
    if all(not (s.better or s.worse) for s in others):
        parts.append(
            f"No policy differs clearly from {baseline} on any of the {n_keys} key people "
            "measures at this number of replications."
        )
    elif best.baseline or best.score <= 0:  # a net score of 0 is no better than the baseline's
        parts.append(
            f"On the key people measures no policy beats {baseline} (the baseline) on balance."
        )
    else:
        tied = [s for s in others if s.score == best.score]

        def counts(s: Standing) -> str:
            worse = f", clearly worse on {len(s.worse)}" if s.worse else ""
            return f"clearly better than {baseline} on {len(s.better)} of {n_keys}{worse}"

        if len(tied) == 1:
            parts.append(
                f"On the key people measures {best.policy} comes out ahead: {counts(best)}."
            )
        else:
            each = "; ".join(f"{s.policy} {counts(s)}" for s in tied)
            parts.append(
                f"On the key people measures {_join([s.policy for s in tied])} tie at the top "
                f"(score {best.score:+d} each): {each}."
            )
    return " ".join(parts)


def _ranking_text(ranking: list[Standing], baseline: str) -> str:
    """'Ranking on the key people measures (score = ...): 1. genuine +3 (4 better, 1 worse)...'"""
    if len(ranking) < 2:
        return ""
    items = []
    for i, s in enumerate(ranking, 1):
        detail = "the baseline" if s.baseline else f"{len(s.better)} better, {len(s.worse)} worse"
        items.append(f"{i}. {s.policy} {s.score:+d} ({detail})")
    return (
        f"Ranking on the key people measures (score: clearly better minus clearly worse than "
        f"{baseline}): {'; '.join(items)}."
    )


def _money_text(
    comparison: pd.DataFrame,
    ranks: list[MoneyStanding],
    measures: Mapping[str, Measure],
    baseline: str,
) -> tuple[str, ...]:
    """The net value ranking and the NPV, each with its interval."""
    out = []
    for name, ranked in ((NET_VALUE, ranks), (NPV, rank_money(comparison, NPV, baseline))):
        others = [s for s in ranked if s.policy != baseline]
        if not others:
            continue
        m = measures[name]
        bare = _symbol_only(m.unit)
        items = [
            f"{s.policy} {money(s.value, m.unit, True)} "
            f"[{money(s.low, bare, True, s.value)}, {money(s.high, bare, True, s.value)}]"
            for s in others
        ]
        tail = _money_tail(others, baseline)
        title = f"{m.label} ({baseline})" if "baseline" in m.label else f"{m.label} vs {baseline}"
        out.append(f"{title}: {'; '.join(items)}; {tail}")
    return tuple(out)


def _money_tail(others: list[MoneyStanding], baseline: str) -> str:
    """What the net values (or NPVs) against the baseline say: every policy clearly ahead,
    and why the highest mean is not, where it is not."""
    best, ahead = others[0], [s.policy for s in others if s.clear and s.value > 0]
    if all(np.isnan(s.value) for s in others):
        return "it cannot be estimated from these results (were no events kept?)."
    if best.policy in ahead:
        return f"{_join(ahead)} {'is' if len(ahead) == 1 else 'are'} clearly ahead of {baseline}."
    if np.isnan(best.low) or np.isnan(best.high):
        why = f"{best.policy}'s has no interval (that needs two or more replications)"
    else:
        why = f"the interval of {best.policy}'s includes zero"
    if ahead:
        verb = "is" if len(ahead) == 1 else "are"
        return f"{_join(ahead)} {verb} clearly ahead of {baseline}; {why}."
    if best.value > 0:
        return f"{why}, so the money case is not clear."
    return f"no policy clearly adds value over {baseline}."


def _claims(
    comparison: pd.DataFrame,
    s: Standing,
    measures: Mapping[str, Measure],
    baseline: str,
    scale: Scale,
) -> str:
    """A policy's clear differences, each with its interval and, where possible, headcount."""
    rows = comparison[comparison["policy"] == s.policy].set_index("measure")

    def claim(name: str) -> str:
        r = rows.loc[name]
        r = r.iloc[0] if isinstance(r, pd.DataFrame) else r
        r = _Row(r)
        m = measures[name]
        people = headcount(r, m, scale)
        return f"{m.label.lower()} {difference(r, m)}" + (f": {people}" if people else "")

    text = f"Compared with {baseline}, {s.policy}"
    if s.better:
        text += f" is clearly better on {_join([claim(n) for n in s.better])}"
    if s.worse:
        text += f"{';' if s.better else ''} is clearly worse on "
        text += _join([claim(n) for n in s.worse])
    if not (s.better or s.worse):
        return text + " shows no clear difference on any key people measure."
    n = len(s.unclear)
    if n:
        text += f"; {n} other key measure{'s' * (n > 1)} show{'s' * (n == 1)} no clear difference"
    return text + "."


def _tradeoff(s: Standing, measures: Mapping[str, Measure], baseline: str) -> str | None:
    """'Trade-off: genuine buys A and B at the cost of C (against single-ladder).'"""
    if s.baseline or not (s.better and s.worse):
        return None
    gains = _join([_direction(measures[n], True) for n in s.better])
    costs = _join([_direction(measures[n], False) for n in s.worse])
    return f"Trade-off: against {baseline}, {s.policy} gives {gains}, at the cost of {costs}."


def _direction(m: Measure, good: bool) -> str:
    """'lower voluntary turnover': the measure's label with the way it moved."""
    up = (m.better == "higher") == good
    return f"{'higher' if up else 'lower'} {m.label[0].lower()}{m.label[1:]}"


def robustness_text(
    robustness: pd.DataFrame | None,
    measures: Mapping[str, Measure],
    keys: Iterable[str],
    baseline: str,
) -> str | None:
    """One sentence per policy on how often it beats the baseline across sampled worlds."""
    if robustness is None or robustness.empty:
        return None
    keys = list(keys)
    out = []
    for policy, block in robustness.groupby("policy", sort=False):
        block = block[block["measure"].isin(measures)]
        block = block.assign(order=block["measure"].map(lambda k: _position(keys, k)))
        block = block.sort_values("order", kind="stable")
        if block.empty:
            continue
        worlds = int(block["worlds"].max())
        share = block["share_better"]
        robust = block[share >= ROBUST]
        mixed = block[(share < ROBUST) & (share > 1 - ROBUST)]
        behind = block[share <= 1 - ROBUST]  # better in at most 20% of worlds: mostly worse

        def listed(rows: pd.DataFrame) -> str:
            return _join(
                [f"{measures[r.measure].label.lower()} ({r.share_better:.0%})"
                 for r in rows.itertuples()]
            )  # fmt: skip

        parts = []
        if not robust.empty:
            parts.append(f"beats {baseline} in at least {ROBUST:.0%} of them on {listed(robust)}")
        if not mixed.empty:
            parts.append(f"{'' if parts else f'beats {baseline} '}less reliably on "
                         f"{listed(mixed)}")  # fmt: skip
        if not behind.empty:
            parts.append(f"falls short of {baseline} in at least {ROBUST:.0%} of them on "
                         f"{listed(behind)}")  # fmt: skip
        text = f"Robustness: across {worlds} sampled plausible worlds, {policy} {'; '.join(parts)}"
        out.append(text + " (share of worlds in which it is better).")
    return " ".join(out) or None


# --- from a results folder --------------------------------------------------------------------
def scale_of(results, structure: pd.DataFrame | None = None) -> Scale:
    """The organisation's size (positions) and the baseline's managers at the horizon
    (from ``structure``, default: the folder's structure table)."""
    org = results.manifest.get("scenario", {}).get("organisation", {}) or {}
    chart = org.get("chart")
    size = sum(e.get("positions", 0) for e in chart) if chart else org.get("size")
    return Scale(float(size) if size else None, managers_at_horizon(results, structure))


def managers_at_horizon(results, structure: pd.DataFrame | None = None) -> float | None:
    """The baseline's mean number of managers in the last recorded month; None if unknown."""
    from orgsim.results import ResultsError

    try:
        st = results.table("structure") if structure is None else structure
    except ResultsError:  # a headcount is a nicety; the verdict stands without it
        return None
    if not {"policy", "role", "month", "headcount"} <= set(st.columns):
        return None
    st = st[(st["policy"] == results.baseline) & (st["role"] == "manager")]
    if st.empty:
        return None
    last = st[st["month"] == st["month"].max()]
    keys = [c for c in ("point", "replication") if c in last.columns]
    per_run = last.groupby(keys)["headcount"].sum() if keys else last["headcount"]
    return float(per_run.mean())


_READ = object()  # from_results: read the table from the folder


def from_results(
    results,
    comparison: pd.DataFrame | None = None,
    structure: pd.DataFrame | None = None,
    sensitivity=_READ,
) -> Verdict:
    """The verdict of a results folder: the key measures (and any money measures) pooled over
    sweep points, its scale, and its robustness if a sensitivity analysis was run.

    ``comparison`` (``results.compare`` over the pooled summary), ``structure`` and
    ``sensitivity`` (``results.sensitivity()``) are read from the folder unless given."""
    from orgsim.results import compare

    if comparison is None:
        summary = results.table("summary")
        names = [*results.key_measures, *MONEY_MEASURES]
        summary = summary[summary["measure"].isin(names)]
        comparison = compare(summary, results.baseline, results.policies)
    money_rows, currency, money_note = money_comparison(results)
    if not set(MONEY_MEASURES) & set(comparison["measure"]) and money_rows is not None:
        comparison = pd.concat([comparison, money_rows], ignore_index=True)
    sens = results.sensitivity() if sensitivity is _READ else sensitivity
    measures = dict(results.measures)
    section = results.manifest.get("scenario", {}).get("money") or {}
    currency = currency or section.get("currency")
    for name in MONEY_MEASURES:
        if name not in measures:
            measures[name] = _money_measure(name, currency)
    said = build(
        comparison,
        measures,
        results.key_measures,
        results.baseline,
        results.policies,
        scale_of(results, structure),
        None if sens is None else sens.robustness,
    )
    notes = tuple(n for n in (money_note, pooled_note(results)) if n)
    return replace(said, notes=(*notes, *said.notes)) if notes else said


def pooled_note(results) -> str | None:
    """For a sweep (not a sensitivity analysis): that the verdict pools its points."""
    from orgsim.results import swept_parameters

    points = results.manifest.get("scenario", {}).get("sweep")
    if not points or (results.folder / "sensitivity.parquet").is_file():
        return None
    summary = results.table("summary")
    params = swept_parameters(summary)
    if not params:
        return None
    n = summary["point"].nunique() if "point" in summary.columns else "its"
    return (
        f"This experiment sweeps {', '.join(params)}: the verdict pools its {n} points; "
        "the tables by point show where the differences lie."
    )


MONEY_SUMMARY, MONEY_SETTINGS = "money_summary", "money.json"  # written by orgsim value


def money_comparison(results) -> tuple[pd.DataFrame | None, str | None, str | None]:
    """``compare`` over the net value and NPV of a folder's business case (``orgsim value``
    writes money_summary.parquet and money.json), its currency, and a note if it cannot be
    read (the verdict then stands on the people measures and says why); all None without
    one."""
    import json

    from orgsim.results import ResultsError, compare

    path = results.folder / f"{MONEY_SUMMARY}.parquet"
    if not path.is_file():
        return None, None, None
    try:
        summary = results.table(MONEY_SUMMARY)
        summary = summary[summary["measure"].isin(MONEY_MEASURES)]
        rows = compare(summary, results.baseline, results.policies) if len(summary) else None
    except (ResultsError, KeyError, ValueError) as err:
        problem = str(err) if isinstance(err, ResultsError) else f"{path}: {err!r}"
        note = (
            f"The business case was left out: {problem}. Re-value with "
            f"orgsim value {results.folder}."
        )
        return None, None, note
    currency = None
    try:
        settings = json.loads((results.folder / MONEY_SETTINGS).read_text(encoding="utf-8"))
        currency = settings["money"]["currency"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return rows, currency if isinstance(currency, str) else None, None


# --- helpers -------------------------------------------------------------------------------
class _Row:
    """A comparison row (a Series) read by attribute, like an itertuples row."""

    def __init__(self, row: pd.Series) -> None:
        self.__dict__.update({k: row[k] for k in row.index})
        self.measure = row.name


def _money_measure(name: str, currency: str | None = None) -> Measure:
    """Metadata for a money measure the results do not describe."""
    label = "Net value against the baseline" if name == NET_VALUE else "Net present value"
    unit = f"{currency or ''}{' a year' if name == NET_VALUE else ''}".strip()
    return Measure(name, label, unit, "higher")


def _symbol_only(unit: str) -> str:
    """The currency code of a money unit if it has a symbol ('GBP a year' -> 'GBP'), else ''."""
    code = unit.partition(" ")[0]
    return code if code in SYMBOLS else ""


def _is_money(m: Measure) -> bool:
    return m.name in MONEY_MEASURES


def _in_order(block: pd.DataFrame, keys: list[str]):
    """The rows of ``block`` in the order of ``keys``."""
    block = block.assign(_order=block["measure"].map(lambda k: _position(keys, k)))
    return block.sort_values("_order", kind="stable").itertuples()


def _position(keys: list[str], name: str) -> int:
    return keys.index(name) if name in keys else len(keys)


def _join(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
