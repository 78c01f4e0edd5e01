"""The business case: every money equation on hand-made tables with known answers, the
paired net value, the payback rule, the money section's errors, and `orgsim value`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scenario_fixtures import write_tiny
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.money import (
    UNKNOWN,
    MoneyError,
    PolicyPay,
    fill_cost,
    format_money,
    grade_salary,
    load_money,
    money_measures,
    payback_text,
    payback_year,
    policy_pay,
    read_valuation,
    value_tables,
    year_of,
)
from orgsim.parameters import Money
from orgsim.results import MONEY_FILES, compare, load
from orgsim.scenario import ScenarioError, parse_scenario

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"
runner = CliRunner()

#: Round numbers: grade 1 earns 12,000 a year, grade 2 24,000; on-costs 50%; output worth
#: twice pay; a hire ramps up over a year (so loses half a year of output), a new manager too.
MONEY = Money(grade1_salary=12_000, grade_multiplier=2, on_cost_rate=0.5, vacancy_fill_cost=100,
              weeks_to_productivity=52, manager_months_to_productivity=12,
              output_value_multiple=2, coaching_cost_per_person=10,
              training_cost_per_person=20, discount_rate=0.1)  # fmt: skip
PAYS = {"A": PolicyPay(1.25, 1.0, 0.0, 2), "B": PolicyPay(1.25, 0.5, 0.0, 2)}
MONTHS = range(25)  # two years


def _structure() -> pd.DataFrame:
    rows = []
    for policy in ("A", "B"):
        for rep in (0, 1):
            for month in MONTHS:
                vacancy = policy == "A" and rep == 0 and 1 <= month <= 12
                rows.append((policy, rep, month, 1, "ic", 2, 1 if vacancy else 2))
                rows.append((policy, rep, month, 2, "manager", 1, 1))
                if policy == "B":  # a specialist at half pay
                    rows.append((policy, rep, month, 2, "specialist", 1, 1))
    cols = ["policy", "replication", "month", "grade", "role", "positions", "headcount"]
    return pd.DataFrame(rows, columns=cols).assign(engagement=0.5, reluctant=0)


def _timeseries() -> pd.DataFrame:
    rows = []
    for policy in ("A", "B"):
        for rep in (0, 1):
            for month in MONTHS:
                out = 1.0
                if policy == "A" and rep == 0 and 1 <= month <= 12:
                    out = 0.5  # one of two ic positions empty: same output per person
                if policy == "B" and rep == 1 and month > 12:
                    out = 2.0  # output per person doubles in year 2
                rows.append((policy, rep, month, out))
    return pd.DataFrame(rows, columns=["policy", "replication", "month", "team_output"])


EVENTS = pd.DataFrame(
    [
        ("A", 0, 3, "voluntary", True, 1, "ic", None, None),
        ("A", 0, 5, "hire", False, None, None, 1, "ic"),
        ("B", 0, 14, "promotion", False, 1, "ic", 2, "manager"),
        ("B", 0, 14, "coached", False, 1, "ic", None, None),
        ("B", 0, 15, "promotion", False, 1, "ic", 2, "specialist"),  # not a new manager
        ("B", 1, 20, "retirement", True, 2, "manager", None, None),
    ],
    columns=["policy", "replication", "month", "event", "exit", "from_grade", "from_role",
             "to_grade", "to_role"],
).astype({"from_grade": "Int16", "to_grade": "Int16"})  # fmt: skip


def _value(events: pd.DataFrame = EVENTS, money: Money = MONEY, **kw):
    return value_tables(money, _structure(), events, _timeseries(), PAYS, "A", **kw)


def test_the_net_value_pairs_only_the_months_both_runs_cover() -> None:
    """run.until stops runs at different months: baseline A's replication 1 stops at month
    18 while B's runs on to 24. B's net value is then the same as if B had stopped at 18 too
    (its later months, and its retirement at month 20, have no baseline to be paired with),
    and a year is over the months paired; its own flows still cover its whole run."""

    def stopped(table: pd.DataFrame, policies: tuple[str, ...]) -> pd.DataFrame:
        late = table["policy"].isin(policies) & (table["replication"] == 1)
        return table[~(late & (table["month"] > 18))]

    def value(policies: tuple[str, ...]):
        tables = [stopped(t, policies) for t in (_structure(), EVENTS, _timeseries())]
        return value_tables(MONEY, *tables, PAYS, "A")

    (uneven, uneven_summary), (even, even_summary) = value(("A",)), value(("A", "B"))
    assert _yearly(uneven, "B", 1, "net_value") == pytest.approx(_yearly(even, "B", 1, "net_value"))
    net = uneven_summary.query("policy == 'B' and replication == 1 and measure == 'net_value'")
    same = even_summary.query("policy == 'B' and replication == 1 and measure == 'net_value'")
    assert net["value"].to_numpy() == pytest.approx(same["value"].to_numpy())
    assert _yearly(uneven, "B", 1, "replacement_cost") == pytest.approx([0, 200])  # month 20
    assert _yearly(uneven, "B", 0, "net_value") == pytest.approx(EXPECTED[("B", 0)]["net_value"])


def _yearly(yearly: pd.DataFrame, policy: str, rep: int, measure: str) -> list[float]:
    sel = yearly[(yearly.policy == policy) & (yearly.replication == rep)]
    return sel[sel.measure == measure].sort_values("year")["value"].tolist()


EXPECTED = {  # (policy, replication) -> measure -> [year 1, year 2]
    ("A", 0): {"pay_bill": [54_000, 72_000], "vacancy_cost": [24_000, 0],
               "output_value": [48_000, 48_000], "replacement_cost": [100, 0],
               "ramp_up_cost": [12_000, 0], "development_cost": [0, 0]},
    ("A", 1): {"pay_bill": [72_000, 72_000], "vacancy_cost": [0, 0],
               "output_value": [48_000, 48_000], "replacement_cost": [0, 0]},
    ("B", 0): {"pay_bill": [90_000, 90_000], "output_value": [72_000, 72_000],
               "ramp_up_cost": [0, 24_000], "development_cost": [0, 10],
               "net_value": [24_100, -18_010]},
    ("B", 1): {"output_value": [72_000, 144_000], "replacement_cost": [0, 200],
               "net_value": [6_000, 77_800]},
}  # fmt: skip


@pytest.mark.parametrize(("run", "measure"), [(r, m) for r, ms in EXPECTED.items() for m in ms])
def test_every_equation_on_a_hand_made_table(run: tuple[str, int], measure: str) -> None:
    """pay_bill = headcount x salary x (1 + on-costs); vacancy and output value = positions x
    2 x salary x productivity index; a leaver costs the fill cost of its grade; a hire and a
    new manager lose half their ramp of output; a coaching conversation costs 10."""
    yearly, _ = _value()
    assert _yearly(yearly, *run, measure) == pytest.approx(EXPECTED[run][measure])


def test_net_value_pairs_replications_and_the_summary_is_per_year() -> None:
    yearly, summary = _value()
    assert _yearly(yearly, "A", 0, "net_value") == [0, 0]  # the baseline against itself
    s = summary.set_index(["policy", "replication", "measure"])["value"]
    assert s["B", 0, "net_value"] == pytest.approx((24_100 - 18_010) / 2)  # mean a year
    assert s["B", 1, "pay_bill"] == pytest.approx(90_000)
    assert s["B", 0, "npv"] == pytest.approx(24_100 / 1.1 - 18_010 / 1.1**2)
    assert s["B", 1, "npv"] == pytest.approx(6_000 / 1.1 + 77_800 / 1.1**2)
    assert s["A", 1, "npv"] == 0
    table = compare(summary, "A", ["A", "B"]).set_index(["policy", "measure"])
    diffs = np.array([(24_100 - 18_010) / 2, (6_000 + 77_800) / 2])
    assert table.loc[("B", "net_value"), "diff"] == pytest.approx(diffs.mean())
    assert list(summary["policy"].unique()) == ["A", "B"]  # scenario order


def test_an_event_summary_gives_the_same_costs_as_every_event() -> None:
    """run.events: summary keeps counts per month, kind, grades and roles: every cost, the new
    manager's ramp-up included, is as with one row per event."""
    keys = ["policy", "replication", "month", "event", "from_grade", "from_role", "to_grade",
            "to_role"]  # fmt: skip
    cells = EVENTS.groupby(keys, dropna=False).size().rename("count").reset_index()
    cells["grade"] = cells["from_grade"].fillna(cells["to_grade"])
    assert cells["count"].sum() == len(EVENTS)
    full, full_summary = _value()
    lean, lean_summary = _value(cells)
    pd.testing.assert_frame_equal(lean, full)
    pd.testing.assert_frame_equal(lean_summary, full_summary)
    assert _yearly(lean, "B", 0, "ramp_up_cost") == [0, 24_000]  # the new manager's


