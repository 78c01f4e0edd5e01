"""The dashboard's reads of results folders, through orgsim.results, cached per folder version.

A folder's tables are cached under its manifest's modification time, so a rerun into the same
folder is picked up and nothing is read twice. Every name passes through ``resolve_experiment``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard import ids
from dashboard.paths import resolve_experiment
from orgsim import figures, money
from orgsim.figures_fit import FIT_COLUMNS
from orgsim.figures_sweep import point_count
from orgsim.fit.posterior import FIT_TABLE
from orgsim.overview import Card, overview_cards
from orgsim.parameters import Money
from orgsim.results import (
    MANIFEST,
    Results,
    ResultsError,
    SensitivityTables,
    compare,
    compare_points,
    load,
    read_parquet,
    swept_parameters,
    timeseries_bands,
)


def _version(folder: Path) -> int:
    return (folder / MANIFEST).stat().st_mtime_ns


def _manifest_problem(r: Results) -> str | None:
    """What is wrong with the parts of a manifest the dashboard reads (None: nothing)."""
    scenario = r.manifest.get("scenario")
    if not isinstance(scenario, dict):
        return "'scenario' is not a mapping"
    policies = scenario.get("policies")
    if not isinstance(policies, list) or not policies:
        return "'scenario.policies' is not a list of policies"
    names = [p.get("name") if isinstance(p, dict) else None for p in policies]
    if not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
        return "'scenario.policies' lacks a name or repeats one"
    if scenario.get("baseline") not in names:
        return f"the baseline {scenario.get('baseline')!r:.80} is not among the policies"
    run = scenario.get("run")
    if not isinstance(run, dict):
        return "'scenario.run' is not a mapping"
    for key, kinds in (("replications", int), ("years", int | float)):
        value = run.get(key)
        if isinstance(value, bool) or not isinstance(value, kinds) or not value > 0:
            return f"'scenario.run.{key}' is {value!r:.80}, not a positive number"
    for key, kind in (("name", str), ("description", str | None)):
        if not isinstance(scenario.get(key), kind):
            return f"'scenario.{key}' is not text"
    measures = r.manifest.get("measures", {})
    if not isinstance(measures, dict) or not all(isinstance(v, dict) for v in measures.values()):
        return "'measures' is not a mapping of measures"
    for key in ("summaries", "recorded"):
        value = r.manifest.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"'{key}' is not a list of names"
    try:
        r.measures  # noqa: B018 (builds each measure's metadata)
    except (TypeError, ValueError) as err:
        return f"'measures' is malformed ({err})"
    return None


@lru_cache(maxsize=16)
def _results(folder: Path, version: int) -> Results:
    try:
        r = load(folder)
        problem = "not a mapping" if not isinstance(r.manifest, dict) else _manifest_problem(r)
    except (TypeError, KeyError, AttributeError, IndexError) as err:
        problem = f"{type(err).__name__}: {err}"
    if problem is not None:
        raise ResultsError(f"{folder / MANIFEST}: damaged manifest: {problem}")
    return r


@lru_cache(maxsize=32)
def _table(folder: Path, version: int, name: str) -> pd.DataFrame:
    return _results(folder, version).table(name)


@lru_cache(maxsize=16)
def _comparison(folder: Path, version: int) -> pd.DataFrame:
    r = _results(folder, version)
    return compare(_table(folder, version, "summary"), r.baseline, r.policies)


@lru_cache(maxsize=64)
def _bands(folder: Path, version: int, measure: str) -> pd.DataFrame:
    return timeseries_bands(_table(folder, version, "timeseries"), measure)


@lru_cache(maxsize=64)
def _sweep_points(folder: Path, version: int, measure: str) -> pd.DataFrame:
    r = _results(folder, version)
    outcomes = _outcomes(folder, version)
    return compare_points(outcomes[outcomes["measure"] == measure], r.baseline, r.policies)


@lru_cache(maxsize=8)
def _outcomes(folder: Path, version: int) -> pd.DataFrame:
    """results.outcomes(): the summary with the money measures (shared: do not modify)."""
    return _results(folder, version).outcomes()


def _fit_version(folder: Path) -> int:
    """fit.parquet's version (0: none), so a fit table copied in later is read afresh."""
    path = folder / FIT_TABLE
    return path.stat().st_mtime_ns if path.is_file() else 0


