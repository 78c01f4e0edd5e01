"""Every extension point, used by rules written outside orgsim (tests/extension_rules.py)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from extension_rules import (
    BottomUpPromotion,
    ExplicitShape,
    FreshSkillPromotion,
    KeenPopulation,
    PerformanceThresholdLeaving,
    PersonGrowth,
    Tenure,
    WorstFirst,
)

from orgsim import OrgModel
from orgsim.experiment import run_experiment
from orgsim.extensions import RuleReferenceError, check_extensions, resolve_extensions
from orgsim.hierarchy import MANAGER
from orgsim.results import mean_ci
from orgsim.rules import ExtraPhase
from orgsim.rules.base import SlowRuleWarning
from orgsim.scenario import load_scenario, parse_scenario

ROOT = Path(__file__).parents[1]
SMALL = {"organisation": {"size": 300}}


def paired_diff(measure: str, reps: int, years: float, a: dict, b: dict, params=SMALL):
    """Mean and 95% CI of the paired difference b - a in a summarised measure."""
    diffs = [
        OrgModel(params, rng=r, **b).run(years).summary()[measure]
        - OrgModel(params, rng=r, **a).run(years).summary()[measure]
        for r in range(reps)
    ]
    return mean_ci(np.array(diffs))


def test_initial_population_and_hiring() -> None:
    model = OrgModel(SMALL, rng=1, rules={"population": KeenPopulation})
    assert model.timeseries["reluctant_manager_share"].iloc[0] == 0
    model.run(2)
    hires = model.events_frame.query("event == 'hire'")
    assert len(hires) > 0 and (hires["motivation"] == 0.95).all()


def test_organisation_shape_from_explicit_positions() -> None:
    shape = ExplicitShape({"ic_positions": [40, 20], "managers": [8, 2]})
    model = OrgModel(rng=1, rules={"organisation": shape}).run(1)
    h = model.hierarchy
    assert h.size == 70 and h.counts()[(3, "manager")] == 8
    boss = h.manager[h.manager >= 0]
    assert (h.role[boss] == MANAGER).all() and (h.grade[boss] > h.grade[h.manager >= 0]).all()
    assert model.timeseries["headcount"].iloc[-1] <= 70


def test_yearly_time_step() -> None:
    yearly = OrgModel({**SMALL, "step_months": 12}, rng=2).run(5)
    assert yearly.timeseries["month"].tolist() == [0, 12, 24, 36, 48, 60]
    monthly = OrgModel(SMALL, rng=2).run(5)
    # Annualised rates are comparable across time steps (within a few points).
    t_year = yearly.timeseries["voluntary_turnover"].iloc[1:].mean()
    t_month = monthly.timeseries["voluntary_turnover"].iloc[1:].mean()
    assert abs(t_year - t_month) < 0.05


def test_selection_worst_performer_lowers_pre_promotion_performance() -> None:
    def perf(rules):
        m = OrgModel(SMALL, rng=3, rules=rules).run(6)
        return m.events_frame.query("to_role == 'manager' and from_role != 'manager'")[
            "pre_promotion_performance"
        ].mean()

    assert perf({"selection": WorstFirst}) < perf({}) - 0.1


def test_vacancy_order_bottom_up_leaves_chains_to_outside_hires() -> None:
    def mean_hire_grade(rules):
        ev = OrgModel(SMALL, rng=3, rules=rules).run(4).events_frame
        return ev.query("event == 'hire' and to_role == 'ic'")["to_grade"].astype(float).mean()

    # Top-down, a chain of vacancies runs to grade 1, where hires come in; bottom-up, the
    # vacancies that promotions leave behind are filled from outside at their own grade.
    assert mean_hire_grade({"promotion": BottomUpPromotion}) > mean_hire_grade({}) + 0.3


def test_on_promotion_attributes_can_be_redrawn() -> None:
    model = OrgModel(SMALL, rng=4, rules={"promotion": FreshSkillPromotion}).run(1)
    promos = model.events_frame.query("event == 'promotion'").drop_duplicates(
        "person_id", keep="last"
    )
    now = dict(zip(model.workforce.person_id, model.workforce.skill, strict=True))
    kept = [now[p] for p in promos["person_id"] if p in now]
    before = promos.set_index("person_id")["skill"]
    changed = [abs(now[p] - before[p]) > 1e-12 for p in before.index if p in now]
    assert kept and np.mean(changed) > 0.95


def test_who_leaves_and_why() -> None:
    rule = PerformanceThresholdLeaving({"min_skill": 0.25, "max_age": 55})
    model = OrgModel(SMALL, rng=5, rules={"leaving": rule}).run(2)
    left = model.events_frame.query("event == 'retirement'")
    assert len(left) > 0
    assert ((left["skill"] < 0.25) | (left["motivation"].notna())).all()
    wf = model.workforce
    assert (wf.age[wf.occupied] < 55 + 1 / 12 + 1e-9).all()


def test_new_phase_attribute_and_measure() -> None:
    phase = Tenure()
    from extension_rules import OLD_SHARE

    model = OrgModel(
        SMALL, rng=6, phases=[ExtraPhase(phase, "before", "leaving")], measures=[OLD_SHARE]
    ).run(1)
    assert phase.steps == 12
    assert [p.phase for p in model.phases].index("tenure-check") == 4
    wf = model.workforce
    assert not np.isnan(wf.ambition[wf.occupied]).any()
    hired = model.events_frame.query("event == 'hire'")["person_id"]
    rows = np.isin(wf.person_id, hired)
    assert rows.any() and not np.isnan(wf.ambition[rows]).any()
    assert "old_share" in model.timeseries and 0 <= model.summary()["old_share"] <= 1


def test_per_person_rule_warns_once_and_matches_the_vectorised_rule() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = OrgModel(SMALL, rng=8, rules={"growth": PersonGrowth()}).run(0.5)
        model.run(0.5)
    assert sum(issubclass(w.category, SlowRuleWarning) for w in caught) <= 1
    d, lo, hi = paired_diff("technical_capability", 8, 2, {}, {"rules": {"growth": PersonGrowth()}})
    # Same equation, same random streams: indistinguishable (the paired CI covers zero or
    # the difference is below 0.1% of the measure).
    assert (lo <= 0 <= hi) or abs(d) < 5e-4


@pytest.mark.slow
def test_mentoring_example_raises_technical_capability() -> None:
    scenario = load_scenario(ROOT / "examples/mentoring/scenario.yaml")
    ext = resolve_extensions(scenario)
    params = scenario.model_params()
    with_m = {"policy": "genuine-dual-track", "phases": ext.phases, "measures": ext.measures}
    d, lo, hi = paired_diff(
        "technical_capability", 10, 10, {"policy": "genuine-dual-track"}, with_m, params
    )
    assert lo > 0, f"mentoring effect {d:.4f} [{lo:.4f}, {hi:.4f}]"


def test_mentoring_example_runs_from_the_cli_layer(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "examples/mentoring/scenario.yaml")
    scenario.run = scenario.run.model_copy(update={"replications": 2, "years": 1})
    results = run_experiment(scenario, tmp_path / "m", workers=1)
    assert "mentored_share" in results.measures
    summary = results.table("summary")
    shares = summary.query("measure == 'mentored_share'").groupby("policy")["value"].mean()
    assert shares["genuine-dual-track"] > 0.2 and shares["single-ladder"] == 0


BAD = """\
name: bad
{extra}
policies:
  - {{name: a, base: single-ladder}}
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("rules: {leaving: 'no_such_module_xyz:Rule'}", "rules.leaving: cannot import module"),
        ("rules: {leaving: 'extension_rules:Missing'}", "rules.leaving: module"),
        ("rules: {leaving: 'extension_rules:NotARule'}", "does not follow the rule protocol"),
        ("rules: {leaving: {use: 'extension_rules:PerformanceThresholdLeaving', "
         "params: {min_skill: 5}}}", "rules.leaving.params.min_skill"),
        ("rules: {leaving: {use: 'extension_rules:PerformanceThresholdLeaving', "
         "params: {bogus: 1}}}", "rules.leaving.params.bogus"),
        ("rules: {leaving: nope}", "rules.leaving: unknown rule 'nope'"),
        ("phases: [{use: 'extension_rules:Tenure', after: grwoth}]", "unknown phase 'grwoth'"),
        ("measures: ['extension_rules:NOT_A_MEASURE']", "measures[0]: extension_rules"),
    ],
)  # fmt: skip
def test_bad_references_fail_before_any_run(tmp_path: Path, extra: str, message: str) -> None:
    scenario = parse_scenario(BAD.format(extra=extra))
    with pytest.raises(RuleReferenceError, match=message.replace("[", r"\[")):
        check_extensions(scenario)
    with pytest.raises(RuleReferenceError):
        run_experiment(scenario, tmp_path / "out", workers=1)
    assert not (tmp_path / "out").exists()


def test_unknown_slot_is_a_scenario_error() -> None:
    from orgsim.scenario import ScenarioError

    with pytest.raises(
        ScenarioError, match=r"rules\.leavng: unknown rule slot; did you mean leaving"
    ):
        parse_scenario(BAD.format(extra="rules: {leavng: x}"))


def test_params_of_a_registered_rule_are_applied_and_checked() -> None:
    ok = parse_scenario(BAD.format(extra="rules: {leaving: {use: leaving, params: "
                                   "{base_monthly_exit: 0.2}}}"))  # fmt: skip
    assert resolve_extensions(ok).rules["leaving"].params.base_monthly_exit == 0.2
    typo = parse_scenario(BAD.format(extra="rules: {leaving: {use: leaving, params: "
                                     "{base_monthly_exitt: 0.1}}}"))  # fmt: skip
    with pytest.raises(RuleReferenceError, match=r"rules\.leaving\.params\.base_monthly_exitt"):
        check_extensions(typo)


def test_a_measure_must_be_an_import_path() -> None:
    scenario = parse_scenario(BAD.format(extra="measures: [engagement]"))
    with pytest.raises(RuleReferenceError, match="built-in measures are always recorded"):
        check_extensions(scenario)