def test_an_old_event_summary_gives_the_same_costs_except_new_managers() -> None:
    """A summary stored by an earlier orgsim (counts per grade, no roles): a new manager is
    not known."""
    summary_events = pd.DataFrame(
        [("A", 0, 3, "voluntary", 1, 1), ("A", 0, 5, "hire", 1, 1),
         ("B", 0, 14, "coached", 1, 1), ("B", 1, 20, "retirement", 2, 1)],
        columns=["policy", "replication", "month", "event", "grade", "count"],
    )  # fmt: skip
    yearly, _ = _value(summary_events)
    assert _yearly(yearly, "A", 0, "replacement_cost") == [100, 0]
    assert _yearly(yearly, "A", 0, "ramp_up_cost") == [12_000, 0]
    assert _yearly(yearly, "B", 0, "development_cost") == [0, 10]
    assert _yearly(yearly, "B", 1, "replacement_cost") == [0, 200]
    assert _yearly(yearly, "B", 0, "ramp_up_cost") == [0, 0]


def test_without_events_the_event_costs_are_unknown() -> None:
    yearly, _ = _value(pd.DataFrame(), events_kept=False)
    assert np.isnan(_yearly(yearly, "B", 0, "replacement_cost")).all()
    assert np.isnan(_yearly(yearly, "B", 0, "net_value")).all()
    assert _yearly(yearly, "B", 0, "pay_bill") == [90_000, 90_000]


