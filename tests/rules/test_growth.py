"""Phase 'growth': practice builds skill, faster with engagement and a good manager;
managers' unpractised skill decays; firm-specific expertise builds with time."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import IC, MANAGER


def test_growth_equation(tiny, phase) -> None:
    model = tiny()
    wf, h = model.workforce, model.hierarchy
    rng = np.random.default_rng(0)
    wf.skill[:] = rng.uniform(0.1, 0.9, h.size)
    wf.engagement[:] = rng.uniform(0, 1, h.size)
    wf.firm_expertise[:] = rng.uniform(0, 1, h.size)
    wf.manager_quality[:] = np.where(h.role == MANAGER, rng.uniform(0, 1, h.size), np.nan)
    s, e, f = wf.skill.copy(), wf.engagement.copy(), wf.firm_expertise.copy()
    q = wf.manager_quality[np.maximum(h.manager, 0)]
    q = np.where(h.manager >= 0, q, 0.5)
    phase(model, "growth").step(model)
    g, w, d, tau, dt = 0.15, 0.5, 0.05, 3.0, 1 / 12
    ic = h.role == IC
    expected = s + g * dt * (0.5 + e) * (1 - w + 2 * w * q) * (1 - s)
    np.testing.assert_allclose(wf.skill[ic], expected[ic])
    mgr = h.role == MANAGER
    np.testing.assert_allclose(wf.skill[mgr], s[mgr] * (1 - d * dt))
    np.testing.assert_allclose(wf.firm_expertise, f + dt / tau * (1 - f))
    assert (wf.skill[ic] > s[ic]).all() and (wf.skill[mgr] < s[mgr]).all()


def test_good_manager_and_engagement_speed_growth(tiny, phase) -> None:
    model = tiny()
    wf, h = model.workforce, model.hierarchy
    wf.skill[:] = 0.5
    wf.engagement[:] = 0.5
    good, poor = 2, 3  # two first-line managers
    wf.manager_quality[:] = np.nan
    wf.manager_quality[good], wf.manager_quality[poor] = 0.9, 0.1
    under_good = np.flatnonzero(h.manager == good)
    under_poor = np.flatnonzero(h.manager == poor)
    wf.engagement[under_good[0]] = 1.0
    phase(model, "growth").step(model)
    gain = wf.skill - 0.5
    assert gain[under_good[1:]].min() > gain[under_poor].max()
    assert gain[under_good[0]] > gain[under_good[1]]
    # with development_weight 0 the manager does not matter
    model = tiny(growth={"development_weight": 0.0})
    wf = model.workforce
    wf.skill[:] = 0.5
    wf.engagement[:] = 0.5
    wf.manager_quality[good], wf.manager_quality[poor] = 0.9, 0.1
    phase(model, "growth").step(model)
    assert wf.skill[under_good[1]] == pytest.approx(wf.skill[under_poor[0]])


def test_skill_never_exceeds_one_and_vacancies_stay_empty(tiny, phase) -> None:
    model = tiny(growth={"skill_growth": 2.0})
    wf = model.workforce
    model.remove_people(np.array([25]), "exit", top_quartile=np.zeros(40, bool))
    wf.skill[wf.occupied] = 0.999
    for _ in range(24):
        phase(model, "growth").step(model)
    assert (wf.skill[wf.occupied] <= 1).all()
    assert np.isnan(wf.skill[25]) and np.isnan(wf.firm_expertise[25])
