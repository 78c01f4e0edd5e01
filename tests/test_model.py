"""OrgModel: invariants after every step, headcount accounting, determinism, the Python API
and the Mesa idioms (employees as views of a person, found by person id)."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orgsim import NAMED_POLICIES, OrgModel
from orgsim.agents import Employee
from orgsim.events import BUILT_IN, exit_kinds
from orgsim.hierarchy import IC, MANAGER, SPECIALIST, build_hierarchy
from orgsim.measures import MEASURES
from orgsim.people import PersonLeft
from orgsim.policies import policy_levers
from orgsim.rules import DEFAULT_PHASES, ExtraPhase, PersonRule, Phase
from orgsim.rules.filling import LevelFilling

#: Measures that are undefined (NaN) when their population is empty: no specialists, no
#: managers below the top grade, no manager appointed in the last two years, fewer than ten
#: seasoned promoted managers.
MAY_BE_NAN = {
    "engagement_specialist",
    "middle_manager_engagement",
    "new_manager_reluctant_share",
    "peter_signature",
}
PERSON_FLOATS = (
    "skill",
    "firm_expertise",
    "aptitude",
    "motivation",
    "status_drive",
    "preference_z",
    "stated_preference",
    "engagement",
    "age",
)


def check_invariants(model: OrgModel, headcount_before: int) -> None:
    """Everything that must hold at the end of every step."""
    people, h, p = model.people, model.hierarchy, model.params
    active = people.active
    rows = np.flatnonzero(active)
    n = rows.size
    G = p.organisation.grades
    holder = model.holder

    # people and positions point at each other: an employed row holds a position whose holder
    # is that row; a free row holds nothing; every other position is vacant (holder -1)
    assert len(people) == h.size  # capacity = number of positions
    pos = people.position[rows]
    assert ((pos >= 0) & (pos < h.size)).all()
    np.testing.assert_array_equal(holder[pos], rows)
    assert len(np.unique(pos)) == n, "two people hold the same position"
    vacant = np.ones(h.size, dtype=bool)
    vacant[pos] = False
    assert (holder[vacant] == -1).all(), "a vacant position points at a holder"
    held = holder >= 0
    np.testing.assert_array_equal(held, ~vacant)
    np.testing.assert_array_equal(people.position[holder[held]], np.flatnonzero(held))
    free = ~active
    assert (people.uid[free] == -1).all() and (people.position[free] == -1).all()
    assert (people.grade[free] == 0).all() and (people.role[free] == -1).all()

    # a person's grade and role are those of the position they hold
    np.testing.assert_array_equal(people.grade[rows], h.grade[pos])
    np.testing.assert_array_equal(people.role[rows], h.role[pos])

    # person ids: unique, issued in this run, and each resolves to its row
    ids = people.uid[rows]
    assert len(np.unique(ids)) == n
    assert (ids < people.ids_issued).all()
    np.testing.assert_array_equal(people.row_of(ids), rows)

    # reporting lines: the top grade has no manager; everyone else the holder of their
    # manager's post, a manager of a higher grade, or none while that post waits for a hire
    top = h.manager < 0
    np.testing.assert_array_equal(top, h.grade == G)
    boss = model.boss
    assert (boss[free] == -1).all()
    at_top = active & (people.grade == G)
    assert (boss[at_top] == -1).all()
    below = active & (people.grade < G)
    np.testing.assert_array_equal(boss[below], holder[h.manager[people.position[below]]])
    led = below & (boss >= 0)
    assert active[boss[led]].all()
    assert (people.role[boss[led]] == MANAGER).all()
    assert (people.grade[boss[led]] > people.grade[led]).all()
    assert (people.role[at_top] != IC).all()

    # spans: each manager position leads 1..span positions, and at most span people
    positions = np.bincount(h.manager[~top], minlength=h.size)
    reports = np.bincount(boss[led], minlength=h.size)
    assert positions[h.role == MANAGER].min() >= 1
    assert positions.max() <= p.organisation.span
    assert reports.max() <= p.organisation.span
    assert (positions[h.role != MANAGER] == 0).all()
    assert (reports[people.role != MANAGER] == 0).all()

    # grades and roles in range
    g, role = people.grade[rows], people.role[rows]
    assert ((g >= 1) & (g <= G)).all()
    ceiling, spec_top = p.policy.ic_ceiling_grade, p.policy.specialist_top_grade
    assert (g[role == IC] <= ceiling).all()
    assert (g[role == MANAGER] > ceiling).all()
    spec = role == SPECIALIST
    if spec_top is None:
        assert not spec.any()
    else:
        assert ((g[spec] > ceiling) & (g[spec] <= spec_top)).all()

    # headcount accounting from the events table: start + hires - exits (every kind) = end
    ev = model.events_frame
    now = ev[ev["month"] == model.month]["event"].astype(str)
    hires, exits = int((now == "hire").sum()), int(now.isin(exit_kinds()).sum())
    assert headcount_before + hires - exits == n
    assert n == people.count and 0 < n <= h.size

    # people: no NaN, bounded attributes, free rows empty
    for name in PERSON_FLOATS:
        assert not np.isnan(people.array(name)[active]).any(), name
        assert np.isnan(people.array(name)[free]).all(), name
    for name in ("engagement", "skill", "firm_expertise", "aptitude", "motivation"):
        v = people.array(name)[active]
        assert ((v >= 0) & (v <= 1)).all(), name
    assert (people.tenure[active] >= people.time_in_grade[active]).all()
    assert (people.stepped_back[active] <= (people.role[active] != MANAGER)).all()
    q = people.manager_quality[active & (people.role == MANAGER)]
    assert ((q[~np.isnan(q)] >= 0) & (q[~np.isnan(q)] <= 1)).all()
    assert np.isnan(people.manager_quality[active & (people.role != MANAGER)]).all()

    # the recorded measures of this step
    row = model.timeseries.iloc[-1]
    assert row["month"] == model.month
    assert row["headcount"] == n
    assert row["vacancies"] == h.size - n
    for name in MEASURES:
        if name not in MAY_BE_NAN:
            assert math.isfinite(row[name]), name
    for name in ("engagement", "engagement_ic", "engagement_manager", "reluctant_manager_share"):
        assert 0 <= row[name] <= 1, name
    if spec.any():
        assert math.isfinite(row["engagement_specialist"])


@st.composite
def small_orgs(draw) -> dict:
    """A random valid small organisation, policy and set of levers."""
    grades = draw(st.integers(3, 7), label="grades")
    size = draw(st.integers(30, 400), label="size")
    span = draw(st.integers(2, 10), label="span")
    ceiling = draw(st.integers(1, grades - 1), label="ceiling")
    policy = draw(st.sampled_from(sorted(NAMED_POLICIES)), label="policy")
    overrides = {
        "step_back_allowed": draw(st.booleans(), label="step_back"),
        "coaching_reach": draw(st.sampled_from([0.0, 0.3, 1.0]), label="coaching"),
        "selection": draw(
            st.sampled_from(["top-performer", "stated-preference", "assessed-aptitude", "random"]),
            label="selection",
        ),
    }
    top = policy_levers(policy, grades)["specialist_top_grade"]
    if (top is not None and top <= ceiling) or draw(st.booleans(), label="own_top"):
        overrides["specialist_top_grade"] = draw(
            st.none() | st.integers(ceiling + 1, grades), label="spec_top"
        )
    spec_top = overrides.get("specialist_top_grade", top)
    try:
        build_hierarchy(size, grades, span, ceiling, spec_top, 0.5)
    except ValueError:
        assume(False)
    params = {
        "step_months": draw(st.sampled_from([1, 1, 1, 12]), label="step_months"),
        "organisation": {"size": size, "grades": grades, "span": span},
        "policy": {"ic_ceiling_grade": ceiling},
        "promotion": {
            "review_interval_months": draw(st.sampled_from([1, 3, 6, 12]), label="review")
        },
        # make step-backs happen in a short run when they are allowed
        "step_back": {
            "engagement_threshold": draw(st.sampled_from([0.35, 0.6]), label="sb_threshold"),
            "monthly_probability": draw(st.sampled_from([0.1, 0.5]), label="sb_prob"),
        },
    }
    return {
        "params": params,
        "policy": policy,
        "policy_overrides": overrides,
        "rng": draw(st.integers(0, 2**32 - 1), label="seed"),
        "years": draw(st.integers(1, 3), label="years"),
    }


@settings(max_examples=25, deadline=None)
@given(small_orgs())
def test_invariants_hold_after_every_step(case: dict) -> None:
    years = case.pop("years")
    model = OrgModel(**case)
    headcount = model.hierarchy.size
    assert model.people.active.all()  # every position filled at the start
    assert (model.holder >= 0).all()
    check_invariants(model, headcount)
    for _ in range(12 * years // model.step_months):
        model.step()
        check_invariants(model, headcount)
        headcount = model.people.count
    # the whole run: start + hires - exits of every kind = end, from the events table
    ev = model.events_frame
    counts = ev["event"].astype(str).value_counts()
    exits = sum(counts.get(k, 0) for k in exit_kinds())
    assert model.hierarchy.size + counts.get("hire", 0) - exits == headcount
    assert model.people.ids_issued == model.hierarchy.size + counts.get("hire", 0)
    assert set(ev["event"].cat.categories) == set(BUILT_IN)  # no other kind happened


def test_invariants_hold_for_an_explicit_chart() -> None:
    """An organisation.chart is used as given (policy levers do not reshape it), and the model
    keeps every invariant on it: ICs of two grades reporting to the nearest managers, a
    specialist ladder of one grade."""
    chart = [
        {"grade": 1, "role": "ic", "positions": 60},
        {"grade": 2, "role": "ic", "positions": 30},
        {"grade": 3, "role": "manager", "positions": 18},
        {"grade": 3, "role": "specialist", "positions": 6},
        {"grade": 4, "role": "manager", "positions": 4},
        {"grade": 5, "role": "manager", "positions": 1},
    ]
    params = {"organisation": {"chart": chart}, "policy": {"ic_ceiling_grade": 2}}
    model = OrgModel(
        params,
        policy="genuine-dual-track",
        policy_overrides={"specialist_top_grade": 3, "specialist_share": 1.0},
        rng=4,
    )
    h = model.hierarchy
    assert h.counts() == {(1, "ic"): 60, (2, "ic"): 30, (3, "manager"): 18,
                          (3, "specialist"): 6, (4, "manager"): 4, (5, "manager"): 1}  # fmt: skip
    headcount = model.people.count
    check_invariants(model, headcount)
    for _ in range(24):
        model.step()
        check_invariants(model, headcount)
        headcount = model.people.count
    assert (model.events_frame["event"] == "promotion").sum() > 10


def test_invariants_catch_a_broken_holder() -> None:
    """The invariants check can fail: a position pointing at the wrong row is caught."""
    model = OrgModel({"organisation": {"size": 60}}, rng=1)
    check_invariants(model, 60)
    a, b = model.people.position[0], model.people.position[1]
    model.holder[[a, b]] = model.holder[[b, a]]
    with pytest.raises(AssertionError):
        check_invariants(model, 60)


# --- headcount accounting and flows -----------------------------------------------------------


@pytest.fixture(scope="module")
def run_200() -> OrgModel:
    """A 200-person genuine dual track with step-backs and coaching, 4 years."""
    model = OrgModel(
        {"organisation": {"size": 200}, "step_back": {"engagement_threshold": 0.5}},
        policy="genuine-dual-track",
        rng=3,
        policy_overrides={"step_back_allowed": True, "coaching_reach": 0.5},
    )
    return model.run(years=4)


def test_flows_match_the_events_table(run_200: OrgModel) -> None:
    ts, ev = run_200.timeseries, run_200.events_frame
    per_month = ev.groupby(["month", "event"], observed=False).size().unstack(fill_value=0)
    per_month = per_month.reindex(ts["month"], fill_value=0)
    # timeseries flows are annualised monthly counts
    np.testing.assert_array_equal(ts["hires"].to_numpy() / 12, per_month["hire"].to_numpy())
    np.testing.assert_array_equal(ts["exits"].to_numpy() / 12, per_month["voluntary"].to_numpy())
    np.testing.assert_array_equal(
        ts["retirements"].to_numpy() / 12, per_month["retirement"].to_numpy()
    )
    np.testing.assert_array_equal(
        ts["step_backs"].to_numpy() / 12, per_month["step_back"].to_numpy()
    )
    # headcount: start + cumulative (hires - exits of every kind)
    net = (per_month["hire"] - per_month[exit_kinds()].sum(axis=1)).cumsum()
    np.testing.assert_array_equal(ts["headcount"].to_numpy(), 200 + net.to_numpy())
    promotions = ev[ev["event"] == "promotion"]
    into_mgmt = (promotions["to_role"] == "manager") & (promotions["from_role"] != "manager")
    assert ts["promotions_to_manager"].sum() / 12 == into_mgmt.sum()
    assert ts["step_backs"].sum() > 0  # the run exercised step-backs
    assert ts["coaching_cost"].sum() > 0
    coached = per_month["coached"].to_numpy()
    cost = run_200.params.policy.coaching_cost
    np.testing.assert_allclose(ts["coaching_cost"].to_numpy(), coached * cost * 12)


def test_events_describe_moves(run_200: OrgModel) -> None:
    ev = run_200.events_frame
    assert "exit" not in set(ev["event"].cat.categories)  # exits are named by their kind
    promo = ev[ev["event"] == "promotion"]
    assert (promo["to_grade"] == promo["from_grade"] + 1).all()
    back = ev[ev["event"] == "step_back"]
    assert (back["from_role"] == "manager").all() and (back["to_role"] != "manager").all()
    assert (back["to_grade"] <= back["from_grade"]).all()
    hires = ev[ev["event"] == "hire"]
    assert hires["from_grade"].isna().all() and hires["to_grade"].notna().all()
    exits = ev[ev["event"].isin(exit_kinds())]
    assert len(exits) > 0 and exits["to_grade"].isna().all()
    assert exits["expertise"].notna().all() and (exits["expertise"] >= 0).all()
    # every person who left was in post: their id was hired or present at the start, and they
    # left once
    hired = set(hires["person_id"])
    assert all(pid < 200 or pid in hired for pid in exits["person_id"])
    assert exits["person_id"].is_unique
    # a person's events follow their career: nobody moves or is coached after leaving
    left_at = exits.set_index("person_id")["month"]
    later = ev[ev["person_id"].isin(left_at.index) & ~ev["event"].isin(exit_kinds())]
    assert (later["month"] <= later["person_id"].map(left_at)).all()


def test_retirement_at_the_age_limit() -> None:
    model = OrgModel({"organisation": {"size": 150}, "leaving": {"retirement_age": 50}}, rng=2)
    people = model.people
    total = 0
    for _ in range(14):  # month 12 is a review: many hires, some of them aged 50+
        age_after_ageing = people.age + 1 / 12
        due = people.active & (age_after_ageing >= 50)
        retiring = set(people.uid[due].tolist())
        month = model.month + 1
        model.step()
        ev = model.events_frame
        retired = set(ev.loc[(ev["month"] == month) & (ev["event"] == "retirement"), "person_id"])
        assert retired == retiring
        assert not any(people.is_employed(pid) for pid in retired)
        total += len(retired)
    assert total > 5


# --- determinism and common random numbers -------------------------------------------------


def _run(seed: int, policy: str = "nominal-dual-track") -> OrgModel:
    params = {"organisation": {"size": 150}, "step_back": {"engagement_threshold": 0.5}}
    overrides = {"step_back_allowed": True, "coaching_reach": 0.4}
    return OrgModel(params, policy=policy, rng=seed, policy_overrides=overrides).run(years=3)


def test_same_seed_gives_identical_results() -> None:
    a, b = _run(11), _run(11)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events_frame, b.events_frame)
    pd.testing.assert_frame_equal(a.structure, b.structure)
    pd.testing.assert_series_equal(a.summary(), b.summary())


def test_different_seed_gives_different_results() -> None:
    a, b = _run(11), _run(12)
    assert not a.timeseries.equals(b.timeseries)
    assert not a.events_frame.equals(b.events_frame)


def test_agents_do_not_change_the_random_streams() -> None:
    """Creating the Mesa agents (Mesa's own rng aside) leaves the results unchanged."""
    a = OrgModel({"organisation": {"size": 120}}, rng=5)
    b = OrgModel({"organisation": {"size": 120}}, rng=5)
    _ = b.agents
    a.run(years=1)
    b.run(years=1)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events_frame, b.events_frame)


