"""Summary statistics of the HR data and of a simulation, defined once for both.

Both sides are first reduced to the same cells (counts of people, leavers and promotions, and
survey means, by grade and role); one function turns cells into statistics, so the data and
the model are measured the same way. Rates are per person employed now (the data's headcount,
the model's at the end of the simulated year); survey statistics weight each grade and role by
the data's respondents. A simulation runs the organisation for a burn-in, then one observed
year, as the data cover the last 12 months.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from orgsim.hierarchy import ROLE_NAMES

if TYPE_CHECKING:
    import pandas as pd

    from orgsim.fit.organisation import FittedOrganisation
    from orgsim.fit.workbook import HRData
    from orgsim.model import OrgModel
    from orgsim.parameters import ModelParams

Cell = tuple[int, str]


@dataclass(frozen=True)
class Statistic:
    """One summary statistic: its key, label, unit, group and whether the fit uses it (the
    others are shown in the report only: no fitted parameter moves them)."""

    name: str
    label: str
    unit: str
    group: str
    fitted: bool = True


@dataclass
class Cells:
    """Counts and survey values by cell: what a data set or a simulation is reduced to."""

    headcount: dict[Cell, int] = field(default_factory=dict)
    leavers: dict[tuple[int, str, str], int] = field(default_factory=dict)
    promotions: dict[tuple[int, str, int, str], int] = field(default_factory=dict)
    engagement_mean: dict[Cell, float] = field(default_factory=dict)  # on 0..1
    engaged_share: dict[Cell, float] = field(default_factory=dict)
    wanting: dict[Cell, float] = field(default_factory=dict)


@dataclass(frozen=True)
class StatisticsSpec:
    """Which statistics an HR workbook supports, and the survey weights (respondents)."""

    grades: tuple[int, ...]
    roles: tuple[str, ...]
    survey: tuple[tuple[Cell, int], ...]
    has_mean: bool
    has_share: bool
    aspiration: tuple[tuple[Cell, int], ...] = ()

    def statistics(self) -> list[Statistic]:
        """Every statistic, in report order."""
        out = [
            Statistic("voluntary_rate", "Voluntary leavers per person", "share per year", "leavers")
        ]
        out += [
            Statistic(
                f"voluntary_rate[grade={g}]",
                f"Voluntary leavers, grade {g}",
                "share per year",
                "leavers",
            )
            for g in self.grades
        ]
        out += [
            Statistic(
                f"voluntary_rate[role={r}]", f"Voluntary leavers, {r}s", "share per year", "leavers"
            )
            for r in self.roles
        ]
        out += [
            Statistic(
                "retirement_rate",
                "Retirements per person",
                "share per year",
                "leavers",
                fitted=False,
            ),
            Statistic(
                "other_leaver_rate",
                "Other leavers per person",
                "share per year",
                "leavers",
                fitted=False,
            ),
            Statistic("promotion_rate", "Promotions per person", "share per year", "promotions"),
        ]
        out += [
            Statistic(
                f"promotion_rate[from_grade={g}]",
                f"Promotions out of grade {g}",
                "share per year",
                "promotions",
            )
            for g in self.grades[:-1]
        ]
        out += [
            Statistic(
                f"promotion_rate[to_role={r}]",
                f"New {r}s (from another role) per {r}",
                "share per year",
                "promotions",
            )
            for r in ("specialist", "manager")
            if r in self.roles
        ]
        for key, label, unit, wanted in (
            ("engagement_mean", "Mean engagement", "0..1 (survey scale mapped)", self.has_mean),
            ("engaged_share", "Share engaged", "share", self.has_share),
        ):
            if not wanted:
                continue
            out.append(Statistic(key, label, unit, "engagement"))
            grades = sorted({g for (g, _), _ in self.survey})
            roles = [r for r in ROLE_NAMES if any(rr == r for (_, rr), _ in self.survey)]
            out += [
                Statistic(f"{key}[grade={g}]", f"{label}, grade {g}", unit, "engagement")
                for g in grades
            ]
            out += [
                Statistic(f"{key}[role={r}]", f"{label}, {r}s", unit, "engagement") for r in roles
            ]
        if self.aspiration:
            out.append(
                Statistic("wanting_to_manage", "Would like to manage people", "share", "aspiration")
            )
            roles = [r for r in ROLE_NAMES if any(rr == r for (_, rr), _ in self.aspiration)]
            out += [
                Statistic(
                    f"wanting_to_manage[role={r}]",
                    f"Would like to manage, {r}s",
                    "share",
                    "aspiration",
                )
                for r in roles
            ]
        return out

    def compute(self, cells: Cells) -> dict[str, float]:
        """Every statistic of these cells (never NaN: an empty group counts as 0)."""
        hc = cells.headcount
        out: dict[str, float] = {}

        def rate(count: float, people: float) -> float:
            return float(count) / people if people > 0 else 0.0

        def people(keep) -> int:
            return sum(n for c, n in hc.items() if keep(c))

        def left(reason: str, keep=lambda g, r: True) -> int:
            return sum(
                n for (g, r, why), n in cells.leavers.items() if why == reason and keep(g, r)
            )

        total = people(lambda c: True)
        out["voluntary_rate"] = rate(left("voluntary"), total)
        for g in self.grades:
            out[f"voluntary_rate[grade={g}]"] = rate(
                left("voluntary", lambda gg, r, g=g: gg == g), people(lambda c, g=g: c[0] == g)
            )
        for r in self.roles:
            out[f"voluntary_rate[role={r}]"] = rate(
                left("voluntary", lambda g, rr, r=r: rr == r), people(lambda c, r=r: c[1] == r)
            )
        out["retirement_rate"] = rate(left("retirement"), total)
        out["other_leaver_rate"] = rate(left("other"), total)
        moves = cells.promotions
        out["promotion_rate"] = rate(sum(moves.values()), total)
        for g in self.grades[:-1]:
            out[f"promotion_rate[from_grade={g}]"] = rate(
                sum(n for (fg, *_), n in moves.items() if fg == g), people(lambda c, g=g: c[0] == g)
            )
        for r in ("specialist", "manager"):
            if r in self.roles:
                new = sum(n for (_, fr, _, tr), n in moves.items() if tr == r and fr != r)
                out[f"promotion_rate[to_role={r}]"] = rate(new, people(lambda c, r=r: c[1] == r))
        survey = dict(self.survey)
        for key, values, wanted in (
            ("engagement_mean", cells.engagement_mean, self.has_mean),
            ("engaged_share", cells.engaged_share, self.has_share),
        ):
            if wanted:
                out |= _weighted(key, values, survey)
        if self.aspiration:
            weights = dict(self.aspiration)
            out |= {
                k: v
                for k, v in _weighted("wanting_to_manage", cells.wanting, weights).items()
                if "[grade=" not in k
            }
        return out


def _weighted(key: str, values: Mapping[Cell, float], weights: Mapping[Cell, int]) -> dict:
    """Respondent-weighted means of cell values: overall, by grade and by role. Cells without
    a value (nobody there in a simulation) are left out of the weights."""

    def mean(keep) -> float:
        pairs = [(weights[c], values[c]) for c in weights if keep(c) and c in values]
        pairs = [(w, v) for w, v in pairs if np.isfinite(v)]
        total = sum(w for w, _ in pairs)
        return sum(w * v for w, v in pairs) / total if total else 0.0

    out = {key: mean(lambda c: True)}
    for g in sorted({g for g, _ in weights}):
        out[f"{key}[grade={g}]"] = mean(lambda c, g=g: c[0] == g)
    for r in ROLE_NAMES:
        if any(rr == r for _, rr in weights):
            out[f"{key}[role={r}]"] = mean(lambda c, r=r: c[1] == r)
    return out


# --- the data's side --------------------------------------------------------------------------
def spec_from(data: HRData) -> StatisticsSpec:
    """The statistics an HR workbook supports."""
    hc = data.headcount[data.headcount["headcount"] > 0]
    roles = tuple(r for r in ROLE_NAMES if (hc["role"] == r).any())
    eng = data.engagement
    survey = tuple(
        ((int(g), str(r)), int(n))
        for g, r, n in eng[["grade", "role", "respondents"]].itertuples(index=False)
    )
    aspiration: tuple = ()
    if data.aspiration is not None:
        asp = data.aspiration[["grade", "role", "respondents"]]
        aspiration = tuple(((int(g), str(r)), int(n)) for g, r, n in asp.itertuples(index=False))
    return StatisticsSpec(
        grades=tuple(data.grades),
        roles=roles,
        survey=survey,
        has_mean="mean_score" in eng.columns,
        has_share="share_engaged" in eng.columns,
        aspiration=aspiration,
    )


def observed_cells(data: HRData) -> Cells:
    """The HR data reduced to cells (survey means mapped onto the model's 0..1 scale)."""
    cells = Cells()
    for g, r, n in data.headcount[["grade", "role", "headcount"]].itertuples(index=False):
        cells.headcount[(int(g), r)] = cells.headcount.get((int(g), r), 0) + int(n)
    for g, r, why, n in data.leavers[["grade", "role", "reason", "leavers"]].itertuples(
        index=False
    ):
        key = (int(g), r, why)
        cells.leavers[key] = cells.leavers.get(key, 0) + int(n)
    cols = ["from_grade", "from_role", "to_grade", "to_role", "promotions"]
    for fg, fr, tg, tr, n in data.promotions[cols].itertuples(index=False):
        key = (int(fg), fr, int(tg), tr)
        cells.promotions[key] = cells.promotions.get(key, 0) + int(n)
    eng = data.engagement
    if "mean_score" in eng.columns:
        lo, hi = data.scale
        for g, r, score in eng[["grade", "role", "mean_score"]].itertuples(index=False):
            cells.engagement_mean[(int(g), r)] = (float(score) - lo) / (hi - lo)
    if "share_engaged" in eng.columns:
        for g, r, share in eng[["grade", "role", "share_engaged"]].itertuples(index=False):
            cells.engaged_share[(int(g), r)] = float(share)
    if data.aspiration is not None:
        for g, r, share in data.aspiration[["grade", "role", "share_yes"]].itertuples(index=False):
            cells.wanting[(int(g), r)] = float(share)
    return cells


def observed(data: HRData) -> dict[str, float]:
    """The statistics of the HR data."""
    return spec_from(data).compute(observed_cells(data))


# --- the model's side -------------------------------------------------------------------------
EXIT_REASONS = {"voluntary": "voluntary", "retirement": "retirement"}


def simulated_cells(model: OrgModel, events: pd.DataFrame, spec: StatisticsSpec) -> Cells:
    """A simulated organisation reduced to cells: headcount and survey values now, leavers
    and promotions from ``events`` (those of the observed year)."""
    p = model.people
    active = p.active
    cells = Cells()
    grade, role = p.grade[active].astype(int), p.role[active].astype(int)
    for (g, r), n in _cell_counts(grade, role):
        cells.headcount[(g, ROLE_NAMES[r])] = n
    exits = events[events["exit"]]
    by_cell = exits.groupby(["from_grade", "from_role", "event"], observed=True).size()
    for (g, r, kind), n in by_cell.items():
        if n:
            key = (int(g), str(r), EXIT_REASONS.get(str(kind), "other"))
            cells.leavers[key] = cells.leavers.get(key, 0) + int(n)
    moves = events[events["event"] == "promotion"]
    cols = ["from_grade", "from_role", "to_grade", "to_role"]
    for (fg, fr, tg, tr), n in moves.groupby(cols, observed=True).size().items():
        if n:
            cells.promotions[(int(fg), str(fr), int(tg), str(tr))] = int(n)
    threshold = model.params.engagement.engaged_threshold
    wanted = {c for c, _ in spec.survey} | {c for c, _ in spec.aspiration}
    codes = {name: i for i, name in enumerate(ROLE_NAMES)}
    for g, r in wanted:
        rows = active & (p.grade == g) & (p.role == codes[r])
        if not rows.any():
            continue
        e = p.engagement[rows]
        cells.engagement_mean[(g, r)] = float(e.mean())
        cells.engaged_share[(g, r)] = float((e >= threshold).mean())
        cells.wanting[(g, r)] = float((p.stated_preference[rows] > 0.5).mean())
    return cells


def _cell_counts(grade: np.ndarray, role: np.ndarray) -> list[tuple[tuple[int, int], int]]:
    keys, counts = np.unique(grade * 10 + role, return_counts=True)
    return [((int(k) // 10, int(k) % 10), int(n)) for k, n in zip(keys, counts, strict=True)]


def observed_year(
    params: ModelParams, seed: int, burn_in_years: float, rules: dict[str, Any] | None = None
) -> OrgModel:
    """The organisation after a burn-in and one more year, whose events only are kept (the
    data's last 12 months). Events never change a run, so keeping none during the burn-in
    only saves time."""
    from orgsim.model import OrgModel

    model = OrgModel(
        params, policy=None, rng=seed, builtin_measures="none", events="none", rules=rules
    )
    model.run(burn_in_years)
    model.events.keep = "all"  # from now on (nothing is pending: the last step was recorded)
    model.run(1)
    return model


@dataclass(frozen=True)
class Simulator:
    """Simulates the fitted organisation with given parameter values and returns its
    statistics. Picklable, so worker processes (or Dask workers) can run it."""

    organisation: FittedOrganisation
    spec: StatisticsSpec

    def run(self, values: Mapping[str, float], seed: int) -> dict[str, float]:
        """The statistics of one simulation: a burn-in, then the observed year."""
        params = self.organisation.model_params(dict(values))
        model = observed_year(params, seed, self.organisation.burn_in_years)
        return self.spec.compute(simulated_cells(model, model.events_frame, self.spec))

    def __call__(self, parameters: Mapping[str, Any]) -> dict[str, float]:
        """pyabc's model interface: the seed comes from numpy's global stream, which the
        sampler seeds for every candidate (so a candidate's result never depends on where
        it ran)."""
        seed = int(np.random.randint(0, 2**31 - 1))
        return self.run({k: float(v) for k, v in parameters.items()}, seed)
