"""Phase 'manager_quality': quality needs aptitude AND motivation (and engagement)."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import MANAGER


def test_quality_equation(tiny, phase) -> None:
    model = tiny()
    p = model.people
    model.remove_people(p.uid[[3, 30]], "voluntary")  # a manager and an IC
    phase(model, "manager_quality").step(model)
    mgr = p.role == MANAGER
    assert mgr.sum() == 9
    a, m, e = p.aptitude, p.motivation, p.engagement
    expected = a**0.5 * m**0.5 * (0.5 + 0.5 * e)
    np.testing.assert_allclose(p.manager_quality[mgr], expected[mgr])
    assert np.isnan(p.manager_quality[~mgr]).all()  # practitioners and free rows


def test_quality_follows_the_role_not_the_row(tiny, phase) -> None:
    """A person made a manager is rated from their next step; one who leaves management
    is no longer rated."""
    model = tiny()
    p = model.people
    model.remove_people(p.uid[[2]], "voluntary")
    model.move_people(p.uid[[10]], np.array([2]))  # a grade-2 IC into the manager post
    model.move_people(p.uid[[3]], np.array([10]), "step_back")  # a manager back to practice
    phase(model, "manager_quality").step(model)
    assert p.manager_quality[10] > 0
    assert np.isnan(p.manager_quality[3])


def test_reluctant_manager_leads_worse_than_a_motivated_one(tiny, phase) -> None:
    model = tiny()
    p = model.people
    reluctant, motivated = 2, 3
    p.aptitude[[reluctant, motivated]] = 0.8
    p.engagement[[reluctant, motivated]] = 0.6
    p.motivation[reluctant], p.motivation[motivated] = 0.2, 0.8
    phase(model, "manager_quality").step(model)
    q = p.manager_quality
    assert q[reluctant] / q[motivated] == pytest.approx(0.5)  # sqrt(0.2 / 0.8)


def test_both_aptitude_and_motivation_are_needed(tiny, phase) -> None:
    model = tiny()
    p = model.people
    p.aptitude[2], p.motivation[2] = 1.0, 0.0  # gifted but unwilling
    p.aptitude[3], p.motivation[3] = 0.0, 1.0  # willing but without talent
    p.aptitude[4], p.motivation[4], p.engagement[4] = 1.0, 1.0, 1.0
    phase(model, "manager_quality").step(model)
    assert p.manager_quality[2] == 0 and p.manager_quality[3] == 0
    assert p.manager_quality[4] == 1


def test_disengaged_manager_loses_quality_by_the_weight(tiny, phase) -> None:
    model = tiny(manager_quality={"engagement_weight": 0.4})
    p = model.people
    p.aptitude[[2, 3]] = 0.7
    p.motivation[[2, 3]] = 0.7
    p.engagement[2], p.engagement[3] = 0.0, 1.0
    phase(model, "manager_quality").step(model)
    assert p.manager_quality[2] / p.manager_quality[3] == pytest.approx(0.6)
