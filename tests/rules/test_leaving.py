"""Phase 'leaving': a voluntary-exit hazard rising as engagement falls, U-shaped in
performance for those long without a move up, and retirement at the age limit."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from orgsim.measures import skill_percentile
from orgsim.people import PersonLeft


def test_skill_percentile_ranks_the_employed() -> None:
    skill = np.array([0.1, 0.5, 0.9, np.nan, 0.3])
    active = np.array([True, True, True, False, True])
    pct = skill_percentile(skill, active)
    np.testing.assert_allclose(pct[active], [0.125, 0.625, 0.875, 0.375])


def hazard(model, engagement, pct, months_in_grade):
    p = model.params.leaving
    years = months_in_grade / 12
    unrewarded = years / (years + p.unrewarded_years)
    monthly = p.base_monthly_exit * np.exp(
        p.engagement_sensitivity * (p.reference_engagement - engagement)
        - p.performance_slope * (pct - 0.5)
        + p.skill_sensitivity * unrewarded * np.maximum(0.0, 2 * pct - 1)
    )
    return np.minimum(monthly, 1.0)


def test_the_hazard_is_u_shaped_in_performance_only_for_the_unrewarded(tiny) -> None:
    """Weaker performers leave more; a strong performer leaves less than a median one just
    after a move up, and more after years without one (the curvilinear relation)."""
    model = tiny()
    pct = np.array([0.1, 0.5, 0.9])
    e = np.full(3, model.params.leaving.reference_engagement)
    fresh = hazard(model, e, pct, np.zeros(3))
    stalled = hazard(model, e, pct, np.full(3, 120))
    assert fresh[0] > fresh[1] > fresh[2]
    assert stalled[2] > stalled[1] and stalled[0] > stalled[1]
    assert stalled[2] / fresh[2] > 1.5 and stalled[0] == pytest.approx(fresh[0])


def test_exit_equation_with_the_stream_it_draws(tiny, phase) -> None:
    model = tiny(organisation={"size": 400}, leaving={"base_monthly_exit": 0.1})
    p = model.people
    pct = skill_percentile(p.skill, p.active)
    h = hazard(model, p.engagement, pct, p.time_in_grade)
    u = copy.deepcopy(model.stream("leaving")).random(len(p))
    retire = p.age >= 66
    quits = np.flatnonzero(~retire & (u < h))
    ids = p.uid[quits]
    expertise = model.expertise()[quits]
    before_skill, before_active = p.skill.copy(), p.active.copy()
    phase(model, "leaving").step(model)
    ev = model.events_frame
    np.testing.assert_array_equal(ev.loc[ev["event"] == "voluntary", "person_id"], ids)
    assert "exit" not in set(ev["event"].astype(str))
    assert not p.active[quits].any()
    assert model.events.count("voluntary") == len(quits) > 10
    left = model.events.recent("voluntary")
    # the top quartile: at least 75% of those employed before the exits have lower skill
    skill = before_skill[before_active]
    top = np.array([(skill < s).sum() >= int(0.75 * len(skill)) for s in before_skill[quits]])
    assert 0 < top.sum() < len(quits)
    np.testing.assert_array_equal(left["top_quartile"], top)
    np.testing.assert_allclose(left["expertise"], expertise)
    # what the turnover measures read
    headcount = p.count
    model.recorder.record(model)
    last = model.timeseries.iloc[-1]
    assert last["exits"] == len(quits) * 12
    assert last["voluntary_turnover"] == pytest.approx(len(quits) / headcount * 12)
    assert last["regretted_turnover"] == pytest.approx(top.sum() / (headcount / 4) * 12)
    assert last["expertise_walked_out"] == pytest.approx(expertise.sum() / headcount * 1200)


def test_hazard_rises_as_engagement_falls(tiny) -> None:
    model = tiny()
    e = np.array([0.2, 0.55, 0.9])
    h = hazard(model, e, np.full(3, 0.5), np.zeros(3))
    assert h[0] > h[1] > h[2]
    assert h[1] == pytest.approx(model.params.leaving.base_monthly_exit)


def test_disengaged_people_leave_more(tiny, phase) -> None:
    model = tiny(organisation={"size": 4000})
    p = model.people
    low = np.arange(len(p)) % 2 == 0
    p.engagement[:] = np.where(low, 0.2, 0.8)
    p.age[:] = 40
    phase(model, "leaving").step(model)
    left = ~p.active
    # expected shares: 0.009 x exp(+1.4) = 3.6% vs 0.009 x exp(-1) = 0.3% (per month)
    assert left[low].mean() > 3 * left[~low].mean()
    assert 0.03 < left[low].mean() < 0.065


def test_retirement_at_the_age_limit(tiny, phase) -> None:
    model = tiny(leaving={"base_monthly_exit": 0.0, "retirement_age": 60})
    p = model.people
    p.age[:] = 40
    p.age[[5, 30]] = [60.0, 71.0]
    p.age[31] = 59.99
    ids = p.uid[[5, 30]]
    phase(model, "leaving").step(model)
    ev = model.events_frame
    assert list(ev["event"]) == ["retirement", "retirement"]
    np.testing.assert_array_equal(ev["person_id"], ids)
    assert model.events.count("retirement") == 2 and model.events.count("voluntary") == 0
    assert p.active[31] and not p.active[[5, 30]].any()
    with pytest.raises(PersonLeft, match=r"\(retirement\)"):
        p.row_of(ids[:1])
    assert (model.holder[[5, 30]] == -1).all()


def test_no_hazard_no_exits(tiny, phase) -> None:
    model = tiny(leaving={"base_monthly_exit": 0.0})
    model.people.engagement[:] = 0.0
    model.people.age[:] = 30
    phase(model, "leaving").step(model)
    assert model.people.active.all()
    assert model.events.count("voluntary") == 0


def test_one_level_at_a_time(tiny, phase) -> None:
    """Interleaved, leaving runs grade by grade: only that grade's people leave."""
    model = tiny(leaving={"base_monthly_exit": 1.0})
    p = model.people
    p.engagement[:], p.age[:] = 0.0, 40  # a hazard of 1 for everyone
    grade = p.grade.copy()
    phase(model, "leaving").step_level(model, 2)
    np.testing.assert_array_equal(p.active, grade != 2)
    assert model.events.count("voluntary") == (grade == 2).sum()