def test_yearly_steps_count_a_whole_year_each() -> None:
    s = _structure()
    s = s[s.month.isin([0, 12, 24])]
    t = _timeseries()
    yearly, _ = value_tables(MONEY, s, EVENTS, t[t.month.isin([0, 12, 24])], PAYS, "A", 12)
    assert _yearly(yearly, "A", 1, "pay_bill") == pytest.approx([72_000, 72_000])
    assert _yearly(yearly, "A", 0, "vacancy_cost") == pytest.approx([24_000, 0])


def test_defaults_derive_from_the_model() -> None:
    """Salary steps with organisation.pay_step, fill cost with pay, coaching with the lever."""
    money, pay = Money(), PolicyPay(1.25, 1.0, 0.5, 6)
    assert grade_salary(money, pay, np.array([1, 3])) == pytest.approx([30_000, 30_000 * 1.25**2])
    assert fill_cost(money, pay, np.array([1, 6])) == pytest.approx([5_433, 5_433 * 1.25**5])
    events = EVENTS[EVENTS.event == "coached"]
    pays = {"A": PolicyPay(1.25, 1.0, 0.5, 2), "B": PolicyPay(1.25, 1.0, 0.5, 2)}
    yearly, _ = value_tables(Money(), _structure(), events, _timeseries(), pays, "A")
    assert _yearly(yearly, "B", 0, "development_cost") == pytest.approx([0, 0.5 * 30_000 / 12])


def test_salary_lists_override_and_must_give_one_entry_per_grade() -> None:
    money = Money(salary_by_grade=[20_000, 50_000], vacancy_fill_cost_by_grade=[1, 7])
    pay = PolicyPay(1.25, 1.0, 0.0, 2)
    assert grade_salary(money, pay, np.array([2])) == pytest.approx([50_000])
    assert fill_cost(money, pay, np.array([2])) == pytest.approx([7])
    three = PolicyPay(1.25, 1.0, 0.0, 3)
    with pytest.raises(MoneyError, match=r"salary_by_grade: 2 salaries given.*has 3 grades"):
        grade_salary(money, three, np.array([2]))
    with pytest.raises(MoneyError, match=r"fill_cost_by_grade: 2 costs given.*has 4 grades"):
        fill_cost(money, PolicyPay(1.25, 1.0, 0.0, 4), np.array([1]))


