"""Phase 'manager_quality': quality needs aptitude AND motivation (and engagement)."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import MANAGER


def test_quality_equation(tiny, phase) -> None:
    model = tiny()
    wf, h = model.workforce, model.hierarchy
    phase(model, "manager_quality").step(model)
    mgr = h.role == MANAGER
    a, m, e = wf.aptitude, wf.motivation, wf.engagement
    expected = a**0.5 * m**0.5 * (0.5 + 0.5 * e)
    np.testing.assert_allclose(wf.manager_quality[mgr], expected[mgr])
    assert np.isnan(wf.manager_quality[~mgr]).all()


def test_reluctant_manager_leads_worse_than_a_motivated_one(tiny, phase) -> None:
    model = tiny()
    wf = model.workforce
    reluctant, motivated = 2, 3
    wf.aptitude[[reluctant, motivated]] = 0.8
    wf.engagement[[reluctant, motivated]] = 0.6
    wf.motivation[reluctant], wf.motivation[motivated] = 0.2, 0.8
    phase(model, "manager_quality").step(model)
    q = wf.manager_quality
    assert q[reluctant] / q[motivated] == pytest.approx(0.5)  # sqrt(0.2 / 0.8)


def test_both_aptitude_and_motivation_are_needed(tiny, phase) -> None:
    model = tiny()
    wf = model.workforce
    wf.aptitude[2], wf.motivation[2] = 1.0, 0.0  # gifted but unwilling
    wf.aptitude[3], wf.motivation[3] = 0.0, 1.0  # willing but without talent
    wf.aptitude[4], wf.motivation[4], wf.engagement[4] = 1.0, 1.0, 1.0
    phase(model, "manager_quality").step(model)
    assert wf.manager_quality[2] == 0 and wf.manager_quality[3] == 0
    assert wf.manager_quality[4] == 1


def test_disengaged_manager_loses_quality_by_the_weight(tiny, phase) -> None:
    model = tiny(manager_quality={"engagement_weight": 0.4})
    wf = model.workforce
    wf.aptitude[[2, 3]] = 0.7
    wf.motivation[[2, 3]] = 0.7
    wf.engagement[2], wf.engagement[3] = 0.0, 1.0
    phase(model, "manager_quality").step(model)
    assert wf.manager_quality[2] / wf.manager_quality[3] == pytest.approx(0.6)