@lru_cache(maxsize=16)
def _fit(folder: Path, version: int, fit_version: int) -> pd.DataFrame | None:
    """fit.parquet (shared: do not modify), else None; ResultsError naming it if corrupt."""
    if not fit_version:
        return None
    path = folder / FIT_TABLE
    table = read_parquet(path, FIT_COLUMNS)
    numbers = ("observed", "simulated_median", "simulated_low", "simulated_high")
    wrong = [c for c in numbers if not pd.api.types.is_numeric_dtype(table[c])]
    if wrong:
        raise ResultsError(f"{path}: corrupt (column {', '.join(wrong)} is not numeric)")
    if not pd.api.types.is_bool_dtype(table["inside"]):
        raise ResultsError(f"{path}: corrupt (column inside is not true/false)")
    return table


@lru_cache(maxsize=16)
def _sensitivity(folder: Path, version: int) -> SensitivityTables | None:
    return _results(folder, version).sensitivity()


# --- the business case ------------------------------------------------------------------------
#: The money sliders: name -> (label, unit, min, max, step). ``fill_cost_scale`` multiplies the
#: cost of filling a vacancy (every grade's); the others are fields of the money section.
MONEY_SLIDERS = {
    "grade1_salary": ("Grade-1 salary", "a year", 10_000, 150_000, 1_000),
    "on_cost_rate": ("Employer on-costs", "share of salary", 0.0, 1.0, 0.01),
    "output_value_multiple": ("Output value", "multiple of salary", 0.0, 6.0, 0.1),
    "fill_cost_scale": ("Cost of filling a vacancy", "x the scenario's", 0.0, 5.0, 0.1),
    "discount_rate": ("Discount rate", "per year", 0.0, 0.15, 0.005),
}


def slider_values(m: Money) -> dict[str, float]:
    """The money sliders' values for a money section (the fill cost scale starts at 1)."""
    salary = m.salary_by_grade[0] if m.salary_by_grade else m.grade1_salary
    return {"grade1_salary": float(salary), "on_cost_rate": m.on_cost_rate,
            "output_value_multiple": m.output_value_multiple, "fill_cost_scale": 1.0,
            "discount_rate": m.discount_rate}  # fmt: skip


def money_from_sliders(base: Money, values: dict[str, float]) -> Money:
    """``base`` with the sliders' values: the grade-1 salary (a salary table is scaled to it),
    on-cost rate, output value multiple, discount rate, and every fill cost times the scale.
    A value outside the money section's bounds raises pydantic's ValidationError."""
    data = base.model_dump()
    salary, scale = float(values["grade1_salary"]), float(values["fill_cost_scale"])
    if base.salary_by_grade:
        ratio = salary / base.salary_by_grade[0]
        data["salary_by_grade"] = [s * ratio for s in base.salary_by_grade]
    data["grade1_salary"] = salary
    for key in ("on_cost_rate", "output_value_multiple", "discount_rate"):
        data[key] = float(values[key])
    data["vacancy_fill_cost"] = base.vacancy_fill_cost * scale
    if base.vacancy_fill_cost_by_grade:
        data["vacancy_fill_cost_by_grade"] = [c * scale for c in base.vacancy_fill_cost_by_grade]
    return Money.model_validate(data)


def _money_version(folder: Path) -> int:
    """The stored money tables' version (``orgsim value`` rewrites them without the manifest)."""
    path = folder / money.MONEY_SETTINGS
    return path.stat().st_mtime_ns if path.is_file() else 0


