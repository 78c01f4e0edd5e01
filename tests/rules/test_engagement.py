"""Phase 'engagement': movement toward a target made of the manager, role fit, progression,
pay and status parity, coaching, and noise."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import IC, MANAGER, SPECIALIST

QUIET = {"noise": 0.0}


def neutral(model) -> None:
    """Every driver at its neutral value: managers of quality 0.5, no time in grade."""
    p = model.people
    p.manager_quality[:] = np.where(p.role == MANAGER, 0.5, np.nan)
    p.time_in_grade[:] = 0
    p.status_drive[:] = 0.5
    p.motivation[:] = 0.5


def test_neutral_target_is_the_baseline(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    target = phase(model, "engagement").target(model)
    p = model.people
    below_ceiling = (p.role == IC) & (p.grade < 2)
    assert below_ceiling.sum() == 18
    np.testing.assert_allclose(target[below_ceiling | (p.role == MANAGER)], 0.68)


def test_manager_quality_drives_the_target(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    p = model.people
    p.manager_quality[2], p.manager_quality[3] = 0.9, 0.1
    target = phase(model, "engagement").target(model)
    team_good = (model.boss == 2) & (p.grade == 1)
    team_poor = (model.boss == 3) & (p.grade == 1)
    assert team_good.any() and team_poor.any()
    np.testing.assert_allclose(target[team_good], 0.68 + 0.5 * 0.4)
    np.testing.assert_allclose(target[team_poor], 0.68 - 0.5 * 0.4)


def test_a_team_under_a_vacant_manager_post_gets_a_neutral_manager(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    p = model.people
    p.manager_quality[2] = 0.9
    team = np.flatnonzero((model.boss == 2) & (p.grade == 1))
    model.remove_people(p.uid[[2]], "voluntary")
    assert (model.boss[team] == -1).all()
    np.testing.assert_allclose(phase(model, "engagement").target(model)[team], 0.68)


def test_the_manager_is_whoever_holds_the_post(tiny, phase) -> None:
    """A new holder of the manager post leads the same team, and the team's target follows
    the new holder's quality."""
    model = tiny(engagement=QUIET)
    neutral(model)
    p = model.people
    team = np.flatnonzero((model.boss == 2) & (p.grade == 1))
    model.remove_people(p.uid[[2]], "voluntary")
    (pid,) = p.uid[[10]]  # a grade-2 IC takes the grade-3 manager post
    model.move_people(np.array([pid]), np.array([2]))
    (row,) = p.row_of([pid])
    assert row == 10 and (model.boss[team] == row).all()
    p.manager_quality[row] = 0.1
    np.testing.assert_allclose(phase(model, "engagement").target(model)[team], 0.68 - 0.5 * 0.4)


def test_reluctant_manager_is_drained_by_the_role(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    p = model.people
    p.motivation[0], p.motivation[1] = 0.1, 0.9  # the two top-grade managers
    target = phase(model, "engagement").target(model)
    assert target[0] == pytest.approx(0.68 + 0.3 * (0.1 - 0.5))
    assert target[1] == pytest.approx(0.68 + 0.3 * (0.9 - 0.5))
    # fit applies to managers only
    ic = 30
    assert p.role[ic] == IC
    p.motivation[ic] = 0.1
    assert phase(model, "engagement").target(model)[ic] == pytest.approx(0.68)


def test_stall_and_ceiling_penalties(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    neutral(model)
    p = model.people
    at_ceiling = np.flatnonzero((p.role == IC) & (p.grade == 2))[0]
    below = np.flatnonzero((p.role == IC) & (p.grade == 1))[0]
    p.status_drive[at_ceiling], p.motivation[at_ceiling] = 0.8, 0.2
    p.time_in_grade[below] = 36
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
    p = model.people
    spec = np.flatnonzero(p.role == SPECIALIST)
    assert set(p.grade[spec]) == {3}  # tops out two grades below the top
    p.status_drive[spec] = 1.0
    p.motivation[spec] = np.linspace(0, 1, spec.size)
    target = phase(model, "engagement").target(model)
    gap = (1 - 0.85) + 0.3
    # stuck at the top of the ladder, the only way up is management: the less one wants to
    # lead, the more stuck (as at the single ladder's ceiling)
    stuck = 1 - p.motivation[spec]
    np.testing.assert_allclose(target[spec], 0.68 - (0.15 * stuck + 0.3 * gap))
    # a genuine track: no gap, no dead end below the top
    model = tiny(policy="genuine-dual-track", engagement=QUIET)
    neutral(model)
    spec = np.flatnonzero(model.people.role == SPECIALIST)
    assert spec.size > 0
    model.people.status_drive[spec] = 1.0
    target = phase(model, "engagement").target(model)
    np.testing.assert_allclose(target[spec], 0.68)


def test_step_back_stigma_and_coaching_boost(tiny, phase) -> None:
    model = tiny(engagement=QUIET, policy_overrides={"step_back_stigma": 0.4})
    neutral(model)
    p = model.people
    model.month = 20
    p.stepped_back[30] = True
    # coaching runs after this phase: the boost applies in the 6 months after the conversation
    p.coached_month[31:35] = model.month - np.array([1, 6, 7, 0])
    target = phase(model, "engagement").target(model)
    assert target[30] == pytest.approx(0.68 - 0.5 * 0.3 * 0.4)
    np.testing.assert_allclose(target[31:35], 0.68 + np.array([0.05, 0.05, 0, 0]))


def test_engagement_moves_part_way_to_the_target(tiny, phase) -> None:
    model = tiny(engagement=QUIET)
    p = model.people
    rule = phase(model, "engagement")
    target = rule.target(model)
    before = p.engagement.copy()
    rule.step(model)
    np.testing.assert_allclose(p.engagement, target + 0.85 * (before - target))


def test_free_rows_stay_empty(tiny, phase) -> None:
    model = tiny()
    model.remove_people(np.array([5, 25]), "voluntary")
    phase(model, "engagement").step(model)
    p = model.people
    assert np.isnan(p.engagement[[5, 25]]).all()
    assert not np.isnan(p.engagement[p.active]).any()


def test_engagement_stays_in_bounds(tiny, phase) -> None:
    model = tiny(engagement={"noise": 1.0, "baseline": 1.0, "manager_weight": 2.0})
    p = model.people
    for _ in range(12):
        phase(model, "engagement").step(model)
        assert ((p.engagement >= 0) & (p.engagement <= 1)).all()
    assert (p.engagement == 1).any() and (p.engagement == 0).any()