def test_leaving_draws_one_number_per_row(tiny, phase) -> None:
    """Common random numbers: the stream advances the same whoever is employed."""
    a, b = tiny(), tiny()
    b.remove_people(np.arange(10, 30), "retirement")
    phase(a, "leaving").step(a)
    phase(b, "leaving").step(b)
    assert a.stream("leaving").random() == b.stream("leaving").random()


def test_leaving_level_by_level_draws_once_per_step(tiny, phase) -> None:
    """Run grade by grade, a step draws the same numbers as a step run all at once, so the
    same people leave."""
    a, b = tiny(leaving={"base_monthly_exit": 0.2}), tiny(leaving={"base_monthly_exit": 0.2})
    a.month = b.month = 1
    phase(a, "leaving").step(a)
    rule = phase(b, "leaving")
    for grade in (4, 3, 2, 1):
        rule.step_level(b, grade)
    assert a.people.count < 40
    np.testing.assert_array_equal(a.people.active, b.people.active)
    assert a.stream("leaving").random() == b.stream("leaving").random()


def test_a_rule_shared_by_two_models_keeps_their_draws_apart() -> None:
    """A step's draws are cached per model, not per rule: stepping two models side by side
    with one rule instance gives what each would give with its own instance."""
    from orgsim import OrgModel
    from orgsim.rules.leaving import Leaving

    params = {"organisation": {"size": 200}}
    shared = Leaving({"base_monthly_exit": 0.05})
    a = OrgModel(params, rng=1, rules={"leaving": shared})
    b = OrgModel(params, rng=2, rules={"leaving": shared})
    alone = OrgModel(params, rng=2, rules={"leaving": Leaving({"base_monthly_exit": 0.05})})
    for model in (a, b, alone):
        model.step()
    left = [set(m.events_frame.query("event == 'voluntary'")["person_id"]) for m in (b, alone)]
    assert left[0] == left[1] and left[0]


def test_strong_performers_leave_when_unrewarded(tiny, phase) -> None:
    """40,000 people at reference engagement, half just moved up, half 10 years in grade, one
    month at a base rate of 0.1. Just moved up, the top skill quartile leaves less than the
    bottom one (expected hazard ratio about exp(-0.6 x 0.75) = 0.64, with about 400 and 600
    leavers: sd of the ratio about 0.04); 10 years in grade, the top quartile leaves more than
    the fresh top quartile (ratio about exp(1.6 x 0.77 x 0.75) = 2.5). Tolerances: ratios 0.8
    and 1.5."""
    model = tiny(organisation={"size": 40_000}, leaving={"base_monthly_exit": 0.1})
    p = model.people
    p.engagement[p.active] = model.params.leaving.reference_engagement
    p.age[p.active] = 40.0
    stalled = np.zeros(len(p), dtype=bool)
    stalled[np.flatnonzero(p.active)[::2]] = True
    p.time_in_grade[:] = np.where(stalled, 120, 0)
    pct = skill_percentile(p.skill, p.active)
    top, bottom = p.active & (pct >= 0.75), p.active & (pct < 0.25)
    ids = {name: p.uid[mask] for name, mask in {
        "fresh_top": top & ~stalled, "fresh_bottom": bottom & ~stalled,
        "stalled_top": top & stalled}.items()}  # fmt: skip
    phase(model, "leaving").step(model)
    gone = {name: 1 - np.isin(uid, p.uid).mean() for name, uid in ids.items()}
    assert gone["fresh_top"] < 0.8 * gone["fresh_bottom"], gone
    assert gone["stalled_top"] > 1.5 * gone["fresh_top"], gone