def test_payback_is_the_first_year_most_replications_are_ahead() -> None:
    cumulative = {0: [-5, 2, 4], 1: [-5, -4, 1], 2: [1, -10, -8]}  # by replication
    rows = [("B", rep, year + 1, "net_value", value)
            for rep, cum in cumulative.items()
            for year, value in enumerate(np.diff([0, *cum]))]  # fmt: skip
    yearly = pd.DataFrame(rows, columns=["policy", "replication", "year", "measure", "value"])
    assert payback_year(yearly, "B") == 3  # year 2: only replication 0 ahead; year 3: 0 and 1
    never = yearly.assign(value=-1.0)
    assert payback_year(never, "B") is None
    unknown = yearly.assign(value=np.nan)  # no events kept: nothing to cost
    assert payback_year(unknown, "B") == UNKNOWN
    assert [payback_text(y) for y in (3, None, UNKNOWN)] == [
        "year 3", "not within the horizon", "unknown"]  # fmt: skip


def test_payback_pairs_runs_by_point_not_by_every_swept_value() -> None:
    """A sensitivity design sweeps many parameters, each point with its own values: the
    pairing is by replication and point. Pivoting on every swept column spanned their
    Cartesian product (here 2 x 48^3 empty pairs outvoted the 96 real ones, so no payback;
    with the 11 of scenarios/robustness.yaml it ran out of memory)."""
    rng = np.random.default_rng(0)
    points, years = 48, 3
    rows = [
        ("B", rep, point, year, "net_value", rng.normal(1.0))
        for rep in range(2)
        for point in range(points)
        for year in range(1, years + 1)
    ]
    yearly = pd.DataFrame(rows, columns=["policy", "replication", "point", "year", "measure",
                                         "value"])  # fmt: skip
    swept = {f"p{k}": rng.random(points) for k in range(3)}
    wide = yearly.assign(**{name: values[yearly["point"]] for name, values in swept.items()})
    assert payback_year(wide, "B") == payback_year(yearly, "B") == 1


def test_a_sweep_over_pay_values_each_point_at_its_own_pay() -> None:
    # Policy B's specialist at half pay in the fixture; a sweep sets the ratio per point.
    points = {0: 0.5, 1: 1.0}
    structure = pd.concat(
        [_structure().assign(point=p, **{"policy.specialist_pay_ratio": r})
         for p, r in points.items()], ignore_index=True,
    )  # fmt: skip
    timeseries = pd.concat(
        [_timeseries().assign(point=p, **{"policy.specialist_pay_ratio": r})
         for p, r in points.items()], ignore_index=True,
    )  # fmt: skip
    manifest = {"scenario": {"name": "s", "policies": [{"name": "A", "base": "single-ladder"},
                                          {"name": "B", "base": "genuine-dual-track"}],
                             "baseline": "A"}}  # fmt: skip
    pays = policy_pay(manifest, structure)
    assert {k: p.specialist_pay_ratio for k, p in pays.items()} == {
        ("A", 0): 0.5,
        ("B", 0): 0.5,
        ("A", 1): 1.0,
        ("B", 1): 1.0,
    }
    assert policy_pay(manifest, _structure()).keys() == {"A", "B"}  # no sweep: one per policy
    yearly, _ = value_tables(MONEY, structure, EVENTS.iloc[:0], timeseries, pays, "A")
    pay = yearly[(yearly.policy == "B") & (yearly.replication == 0) & (yearly.year == 1)]
    pay = pay[pay.measure == "pay_bill"].set_index("point")["value"]
    # the grade-2 specialist earns 24,000 x ratio, with 50% on-costs: 18,000 vs 36,000
    assert pay[1] - pay[0] == pytest.approx(18_000)


def test_year_of_month() -> None:
    assert year_of(np.array([0, 1, 12, 13, 24, 25])).tolist() == [1, 1, 1, 2, 2, 3]


def test_money_is_formatted_in_the_currency_without_scientific_notation() -> None:
    assert format_money(1.5e9) == "£1,500,000,000"
    assert format_money(-12_345.6, "EUR") == "-€12,346"
    assert format_money(2_000, "CHF", sign=True) == "+CHF 2,000"
    assert format_money(float("nan")) == "n/a"
    meta = money_measures("USD")
    assert meta["net_value"].unit == "USD a year" and meta["npv"].unit == "USD"
    assert meta["pay_bill"].better == "lower" and meta["output_value"].better == "higher"


