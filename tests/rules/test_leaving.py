"""Phase 'leaving': a voluntary-exit hazard rising as engagement falls and with market value
(skill), and retirement at the age limit."""

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


def hazard(model, engagement, pct):
    p = model.params.leaving
    monthly = p.base_monthly_exit * np.exp(
        p.engagement_sensitivity * (p.reference_engagement - engagement)
        + p.skill_sensitivity * (pct - 0.5)
    )
    return np.minimum(monthly, 1.0)


def test_exit_equation_with_the_stream_it_draws(tiny, phase) -> None:
    model = tiny(organisation={"size": 400}, leaving={"base_monthly_exit": 0.1})
    p = model.people
    pct = skill_percentile(p.skill, p.active)
    h = hazard(model, p.engagement, pct)
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


def test_hazard_rises_as_engagement_falls_and_skill_rises(tiny) -> None:
    model = tiny()
    e = np.array([0.2, 0.55, 0.9])
    h = hazard(model, e, np.full(3, 0.5))
    assert h[0] > h[1] > h[2]
    assert h[1] == pytest.approx(0.011)
    hs = hazard(model, np.full(3, 0.55), np.array([0.1, 0.5, 0.9]))
    assert hs[0] < hs[1] < hs[2]


def test_disengaged_people_leave_more(tiny, phase) -> None:
    model = tiny(organisation={"size": 4000})
    p = model.people
    low = np.arange(len(p)) % 2 == 0
    p.engagement[:] = np.where(low, 0.2, 0.8)
    p.age[:] = 40
    phase(model, "leaving").step(model)
    left = ~p.active
    # expected shares: 0.011 x exp(+1.4) = 4.5% vs 0.011 x exp(-1) = 0.4% (per month)
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
