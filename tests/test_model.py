"""OrgModel: invariants after every step, headcount accounting, determinism, the Python API
and the Mesa idioms."""

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
from orgsim.events import EVENT_KINDS
from orgsim.hierarchy import IC, MANAGER, SPECIALIST, build_hierarchy
from orgsim.measures import MEASURES
from orgsim.policies import policy_levers
from orgsim.rules import DEFAULT_PHASES, Rule

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
    wf, h, p = model.workforce, model.hierarchy, model.params
    occ = wf.occupied
    G = p.organisation.grades

    # reporting lines: the top grade has no manager; everyone else exactly one, a manager of a
    # higher grade who is in post (manager vacancies are filled within the step)
    top = h.manager < 0
    np.testing.assert_array_equal(top, h.grade == G)
    led = occ & ~top
    boss = h.manager[led]
    assert occ[boss].all(), "a person reports to a vacant manager position"
    assert (h.role[boss] == MANAGER).all()
    assert (h.grade[boss] > h.grade[led]).all()
    assert (h.role[occ & (h.grade == G)] != IC).all()

    # spans: each manager position leads 1..span positions, and at most span people
    positions = np.bincount(h.manager[~top], minlength=h.size)
    people = np.bincount(h.manager[led], minlength=h.size)
    assert positions[h.role == MANAGER].min() >= 1
    assert positions.max() <= p.organisation.span
    assert people.max() <= p.organisation.span
    assert (positions[h.role != MANAGER] == 0).all()

    # grades and roles in range
    assert ((h.grade[occ] >= 1) & (h.grade[occ] <= G)).all()
    ceiling, spec_top = p.policy.ic_ceiling_grade, p.policy.specialist_top_grade
    assert (h.grade[occ & (h.role == IC)] <= ceiling).all()
    assert (h.grade[occ & (h.role == MANAGER)] > ceiling).all()
    spec = occ & (h.role == SPECIALIST)
    if spec_top is None:
        assert not spec.any()
    else:
        assert ((h.grade[spec] > ceiling) & (h.grade[spec] <= spec_top)).all()

    # headcount accounting: start + hires - exits - retirements = end
    f = model.flows
    n = int(occ.sum())
    assert headcount_before + f["hires"] - f["exits"] - f["retirements"] == n
    assert 0 < n <= h.size
    assert len(np.unique(wf.person_id[occ])) == n

    # people: no NaN, bounded attributes, empty rows empty
    for name in PERSON_FLOATS:
        assert not np.isnan(wf.array(name)[occ]).any(), name
        assert np.isnan(wf.array(name)[~occ]).all(), name
    for name in ("engagement", "skill", "firm_expertise", "aptitude", "motivation"):
        v = wf.array(name)[occ]
        assert ((v >= 0) & (v <= 1)).all(), name
    assert (wf.tenure[occ] >= wf.time_in_grade[occ]).all()
    assert (wf.stepped_back[occ] <= (h.role[occ] != MANAGER)).all()
    q = wf.manager_quality[occ & (h.role == MANAGER)]
    assert ((q[~np.isnan(q)] >= 0) & (q[~np.isnan(q)] <= 1)).all()

    # the recorded measures of this step
    row = model.timeseries.iloc[-1]
    assert row["month"] == model.month
    assert row["headcount"] == n
    assert row["vacancies"] == h.size - n
    # month 0 is recorded before any manager-quality phase has run
    undefined = MAY_BE_NAN | ({"manager_quality"} if model.month == 0 else set())
    for name in MEASURES:
        if name not in undefined:
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
    assert model.workforce.occupied.all()  # every position filled at the start
    check_invariants(model, headcount)
    for _ in range(12 * years // model.step_months):
        model.step()
        check_invariants(model, headcount)
        headcount = int(model.workforce.occupied.sum())
    # the whole run: start + hires - exits - retirements = end, from the events table
    ev = model.events_frame
    counts = ev["event"].value_counts()
    assert model.hierarchy.size + counts["hire"] - counts["exit"] - counts["retirement"] == (
        headcount
    )
    assert set(ev["event"].cat.categories) == set(EVENT_KINDS)


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
    np.testing.assert_array_equal(ts["exits"].to_numpy() / 12, per_month["exit"].to_numpy())
    np.testing.assert_array_equal(
        ts["retirements"].to_numpy() / 12, per_month["retirement"].to_numpy()
    )
    np.testing.assert_array_equal(
        ts["step_backs"].to_numpy() / 12, per_month["step_back"].to_numpy()
    )
    # headcount: start + cumulative (hires - exits - retirements)
    net = (per_month["hire"] - per_month["exit"] - per_month["retirement"]).cumsum()
    np.testing.assert_array_equal(ts["headcount"].to_numpy(), 200 + net.to_numpy())
    promotions = ev[ev["event"] == "promotion"]
    into_mgmt = (promotions["to_role"] == "manager") & (promotions["from_role"] != "manager")
    assert ts["promotions_to_manager"].sum() / 12 == into_mgmt.sum()
    assert ts["step_backs"].sum() > 0  # the run exercised step-backs
    assert ts["coaching_cost"].sum() > 0


def test_events_describe_moves(run_200: OrgModel) -> None:
    ev = run_200.events_frame
    promo = ev[ev["event"] == "promotion"]
    assert (promo["to_grade"] == promo["from_grade"] + 1).all()
    back = ev[ev["event"] == "step_back"]
    assert (back["from_role"] == "manager").all() and (back["to_role"] != "manager").all()
    assert (back["to_grade"] <= back["from_grade"]).all()
    hires = ev[ev["event"] == "hire"]
    assert hires["from_grade"].isna().all() and hires["to_grade"].notna().all()
    exits = ev[ev["event"].isin(["exit", "retirement"])]
    assert exits["to_grade"].isna().all()
    # every person who left was in post: their id was hired or present at the start
    hired = set(hires["person_id"])
    assert all(pid < 200 or pid in hired for pid in exits["person_id"])


def test_retirement_at_the_age_limit() -> None:
    model = OrgModel({"organisation": {"size": 150}, "leaving": {"retirement_age": 50}}, rng=2)
    wf = model.workforce
    total = 0
    for _ in range(14):  # month 12 is a review: many hires, some of them aged 50+
        age_after_ageing = wf.age + 1 / 12
        due = wf.occupied & (age_after_ageing >= 50)
        retiring = set(wf.person_id[due].tolist())
        month = model.month + 1
        model.step()
        ev = model.events_frame
        retired = set(ev.loc[(ev["month"] == month) & (ev["event"] == "retirement"), "person_id"])
        assert retired == retiring
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


def test_same_seed_same_initial_workforce_across_policies() -> None:
    """Common random numbers: replication r of two policies with the same chart starts from
    the same people."""
    a = OrgModel({"organisation": {"size": 300}}, policy="single-ladder", rng=4)
    b = OrgModel({"organisation": {"size": 300}}, policy="ask-the-question", rng=4)
    for name in ("skill", "aptitude", "motivation", "status_drive", "engagement", "age"):
        np.testing.assert_array_equal(a.workforce.array(name), b.workforce.array(name))


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


def test_default_turnover_sits_in_the_uk_range() -> None:
    """MODEL.md: annual voluntary turnover near the UK's typical 10-20% under defaults."""
    s = OrgModel(rng=1).run(years=10).summary()
    assert 0.10 <= s["voluntary_turnover"] <= 0.20


def test_plan_lists_the_phases_in_order() -> None:
    model = OrgModel({"organisation": {"size": 50}})
    lines = model.plan().splitlines()
    assert len(lines) == len(DEFAULT_PHASES)
    for i, (line, phase) in enumerate(zip(lines, DEFAULT_PHASES, strict=True), 1):
        assert line.startswith(f"{i}. {phase}: ")


def test_a_phase_can_be_replaced() -> None:
    class NobodyLeaves(Rule):
        phase = "leaving"

        def step(self, model: OrgModel) -> None:
            pass

    model = OrgModel({"organisation": {"size": 80}}, rng=1, rules={"leaving": NobodyLeaves})
    assert "5. leaving: NobodyLeaves" in model.plan()
    model.run(years=1)
    assert model.events_frame["event"].isin(["exit", "retirement"]).sum() == 0
    with pytest.raises(ValueError, match="wellbeing"):
        OrgModel({"organisation": {"size": 80}}, rules={"wellbeing": NobodyLeaves})


# --- Mesa idioms ----------------------------------------------------------------------------


def test_model_and_agents_are_mesa_objects() -> None:
    model = OrgModel({"organisation": {"size": 120}}, rng=1)
    assert isinstance(model, mesa.Model)
    agents = model.agents
    assert len(agents) == 120
    assert all(isinstance(a, Employee) for a in agents)
    assert {a.unique_id for a in agents} == set(model.workforce.person_id.tolist())


def test_agents_select_by_role_and_attribute() -> None:
    model = OrgModel({"organisation": {"size": 120}}, rng=1)
    h, wf = model.hierarchy, model.workforce
    managers = model.agents.select(lambda a: a.role == "manager")
    assert len(managers) == int((h.role == MANAGER).sum())
    reluctant = model.agents.select(lambda a: a.role == "manager" and a.motivation < 0.5)
    expected = int(((h.role == MANAGER) & (wf.motivation < 0.5)).sum())
    assert len(reluctant) == expected
    for a in managers:
        assert a.grade > model.params.policy.ic_ceiling_grade
        assert a.grade == h.grade[a.row]
    mean_eng = np.mean(model.agents.get("engagement"))
    assert mean_eng == pytest.approx(wf.engagement.mean())


def test_agent_attributes_read_and_write_the_arrays() -> None:
    model = OrgModel({"organisation": {"size": 120}}, rng=1)
    agent = model.agents.select(lambda a: a.role == "ic").to_list()[0]
    assert agent.engagement == model.workforce.engagement[agent.row]
    agent.engagement = 0.0123
    assert model.workforce.engagement[agent.row] == 0.0123
    model.workforce.skill[agent.row] = 0.777
    assert agent.skill == 0.777
    boss = agent.manager
    assert boss is not None and boss.role == "manager"
    assert boss.row == model.hierarchy.manager[agent.row]
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
            ic = model.hierarchy.role == IC
            assert (model.workforce.engagement[ic] == 0).all()
        model.run(years=0.25)
        ev = model.events_frame
        return int(((ev["event"] == "exit") & (ev["from_role"] == "ic")).sum())

    control, disengaged = ic_exits(False), ic_exits(True)
    assert disengaged > 2 * control + 5


def test_agent_set_tracks_hires_exits_and_moves() -> None:
    model = OrgModel({"organisation": {"size": 150}}, rng=2)
    before = {a.unique_id: a for a in model.agents}
    model.run(years=2)
    wf = model.workforce
    now = {a.unique_id: a for a in model.agents}
    assert set(now) == set(wf.person_id[wf.occupied].tolist())
    ev = model.events_frame
    left = set(ev.loc[ev["event"].isin(["exit", "retirement"]), "person_id"])
    hired = set(ev.loc[ev["event"] == "hire", "person_id"])
    assert left and hired
    assert not left & set(now)
    assert hired - left <= set(now)
    # a person promoted in the run: same agent object, row followed them
    promoted = set(ev.loc[ev["event"] == "promotion", "person_id"]) & set(before) & set(now)
    pid = min(promoted)
    agent = now[pid]
    assert agent is before[pid]
    assert wf.person_id[agent.row] == pid
    assert agent.grade == model.hierarchy.grade[agent.row]
    # removed agents are gone from the model's agent set
    gone = [before[p] for p in left & set(before)]
    assert gone and all(a not in model.agents for a in gone)
