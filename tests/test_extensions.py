"""Every extension point, used by rules written outside orgsim (tests/extension_rules.py), and
the scenario layer that names them (orgsim/extensions.py)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from extension_rules import (
    OLD_SHARE,
    SHARE_OVER,
    FreshSkillPromotion,
    GrowthWithFloor,
    KeenPopulation,
    KindRecorder,
    PerformanceThresholdLeaving,
    PersonGrowth,
    SkillOnlyPopulation,
    Tenure,
    WorstFirst,
)

from orgsim import OrgModel
from orgsim.events import register_event_kind
from orgsim.experiment import run_experiment
from orgsim.extensions import RuleReferenceError, check_extensions, resolve_extensions
from orgsim.hierarchy import IC, MANAGER
from orgsim.results import mean_ci
from orgsim.rules import ExtraPhase, Phase, resolve_rule
from orgsim.rules.base import SlowRuleWarning
from orgsim.rules.filling import LevelFilling
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


# --- population and attributes ------------------------------------------------------------------
def test_initial_population_and_hiring() -> None:
    model = OrgModel(SMALL, rng=1, rules={"population": KeenPopulation})
    assert model.timeseries["reluctant_manager_share"].iloc[0] == 0
    model.run(2)
    hires = model.events_frame.query("event == 'hire'")
    assert len(hires) > 0 and (hires["motivation"] == 0.95).all()


def test_a_population_rule_supplies_only_what_it_needs() -> None:
    model = OrgModel(SMALL, rng=1, rules={"population": SkillOnlyPopulation}).run(1)
    p = model.people
    hired = np.isin(p.uid, model.events_frame.query("event == 'hire'")["person_id"])
    # hired at skill 0.3, grown for at most a year since (growth and expert leaders)
    practitioners = p.skill[hired & (p.role != MANAGER)]
    assert hired.any() and (practitioners >= 0.3).all() and (practitioners < 0.45).all()
    for name in ("status_drive", "motivation", "engagement", "age"):
        assert not np.isnan(p.array(name)[p.active]).any(), name


def test_a_rule_reading_an_attribute_nobody_supplies_fails_at_set_up() -> None:
    class ReadsGroup(Phase):
        slot = "reads-group"
        reads = ("group",)

        def step(self, model):
            pass

    with pytest.raises(ValueError, match=r"ReadsGroup reads \['group'\].*nobody supplies"):
        OrgModel(SMALL, phases=[ExtraPhase(ReadsGroup(), "after", "growth")])


# --- chart, selection, acceptance, filling ------------------------------------------------------
def test_selection_worst_performer_lowers_pre_promotion_performance() -> None:
    def perf(rules):
        m = OrgModel(SMALL, rng=3, rules=rules).run(6)
        return m.events_frame.query("to_role == 'manager' and from_role != 'manager'")[
            "pre_promotion_performance"
        ].mean()

    assert perf({"selection": WorstFirst}) < perf({}) - 0.1
    assert perf({"selection": "worst"}) < perf({}) - 0.1  # the registered one


def test_selection_is_asked_for_every_kind_of_vacancy() -> None:
    spy = KindRecorder()
    OrgModel(SMALL, policy="genuine-dual-track", rng=2, rules={"selection": spy}).run(2)
    assert spy.kinds == {"ic", "specialist", "manager"}


def test_acceptance_can_be_replaced_or_removed() -> None:
    def reluctant_new_managers(rules):
        m = OrgModel(SMALL, rng=4, rules=rules).run(5)
        e = m.events_frame.query("to_role == 'manager' and from_role != 'manager'")
        return (e["motivation"] < 0.5).mean()

    everyone = reluctant_new_managers({"acceptance": "accept-all"})
    assert reluctant_new_managers({"acceptance": None}) == everyone
    assert everyone > reluctant_new_managers({}) + 0.05


def test_vacancy_order_bottom_up_leaves_chains_to_outside_hires() -> None:
    def mean_hire_grade(rules):
        ev = OrgModel(SMALL, rng=3, rules=rules).run(4).events_frame
        return ev.query("event == 'hire' and to_role == 'ic'")["to_grade"].astype(float).mean()

    # Top-down, a chain of vacancies runs to grade 1, where hires come in; bottom-up, the
    # vacancies that promotions leave behind are filled from outside at their own grade
    # (when their hire arrives before the next step's pass promotes into them).
    bottom_up = {"filling": LevelFilling({"order": "bottom-up"})}
    assert mean_hire_grade({}) == 1.0
    assert mean_hire_grade(bottom_up) > 1.15


def test_exits_promotions_and_hires_interleave_level_by_level() -> None:
    together = {"filling": LevelFilling({"interleave": ["leaving", "step_back", "coaching",
                                                        "promotion", "hiring"]})}  # fmt: skip
    with pytest.raises(ValueError, match=r"phase 'step_back' .* no step_level"):
        OrgModel(SMALL, rules=together)
    interleave = {"filling": LevelFilling({"interleave": ["leaving", "promotion", "hiring"]}),
                  "step_back": None, "coaching": None}  # fmt: skip
    model = OrgModel(SMALL, rng=5, rules=interleave)
    assert "by grade (leaving, promotion, hiring): level by level" in model.plan()
    model.run(1)
    ev = model.events_frame.query("month == 12")
    grade = ev["from_grade"].fillna(ev["to_grade"]).astype(int)
    # Level by level from the top: the grades of the step's events never rise again after a
    # hire at a lower grade (a hire closes its level).
    hires = ev["event"] == "hire"
    assert hires.any() and (np.diff(grade[hires].to_numpy()) <= 0).all()


def test_interleaved_phases_must_be_consecutive() -> None:
    apart = {"filling": LevelFilling({"interleave": ["leaving", "hiring"]})}
    with pytest.raises(ValueError, match="consecutive"):
        OrgModel(SMALL, rules=apart)


def test_on_promotion_attributes_can_be_redrawn() -> None:
    model = OrgModel(SMALL, rng=4, rules={"promotion": FreshSkillPromotion}).run(1)
    promos = model.events_frame.query("event == 'promotion'").drop_duplicates(
        "person_id", keep="last"
    )
    p = model.people
    now = dict(zip(p.uid[p.active].tolist(), p.skill[p.active], strict=True))
    before = promos.set_index("person_id")["skill"]
    changed = [abs(now[i] - before[i]) > 1e-12 for i in before.index if i in now]
    assert changed and np.mean(changed) > 0.95


# --- phases and exits -----------------------------------------------------------------------------
def test_who_leaves_and_why_with_exit_kinds() -> None:
    rule = PerformanceThresholdLeaving({"min_skill": 0.25, "max_age": 55})
    model = OrgModel(SMALL, rng=5, rules={"leaving": rule}).run(2)
    ev = model.events_frame
    fired = ev.query("event == 'dismissal'")
    assert len(fired) > 0 and (fired["skill"] < 0.25).all()
    p = model.people
    assert (p.age[p.active] < 55 + 1 / 12 + 1e-9).all()
    assert model.timeseries["exits"].sum() == 0  # dismissals are not voluntary turnover


def test_an_exit_kind_can_be_registered() -> None:
    register_event_kind("secondment", "left on a secondment", exit=True)

    class Seconding(Phase):
        def step(self, model):
            p = model.people
            model.remove_people(p.uid[p.active][:2], "secondment")

    model = OrgModel(SMALL, rng=1, rules={"step_back": Seconding()}).run(0.25)
    assert (model.events_frame["event"] == "secondment").sum() == 6
    with pytest.raises(ValueError, match="'promotion' is not an exit kind"):
        model.remove_people(model.people.uid[model.people.active][:1], "promotion")


def test_a_phase_can_be_removed() -> None:
    skill_phases = {"growth": None, "expert_leaders": None, "sponsorship": None}
    model = OrgModel(SMALL, rng=1, rules=skill_phases | {"coaching": None})
    assert "growth" not in model.plan() and "coaching" not in model.plan()
    p = model.people
    ic = p.role == IC
    before = p.skill[ic].copy()
    model.step()
    still = ic & (p.role == IC)
    assert np.array_equal(p.skill[still], before[still[ic]])


def test_required_slots_cannot_be_removed() -> None:
    with pytest.raises(ValueError, match=r"rules\.selection: this slot cannot be removed"):
        OrgModel(SMALL, rules={"selection": None})


def test_new_phase_attribute_and_measure() -> None:
    phase = Tenure()
    model = OrgModel(
        SMALL, rng=6, phases=[ExtraPhase(phase, "before", "leaving")], measures=[OLD_SHARE]
    ).run(1)
    assert phase.steps == 12
    names = [n for n, _ in model.phases]
    assert names.index("tenure-check") == names.index("leaving") - 1
    p = model.people
    assert not np.isnan(p.ambition[p.active]).any()
    hired = model.events_frame.query("event == 'hire'")["person_id"]
    rows = np.isin(p.uid, hired)
    assert rows.any() and not np.isnan(p.ambition[rows]).any()
    assert "old_share" in model.timeseries and 0 <= model.summary()["old_share"] <= 1


def test_a_subclass_adds_parameters_to_its_parents() -> None:
    rule = resolve_rule(GrowthWithFloor, "growth", "rules.growth", params={"floor": 0.4})
    assert (
        rule.params.floor == 0.4
        and rule.params.skill_growth == GrowthWithFloor().params.skill_growth
    )
    model = OrgModel(SMALL, rng=1, rules={"growth": rule}).run(1)
    p = model.people
    assert p.skill[p.active & (p.hire_month < 0)].min() >= 0.4 - 1e-12
    with pytest.raises(
        RuleReferenceError, match=r"params\.flor: unknown field; did you mean floor"
    ):
        resolve_rule(GrowthWithFloor, "growth", "rules.growth", params={"flor": 0.4})


def test_a_rule_of_the_wrong_protocol_is_refused() -> None:
    with pytest.raises(RuleReferenceError, match="does not follow the 'selection' protocol"):
        resolve_rule("leaving", "selection", "rules.selection")


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


# --- measures -------------------------------------------------------------------------------------
def test_measures_take_parameters_and_declare_their_summary() -> None:
    over_40 = SHARE_OVER.with_params({"min_age": 40}, name="share_over_40")
    model = OrgModel(SMALL, rng=1, measures=[SHARE_OVER, over_40], builtin_measures="none")
    model.run(1)
    ts = model.timeseries
    assert list(ts.columns) == ["month", "share_over", "share_over_40"]
    assert (ts["share_over_40"] >= ts["share_over"]).all()
    assert model.summary()["share_over"] == ts["share_over"].max()
    with pytest.raises(ValueError, match="min_age"):
        SHARE_OVER.with_params({"min_age": 5})


def test_builtin_measures_can_be_chosen() -> None:
    model = OrgModel(SMALL, rng=1, builtin_measures=["engagement", "headcount"])
    assert list(model.run(0.5).timeseries.columns) == ["month", "engagement", "headcount"]
    with pytest.raises(ValueError, match="unknown measure"):
        OrgModel(SMALL, builtin_measures=["engagment"])


def test_measures_can_be_recorded_after_any_phase() -> None:
    # Recorded after leaving, before promotion and hiring refill the posts: vacancies show.
    early = OrgModel(SMALL, rng=2, record_after="leaving", builtin_measures=["vacancies"])
    late = OrgModel(SMALL, rng=2, builtin_measures=["vacancies"])
    lines = early.plan().splitlines()
    assert lines[lines.index("11. record measures") - 1] == "10. leaving: Leaving"
    v_early = early.run(2).timeseries["vacancies"].iloc[1:].mean()
    v_late = late.run(2).timeseries["vacancies"].iloc[1:].mean()
    assert v_early > v_late
    with pytest.raises(ValueError, match="record_after: no phase 'leavin'"):
        OrgModel(SMALL, record_after="leavin")


def test_measures_see_events_even_when_none_are_kept() -> None:
    kept = OrgModel(SMALL, rng=3).run(1)
    lean = OrgModel(SMALL, rng=3, events="none").run(1)
    assert kept.timeseries["exits"].equals(lean.timeseries["exits"])
    with pytest.raises(ValueError, match="events were not kept"):
        lean.events_frame  # noqa: B018
    summary = OrgModel(SMALL, rng=3, events="summary").run(1).events_frame
    full = kept.events_frame
    assert summary["count"].sum() == len(full)
    hires = summary.query("event == 'hire'")["count"].sum()
    assert hires == (full["event"] == "hire").sum()


# --- the scenario layer -----------------------------------------------------------------------
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
        ("rules: {leaving: 'extension_rules:NotARule'}", "does not follow the 'leaving' protocol"),
        ("rules: {leaving: {use: 'extension_rules:PerformanceThresholdLeaving', "
         "params: {min_skill: 5}}}", "rules.leaving.params.min_skill"),
        ("rules: {leaving: {use: 'extension_rules:PerformanceThresholdLeaving', "
         "params: {bogus: 1}}}", "rules.leaving.params.bogus: unknown field; valid fields: "
         "min_skill, max_age"),
        ("rules: {leaving: nope}", "rules.leaving: unknown rule 'nope'"),
        ("phases: [{use: 'extension_rules:Tenure', after: grwoth}]", "unknown phase 'grwoth'"),
        ("measures: ['extension_rules:NOT_A_MEASURE']", "measures[0]: extension_rules"),
        ("measures: [{use: 'extension_rules:OLD_SHARE', params: {x: 1}}]",
         "measures[0].params: measure 'old_share' takes no parameters"),
        ("measures: [{use: 'extension_rules:SHARE_OVER', params: {min_age: 5}}]",
         r"measures[0].params.min_age"),
        ("measures: [{use: 'extension_rules:OLD_SHARE', name: policy.specialist_stigma}]\n"
         "sweep: {parameters: {policy.specialist_stigma: {values: [0, 0.1]}}}",
         "measures[0]: 'policy.specialist_stigma' names a column of the results tables"),
        ("measures: [{use: 'extension_rules:OLD_SHARE', name: organisation.size}]\n"
         "uncertainties: {organisation.size: {low: 60, high: 90, integer: true}}",
         "measures[0]: 'organisation.size' names a column of the results tables"),
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
    with pytest.raises(ScenarioError, match=r"rules\.organisation: this slot cannot"):
        parse_scenario(BAD.format(extra="rules: {organisation: null}"))
    for tag in ("month", "policy", "replication", "point"):
        with pytest.raises(ScenarioError, match=f"measures.0.name: '{tag}' names a column"):
            parse_scenario(BAD.format(extra=f"measures: [{{use: 'x.py:M', name: {tag}}}]"))


def test_params_of_a_registered_rule_are_applied_and_checked() -> None:
    ok = parse_scenario(BAD.format(extra="rules: {leaving: {use: leaving, params: "
                                   "{base_monthly_exit: 0.2}}}"))  # fmt: skip
    assert resolve_extensions(ok).rules["leaving"].params.base_monthly_exit == 0.2
    typo = parse_scenario(BAD.format(extra="rules: {leaving: {use: leaving, params: "
                                     "{base_monthly_exitt: 0.1}}}"))  # fmt: skip
    with pytest.raises(
        RuleReferenceError, match=r"rules\.leaving\.params\.base_monthly_exitt: unknown field; "
        "did you mean base_monthly_exit"
    ):  # fmt: skip
        check_extensions(typo)


def test_a_measure_must_be_an_import_path() -> None:
    scenario = parse_scenario(BAD.format(extra="measures: [engagement]"))
    with pytest.raises(RuleReferenceError, match="choose built-in measures with builtin_measures"):
        check_extensions(scenario)


VARIANTS = """\
name: variants
organisation: {size: 200}
rules:
  selection: {use: selection}
