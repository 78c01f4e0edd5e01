"""Calibration table: each published figure beside the default model's value, with a 95% CI.

The default model (1,000 people, default parameters) runs under the single ladder, the default
policy and the calibration reference, and under the genuine dual track for comparison. Replication
r of both policies uses the experiment runner's seed for r (common random numbers).
``python -m orgsim.calibration`` prints the table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.experiment import replication_seed
from orgsim.hierarchy import IC, MANAGER
from orgsim.measures import Measure
from orgsim.model import OrgModel
from orgsim.results import mean_ci
from orgsim.rules.acceptance import specialist_worth, utility_of_managing

REFERENCE_POLICY = "single-ladder"
COMPARISON_POLICY = "genuine-dual-track"


def _share(model: OrgModel, mask_of: Callable[[OrgModel], np.ndarray]) -> float:
    active = model.people.active
    return float(mask_of(model)[active].mean()) if active.any() else float("nan")


def _engaged_share_of(model: OrgModel, role: int) -> float:
    p = model.people
    rows = p.role == role
    engaged = p.engagement[rows] >= model.params.engagement.engaged_threshold
    return float(engaged.mean()) if rows.any() else float("nan")


def vacancy_rate(model: OrgModel) -> float:
    """Share of the chart's positions vacant now."""
    return float((model.holder < 0).mean())


def manager_variance_share(model: OrgModel, min_team: int = 3) -> float:
    """Share of the variance of team engagement (the mean over a manager's direct reports,
    teams of at least ``min_team``) that their manager's quality explains (R squared)."""
    p, boss = model.people, model.boss
    led = p.active & (boss >= 0)
    size = np.bincount(boss[led], minlength=len(p))
    total = np.bincount(boss[led], weights=p.engagement[led], minlength=len(p))
    teams = np.flatnonzero(size >= min_team)
    teams = teams[np.isfinite(p.manager_quality[teams])]  # a manager new this step: not yet
    if teams.size < 3:
        return float("nan")
    mean = total[teams] / size[teams]
    return float(np.corrcoef(mean, p.manager_quality[teams])[0, 1] ** 2)


#: Reliability of one survey item: the average minimum estimate of Wanous & Hudy (2001), the
#: middle of the .45-.69 of Wanous, Reichers & Hudy (1997). It sets the response noise below.
SURVEY_ITEM_RELIABILITY = 0.57


def survey_preference(model: OrgModel) -> np.ndarray:
    """Each row's answer to "given a choice, would you rather manage people?" (> 0: yes).

    The acceptance rule's utility of managing over the alternative (U_manage - U_alt of 7.15)
    as a respondent states it: no sanction for declining (the choice is hypothetical), no
    misjudgement of the moment (acceptance noise), a sure specialist post where the ladder
    reaches (P = 1: the question offers the choice), and the response noise of a single item of
    reliability SURVEY_ITEM_RELIABILITY over the employed. The ladder reaches a manager's own
    grade, or the grade above a practitioner's, up to policy.specialist_top_grade.
    """
    p, prm, pol = model.people, model.params.promotion, model.params.policy
    u = utility_of_managing(prm, p.status_drive, p.motivation)
    if pol.specialist_top_grade is not None:
        reaches = p.grade + (p.role != MANAGER) <= pol.specialist_top_grade
        u = u - np.where(reaches, specialist_worth(prm, pol, p.status_drive), 0.0)
    rho = SURVEY_ITEM_RELIABILITY
    sd = np.sqrt(np.var(u[p.active]) * (1 - rho) / rho) if p.active.any() else 0.0
    return u + sd * model.monthly_stream("survey").standard_normal(len(u))


def _survey_share(model: OrgModel, managers: bool, prefer: bool) -> float:
    """Share of managers (or of everyone else employed) whose survey answer prefers managing
    (``prefer``) or not."""
    p = model.people
    rows = p.active & ((p.role == MANAGER) == managers)
    if not rows.any():
        return float("nan")
    answers = model.once_per_step("survey answers", lambda: survey_preference(model))
    answer = answers[rows] > 0
    return float((answer == prefer).mean())


#: Measures the calibration needs beyond the built-in ones (summarised as final-year means).
EXTRA_MEASURES: list[Measure] = [
    Measure(
        "high_talent_share",
        "Employed with leadership aptitude percentile >= 0.9",
        "share",
        compute=lambda m: _share(m, lambda m: m.people.aptitude >= 0.9),
    ),
    Measure(
        "wanting_to_lead_share",
        "Employed with leadership motivation > 0.5",
        "share",
        compute=lambda m: _share(m, lambda m: m.people.motivation > 0.5),
    ),
    Measure(
        "engaged_share_manager",
        "Managers counted as engaged",
        "share",
        compute=lambda m: _engaged_share_of(m, MANAGER),
    ),
    Measure(
        "engaged_share_ic",
        "Individual contributors counted as engaged",
        "share",
        compute=lambda m: _engaged_share_of(m, IC),
    ),
    Measure(
        "rather_not_manage_share",
        "Managers who, given a choice, would rather not manage (survey answer)",
        "share",
        compute=lambda m: _survey_share(m, managers=True, prefer=False),
    ),
    Measure(
        "would_like_to_manage_share",
        "Non-managers who would like to manage, now or later (survey answer)",
        "share",
        compute=lambda m: _survey_share(m, managers=False, prefer=True),
    ),
    Measure("vacancy_rate", "Positions vacant", "share", compute=vacancy_rate),
    Measure(
        "manager_variance_share",
        "Team-engagement variance explained by the manager",
        "share",
        compute=manager_variance_share,
        nan_ok=True,
    ),
]