def test_same_seed_same_initial_workforce_across_policies() -> None:
    """Common random numbers: replication r of two policies with the same chart starts from
    the same people, in the same rows and positions."""
    a = OrgModel({"organisation": {"size": 300}}, policy="single-ladder", rng=4)
    b = OrgModel({"organisation": {"size": 300}}, policy="ask-the-question", rng=4)
    for name in ("skill", "aptitude", "motivation", "status_drive", "engagement", "age"):
        np.testing.assert_array_equal(a.people.array(name), b.people.array(name))
    np.testing.assert_array_equal(a.people.position, b.people.position)
    np.testing.assert_array_equal(a.holder, b.holder)


# --- the Python API -----------------------------------------------------------------------


def test_python_api_of_the_issue() -> None:
    model = OrgModel({"organisation": {"size": 100}}, policy="genuine-dual-track", rng=7)
    assert model.run(years=20) is model
    assert model.month == 240
    ts = model.timeseries
    assert isinstance(ts, pd.DataFrame)
    assert len(ts) == 241 and ts["month"].tolist() == list(range(241))
    assert set(MEASURES) <= set(ts.columns)
    assert isinstance(model.events_frame, pd.DataFrame) and len(model.events_frame) > 0
    summary = model.summary()
    assert isinstance(summary, pd.Series) and summary.name == "genuine-dual-track"
    assert set(summary.index) == set(MEASURES)
    # final-year means for flows and levels; the Peter signature at the horizon
    assert summary["engagement"] == pytest.approx(ts["engagement"].tail(12).mean())
    assert summary["hires"] == pytest.approx(ts["hires"].tail(12).mean())
    assert summary["peter_signature"] == pytest.approx(ts["peter_signature"].iloc[-1], nan_ok=True)