policies:
  - {name: best, base: single-ladder}
  - name: worst
    rules: {selection: worst}
  - name: keen
    rules: {acceptance: accept-all}
    levers: {selection: random}
run: {years: 2, replications: 3, seed: 4}
"""


def test_rule_variants_are_policies_with_paired_runs(tmp_path: Path) -> None:
    scenario = parse_scenario(VARIANTS)
    assert scenario.policy_spec("worst").base is None
    assert type(resolve_extensions(scenario, "worst").rules["selection"]).__name__ == "WorstFirst"
    results = run_experiment(scenario, tmp_path / "v", workers=1)
    s = results.table("summary").query("measure == 'headcount'")
    start = results.table("timeseries").query("month == 0").groupby("replication")
    # Common random numbers: replication r starts from the same people under every policy.
    assert (start["engagement"].nunique() == 1).all()
    assert set(s["policy"]) == {"best", "worst", "keen"}


def test_a_lever_whose_rule_was_replaced_is_an_error() -> None:
    text = VARIANTS.replace("rules: {selection: worst}", "rules: {selection: worst}\n"
                            "    levers: {selection: assessed-aptitude}")  # fmt: skip
    with pytest.raises(RuleReferenceError, match=r"policies\[worst\]\.levers\.selection: no rule"):
        check_extensions(parse_scenario(text))


def test_a_rule_parameter_can_be_swept(tmp_path: Path) -> None:
    text = (
        VARIANTS
        + "sweep:\n  parameters:\n    rules.leaving.base_monthly_exit: {values: [0.002, 0.03]}\n"
    )
    scenario = parse_scenario(text)
    results = run_experiment(scenario, tmp_path / "s", workers=1)
    s = results.table("summary").query("measure == 'voluntary_turnover' and policy == 'best'")
    low, high = (s.groupby("rules.leaving.base_monthly_exit")["value"].mean()).sort_index()
    assert high > low + 0.1
    from orgsim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match=r"rules\.<slot>\.<parameter>"):
        parse_scenario(VARIANTS + "sweep:\n  parameters:\n    rules.nope.x: {values: [1]}\n")


CHART = """\
name: chart
organisation:
  span: 5
  chart:
    - {grade: 1, role: ic, positions: 81}
    - {grade: 2, role: manager, positions: 41}
    - {grade: 3, role: manager, positions: 21}
    - {grade: 4, role: manager, positions: 11}
    - {grade: 5, role: manager, positions: 5}
    - {grade: 6, role: manager, positions: 1}
