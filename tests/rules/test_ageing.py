"""Phase 'ageing': the clock advances for everyone employed, and only for them."""

from __future__ import annotations

import numpy as np
import pytest


def test_one_month_passes_for_the_employed(tiny, phase) -> None:
    model = tiny()
    people = model.people
    left = people.row_of([30, 31])
    model.remove_people(np.array([30, 31]), "retirement")
    age, tenure, tig = people.age.copy(), people.tenure.copy(), people.time_in_grade.copy()
    phase(model, "ageing").step(model)
    act = people.active
    assert act.sum() == 38
    np.testing.assert_allclose(people.age[act], age[act] + 1 / 12)
    np.testing.assert_array_equal(people.tenure[act], tenure[act] + 1)
    np.testing.assert_array_equal(people.time_in_grade[act], tig[act] + 1)
    # the leavers' rows are free: no age; a hire into one starts from scratch
    assert np.isnan(people.age[left]).all()
    model.hire(np.array([30]), model.draw_people(model.stream("t"), np.array([1]), False))
    assert people.tenure[left[0]] == 0 and people.time_in_grade[left[0]] == 0


def test_a_yearly_step_ages_a_year(phase) -> None:
    from orgsim import OrgModel

    model = OrgModel({"step_months": 12, "organisation": {"size": 40}})
    people = model.people
    age, tenure = people.age.copy(), people.tenure.copy()
    phase(model, "ageing").step(model)
    np.testing.assert_allclose(people.age, age + 1)
    np.testing.assert_array_equal(people.tenure, tenure + 12)


def test_a_year_of_steps_is_a_year_of_age(tiny) -> None:
    model = tiny(leaving={"base_monthly_exit": 0.0})
    people = model.people
    age = dict(zip(people.uid.tolist(), people.age.tolist(), strict=True))
    model.run(years=1)
    checked = 0
    for pid, before in age.items():
        if people.is_employed(pid):  # a person keeps their row when promoted
            (row,) = people.row_of([pid])
            assert people.age[row] == pytest.approx(before + 1)
            checked += 1
    assert checked >= 30