def test_default_turnover_sits_in_the_uk_range() -> None:
    """Annual voluntary turnover near the UK's typical 10-20% under defaults (XpertHR surveys)."""
    s = OrgModel(rng=1).run(years=10).summary()
    assert 0.10 <= s["voluntary_turnover"] <= 0.20


def test_plan_lists_the_phases_in_order_then_records() -> None:
    model = OrgModel({"organisation": {"size": 50}})
    lines = model.plan().splitlines()
    assert len(lines) == len(DEFAULT_PHASES) + 1
    for i, (line, phase) in enumerate(zip(lines, DEFAULT_PHASES, strict=False), 1):
        assert line.startswith(f"{i}. {phase}: ")
    assert [name for name, _ in model.phases] == list(DEFAULT_PHASES)
    # the measures are recorded after the last phase
    assert lines[-1] == f"{len(lines)}. record measures"
    assert sum("record measures" in line for line in lines) == 1


def test_record_after_moves_the_recording() -> None:
    model = OrgModel({"organisation": {"size": 50}}, record_after="leaving")
    lines = model.plan().splitlines()
    assert lines[10] == "11. record measures" and lines[9].startswith("10. leaving: ")
    assert sum("record measures" in line for line in lines) == 1
    with pytest.raises(ValueError, match="record_after"):
        OrgModel({"organisation": {"size": 50}}, record_after="wellbeing")


