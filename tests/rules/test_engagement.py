"""Phase 'engagement': movement toward a target made of the manager, role fit, progression,
pay and status parity, coaching, and noise."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import IC, MANAGER, SPECIALIST

QUIET = {"noise": 0.0}


def neutral(model) -> None:
    """Every driver at its neutral value: managers of quality 0.5, no time in grade."""
    wf, h = model.workforce, model.hierarchy
    wf.manager_quality[:] = np.where(h.role == MANAGER, 0.5, np.nan)
    wf.time_in_grade[:] = 0
    wf.status_drive[:] = 0.5
    wf.motivation[:] = 0.5


def test_neutral_target_is_the_baseline(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    target = phase(model, "engagement").target(model)
    h = model.hierarchy
    below_ceiling = (h.role == IC) & (h.grade < 2)
    np.testing.assert_allclose(target[below_ceiling | (h.role == MANAGER)], 0.68)


def test_manager_quality_drives_the_target(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    wf, h = model.workforce, model.hierarchy
    wf.manager_quality[2], wf.manager_quality[3] = 0.9, 0.1
    target = phase(model, "engagement").target(model)
    team_good = (h.manager == 2) & (h.grade == 1)
    team_poor = (h.manager == 3) & (h.grade == 1)
    np.testing.assert_allclose(target[team_good], 0.68 + 0.5 * 0.4)
    np.testing.assert_allclose(target[team_poor], 0.68 - 0.5 * 0.4)


def test_reluctant_manager_is_drained_by_the_role(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    wf = model.workforce
    wf.motivation[0], wf.motivation[1] = 0.1, 0.9  # the two top-grade managers
    target = phase(model, "engagement").target(model)
    assert target[0] == pytest.approx(0.68 + 0.3 * (0.1 - 0.5))
    assert target[1] == pytest.approx(0.68 + 0.3 * (0.9 - 0.5))
    # fit applies to managers only
    ic = 30
    wf.motivation[ic] = 0.1
    assert phase(model, "engagement").target(model)[ic] == pytest.approx(0.68)


def test_stall_and_ceiling_penalties(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    wf, h = model.workforce, model.hierarchy
    at_ceiling = np.flatnonzero((h.role == IC) & (h.grade == 2))[0]
    below = np.flatnonzero((h.role == IC) & (h.grade == 1))[0]
    wf.status_drive[at_ceiling], wf.motivation[at_ceiling] = 0.8, 0.2
    wf.time_in_grade[below] = 36
    target = phase(model, "engagement").target(model)
    # single ladder: an IC at the ceiling who will not manage is stuck
    assert target[at_ceiling] == pytest.approx(0.68 - 0.15 * 0.8 * (1 - 0.2))
    assert target[below] == pytest.approx(0.68 - 0.1 * 3 / (3 + 3))


def test_specialist_parity_and_dead_end(tiny, phase) -> None:
    model = tiny(
        policy="nominal-dual-track",
        organisation={"size": 60, "grades": 5},
        engagement=QUIET,
    )
    neutral(model)
    wf, h = model.workforce, model.hierarchy
    spec = np.flatnonzero(h.role == SPECIALIST)
    assert set(h.grade[spec]) == {3}  # tops out two grades below the top
    wf.status_drive[spec] = 1.0
    target = phase(model, "engagement").target(model)
    gap = (1 - 0.85) + 0.3
    np.testing.assert_allclose(target[spec], 0.68 - (0.15 * 1 + 0.3 * gap))
    # a genuine track: no gap, no dead end below the top
    model = tiny(policy="genuine-dual-track", engagement=QUIET)
    neutral(model)
    spec = np.flatnonzero(model.hierarchy.role == SPECIALIST)
    model.workforce.status_drive[spec] = 1.0
    target = phase(model, "engagement").target(model)
    np.testing.assert_allclose(target[spec], 0.68)


def test_step_back_stigma_and_coaching_boost(tiny, phase) -> None:
    model = tiny(engagement=QUIET, policy_overrides={"step_back_stigma": 0.4})
    neutral(model)
    wf = model.workforce
    model.month = 20
    wf.stepped_back[30] = True
    # coaching runs after this phase: the boost applies in the 6 months after the conversation
    wf.coached_month[31:35] = model.month - np.array([1, 6, 7, 0])
    target = phase(model, "engagement").target(model)
    assert target[30] == pytest.approx(0.68 - 0.5 * 0.3 * 0.4)
    np.testing.assert_allclose(target[31:35], 0.68 + np.array([0.05, 0.05, 0, 0]))


def test_engagement_moves_part_way_to_the_target(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    wf = model.workforce
    rule = phase(model, "engagement")
    target = rule.target(model)
    before = wf.engagement.copy()
    rule.step(model)
    np.testing.assert_allclose(wf.engagement, target + 0.85 * (before - target))


def test_engagement_stays_in_bounds(tiny, phase) -> None:
    model = tiny(engagement={"noise": 1.0, "baseline": 1.0, "manager_weight": 2.0})
    wf = model.workforce
    for _ in range(12):
        phase(model, "engagement").step(model)
        assert ((wf.engagement >= 0) & (wf.engagement <= 1)).all()
    assert (wf.engagement == 1).any() and (wf.engagement == 0).any()