@lru_cache(maxsize=16)
def _stored_valuation(folder: Path, version: int, money_version: int) -> money.Valuation | None:
    return money.read_valuation(_results(folder, version))


@lru_cache(maxsize=8)
def _money_inputs(folder: Path, version: int) -> money.MoneyInputs:
    """What re-valuing needs, read once (the big tables with each run's name only)."""
    return money.money_inputs(_results(folder, version))


@lru_cache(maxsize=32)
def _valuation(folder: Path, version: int, money_json: str) -> money.Valuation:
    r = _results(folder, version)
    m = Money.model_validate_json(money_json)
    return money.value_inputs(m, _money_inputs(folder, version), r.baseline, r.policies)


def _options(meta: dict, keys: Iterable[str], present: Iterable[str]) -> list[dict[str, str]]:
    """Picker options for the measures in ``present``: the ``keys`` first, then the rest."""
    present = set(present)
    names = [m for m in dict.fromkeys([*keys, *meta]) if m in present]
    return [{"label": meta[m].label, "value": m} for m in names]


class Experiment:
    """One results folder under the root, read lazily; the name is checked on construction."""

    def __init__(self, root: Path, name: object) -> None:
        self.folder = resolve_experiment(root, name)
        self.version = _version(self.folder)

    @property
    def results(self) -> Results:
        """The folder's Results (manifest, policies, baseline, measures)."""
        return _results(self.folder, self.version)

    def table(self, name: str) -> pd.DataFrame:
        """One of the results tables (shared: do not modify)."""
        return _table(self.folder, self.version, name)

    def comparison(self) -> pd.DataFrame:
        """results.compare() over every measure: means, intervals, paired differences."""
        return _comparison(self.folder, self.version)

    def key_comparison(self) -> pd.DataFrame:
        """The comparison restricted to the key measures (the key built-in measures recorded,
        then the extension measures)."""
        c = self.comparison()
        return c[c["measure"].isin(self.results.key_measures)]

    def cards(self) -> list[Card]:
        """The overview cards of the key measures."""
        r = self.results
        return overview_cards(self.key_comparison(), r.measures, r.key_measures, r.baseline)

    def profile_options(self) -> list[dict[str, str]]:
        """Picker options for the measures by category."""
        meta = self.results.measures
        return [{"label": meta[m].label, "value": m} for m in self.results.profile_measures]

    def measure_options(self, present: Iterable[str]) -> list[dict[str, str]]:
        """Picker options for the measures in ``present``: key measures first, then the rest."""
        return _options(self.results.measures, self.results.key_measures, present)

    def outcome_options(self, present: Iterable[str]) -> list[dict[str, str]]:
        """As measure_options, over the outcomes (people and money measures) of sweeps and
        sensitivity analyses."""
        return _options(self.results.outcome_measures, self.results.key_outcomes, present)

    @property
    def swept(self) -> list[str]:
        """The swept parameters (dotted paths); empty unless the experiment is a sweep."""
        return swept_parameters(self.table("summary"))

    @property
    def points(self) -> int:
        """How many sweep points the experiment ran (1 without a sweep)."""
        return point_count(self.table("summary"))

    def outcomes(self) -> pd.DataFrame:
        """results.outcomes(): the summary with the money measures (shared: do not modify)."""
        return _outcomes(self.folder, self.version)

    def sweep_points(self, measure: str) -> pd.DataFrame:
        """results.compare_points() of one measure: mean, interval and difference per point."""
        return _sweep_points(self.folder, self.version, measure)

    def sensitivity(self) -> SensitivityTables | None:
        """The indices, robustness and verdict rules of a sensitivity analysis, else None."""
        return _sensitivity(self.folder, self.version)

    @property
    def has_fit(self) -> bool:
        """Whether the folder holds a fit's check (fit.parquet, from ``run.parameters_from``)."""
        return _fit_version(self.folder) != 0

    def fit(self) -> pd.DataFrame | None:
        """fit.parquet: observed against simulated per statistic (shared: do not modify), else
        None; ResultsError naming the file if it is corrupt or lacks a column."""
        return _fit(self.folder, self.version, _fit_version(self.folder))

    def bands(self, measure: str) -> pd.DataFrame:
        """results.timeseries_bands() of one measure."""
        return _bands(self.folder, self.version, measure)

    @property
    def colours(self) -> dict[str, str]:
        """The colour of each policy, in scenario order."""
        return figures.policy_colours(self.results.policies)

    @property
    def last_month(self) -> int:
        """The horizon: the last recorded month."""
        return int(self.table("timeseries")["month"].max())

    @property
    def run(self) -> dict:
        """The run settings of the scenario (years, replications, seed)."""
        return self.results.manifest["scenario"]["run"]

    def snapshot(self, year: float | None) -> tuple[pd.DataFrame, float]:
        """figures.structure_at() at the recorded month nearest ``year`` (default: horizon)."""
        structure = self.table("structure")
        months = structure["month"].unique()
        wanted = self.last_month if year is None else float(year) * 12
        month = int(months[abs(months - wanted).argmin()])
        return figures.structure_at(structure, month), month / 12

    def flow_links(self, policy: str) -> pd.DataFrame:
        """figures.flow_links() of one policy, per year and run (replication x sweep point)."""
        runs = self.run["replications"] * self.points
        return figures.flow_links(self.table("events"), policy, self.run["years"], runs)

    def stored_valuation(self) -> money.Valuation | None:
        """The money tables stored in the folder (``orgsim run`` or ``orgsim value``), else None."""
        return _stored_valuation(self.folder, self.version, _money_version(self.folder))

    def base_money(self) -> Money:
        """The money section the stored tables were made with, else the scenario's."""
        stored = self.stored_valuation()
        return stored.money if stored is not None else money.scenario_money(self.results.manifest)

    def valuation(self, m: Money | None = None) -> money.Valuation:
        """The money tables valued with ``m`` (default: base_money()): the stored ones when
        they were made with it, else the stored results re-valued (tables read once; each
        money section's valuation cached). No simulation runs."""
        m = m if m is not None else self.base_money()
        stored = self.stored_valuation()
        if stored is not None and stored.money == m:
            return stored
        return _valuation(self.folder, self.version, m.model_dump_json())

    def view_data(self, tab: str, measure: str, year: float | None) -> tuple[pd.DataFrame, str]:
        """The data behind a tab as a table, and a short name for its file."""
        if tab == ids.TAB_TIMESERIES and measure in self.results.measures:
            return self.bands(measure).assign(measure=measure), f"over-time-{measure}"
        if tab == ids.TAB_BREAKDOWNS:
            snap, at = self.snapshot(year)
            return snap.assign(year=at), f"grades-and-roles-year-{at:g}"
        if tab == ids.TAB_FLOWS:
            links = [self.flow_links(p).assign(policy=p) for p in self.results.policies]
            return pd.concat(links, ignore_index=True), "career-moves-per-year"
        if tab == ids.TAB_PETER:
            return self.table("managers"), "promoted-managers"
        if tab == ids.TAB_SWEEP and self.swept:
            r = self.results
            return compare_points(self.table("summary"), r.baseline, r.policies), "sweep-points"
        if tab == ids.TAB_MONEY:
            return self.valuation().yearly, "business-case-per-year"
        if tab == ids.TAB_SENSITIVITY and (sens := self.sensitivity()) is not None:
            return sens.indices, "sensitivity-indices"
        if tab == ids.TAB_FIT and (fit := self.fit()) is not None:
            return fit, "fit-observed-against-simulated"
        meta = self.results.measures
        c = self.key_comparison()
        labels = c["measure"].map(lambda m: meta[m].label)
        return c.assign(label=labels, unit=c["measure"].map(lambda m: meta[m].unit)), "overview"