def test_record_after_a_phase_of_an_interleaved_group_records_once_after_the_group() -> None:
    filling = LevelFilling({"interleave": ["promotion", "hiring"]})
    for first_or_last in ("promotion", "hiring"):
        model = OrgModel({"organisation": {"size": 200}}, rng=1, record_after=first_or_last,
                         rules={"filling": filling}, builtin_measures=["hires"])  # fmt: skip
        lines = model.plan().splitlines()
        assert sum("record measures" in line for line in lines) == 1
        at = next(i for i, line in enumerate(lines) if "record measures" in line)
        assert "level by level" in lines[at - 1]
        model.run(1)
        assert model.timeseries["month"].tolist() == list(range(13))


@pytest.mark.parametrize("record_after", [None, "promotion", "hiring"])
def test_phases_after_the_recording_still_see_this_steps_events(record_after) -> None:
    """passed_over and declined react to the step's promotion events also when the measures
    were recorded (and the recent events marked as read) between the two."""
    model = OrgModel({"organisation": {"size": 300}}, rng=1, record_after=record_after)
    seen = {"passed_over": 0, "declined": 0}
    rows_with_event = model.rows_with_event

    def counted(kind: str) -> np.ndarray:
        rows = rows_with_event(kind)
        seen[kind] = seen.get(kind, 0) + len(rows)
        return rows

    model.rows_with_event = counted
    model.run(3)
    events = model.events_frame["event"]
    assert seen["passed_over"] > 0 and seen["declined"] > 0
    assert seen["passed_over"] == (events == "passed_over").sum()


