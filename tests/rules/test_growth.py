"""Phase 'growth': practice builds skill, faster with engagement and a good manager;
managers' unpractised skill decays; firm-specific expertise builds with time."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import IC, MANAGER


def manager_quality_from_the_chart(model) -> np.ndarray:
    """Each row's manager's quality, found through the chart (0.5 at the top or under a
    vacant manager post): an independent check of model.boss and model.manager_q."""
    p, h = model.people, model.hierarchy
    q = np.full(len(p), 0.5)
    for row in np.flatnonzero(p.active):
        boss_pos = h.manager[p.position[row]]
        if boss_pos >= 0 and model.holder[boss_pos] >= 0:
            q[row] = p.manager_quality[model.holder[boss_pos]]
    return q


def test_growth_equation(tiny, phase) -> None:
    model = tiny()
    p = model.people
    n = len(p)
    rng = np.random.default_rng(0)
    p.skill[:] = rng.uniform(0.1, 0.9, n)
    p.engagement[:] = rng.uniform(0, 1, n)
    p.firm_expertise[:] = rng.uniform(0, 1, n)
    p.manager_quality[:] = np.where(p.role == MANAGER, rng.uniform(0, 1, n), np.nan)
    s, e, f = p.skill.copy(), p.engagement.copy(), p.firm_expertise.copy()
    q = manager_quality_from_the_chart(model)
    np.testing.assert_allclose(model.manager_q(), q)
    phase(model, "growth").step(model)
    g, w, d, tau, dt = 0.15, 0.5, 0.05, 3.0, 1 / 12
    ic = p.role == IC
    expected = s + g * dt * (0.5 + e) * (1 - w + 2 * w * q) * (1 - s)
    np.testing.assert_allclose(p.skill[ic], expected[ic])
    mgr = p.role == MANAGER
    np.testing.assert_allclose(p.skill[mgr], s[mgr] * (1 - d * dt))
    np.testing.assert_allclose(p.firm_expertise, f + dt / tau * (1 - f))
    assert (p.skill[ic] > s[ic]).all() and (p.skill[mgr] < s[mgr]).all()


def test_good_manager_and_engagement_speed_growth(tiny, phase) -> None:
    model = tiny()
    p = model.people
    p.skill[:] = 0.5
    p.engagement[:] = 0.5
    good, poor = 2, 3  # two first-line managers
    p.manager_quality[:] = np.nan
    p.manager_quality[good], p.manager_quality[poor] = 0.9, 0.1
    under_good = np.flatnonzero(model.boss == good)
    under_poor = np.flatnonzero(model.boss == poor)
    assert len(under_good) > 1 and len(under_poor) > 0
    p.engagement[under_good[0]] = 1.0
    phase(model, "growth").step(model)
    gain = p.skill - 0.5
    assert gain[under_good[1:]].min() > gain[under_poor].max()
    assert gain[under_good[0]] > gain[under_good[1]]
    # with development_weight 0 the manager does not matter
    model = tiny(growth={"development_weight": 0.0})
    p = model.people
    p.skill[:] = 0.5
    p.engagement[:] = 0.5
    p.manager_quality[good], p.manager_quality[poor] = 0.9, 0.1
    phase(model, "growth").step(model)
    assert p.skill[under_good[1]] == pytest.approx(p.skill[under_poor[0]])


def test_a_vacant_manager_post_is_a_neutral_manager(tiny, phase) -> None:
    model = tiny()
    p = model.people
    p.skill[:] = 0.5
    p.engagement[:] = 0.5
    p.manager_quality[2], p.manager_quality[3] = 0.9, 0.5
    orphans = np.flatnonzero(model.boss == 2)
    neutral = np.flatnonzero(model.boss == 3)
    model.remove_people(p.uid[[2]], "voluntary")
    phase(model, "growth").step(model)
    np.testing.assert_allclose(p.skill[orphans], p.skill[neutral[0]])


def test_skill_never_exceeds_one_and_vacancies_stay_empty(tiny, phase) -> None:
    model = tiny(growth={"skill_growth": 2.0})
    p = model.people
    model.remove_people(np.array([25]), "voluntary")
    assert not p.active[25]
    p.skill[p.active] = 0.999
    for _ in range(24):
        phase(model, "growth").step(model)
    practise = p.active & (p.role != MANAGER)
    assert (p.skill[p.active] <= 1).all() and (p.skill[practise] > 0.999).all()
    assert np.isnan(p.skill[25]) and np.isnan(p.firm_expertise[25])