def test_a_misspelled_money_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "money.yaml"
    path.write_text("money:\n  currency: EUR\n  on_cost_rat: 0.3\n")
    with pytest.raises(MoneyError, match=r"line 3: money.on_cost_rat: unknown field; did you "
                       r"mean on_cost_rate\?"):  # fmt: skip
        load_money(path)
    path.write_text("discount_rate: 2\n")  # the fields at the top level work too
    with pytest.raises(MoneyError, match=r"money\.discount_rate: Input should be less than"):
        load_money(path)
    path.write_text("discount_rate: 0.05\ncurrency: USD\n")
    assert load_money(path).currency == "USD"
    with pytest.raises(MoneyError, match="no such money file"):
        load_money(tmp_path / "missing.yaml")


def test_a_money_file_with_true_or_false_for_an_amount_is_refused(tmp_path: Path) -> None:
    """As in a scenario: YAML's true/false would otherwise be taken as 1 and 0."""
    path = tmp_path / "money.yaml"
    path.write_text("money:\n  discount_rate: true\n  on_cost_rate: false\n")
    with pytest.raises(MoneyError) as info:
        load_money(path)
    assert str(info.value).splitlines() == [
        f"{path}: line 2: money.discount_rate: expected a number, got true/false",
        f"{path}: line 3: money.on_cost_rate: expected a number, got true/false",
    ]


def test_a_scenario_money_section_is_validated() -> None:
    text = "name: x\npolicies:\n  - {name: a, base: single-ladder}\nmoney: {grade1_salry: 1}\n"
    with pytest.raises(ScenarioError, match=r"money\.grade1_salry: unknown field; did you "
                       r"mean grade1_salary"):  # fmt: skip
        parse_scenario(text)


def test_every_money_field_is_documented_with_its_source() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert "## Money: the business case" in doc
    missing = [n for n in Money.model_fields if f"`money.{n}`" not in doc]
    assert not missing, f"money fields missing from docs/model.md: {missing}"
    for name, info in Money.model_fields.items():
        assert info.description and info.json_schema_extra["source"], name
    for name in money_measures():
        assert f"`{name}`" in doc