def test_a_phase_can_be_replaced() -> None:
    class NobodyLeaves(Phase):
        def step(self, model: OrgModel) -> None:
            pass

    model = OrgModel({"organisation": {"size": 80}}, rng=1, rules={"leaving": NobodyLeaves})
    assert "10. leaving: NobodyLeaves" in model.plan()
    model.run(years=1)
    assert model.events_frame["event"].isin(exit_kinds()).sum() == 0
    assert model.people.count == 80
    with pytest.raises(ValueError, match="wellbeing"):
        OrgModel({"organisation": {"size": 80}}, rules={"wellbeing": NobodyLeaves})


def test_a_phase_can_be_removed() -> None:
    """rules={"growth": None}: the phase leaves the plan, and nobody's skill changes (with
    the expert-leaders and sponsorship phases, which also move skill, removed too)."""
    removed = ("growth", "expert_leaders", "sponsorship")
    model = OrgModel({"organisation": {"size": 150}}, rng=2, rules=dict.fromkeys(removed))
    plan = model.plan()
    assert "growth" not in plan
    assert [name for name, _ in model.phases] == [p for p in DEFAULT_PHASES if p not in removed]
    assert plan.splitlines()[-1].endswith("record measures")

    def ic_skill(m: OrgModel) -> pd.Series:
        p = m.people
        ic = p.active & (p.role == IC)
        return pd.Series(p.skill[ic], index=p.uid[ic])

    def changed(m: OrgModel) -> int:
        before = ic_skill(m)
        m.run(years=1)
        after = ic_skill(m)
        stayed = before.index.intersection(after.index)
        assert len(stayed) > 50
        return int((after[stayed] != before[stayed]).sum())

    assert changed(model) == 0
    control = OrgModel({"organisation": {"size": 150}}, rng=2)
    assert changed(control) > 50  # with growth, ICs' skill moves


