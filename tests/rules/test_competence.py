"""Phase 'competence': c = start + (1 - start) min(1, months in role / T) for hires and for
moves between management and practice; practitioners' expertise and managers' quality x c."""

from __future__ import annotations

import numpy as np
import pytest
from paired import assert_clearly, rule_effect

from orgsim.hierarchy import IC, MANAGER
from orgsim.rules.competence import Competence, ramp


def test_the_ramp() -> None:
    np.testing.assert_allclose(ramp(np.array([0.0, 3.25, 6.5, 20.0]), 0.5, 6.5), [0.5, 0.75, 1, 1])
    np.testing.assert_array_equal(ramp(np.array([0.0, 1.0]), 0.5, 0.0), [1.0, 1.0])


def test_hires_ramp_up_and_the_starting_workforce_is_settled(tiny, phase) -> None:
    model = tiny()
    p = model.people
    rule = phase(model, "competence")
    assert isinstance(rule, Competence)
    rule.step(model)
    np.testing.assert_array_equal(p.competence[p.active], 1.0)
    row = int(np.flatnonzero(p.active & (p.role == IC) & (p.grade == 1))[0])
    position, skill = int(p.position[row]), p.skill[row]
    model.remove_people(p.uid[[row]], "voluntary")
    model.month = 10
    model.hire(np.array([position]), {"skill": np.array([skill]), "firm_expertise": np.zeros(1)})
    model.month = 12  # two months after the hire: 0.5 + 0.5 x 2 / 6.5
    rule.step(model)
    new = p.row_of(p.uid[p.position == position])[0]
    assert p.competence[new] == pytest.approx(0.5 + 0.5 * 2 / 6.5)
    w = model.params.growth.firm_weight
    assert model.expertise()[new] == pytest.approx(skill * (1 - w) * p.competence[new])


def test_a_new_manager_leads_below_full_quality_at_first(tiny, phase) -> None:
    model = tiny()
    p = model.people
    rule = phase(model, "competence")
    rule.step(model)
    ic = int(np.flatnonzero(p.active & (p.role == IC) & (p.grade == 2))[0])
    post = model.positions(3, MANAGER)[0]
    model.remove_people(p.uid[[model.holder[post]]], "voluntary")
    model.month = 3
    model.move_people(p.uid[[ic]], np.array([post]), "promotion", np.zeros(1))
    model.month = 4  # the next step: ageing has counted one month in the new grade
    p.time_in_grade[ic] = 1
    p.manager_quality[ic] = 0.8
    rule.step(model)
    assert p.role_since[ic] == 3  # the month of the move
    assert p.manager_quality[ic] == pytest.approx(0.8 * (0.5 + 0.5 * 1 / 6))
    assert p.competence[ic] == 1.0  # a manager's own expertise is not ramped
    model.month = 9
    p.manager_quality[ic] = 0.8
    rule.step(model)
    assert p.manager_quality[ic] == pytest.approx(0.8 * (0.5 + 0.5 * 6 / 6))


def test_time_to_competence_costs_output() -> None:
    """Paired runs (6 replications, 500 people, 5 years): a slow ramp (24 months from 0.2)
    minus none (months 0) lowers team output by more than two standard errors."""
    slow = {"start": 0.2, "months": 24, "manager_months": 24}
    diffs = rule_effect("competence", Competence, (slow, {"months": 0, "manager_months": 0}),
                        "team_output", 6)  # fmt: skip
    assert_clearly(diffs, -1)