policy: {ic_ceiling_grade: 1}
policies: [{name: a}]
"""


def test_an_explicit_chart_from_yaml() -> None:
    scenario = parse_scenario(CHART)
    assert scenario.organisation.size == 160 and scenario.organisation.grades == 6
    model = OrgModel(scenario.model_params(), policy=None, rng=1)
    h = model.hierarchy
    assert h.counts() == {(1, "ic"): 81, (2, "manager"): 41, (3, "manager"): 21,
                          (4, "manager"): 11, (5, "manager"): 5, (6, "manager"): 1}  # fmt: skip
    led = h.manager >= 0
    assert (h.grade[h.manager[led]] == h.grade[led] + 1).all()
    assert np.bincount(h.manager[led]).max() <= 5
    model.run(1)
    assert model.people.count <= 160
    too_wide = CHART.replace("span: 5", "span: 2")
    with pytest.raises(Exception, match="report to the 5 manager"):
        OrgModel(parse_scenario(too_wide).model_params(), policy=None)


def test_a_run_stops_when_its_condition_holds(tmp_path: Path) -> None:
    text = VARIANTS.replace("run: {years: 2, replications: 3, seed: 4}",
                            "run:\n  years: 60\n  replications: 2\n  seed: 4\n  until: "
                            "{measure: starting_staff, below: 1}")  # fmt: skip
    results = run_experiment(parse_scenario(text), tmp_path / "u", workers=1)
    stopped = results.table("summary").query("measure == 'stopped_month'")["value"]
    ts = results.table("timeseries")
    last = ts.loc[ts.groupby(["policy", "replication"])["month"].idxmax()]
    assert (last["starting_staff"] == 0).all() and (last["month"] < 60 * 12).all()
    assert sorted(stopped) == sorted(last["month"])
    assert results.measures["stopped_month"].label == "Month the run stopped"
    with pytest.raises(RuleReferenceError, match=r"run\.until\.measure: 'nope' is not recorded"):
        check_extensions(parse_scenario(text.replace("starting_staff", "nope")))


def test_a_run_stops_on_a_function_of_the_model() -> None:
    from orgsim.scenario import ScenarioError

    text = VARIANTS + "  # stop rule\n"
    scenario = parse_scenario(
        text.replace("seed: 4}", "seed: 4, until: {use: 'extension_rules:no_starting_staff'}}")
    )
    ext = resolve_extensions(scenario)
    model = OrgModel({"organisation": {"size": 200}}, rng=1).run(80, until=ext.until)
    assert model.month < 80 * 12 and model.people.count > 0
    with pytest.raises(ScenarioError, match="exactly one of 'below' or 'above'"):
        parse_scenario(VARIANTS.replace("seed: 4}", "seed: 4, until: {measure: headcount}}"))


def test_an_inserted_phase_parameter_can_be_swept(tmp_path: Path) -> None:
    from orgsim.scenario import ScenarioError

    text = (ROOT / "examples/mentoring/scenario.yaml").read_text()
    text = text.replace("replications: 20", "replications: 2").replace("years: 20", "years: 1")
    text += "sweep:\n  parameters:\n    phases.0.mentees_per_mentor: {values: [0, 5]}\n"
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    (tmp_path / "mentoring.py").write_text((ROOT / "examples/mentoring/mentoring.py").read_text())
    results = run_experiment(load_scenario(path), tmp_path / "out", workers=1)
    s = results.table("summary").query("measure == 'mentored_share' and policy != 'single-ladder'")
    shares = s.groupby("phases.0.mentees_per_mentor")["value"].mean()
    assert shares[0] == 0 and shares[5] > 0.2
    with pytest.raises(ScenarioError, match="the scenario has 1 phase"):
        parse_scenario(text.replace("phases.0.", "phases.3."), base_dir=tmp_path)


def test_a_swept_lever_that_meets_a_replaced_rule_fails_before_any_run(tmp_path: Path) -> None:
    text = VARIANTS + "sweep:\n  parameters:\n    policy.assessment_noise: {values: [0.1, 0.3]}\n"
    scenario = parse_scenario(text)
    with pytest.raises(RuleReferenceError, match=r"sweep: policies\[worst\]\.levers"):
        check_extensions(scenario)
    with pytest.raises(RuleReferenceError):
        run_experiment(scenario, tmp_path / "out", workers=1)
    assert not (tmp_path / "out").exists()


def test_a_rule_without_its_protocols_method_fails_before_running() -> None:
    from orgsim.rules import PersonRule, SelectionRule

    class Runs(Phase):
        slot = "runs"

        def run(self, model) -> None:  # a typo for step
            pass

    class Chooses(SelectionRule):
        def choose(self, model, vacancy):  # a typo for select
            return vacancy.candidates

    class Nobody(PersonRule):
        slot = "nobody"

    small = {"organisation": {"size": 60}}
    with pytest.raises(RuleReferenceError, match=r"phases\[0\].use: Runs does not define step\(\)"):
        OrgModel(small, phases=[ExtraPhase(Runs(), "after", "growth")])
    with pytest.raises(RuleReferenceError, match=r"rules.selection: Chooses does not define sel"):
        OrgModel(small, rules={"selection": Chooses()})
    with pytest.raises(RuleReferenceError, match=r"Nobody does not define step_person\(\)"):
        OrgModel(small, phases=[ExtraPhase(Nobody(), "after", "growth")])
    with pytest.raises(NotImplementedError, match="Chooses defines no select"):
        SelectionRule.select(Chooses(), None, None)


def test_registering_a_taken_name_is_refused() -> None:
    from orgsim.rules import RULES, SelectionRule, register

    default = RULES["selection"]
    with pytest.raises(ValueError, match=r"register\('selection'\): the name is taken by orgsim"):

        @register("selection")
        class Mine(SelectionRule):
            def select(self, model, vacancy):
                return vacancy.candidates

    assert RULES["selection"] is default
    assert register("selection")(default) is default  # the same class again: harmless


def test_one_file_imported_twice_registers_its_rule_once(tmp_path: Path, monkeypatch) -> None:
    """A scenario's './rules_twice.py:F' and a researcher's 'import rules_twice' load the
    file as two modules: the same rule, not a clash."""
    from orgsim.rules.resolve import import_object

    (tmp_path / "rules_twice.py").write_text(
        "from orgsim.rules import Phase, register\n\n@register('twice-flat')\n"
        "class F(Phase):\n    def step(self, model):\n        pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    import rules_twice  # noqa: F401

    assert import_object("./rules_twice.py:F", "phases[0].use").__name__ == "F"


def test_an_extra_phase_must_go_before_or_after() -> None:
    with pytest.raises(ValueError, match=r"ExtraPhase\.where: 'After'; give 'before' or 'after'"):
        ExtraPhase(Phase(), "After", "growth")


def test_the_slow_rule_warning_points_at_the_researchers_rule() -> None:
    from orgsim.rules import PersonRule

    class Idle(PersonRule):
        slot = "idle"

        def step_person(self, model, person) -> None:
            pass

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        OrgModel(SMALL, phases=[ExtraPhase(Idle(), "after", "growth")]).step()
    (slow,) = [w for w in caught if issubclass(w.category, SlowRuleWarning)]
    assert slow.filename == __file__ and "Idle is a per-person rule" in str(slow.message)
    assert slow.lineno == Idle.step_person.__code__.co_firstlineno


def test_a_lever_whose_rule_was_replaced_is_refused_and_every_other_lever_is_read() -> None:
    from orgsim.parameters import Policy

    shadowed = parse_scenario(BAD.format(extra="rules: {selection: worst}").replace(
        "base: single-ladder}", "base: single-ladder, levers: {selection: random}}"))  # fmt: skip
    with pytest.raises(RuleReferenceError, match=r"policies\[a\]\.levers\.selection: no rule"):
        check_extensions(shadowed)
    with pytest.raises(ValueError, match="policy_overrides: 'selection': no rule of this model"):
        OrgModel(SMALL, rules={"selection": "worst"}, policy_overrides={"selection": "random"})
    defaults = Policy()
    for lever in Policy.model_fields:  # each lever, coaching_cost too, is read by a default rule
        OrgModel(SMALL, policy_overrides={lever: getattr(defaults, lever)})