def test_move_people_needs_vacant_destinations() -> None:
    model = OrgModel({"organisation": {"size": 80}}, rng=1)
    p = model.people
    ic = np.flatnonzero(p.role == IC)[:2]
    with pytest.raises(ValueError, match="vacant"):
        model.move_people(p.uid[ic[:1]], p.position[ic[1:]])
    with pytest.raises(ValueError, match="not an exit kind"):
        model.remove_people(p.uid[ic[:1]], "promotion")


def test_a_person_keeps_their_row_when_promoted() -> None:
    model = OrgModel({"organisation": {"size": 80}}, rng=1)
    p = model.people
    row = int(np.flatnonzero((p.role == IC) & (p.grade == 1))[0])
    pid, old = int(p.uid[row]), int(p.position[row])
    skill = p.skill[row]
    target = model.positions(int(p.grade[row]) + 1, IC)[0]
    model.remove_people(p.uid[[model.holder[target]]], "dismissal")
    model.move_people([pid], [target], performance=np.array([0.8]))
    assert p.row_of([pid])[0] == row and p.position[row] == target
    assert model.holder[target] == row and model.holder[old] == -1
    assert p.grade[row] == model.hierarchy.grade[target] and p.skill[row] == skill
    assert p.time_in_grade[row] == 0
    assert old in model.vacancies(int(model.hierarchy.grade[old]), IC)
    ev = model.events_frame
    assert ev["event"].astype(str).tolist() == ["dismissal", "promotion"]


# --- Mesa idioms ----------------------------------------------------------------------------


def test_model_and_agents_are_mesa_objects() -> None:
    model = OrgModel({"organisation": {"size": 120}}, rng=1)
    assert isinstance(model, mesa.Model)
    agents = model.agents
    assert len(agents) == 120
    assert all(isinstance(a, Employee) for a in agents)
    people = model.people
    assert {a.unique_id for a in agents} == set(people.uid[people.active].tolist())
    assert all(a.unique_id == a.person_id for a in agents)
    assert [a.person_id for a in model.employees()] == sorted(people.uid[people.active])


def test_agents_select_by_role_and_attribute() -> None:
    model = OrgModel({"organisation": {"size": 120}}, rng=1)
    h, people = model.hierarchy, model.people
    managers = model.agents.select(lambda a: a.role == "manager")
    assert len(managers) == int((people.role == MANAGER).sum())
    reluctant = model.agents.select(lambda a: a.role == "manager" and a.motivation < 0.5)
    expected = int(((people.role == MANAGER) & (people.motivation < 0.5)).sum())
    assert len(reluctant) == expected
    for a in managers:
        assert a.grade > model.params.policy.ic_ceiling_grade
        assert a.grade == people.grade[a.row] == h.grade[a.position]
        assert model.holder[a.position] == a.row
    mean_eng = np.mean(model.agents.get("engagement"))
    assert mean_eng == pytest.approx(people.engagement[people.active].mean())