# --- through the command line ------------------------------------------------------------------
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("money")
    scenario = write_tiny(root, size=60, years=2, replications=3)
    folder = root / "out"
    result = runner.invoke(app, ["run", str(scenario), "--out", str(folder), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return folder


def test_the_run_writes_the_money_tables(ran: Path) -> None:
    for name in MONEY_FILES:
        assert (ran / name).is_file(), name
    valuation = read_valuation(load(ran))
    assert valuation is not None and valuation.money == Money()
    assert set(valuation.summary["measure"]) == set(money_measures())
    assert len(valuation.yearly) == 2 * 3 * 2 * 7  # policies x replications x years x flows


def test_outcomes_are_the_summary_with_the_money_measures(ran: Path) -> None:
    results = load(ran)
    summary, outcomes = results.table("summary"), results.outcomes()
    people = outcomes[~outcomes.measure.isin(list(money_measures()))]
    assert people.equals(summary[summary.measure != "pay_bill"].reset_index(drop=True))
    pay = outcomes[outcomes.measure == "pay_bill"]["value"]
    assert len(pay) == 2 * 3 and pay.min() > 1e5  # one per run, in GBP a year
    assert results.outcome_measures["pay_bill"].unit == "GBP a year"
    assert results.measures["pay_bill"].unit == "grade-1 monthly salaries per year"


def test_value_with_another_money_file_changes_only_the_money(ran: Path, tmp_path: Path) -> None:
    names = ("timeseries", "summary", "events", "structure")
    tables = {name: _digest(ran / f"{name}.parquet") for name in names}
    before = read_valuation(load(ran)).summary
    other = tmp_path / "other.yaml"
    other.write_text("money:\n  currency: EUR\n  grade1_salary: 60000\n")
    result = runner.invoke(app, ["value", str(ran), "--money", str(other)])
    assert result.exit_code == 0, result.output
    assert "Business case (EUR)" in result.output and "€" in result.output
    assert "e+" not in result.output  # no scientific notation
    after = read_valuation(load(ran))
    assert after.money.currency == "EUR"
    pay = after.summary[after.summary.measure == "pay_bill"]["value"].to_numpy()
    assert pay == pytest.approx(2 * before[before.measure == "pay_bill"]["value"].to_numpy())
    assert {n: _digest(ran / f"{n}.parquet") for n in tables} == tables  # byte-identical
    # --dry-run prints but writes nothing
    money_digest = _digest(ran / "money_summary.parquet")
    result = runner.invoke(app, ["value", str(ran), "--dry-run"])
    assert result.exit_code == 0 and "Business case (GBP)" in result.output
    assert _digest(ran / "money_summary.parquet") == money_digest


def test_value_reports_a_bad_money_file_clearly(ran: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("money:\n  discount_rat: 0.05\n")
    result = runner.invoke(app, ["value", str(ran), "--money", str(bad)])
    assert result.exit_code == 2
    assert "money.discount_rat: unknown field; did you mean discount_rate?" in result.output
    result = runner.invoke(app, ["value", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no such results folder" in result.output


def test_a_salary_list_of_the_wrong_length_blames_the_money_file(ran: Path, tmp_path) -> None:
    """One salary too many shifts every grade's pay; one too few is not a corrupt folder."""
    before = _digest(ran / "money_summary.parquet")
    for salaries in ([30000 + 5000 * g for g in range(7)], [30000 + 5000 * g for g in range(5)]):
        bad = tmp_path / "salaries.yaml"
        bad.write_text(f"money:\n  salary_by_grade: {salaries}\n")
        result = runner.invoke(app, ["value", str(ran), "--money", str(bad)])
        assert result.exit_code == 2, result.output
        said = " ".join(result.output.split())
        assert f"{bad}: money.salary_by_grade: {len(salaries)} salaries given, but the " \
            "organisation has 6 grades" in said  # fmt: skip
        assert "corrupt" not in said
    assert _digest(ran / "money_summary.parquet") == before


def test_a_corrupt_or_missing_structure_table_is_named(ran: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(ran, folder)
    table = folder / "structure.parquet"
    table.write_bytes(table.read_bytes()[:1000])
    result = runner.invoke(app, ["value", str(folder), "--dry-run"])
    assert result.exit_code == 2
    assert f"{table}: corrupt Parquet file" in " ".join(result.output.split())
    table.unlink()
    result = runner.invoke(app, ["value", str(folder), "--dry-run"])
    assert result.exit_code == 2 and f"{table}: missing" in " ".join(result.output.split())


def test_resume_accepts_a_scenario_whose_money_changed(ran: Path, tmp_path: Path) -> None:
    """Money never changes a run: --resume on the same folder with other money assumptions
    completes (here: nothing to do) instead of calling it a different scenario."""
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(ran, folder)
    scenario = write_tiny(tmp_path, size=60, years=2, replications=3)
    scenario.write_text(scenario.read_text() + "money: {discount_rate: 0.1}\n")
    args = ["run", str(scenario), "--out", str(folder), "--workers", "1", "--resume"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


SWEEP = """\
name: paysweep
organisation: {size: 60}
policies:
  - {name: single-ladder, base: single-ladder}
  - {name: dual, base: genuine-dual-track}
sweep:
  method: grid
  parameters:
    policy.specialist_pay_ratio: {values: [0.7, 1.0]}
    engagement.parity_weight: {values: [0.1, 0.4]}
run: {years: 2, replications: 2, seed: 5}
"""


def test_a_sweep_is_valued_as_from_its_whole_tables(tmp_path: Path) -> None:
    """Stored results are valued reading only each run's name (policy, replication, point)
    from the big tables, the swept values joined afterwards: the same tables as valuing the
    whole tables, each row carrying its point's swept values."""
    (tmp_path / "s.yaml").write_text(SWEEP)
    folder = tmp_path / "out"
    args = ["run", str(tmp_path / "s.yaml"), "--out", str(folder), "--workers", "1"]
    assert runner.invoke(app, args).exit_code == 0
    results = load(folder)
    structure = results.table("structure")
    whole = value_tables(Money(), structure, results.table("events"),
                         results.table("timeseries"), policy_pay(results.manifest, structure),
                         results.baseline)  # fmt: skip
    valuation = read_valuation(results)
    for got, expected in zip((valuation.yearly, valuation.summary), whole, strict=True):
        pd.testing.assert_frame_equal(got, expected)
        assert {"point", "policy.specialist_pay_ratio", "engagement.parity_weight"} <= set(got)
    ratios = valuation.summary.groupby("point")["policy.specialist_pay_ratio"].unique()
    assert sorted(r[0] for r in ratios) == [0.7, 0.7, 1.0, 1.0]