def median_span(model: OrgModel) -> float:
    """Median number of direct-report positions of the manager positions in the chart."""
    h = model.hierarchy
    has = h.manager >= 0
    reports = np.bincount(h.manager[has], minlength=h.size)
    return float(np.median(reports[h.role == MANAGER]))


@dataclass(frozen=True)
class Target:
    """A published figure, the range the model should hit, and how the model measures it."""

    name: str
    figure: str
    published: str
    low: float
    high: float
    source: str
    model_quantity: str
    comparability: str
    unit: str
    value: Callable[[OrgModel, pd.Series], float]


TARGETS: list[Target] = [
    Target(
        "Annual voluntary turnover (UK)",
        "8.6-15.5%",
        "median 8.6% (2009) to 15.5% (later years)",
        0.086,
        0.155,
        "XpertHR surveys (secondary)",
        "voluntary_turnover: voluntary exits per year / people employed, final-year mean",
        "same quantity (voluntary resignations; retirements excluded)",
        "share per year",
        lambda m, s: s["voluntary_turnover"],
    ),
    Target(
        "High talent to manage",
        "~10%",
        "about 1 in 10 (range used: 8-12%)",
        0.08,
        0.12,
        "Gallup, State of the American Manager (2015); Beck & Harter, HBR 2014 (secondary)",
        "share of employed with leadership aptitude percentile >= 0.9, final-year mean",
        "close to: Gallup's talent assessment vs the model's aptitude percentile",
        "share",
        lambda m, s: s["high_talent_share"],
    ),
    Target(
        "Share wanting to manage",
        "34% (15-47%)",
        "34% (CareerBuilder 2014); surveys 15-47%",
        0.15,
        0.47,
        "CareerBuilder 2014; Randstad; Ipsos Karian & Box 2026 (secondary)",
        "share of employed with leadership motivation > 0.5, final-year mean",
        "close to: survey aspiration to lead vs latent motivation above its midpoint",
        "share",
        lambda m, s: s["wanting_to_lead_share"],
    ),
    Target(
        "Median span of control",
        "5-6",
        "median 5-6 direct reports (mean 12.1 in 2025)",
        5.0,
        6.0,
        "Gallup 2025 (secondary)",
        "median number of direct-report positions of manager positions in the chart",
        "same quantity (positions; the chart is fixed, so no variation between replications)",
        "people",
        lambda m, s: median_span(m),
    ),
    Target(
        "UK employees engaged",
        "9-11%",
        "10% (2023-2025); 9-11% across recent years",
        0.09,
        0.11,
        "Gallup, State of the Global Workplace (secondary)",
        "engaged_share: share with engagement >= engagement.engaged_threshold, final-year mean",
        "calibrated: the threshold maps the 0..1 scale onto Gallup's 'engaged' category",
        "share",
        lambda m, s: s["engaged_share"],
    ),
    Target(
        "Managers more engaged than ICs",
        "managers > ICs",
        "managers 27% vs ICs 18% engaged (global 2025); UK managers 16% vs all 10%",
        0.0,
        float("inf"),
        "Gallup, State of the Global Workplace 2025 (secondary)",
        "engaged share of managers minus engaged share of individual contributors",
        "direction only: the model's difference should be positive (+9 points globally)",
        "difference in share",
        lambda m, s: s["engaged_share_manager"] - s["engaged_share_ic"],
    ),
    Target(
        "Vacancy rate",
        "2-5%",
        "about 2.7 vacancies per 100 employee jobs (2019); 4.3 at the 2022 peak",
        0.02,
        0.05,
        "ONS, Vacancies and jobs in the UK (secondary)",
        "vacancy_rate: vacant positions / positions, final-year mean of the monthly values",
        "close to: vacancies being recruited for vs posts empty in a fixed chart",
        "share",
        lambda m, s: s["vacancy_rate"],
    ),
    Target(
        "Team engagement explained by the manager",
        "~70%",
        "managers account for at least 70% of the variance in team engagement (range used: 60-75%)",
        0.60,
        0.75,
        "Gallup, State of the American Manager (2015) (secondary)",
        "manager_variance_share: R squared of team mean engagement (teams of 3+) on the "
        "manager's quality, final-year mean",
        "close to: Gallup's variance decomposition across business units vs an R squared "
        "across the model's teams",
        "share",
        lambda m, s: s["manager_variance_share"],
    ),
    Target(
        "Non-managers who would like to manage",
        "nearly 2 in 3",
        "nearly 2 in 3 employees would like to become a people manager, now or in the future "
        "(range used: 60-70%)",
        0.60,
        0.70,
        "Gartner 2023, n > 9,000 (Cassell et al., HBR 2023) (secondary)",
        "would_like_to_manage_share: non-managers whose survey answer (survey_preference) "
        "prefers managing, final-year mean",
        "read through a measurement model: the acceptance utility, status counted, with the "
        "response noise of one survey item",
        "share",
        lambda m, s: s["would_like_to_manage_share"],
    ),
    Target(
        "Managers who would rather not manage",
        "1 in 5 to 1 in 4",
        "given a choice, 1 in 5 would rather not have the position (2023); 1 in 4 (2025) "
        "(range used: 20-30%)",
        0.20,
        0.30,
        "Gartner 2023, n > 9,000 (Cassell et al., HBR 2023); Gartner 2025 (secondary)",
        "rather_not_manage_share: managers whose survey answer (survey_preference) prefers "
        "not managing, final-year mean",
        "read through a measurement model, as above; latent reluctance (reluctant_manager_share, "
        "motivation < 0.5) is about twice as high under the single ladder, since status makes "
        "many accept",
        "share",
        lambda m, s: s["rather_not_manage_share"],
    ),
]