def test_agent_attributes_read_and_write_the_arrays() -> None:
    model = OrgModel({"organisation": {"size": 120}}, rng=1)
    people = model.people
    agent = model.agents.select(lambda a: a.role == "ic").to_list()[0]
    assert agent.engagement == people.engagement[agent.row]
    agent.engagement = 0.0123
    assert people.engagement[agent.row] == 0.0123
    people.skill[agent.row] = 0.777
    assert agent.skill == 0.777
    boss = agent.manager
    assert boss is not None and boss.role == "manager"
    assert boss.row == model.boss[agent.row]
    assert boss.position == model.hierarchy.manager[agent.position]
    top = model.agents.select(lambda a: a.grade == model.hierarchy.grades).to_list()[0]
    assert top.manager is None


def test_agent_writes_feed_the_rules() -> None:
    """Engagement set through the agents is what the leaving rule sees: same seed, one run
    with every IC's engagement zeroed through the agents, one without."""

    def ic_exits(zero: bool) -> int:
        model = OrgModel({"organisation": {"size": 400}}, rng=1)
        if zero:
            for a in model.agents.select(lambda a: a.role == "ic"):
                a.engagement = 0.0
            ic = model.people.role == IC
            assert (model.people.engagement[ic] == 0).all()
        model.run(years=0.25)
        ev = model.events_frame
        return int(((ev["event"] == "voluntary") & (ev["from_role"] == "ic")).sum())

    control, disengaged = ic_exits(False), ic_exits(True)
    assert disengaged > 2 * control + 5


def test_agent_set_tracks_hires_exits_and_moves() -> None:
    model = OrgModel({"organisation": {"size": 150}}, rng=2)
    before = {a.unique_id: a for a in model.agents}
    model.run(years=2)
    people = model.people
    now = {a.unique_id: a for a in model.agents}
    assert set(now) == set(people.uid[people.active].tolist())
    ev = model.events_frame
    left = set(ev.loc[ev["event"].isin(exit_kinds()), "person_id"])
    hired = set(ev.loc[ev["event"] == "hire", "person_id"])
    assert left and hired
    assert not left & set(now)
    assert hired - left <= set(now)
    # a person promoted in the run: same agent object, same row, new position
    promoted = set(ev.loc[ev["event"] == "promotion", "person_id"]) & set(before) & set(now)
    pid = min(promoted)
    agent = now[pid]
    assert agent is before[pid]
    assert people.uid[agent.row] == pid
    assert agent.grade == model.hierarchy.grade[agent.position]
    first = ev[(ev["person_id"] == pid) & (ev["event"] == "promotion")].iloc[0]
    assert agent.grade >= first["to_grade"]
    # removed agents are gone from the model's agent set
    gone = [before[p] for p in left & set(before)]
    assert gone and all(a not in model.agents for a in gone)
    assert not any(a.alive for a in gone)


def test_an_agent_of_a_leaver_raises_person_left_on_read_and_write() -> None:
    model = OrgModel({"organisation": {"size": 150}}, rng=2)
    agents = {a.person_id: a for a in model.employees()}
    model.run(years=4)
    ev = model.events_frame
    quits = ev[ev["event"] == "voluntary"]
    quits = quits[quits["person_id"].isin(list(agents))]
    pid, month = int(quits["person_id"].iloc[0]), int(quits["month"].iloc[0])
    agent = agents[pid]
    message = rf"^person {pid} left in month {month} \(voluntary\)$"
    assert not agent.alive
    with pytest.raises(PersonLeft, match=message):
        _ = agent.engagement
    with pytest.raises(PersonLeft, match=message):
        agent.engagement = 0.9
    with pytest.raises(PersonLeft, match=message):
        _ = agent.grade
    with pytest.raises(PersonLeft, match=message):
        model.people.row_of([pid])
    assert repr(agent) == f"Employee(id={pid}, left)"
    # the exit kind is named as it happened, e.g. a dismissal outside the step
    kept = model.employees()[11]
    model.remove_people([kept.person_id], "dismissal")
    with pytest.raises(
        PersonLeft, match=rf"person {kept.person_id} left in month 48 \(dismissal\)"
    ):
        kept.skill = 0.5
    assert isinstance(PersonLeft("x"), LookupError)


