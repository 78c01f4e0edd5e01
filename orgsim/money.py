"""The business case: money measures computed from a results folder's stored tables.

Money is post-processing: it reads the ``structure``, ``events`` and ``timeseries`` tables a
run stored and the scenario's ``money`` section, and never re-runs a simulation. Changing a
money assumption (``orgsim value RESULTS --money other.yaml``) re-values stored results.

Per run (policy, replication) and simulated year (year y covers months 12(y-1)+1 .. 12y)::

    pay_bill          Σ headcount x salary x (1 + on_cost_rate)                  (structure)
    replacement_cost  Σ leavers (every exit kind) x fill cost of their grade     (events)
    vacancy_cost      Σ vacant practitioner positions x output value x index     (structure)
    ramp_up_cost      hires x ½ x weeks_to_productivity/52 x output value
                      + new managers x ½ x manager_months_to_productivity/12 x output value
    development_cost  coached x coaching cost + trained x training cost          (events)
    output_value      Σ practitioner positions x output value x index            (structure)
    net_value         (output_value - every cost) of the policy minus the baseline's,
                      same replication and year

with output value = output_value_multiple x salary, and index = the run's team output per
filled practitioner position relative to month 0 (timeseries ``team_output``). So
``output_value - vacancy_cost`` is the output of the filled positions, and a waterfall of the
differences adds up to the net value. docs/model.md ("Money: the business case") gives every
equation and default with its source.

The money tables are ``money.parquet`` (policy, replication, year, measure, value) and
``money_summary.parquet`` (policy, replication, measure, value: each flow's mean per year over
the horizon, and ``npv``), plus ``money.json`` (the money section used). Their measure names
live only in these tables: the model's own ``pay_bill`` measure (in grade-1 monthly salaries)
keeps its name in the summary table.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError, create_model

from orgsim.events import EVENT_KINDS
from orgsim.measures import Measure
from orgsim.parameters import Money, Section
from orgsim.results import (
    MONEY_FILES,
    Results,
    ResultsError,
    atomic_write_text,
    compare,
    lock_folder,
    write_table,
)

MONEY_TABLE, MONEY_SUMMARY = (f.removesuffix(".parquet") for f in MONEY_FILES[:2])
MONEY_SETTINGS = MONEY_FILES[2]

#: name -> (label, better); every one is in the currency a year except npv (the currency).
_MEASURES = {
    "pay_bill": ("Pay bill (salaries and on-costs)", "lower"),
    "replacement_cost": ("Replacement cost of leavers", "lower"),
    "vacancy_cost": ("Lost output of vacant positions", "lower"),
    "ramp_up_cost": ("Lost output while reaching full productivity", "lower"),
    "development_cost": ("Coaching and training spend", "lower"),
    "output_value": ("Value of output", "higher"),
    "net_value": ("Net value against the baseline", "higher"),
    "npv": ("Net present value against the baseline", "higher"),
}
FLOWS = tuple(k for k in _MEASURES if k not in ("net_value", "npv"))
COSTS = ("pay_bill", "replacement_cost", "vacancy_cost", "ramp_up_cost", "development_cost")
MONEY_MEASURE_NAMES = tuple(_MEASURES)
#: The money measures a sweep or a sensitivity analysis shows beside the key people measures.
KEY_MONEY_MEASURES = ("net_value", "pay_bill")


def money_measures(currency: str = "GBP") -> dict[str, Measure]:
    """Metadata of the money measures (label, unit in ``currency``, better direction)."""
    return {
        name: Measure(
            name=name,
            label=label,
            unit=currency if name == "npv" else f"{currency} a year",
            better=better,
            summary="final",
        )
        for name, (label, better) in _MEASURES.items()
    }


class MoneyError(ValueError):
    """A money section or money file that cannot be used; the message names the field."""


# --- the money section -------------------------------------------------------------------------
def load_money(path: str | Path) -> Money:
    """The money section of a YAML file: a ``money:`` mapping (a scenario file works too), or
    the section's fields at the top level. MoneyError names the file, line and field."""
    from orgsim.scenario import BOOL_FOR_NUMBER, _at, _read_yaml, bools_for_numbers, describe_errors

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MoneyError(f"{path}: no such money file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise MoneyError(f"{path}: cannot read the money file ({err})") from None
    try:
        node, data = _read_yaml(text)
    except Exception as err:  # yaml.YAMLError and its subclasses
        raise MoneyError(f"{path}: malformed YAML: {err}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise MoneyError(f"{path}: expected a mapping with a 'money:' section")
    section = data.get("money", data)
    if "money" not in data:  # the fields at the top level: no line numbers to point at
        node = None
    if section is None:
        section = {}
    bools = bools_for_numbers(MoneyFile, {"money": section})  # YAML's yes/true is no amount
    if bools:
        raise MoneyError("\n".join(_at(str(path), node, loc) + BOOL_FOR_NUMBER for loc in bools))
    try:
        return MoneyFile.model_validate({"money": section}).money
    except ValidationError as err:
        raise MoneyError(describe_errors(err, node, str(path))) from None


#: A file holding a money section (validated so that errors are located under ``money.``).
MoneyFile = create_model("MoneyFile", __base__=Section, money=(Money, ...))


def scenario_money(manifest: dict[str, Any]) -> Money:
    """The money section stored with a results folder's scenario (defaults if it has none)."""
    return Money.model_validate(manifest["scenario"].get("money") or {})


# --- inputs ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PolicyPay:
    """What the money measures need from one policy's model parameters."""

    pay_step: float
    specialist_pay_ratio: float
    coaching_cost: float  # grade-1 monthly salaries per person coached
    grades: int


#: Model parameters the money measures read: a sweep over any of them values each point apart.
PAY_PATHS = ("organisation.pay_step", "organisation.grades", "policy.specialist_pay_ratio",
             "policy.coaching_cost")  # fmt: skip

#: A PolicyPay per policy name, or per (policy, sweep point) when a sweep varies pay.
Pays = dict[Any, PolicyPay]


def policy_pay(manifest: dict[str, Any], structure: pd.DataFrame | None = None) -> Pays:
    """Per policy: its pay step, specialist pay ratio, coaching cost and number of grades.

    When the stored ``structure`` table is of a sweep that varies one of PAY_PATHS, a
    PolicyPay per (policy, point): a sweep over the specialist pay ratio prices each point's
    specialists at that point's ratio."""
    from orgsim.scenario import Scenario

    scenario = Scenario.model_validate(manifest["scenario"])

    def pay(s: Scenario, name: str) -> PolicyPay:
        p = s.model_params(name)
        return PolicyPay(p.organisation.pay_step, p.policy.specialist_pay_ratio,
                         p.policy.coaching_cost, p.organisation.grades)  # fmt: skip

    columns = [] if structure is None else list(structure.columns)
    swept = [c for c in columns if c in PAY_PATHS] if "point" in columns else []
    if not swept:
        return {name: pay(scenario, name) for name in scenario.policy_names}
    from orgsim.sweep import apply_point

    out: Pays = {}
    points = structure[["point", *swept]].drop_duplicates("point")
    for point, *values in points.itertuples(index=False):
        at = apply_point(scenario, {k: _plain(v) for k, v in zip(swept, values, strict=True)})
        for name in scenario.policy_names:
            out[(name, int(point))] = pay(at, name)
    return out


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number a scenario field validates."""
    return value.item() if isinstance(value, np.generic) else value


def _groups(df: pd.DataFrame, pays: Pays) -> dict[Any, np.ndarray]:
    """Row positions of ``df`` per key of ``pays`` (policy, or policy and point)."""
    by = ["policy", "point"] if isinstance(next(iter(pays)), tuple) else "policy"
    groups = df.groupby(by, sort=False, observed=True).indices
    return {(k[0], int(k[1])) if isinstance(k, tuple) else k: v for k, v in groups.items()}


def _per_pay(df: pd.DataFrame, pays: Pays, value: Callable[[PolicyPay, np.ndarray], Any]):
    """Per row of ``df``: ``value(pay, rows)`` of the row's PolicyPay."""
    out = np.empty(len(df))
    for key, idx in _groups(df, pays).items():
        out[idx] = value(pays[key], idx)
    return out


def _per_grade(name: str, money: Money, pay: PolicyPay, grades: np.ndarray) -> np.ndarray:
    """The money list ``name``, given one entry per grade, looked up at ``grades``
    (1-based); MoneyError for a list of another length."""
    problem = money.grade_list_problem(pay.grades, only=name)
    if problem:
        raise MoneyError(problem)
    return np.asarray(getattr(money, name), dtype=float)[grades - 1]


def grade_salary(money: Money, pay: PolicyPay, grades: np.ndarray) -> np.ndarray:
    """Yearly salary of each grade (1-based) on the manager/IC scale."""
    grades = np.asarray(grades, dtype=np.int64)
    if money.salary_by_grade is not None:
        return _per_grade("salary_by_grade", money, pay, grades)
    step = money.grade_multiplier if money.grade_multiplier is not None else pay.pay_step
    return money.grade1_salary * step ** (grades - 1.0)


def fill_cost(money: Money, pay: PolicyPay, grades: np.ndarray) -> np.ndarray:
    """Cost of filling a vacancy at each grade: the list if given, else vacancy_fill_cost x
    the grade's salary relative to grade 1."""
    grades = np.asarray(grades, dtype=np.int64)
    if money.vacancy_fill_cost_by_grade is not None:
        return _per_grade("vacancy_fill_cost_by_grade", money, pay, grades)
    base = grade_salary(money, pay, np.array([1]))[0]
    return money.vacancy_fill_cost * grade_salary(money, pay, grades) / base


def year_of(month: np.ndarray) -> np.ndarray:
    """Simulated year of a month: months 1-12 are year 1 (month 0, the start, is year 1)."""
    month = np.asarray(month, dtype=np.int64)
    return np.maximum((month - 1) // 12 + 1, 1)


# --- the computation ---------------------------------------------------------------------------
def _keys(df: pd.DataFrame) -> list[str]:
    """Columns naming a run: policy, replication, and the sweep point with its values."""
    tag = ["policy", "replication"]
    if "point" in df.columns:
        extra = [c for c in df.columns if c not in STRUCTURE_COLUMNS and c not in tag]
        tag += ["point", *[c for c in extra if c != "point"]]
    return tag


STRUCTURE_COLUMNS = ("month", "grade", "role", "positions", "headcount", "engagement",
                     "reluctant")  # fmt: skip


def _pay_lookup(df: pd.DataFrame, pays: Pays, field: str) -> np.ndarray:
    """Per row of ``df``: a PolicyPay field of the row's policy (at the row's point)."""
    return _per_pay(df, pays, lambda p, _: getattr(p, field))


def _salaries(money: Money, df: pd.DataFrame, pays: Pays) -> np.ndarray:
    """Per row (policy, grade): the grade's yearly salary under the row's policy."""
    grades = df["grade"].to_numpy()
    return _per_pay(df, pays, lambda p, idx: grade_salary(money, p, grades[idx]))


def _fill_costs(money: Money, df: pd.DataFrame, pays: Pays) -> np.ndarray:
    """Per row (policy, grade): the cost of filling a vacancy at the row's grade."""
    grades = df["grade"].to_numpy()
    return _per_pay(df, pays, lambda p, idx: fill_cost(money, p, grades[idx]))


def productivity_index(timeseries: pd.DataFrame, structure: pd.DataFrame, keys: list[str]):
    """Per run and month: team output per *filled* practitioner position relative to month 0
    (1 throughout when the run recorded no ``team_output``)."""
    practice = structure[structure["role"] != "manager"]
    cells = practice.groupby([*keys, "month"], sort=False, observed=True)[
        ["positions", "headcount"]
    ].sum()
    if "team_output" not in timeseries.columns:
        return pd.Series(1.0, index=cells.index, name="index")
    ts = timeseries.set_index([*keys, "month"])["team_output"]
    ts = ts.reindex(cells.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_filled = ts * cells["positions"] / cells["headcount"]
    start = per_filled.groupby(level=list(range(len(keys))), sort=False).transform("first")
    index = (per_filled / start).replace([np.inf, -np.inf], np.nan).fillna(1.0)
    return index.rename("index")


def _from_structure(
    money: Money, structure: pd.DataFrame, timeseries: pd.DataFrame,
    pays: Pays, keys: list[str], step_months: int,
) -> pd.DataFrame:  # fmt: skip
    """pay_bill, vacancy_cost and output_value per run and year (long form)."""
    s = structure[structure["month"] > 0]
    share = step_months / 12  # each record stands for the step that ended at its month
    salary = _salaries(money, s, pays)
    specialist = (s["role"] == "specialist").to_numpy()
    salary = np.where(specialist, salary * _pay_lookup(s, pays, "specialist_pay_ratio"), salary)
    practice = (s["role"] != "manager").to_numpy()
    value = money.output_value_multiple * salary * share
    index = productivity_index(timeseries, structure, keys)
    idx = pd.MultiIndex.from_frame(s[[*keys, "month"]])
    run_index = index.reindex(idx).fillna(1.0).to_numpy()
    positions, headcount = s["positions"].to_numpy(float), s["headcount"].to_numpy(float)
    frame = s[keys].copy()
    frame["year"] = year_of(s["month"].to_numpy())
    frame["pay_bill"] = headcount * salary * (1 + money.on_cost_rate) * share
    vacant = np.clip(positions - headcount, 0, None)
    frame["vacancy_cost"] = np.where(practice, vacant * value * run_index, 0.0)
    frame["output_value"] = np.where(practice, positions * value * run_index, 0.0)
    return frame.groupby([*keys, "year"], sort=False, observed=True).sum().reset_index()


EVENT_COLUMNS = ("month", "event", "exit", "from_grade", "from_role", "to_grade", "to_role")


EVENT_COUNT_KINDS = ("exit", "hire", "new_manager", "coached", "training")


def _event_counts(events: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Events as counts per run, year, kind and grade: kind one of EVENT_COUNT_KINDS. Reads
    full events (one row each) or a summary (counts per month, kind, grades and roles);
    aggregated with numpy (a million events in tens of milliseconds) so re-valuing is quick."""
    if events.empty:
        return pd.DataFrame(columns=[*keys, "year", "kind", "grade", "count"])
    if "count" in events.columns:  # run.events: summary
        cats = pd.Index(events["event"].astype("category").cat.categories.astype(str))
        exit_kinds = [k for k in cats if k in EVENT_KINDS and EVENT_KINDS[k].exit]
        grade = events["grade"]
        count = events["count"].to_numpy(np.int64)
        masks = [("exit", _is(events["event"], *exit_kinds), grade),
                 ("hire", _is(events["event"], "hire"), grade),
                 ("coached", _is(events["event"], "coached"), grade),
                 ("training", _is(events["event"], "training"), grade)]  # fmt: skip
        if "to_role" in events.columns:  # a summary stored by an earlier orgsim has no roles
            masks.append(("new_manager", _new_manager(events), events["to_grade"]))
    else:
        count = np.ones(len(events), np.int64)
        masks = (
            ("exit", events["exit"].to_numpy(bool), events["from_grade"]),
            ("hire", _is(events["event"], "hire"), events["to_grade"]),
            ("new_manager", _new_manager(events), events["to_grade"]),
            ("coached", _is(events["event"], "coached"), events["from_grade"]),
            ("training", _is(events["event"], "training"), events["from_grade"]),
        )
    run, first = _run_codes(events, keys)
    year = year_of(events["month"].to_numpy())
    rows, kinds, grades = [], [], []
    for name, mask, grade in masks:
        idx = np.flatnonzero(mask)
        rows.append(idx)
        kinds.append(np.full(idx.size, EVENT_COUNT_KINDS.index(name), np.int64))
        g = grade.to_numpy(dtype=float, na_value=1.0)[idx]
        grades.append(np.clip(g, 1, None).astype(np.int64))
    rows, kind, grade = (np.concatenate(a) for a in (rows, kinds, grades))
    n_year, n_kind, n_grade = int(year.max()) + 1, len(EVENT_COUNT_KINDS), int(grade.max()) + 1
    code = ((run[rows] * n_year + year[rows]) * n_kind + kind) * n_grade + grade
    cells, inverse = _compact(code)
    totals = np.bincount(inverse, weights=count[rows]).astype(np.int64)
    out = events[keys].iloc[first[cells // (n_grade * n_kind * n_year)]].reset_index(drop=True)
    out["year"] = (cells // (n_grade * n_kind)) % n_year
    out["kind"] = np.asarray(EVENT_COUNT_KINDS)[(cells // n_grade) % n_kind]
    out["grade"] = cells % n_grade
    out["count"] = totals
    return out


def _run_codes(df: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A code per row naming its run (policy, replication and sweep point; the swept values
    follow from the point), and the first row of each code."""
    code = np.zeros(len(df), np.int64)
    for key in [k for k in keys if k in ("policy", "replication", "point")]:
        column = df[key]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes, size = column.cat.codes.to_numpy(np.int64), len(column.cat.categories)
        elif pd.api.types.is_integer_dtype(column.dtype) and len(column) and column.min() >= 0:
            codes = column.to_numpy(np.int64)  # replications and points: small numbers already
            size = int(codes.max()) + 1
        else:
            codes, uniques = pd.factorize(column, sort=False)
            size = len(uniques)
        code = code * size + codes
    _, run = _compact(code)
    first = np.empty(run.max() + 1, np.int64)
    first[run[::-1]] = np.arange(len(run) - 1, -1, -1)  # the last write of each is its first row
    return run, first


def _compact(code: np.ndarray, dense: int = 50_000_000) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(code, return_inverse=True) for non-negative codes, by counting rather than
    sorting when their range is small (the usual case: a tenth of the time)."""
    top = int(code.max()) + 1 if code.size else 0
    if top > dense:
        return np.unique(code, return_inverse=True)
    present = np.bincount(code, minlength=top) > 0
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present), rank[code]


def _new_manager(events: pd.DataFrame) -> np.ndarray:
    """Whether each event (or summary cell) is a promotion into management."""
    promotion = _is(events["event"], "promotion")
    return promotion & _is(events["to_role"], "manager") & ~_is(events["from_role"], "manager")


def _is(column: pd.Series, *values: str) -> np.ndarray:
    """Whether each value of a (categorical or text) column is one of ``values``, fast."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in column.cat.categories]
        wanted = [cats.index(v) for v in values if v in cats]
        return np.isin(column.cat.codes.to_numpy(), wanted)
    return np.isin(column.astype(str).to_numpy(), list(values))


def _from_events(money: Money, events: pd.DataFrame, pays: Pays, keys: list[str]) -> pd.DataFrame:
    """replacement_cost, ramp_up_cost and development_cost per run and year (long form)."""
    c = _event_counts(events, keys)
    cols = ["replacement_cost", "ramp_up_cost", "development_cost"]
    if c.empty:
        return pd.DataFrame(columns=[*keys, "year", *cols])
    n = c["count"].to_numpy(float)
    kind = c["kind"].to_numpy()
    salary = _salaries(money, c, pays)
    value = money.output_value_multiple * salary
    grade1_month = _per_pay(c, pays, lambda p, _: grade_salary(money, p, np.array([1]))[0] / 12)
    if money.coaching_cost_per_person is not None:
        coaching = np.full(len(c), money.coaching_cost_per_person)
    else:
        coaching = _pay_lookup(c, pays, "coaching_cost") * grade1_month
    frame = c[keys].copy()
    frame["year"] = c["year"].to_numpy()
    frame["replacement_cost"] = np.where(kind == "exit", n * _fill_costs(money, c, pays), 0.0)
    hire_ramp = 0.5 * money.weeks_to_productivity / 52
    manager_ramp = 0.5 * money.manager_months_to_productivity / 12
    frame["ramp_up_cost"] = (
        n
        * value
        * np.select([kind == "hire", kind == "new_manager"], [hire_ramp, manager_ramp], 0.0)
    )
    frame["development_cost"] = n * np.select(
        [kind == "coached", kind == "training"], [coaching, money.training_cost_per_person], 0.0
    )
    return frame.groupby([*keys, "year"], sort=False, observed=True).sum().reset_index()


def value_tables(
    money: Money,
    structure: pd.DataFrame,
    events: pd.DataFrame,
    timeseries: pd.DataFrame,
    pays: Pays,
    baseline: str,
    step_months: int = 1,
    events_kept: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The money tables of stored results: yearly (keys, year, measure, value) and the
    summary (keys, measure, value). Without events (``events_kept`` False) the event-based
    costs, and so the net value, are NaN."""
    keys = _keys(structure)
    pair = [k for k in keys if k != "policy"]

    def flows(structure: pd.DataFrame, events: pd.DataFrame, timeseries: pd.DataFrame):
        wide = _from_structure(money, structure, timeseries, pays, keys, step_months)
        ev = _from_events(money, events, pays, keys)
        wide = wide.merge(ev, on=[*keys, "year"], how="left")
        event_cols = ["replacement_cost", "ramp_up_cost", "development_cost"]
        wide[event_cols] = wide[event_cols].astype(float).fillna(0.0 if events_kept else np.nan)
        wide["_pnl"] = wide["output_value"] - wide[list(COSTS)].sum(axis=1, skipna=False)
        base = wide.loc[wide["policy"] == baseline, [*pair, "year", "_pnl"]]
        wide = wide.merge(base.rename(columns={"_pnl": "_base"}), on=[*pair, "year"], how="left")
        wide["net_value"] = wide["_pnl"] - wide["_base"]
        return wide

    wide = flows(structure, events, timeseries)
    wide = wide.sort_values([*keys, "year"], kind="stable").reset_index(drop=True)
    # horizon of each run in months (a run stopped early by run.until is shorter); the net
    # value pairs only the months both runs cover, so it is over the shorter one
    last = structure.groupby(keys, sort=False, observed=True)["month"].max().rename("_months")
    last = last.reset_index()
    base_last = last.loc[last["policy"] == baseline, [*pair, "_months"]]
    last = last.merge(base_last.rename(columns={"_months": "_paired"}), on=pair, how="left")
    last["_paired"] = last[["_months", "_paired"]].min(axis=1)
    wide = wide.merge(last, on=keys, how="left")
    uneven = last.loc[last["_paired"] < last["_months"], "policy"].unique()
    if len(uneven):  # a policy's run outlasts its baseline's, or the other way round
        net = _net_over_paired_months(flows, last, baseline, pair, structure, events, timeseries)
        wide = wide.drop(columns="net_value").merge(net, on=[*keys, "year"], how="left")
    yearly = wide.melt(id_vars=[*keys, "year"], value_vars=[*FLOWS, "net_value"],
                       var_name="measure", value_name="value")  # fmt: skip
    discount = (1 + money.discount_rate) ** -wide["year"].astype(float)
    wide["_pv"] = wide["net_value"] * discount
    runs = wide.groupby(keys, sort=False, observed=True)
    horizon = runs["_months"].first() / 12
    totals = runs[list(FLOWS)].sum(min_count=1).div(horizon, axis=0)
    totals["net_value"] = runs["net_value"].sum(min_count=1) / (runs["_paired"].first() / 12)
    totals["npv"] = runs["_pv"].sum(min_count=1)
    summary = totals.reset_index().melt(id_vars=keys, var_name="measure", value_name="value")
    order = {m: i for i, m in enumerate(MONEY_MEASURE_NAMES)} | {
        p: i for i, p in enumerate(dict.fromkeys(k[0] if isinstance(k, tuple) else k for k in pays))
    }  # scenario order of the policies, then of the measures

    def ordered(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        def key(col: pd.Series) -> pd.Series:
            return col.map(order) if col.name in ("policy", "measure") else col

        return df.sort_values(by, key=key, kind="stable").reset_index(drop=True)

    yearly["year"] = yearly["year"].astype(np.int64)
    for df in (yearly, summary):
        df["policy"] = df["policy"].astype(str)  # as in the summary table
    yearly = ordered(yearly, ["measure", *keys, "year"])
    return yearly, ordered(summary, [*keys, "measure"])


def _net_over_paired_months(
    flows: Callable, last: pd.DataFrame, baseline: str, pair: list[str], *tables: pd.DataFrame
) -> pd.DataFrame:
    """Each run's yearly net value against its baseline run over the months both cover:
    ``flows`` of the tables (structure, events, timeseries) cut, pair by pair, at the shorter
    run's last month; one policy at a time, as each pairs with the baseline at its own cut."""
    keys = ["policy", *pair]
    out = []
    for policy in last["policy"].unique():
        if policy == baseline:
            continue
        cut = last.loc[last["policy"] == policy, [*pair, "_paired"]]
        kept = []
        for table in tables:
            if table.empty:  # no events kept
                kept.append(table)
                continue
            t = table[table["policy"].isin([policy, baseline])].merge(cut, on=pair, how="inner")
            kept.append(t[t["month"] <= t["_paired"]].drop(columns="_paired"))
        wide = flows(*kept)
        out.append(wide.loc[wide["policy"] == policy, [*keys, "year", "net_value"]])
    base = last.loc[last["policy"] == baseline, keys].merge(
        pd.DataFrame({"year": np.arange(1, int(last["_months"].max() - 1) // 12 + 2)}), how="cross"
    )
    out.append(base.assign(net_value=0.0))
    return pd.concat(out, ignore_index=True)


#: The payback year of a net value that could not be estimated (e.g. no events kept to cost).
UNKNOWN = "unknown"


def payback_year(yearly: pd.DataFrame, policy: str) -> int | str | None:
    """First year in which the policy's cumulative net value against the baseline is above
    zero in most (more than half) of the replications; None if it never is, UNKNOWN if the
    net values could not be estimated."""
    net = yearly[(yearly["policy"] == policy) & (yearly["measure"] == "net_value")]
    if net.empty:
        return None
    if net["value"].isna().all():
        return UNKNOWN
    # a run is named by replication and point (the swept values follow from the point): a
    # pivot over every swept column would span their Cartesian product
    pair = [c for c in ("replication", "point") if c in net.columns]
    wide = net.pivot_table(index="year", columns=pair, values="value", dropna=False)
    cumulative = wide.sort_index().cumsum()
    above = (cumulative > 0).sum(axis=1) > wide.shape[1] / 2
    years = above.index[above.to_numpy()]
    return int(years[0]) if len(years) else None


def payback_text(year: int | str | None) -> str:
    """A payback year in words: 'year 3', 'not within the horizon' or 'unknown'."""
    if year is None:
        return "not within the horizon"
    return year if year == UNKNOWN else f"year {year}"


# --- results folders ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Valuation:
    """The money tables of a results folder, with the money section they were made with."""

    money: Money
    yearly: pd.DataFrame
    summary: pd.DataFrame
    baseline: str
    policies: list[str]

    def comparison(self) -> pd.DataFrame:
        """Per policy and money measure: mean with 95% CI and the paired difference."""
        return compare(self.summary, self.baseline, self.policies)

    def payback(self) -> dict[str, int | str | None]:
        """Payback year of each policy other than the baseline."""
        return {p: payback_year(self.yearly, p) for p in self.policies if p != self.baseline}


def _columns(results: Results, name: str) -> list[str]:
    """The column names of a stored table; ResultsError naming the file if it is missing or
    corrupt."""
    path = results.folder / f"{name}.parquet"
    if not path.is_file():
        raise ResultsError(f"{path}: missing (was the run interrupted? try --resume)")
    try:
        return pq.read_schema(path).names
    except (OSError, pa.ArrowException) as err:
        raise ResultsError(f"{path}: corrupt Parquet file ({err})") from None


def _read(
    results: Results, name: str, columns: list[str], events: list[str] | None = None
) -> pd.DataFrame:
    """Only the named columns (those the table has) of a stored table, and only the rows of
    the named ``events`` kinds if given; the policy column dictionary-encoded (the events
    table can hold millions of rows)."""
    present = _columns(results, name)
    path = results.folder / f"{name}.parquet"
    try:
        keep = [c for c in present if c in columns]
        rows = [("event", "in", events)] if events is not None and "event" in present else None
        table = pq.read_table(path, columns=keep, read_dictionary=["policy"], filters=rows)
    except (OSError, pa.ArrowException) as err:
        raise ResultsError(f"{path}: corrupt Parquet file ({err})") from None
    return table.to_pandas()


@dataclass(frozen=True)
class MoneyInputs:
    """What valuing stored results reads from them, once: the structure, timeseries and
    events tables with each run's name only, each point's swept values (None without a
    sweep), each policy's pay, the step in months and whether events were kept."""

    structure: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame
    points: pd.DataFrame | None
    keys: list[str]
    pays: Pays
    step_months: int
    events_kept: bool


def money_inputs(results: Results) -> MoneyInputs:
    """Read what valuing ``results`` needs. The big tables are read with each run's name
    only (policy, replication, point): a sweep point's values, repeated on every row, would
    take most of the memory; they are joined to the small money tables instead."""
    manifest = results.manifest
    keys = _keys(pd.DataFrame(columns=_columns(results, "structure")))
    run = [k for k in keys if k in ("policy", "replication", "point")]
    points = None
    if len(run) < len(keys):
        points = _read(results, "summary", ["point", *keys[len(run) :]])
        points = points.drop_duplicates("point").reset_index(drop=True)
    costed = [k for k, kind in EVENT_KINDS.items() if kind.exit]
    costed += ["hire", "promotion", "coached", "training"]
    return MoneyInputs(
        structure=_read(results, "structure", [*run, *STRUCTURE_COLUMNS[:5]]),
        timeseries=_read(results, "timeseries", [*run, "month", "team_output"]),
        events=_read(results, "events", [*run, *EVENT_COLUMNS, "grade", "count"], costed),
        points=points,
        keys=keys,
        pays=policy_pay(manifest, points),
        step_months=int(manifest["scenario"].get("step_months", 1)),
        events_kept=manifest["scenario"].get("run", {}).get("events", "all") != "none",
    )


def value_inputs(
    money: Money, inputs: MoneyInputs, baseline: str, policies: list[str]
) -> Valuation:
    """Value what ``money_inputs`` read with ``money`` (quick: the dashboard's sliders)."""
    i = inputs
    yearly, summary = value_tables(money, i.structure, i.events, i.timeseries, i.pays,
                                   baseline, i.step_months, i.events_kept)  # fmt: skip
    if i.points is not None:
        yearly, summary = (_with_points(df, i.points, i.keys) for df in (yearly, summary))
    return Valuation(money, yearly, summary, baseline, policies)


def value_results(results: Results, money: Money | None = None) -> Valuation:
    """Value stored results with ``money`` (default: the scenario's money section)."""
    money = money if money is not None else scenario_money(results.manifest)
    return value_inputs(money, money_inputs(results), results.baseline, results.policies)


def _with_points(df: pd.DataFrame, points: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``df`` (named by policy, replication and point) with each point's swept values after
    its point column, as the results tables have them."""
    out = df.merge(points, on="point", how="left", validate="many_to_one")
    return out[[*keys, *(c for c in df.columns if c not in keys)]]


def write_valuation(folder: Path, valuation: Valuation) -> None:
    """Write the money tables and the money section used (each file atomically)."""
    write_table(valuation.yearly, folder / f"{MONEY_TABLE}.parquet")
    write_table(valuation.summary, folder / f"{MONEY_SUMMARY}.parquet")
    settings = {"money": valuation.money.model_dump(mode="json"),
                "payback_year": valuation.payback()}  # fmt: skip
    atomic_write_text(folder / MONEY_SETTINGS, json.dumps(settings, indent=2))


def value_folder(folder: str | Path, money: Money | None = None, write: bool = True) -> Valuation:
    """Value a complete results folder (re-valued with ``money`` if given) and, unless
    ``write`` is False, store the money tables there (holding the folder's lock)."""
    from orgsim.results import load

    results = load(folder)
    valuation = value_results(results, money)
    if write:
        with lock_folder(results.folder):
            write_valuation(results.folder, valuation)
    return valuation


def read_valuation(results: Results) -> Valuation | None:
    """The money tables stored in a results folder; None if it has none."""
    path = results.folder / MONEY_SETTINGS
    if not path.is_file():
        return None
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
        money = Money.model_validate(settings["money"])
    except (json.JSONDecodeError, KeyError, TypeError, ValidationError) as err:
        raise ResultsError(f"{path}: corrupt money settings ({err})") from None
    return Valuation(money, results.table(MONEY_TABLE), results.table(MONEY_SUMMARY),
                     results.baseline, results.policies)  # fmt: skip


# --- formatting --------------------------------------------------------------------------------
def assumption_rows(money: Money) -> list[tuple[str, str, str]]:
    """(field, value, unit) of every money field that is set, for a report or a deck: rates
    and shares as percentages, amounts with thousands separators, the currency's code in
    place of 'currency'; '(set your own)' marks a default a strategist should replace."""
    rows = []
    for name, info in type(money).model_fields.items():
        value = getattr(money, name)
        if value is None:
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        unit = str(extra.get("unit", "")).replace("currency", money.currency)
        label = name.replace("_", " ").capitalize()
        if "set your own" in str(extra.get("source", "")).lower():
            label += " (set your own)"
        if isinstance(value, list):
            text = ", ".join(f"{v:,.0f}" for v in value)
        elif isinstance(value, float) and (unit.startswith("share") or name.endswith("_rate")):
            text = f"{value * 100:.1f}%"
        elif isinstance(value, float):
            text = f"{value:,.0f}" if value >= 1000 else f"{value:,.4g}"
        else:
            text = str(value)
        rows.append((label, text, unit))
    return rows


SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥"}


def money_interval(low: float, high: float, currency: str = "GBP", sign: bool = False) -> str:
    """'[£1,200, £3,400]' (``sign``: '[+£1,200, -£3,400]', for differences)."""
    return f"[{format_money(low, currency, sign)}, {format_money(high, currency, sign)}]"


def format_money(value: float, currency: str = "GBP", sign: bool = False) -> str:
    """An amount in whole currency units with thousands separators: '£1,234,567', '-£12'."""
    if value is None or not math.isfinite(value):
        return "n/a"
    symbol = SYMBOLS.get(currency, f"{currency} ")
    text = f"{symbol}{abs(value):,.0f}"
    if value < 0 and round(abs(value)) != 0:
        return f"-{text}"
    return f"+{text}" if sign else text