def target_values(policy: str, replications: int, years: float, seed: int) -> pd.DataFrame:
    """Each target's model value per replication (rows) under one policy."""
    rows = []
    for r in range(replications):
        model = OrgModel(policy=policy, rng=replication_seed(seed, r), measures=EXTRA_MEASURES).run(
            years
        )
        summary = model.summary()
        rows.append({t.name: float(t.value(model, summary)) for t in TARGETS})
    return pd.DataFrame(rows)


def calibration_table(replications: int = 10, years: int = 20, seed: int = 0) -> pd.DataFrame:
    """One row per published target: the figure, its source, and the model's mean and 95% CI."""
    runs = {
        "model": target_values(REFERENCE_POLICY, replications, years, seed),
        "dual_track": target_values(COMPARISON_POLICY, replications, years, seed),
    }
    rows = []
    for t in TARGETS:
        row = {
            "target": t.name,
            "figure": t.figure,
            "published": t.published,
            "range_low": t.low,
            "range_high": t.high,
            "unit": t.unit,
            "source": t.source,
            "model_quantity": t.model_quantity,
            "comparability": t.comparability,
        }
        for prefix, values in runs.items():
            mean, lo, hi = mean_ci(values[t.name].to_numpy())
            row[f"{prefix}_mean"] = mean
            row[f"{prefix}_ci_low"] = lo
            row[f"{prefix}_ci_high"] = hi
            within = bool(t.low <= mean <= t.high)
            row["within_range" if prefix == "model" else f"{prefix}_within_range"] = within
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs |= {
        "policy": REFERENCE_POLICY,
        "comparison_policy": COMPARISON_POLICY,
        "replications": replications,
        "years": years,
        "seed": seed,
    }
    return table


def _fmt(value: float, unit: str) -> str:
    """A value for display: shares as percentages, differences in points, others plain."""
    if np.isnan(value):
        return "n/a"
    if unit.startswith("share"):
        return f"{100 * value:.1f}%"
    if unit == "difference in share":
        return f"{100 * value:+.1f} pts"
    return f"{value:.2f}"


def _with_ci(row: pd.Series, prefix: str) -> str:
    unit = row["unit"]
    mean, lo, hi = (row[f"{prefix}_{k}"] for k in ("mean", "ci_low", "ci_high"))
    return f"{_fmt(mean, unit)} [{_fmt(lo, unit)}, {_fmt(hi, unit)}]"


def _flag(within: bool) -> str:
    return "[green]yes[/green]" if within else "[red]no[/red]"


def print_calibration(replications: int = 10, years: int = 20, seed: int = 0) -> None:
    """Run the calibration and print it as a rich table, with sources and notes below."""
    from rich.console import Console
    from rich.table import Table

    table = calibration_table(replications, years, seed)
    out = Table(
        title=f"orgsim calibration: {replications} replications x {years} years, mean [95% CI]",
        caption="In range: the mean lies in the published range. Sources and comparability "
        "notes are listed below.",
    )
    out.add_column("Target")
    out.add_column("Published")
    out.add_column(REFERENCE_POLICY)
    out.add_column("in", justify="center")
    out.add_column(COMPARISON_POLICY)
    out.add_column("in", justify="center")
    for _, row in table.iterrows():
        out.add_row(
            row["target"],
            row["figure"],
            _with_ci(row, "model"),
            _flag(row["within_range"]),
            _with_ci(row, "dual_track"),
            _flag(row["dual_track_within_range"]),
        )
    console = Console()
    console.print(out)
    for i, row in table.iterrows():
        note = row["comparability"]
        console.print(
            f"{i + 1}. [bold]{row['target']}[/bold]: {row['published']}. {row['source']}. "
            f"Model: {row['model_quantity']}. {note[:1].upper()}{note[1:]}."
        )


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m orgsim.calibration [--replications N --years Y --seed S]``."""
    parser = argparse.ArgumentParser(prog="python -m orgsim.calibration", description=__doc__)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print_calibration(args.replications, args.years, args.seed)


if __name__ == "__main__":
    main()