def test_writes_through_an_agent_never_touch_another_persons_row() -> None:
    """Rows are reused by later hires: a live agent writes only its own person's row, and the
    agent of the person who had the row before raises instead of writing the newcomer's."""
    model = OrgModel({"organisation": {"size": 120}}, rng=1)
    people = model.people
    old = {a.person_id: a for a in model.employees()}
    leaver = old[11]
    row = leaver.row
    pos = leaver.position
    model.remove_people([11], "dismissal")
    attrs = model.draw_people(model.stream("test"), model.hierarchy.grade[[pos]], initial=False)
    (newcomer_id,) = model.hire(np.array([pos]), attrs)
    assert people.row_of([newcomer_id])[0] == row  # the freed row was reused
    newcomer = {a.person_id: a for a in model.employees()}[int(newcomer_id)]
    assert newcomer is not leaver and newcomer.row == row
    before = people.engagement.copy()
    with pytest.raises(PersonLeft):
        leaver.engagement = 0.0
    np.testing.assert_array_equal(people.engagement, before)
    # a run reuses many rows; then every live agent writes a value of its own
    model.run(years=2)
    reused = [a for pid, a in old.items() if not a.alive]
    assert len(reused) > 10
    for a in model.employees():
        a.engagement = (a.person_id % 997) / 997
    active = people.active
    np.testing.assert_array_equal(people.engagement[active], (people.uid[active] % 997) / 997)
    assert np.isnan(people.engagement[~active]).all()
    for a in reused:
        with pytest.raises(PersonLeft):
            a.engagement = 1.0
    np.testing.assert_array_equal(people.engagement[active], (people.uid[active] % 997) / 997)


def test_a_misspelled_attribute_is_an_error_not_a_new_attribute() -> None:
    model = OrgModel({"organisation": {"size": 60}}, rng=1)
    agent = model.employees()[5]
    before = model.people.engagement.copy()
    with pytest.raises(AttributeError, match="did you mean engagement"):
        agent.engagment = 0.9
    with pytest.raises(AttributeError, match="did you mean engagement"):
        _ = agent.engagment
    np.testing.assert_array_equal(model.people.engagement, before)
    assert "engagment" not in vars(agent)
    with pytest.raises(AttributeError, match="add_attribute"):
        agent.favourite_colour = "green"
    grade = agent.grade
    with pytest.raises(AttributeError, match=r"Employee\.grade is read-only: .*model\.move_people"):
        agent.grade = grade + 1
    assert agent.grade == grade
    with pytest.raises(AttributeError, match=r"^Employee\.alive is read-only$"):
        agent.alive = False


def test_agent_step_runs_the_per_person_rules() -> None:
    calls: list[tuple[str, int]] = []

    class Lift(PersonRule):
        slot = "lift"

        def step_person(self, model: OrgModel, person: Employee) -> None:
            calls.append(("lift", person.person_id))
            person.engagement = min(1.0, person.engagement + 0.1)

    class Tally(PersonRule):
        slot = "tally"

        def step_person(self, model: OrgModel, person: Employee) -> None:
            calls.append(("tally", person.person_id))

    phases = [ExtraPhase(Lift(), "after", "engagement"), ExtraPhase(Tally(), "after", "hiring")]
    model = OrgModel({"organisation": {"size": 60}}, rng=1, phases=phases)
    assert [type(r) for r in model.person_rules()] == [Lift, Tally]
    agent = model.employees()[7]
    other = model.employees()[8]
    mine, theirs = agent.engagement, other.engagement
    agent.step()
    assert calls == [("lift", agent.person_id), ("tally", agent.person_id)]
    assert agent.engagement == pytest.approx(min(1.0, mine + 0.1))
    assert other.engagement == theirs  # nobody else was stepped
    # without per-person rules, agent.step() changes nothing
    plain = OrgModel({"organisation": {"size": 60}}, rng=1)
    assert plain.person_rules() == []
    state = plain.people.engagement.copy()
    plain.employees()[7].step()
    np.testing.assert_array_equal(plain.people.engagement, state)


def test_mesa_datacollector_reads_the_agents() -> None:
    model = OrgModel({"organisation": {"size": 100}}, rng=3)
    collector = mesa.DataCollector(agent_reporters={"engagement": "engagement"})

    def engagement_by_id() -> pd.Series:
        p = model.people
        return pd.Series(p.engagement[p.active], index=p.uid[p.active]).sort_index()

    collector.collect(model)
    expected = [engagement_by_id()]
    for _ in range(4):
        model.step()
        collector.collect(model)
        expected.append(engagement_by_id())
    df = collector.get_agent_vars_dataframe()
    steps = df.index.get_level_values("Step").unique()
    assert len(steps) == 5
    for step, want in zip(steps, expected, strict=True):
        got = df.xs(step, level="Step")["engagement"].sort_index()
        np.testing.assert_array_equal(got.index, want.index)  # who was employed at that step
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy())
    assert not expected[0].equals(expected[-1])  # engagement and staff changed over the steps
