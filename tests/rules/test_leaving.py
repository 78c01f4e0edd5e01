"""Phase 'leaving': a voluntary-exit hazard rising as engagement falls and with market value
(skill), and retirement at the age limit."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from orgsim.rules.leaving import skill_percentile


def test_skill_percentile_ranks_the_employed() -> None:
    skill = np.array([0.1, 0.5, 0.9, np.nan, 0.3])
    occ = np.array([True, True, True, False, True])
    pct = skill_percentile(skill, occ)
    np.testing.assert_allclose(pct[occ], [0.125, 0.625, 0.875, 0.375])


def hazard(model, engagement, pct):
    p = model.params.leaving
    monthly = p.base_monthly_exit * np.exp(
        p.engagement_sensitivity * (p.reference_engagement - engagement)
        + p.skill_sensitivity * (pct - 0.5)
    )
    return np.minimum(monthly, 1.0)


def test_exit_equation_with_the_stream_it_draws(tiny, phase) -> None:
    model = tiny(organisation={"size": 400}, leaving={"base_monthly_exit": 0.1})
    wf = model.workforce
    pct = skill_percentile(wf.skill, wf.occupied)
    h = hazard(model, wf.engagement, pct)
    u = copy.deepcopy(model.stream("leaving")).random(len(wf))
    retire = wf.age >= 66
    quits = np.flatnonzero(~retire & (u < h))
    ids = wf.person_id[quits]
    expertise = model.expertise()[quits].sum()
    phase(model, "leaving").step(model)
    ev = model.events_frame
    np.testing.assert_array_equal(ev.loc[ev["event"] == "exit", "person_id"], ids)
    assert not wf.occupied[quits].any()
    assert model.flows["exits"] == len(quits) > 10
    assert model.flows["regretted_exits"] == int((pct[quits] >= 0.75).sum())
    assert model.flows["expertise_walked_out"] == pytest.approx(expertise)


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
    wf = model.workforce
    low = np.arange(len(wf)) % 2 == 0
    wf.engagement[:] = np.where(low, 0.2, 0.8)
    wf.age[:] = 40
    phase(model, "leaving").step(model)
    left = ~wf.occupied
    # expected shares: 0.011 x exp(+1.4) = 4.5% vs 0.011 x exp(-1) = 0.4% (per month)
    assert left[low].mean() > 3 * left[~low].mean()
    assert 0.03 < left[low].mean() < 0.065


def test_retirement_at_the_age_limit(tiny, phase) -> None:
    model = tiny(leaving={"base_monthly_exit": 0.0, "retirement_age": 60})
    wf = model.workforce
    wf.age[:] = 40
    wf.age[[5, 30]] = [60.0, 71.0]
    wf.age[31] = 59.99
    ids = wf.person_id[[5, 30]]
    phase(model, "leaving").step(model)
    ev = model.events_frame
    assert list(ev["event"]) == ["retirement", "retirement"]
    np.testing.assert_array_equal(ev["person_id"], ids)
    assert model.flows["retirements"] == 2 and model.flows["exits"] == 0
    assert wf.occupied[31]


def test_no_hazard_no_exits(tiny, phase) -> None:
    model = tiny(leaving={"base_monthly_exit": 0.0})
    model.workforce.engagement[:] = 0.0
    model.workforce.age[:] = 30
    phase(model, "leaving").step(model)
    assert model.workforce.occupied.all()


def test_leaving_draws_one_number_per_position(tiny, phase) -> None:
    """Common random numbers: the stream advances the same whoever is in post."""
    a, b = tiny(), tiny()
    b.remove_people(np.arange(10, 30), "retirement")
    phase(a, "leaving").step(a)
    phase(b, "leaving").step(b)
    assert a.stream("leaving").random() == b.stream("leaving").random()
