"""Phase 'ageing': the clock advances for everyone employed, and only for them."""

from __future__ import annotations

import numpy as np
import pytest


def test_one_month_passes_for_the_employed(tiny, phase) -> None:
    model = tiny()
    wf = model.workforce
    model.remove_people(np.array([30, 31]), "retirement")
    age, tenure, tig = wf.age.copy(), wf.tenure.copy(), wf.time_in_grade.copy()
    phase(model, "ageing").step(model)
    occ = wf.occupied
    np.testing.assert_allclose(wf.age[occ], age[occ] + 1 / 12)
    np.testing.assert_array_equal(wf.tenure[occ], tenure[occ] + 1)
    np.testing.assert_array_equal(wf.time_in_grade[occ], tig[occ] + 1)
    assert np.isnan(wf.age[[30, 31]]).all()
    assert (wf.tenure[[30, 31]] == 0).all()


def test_a_year_of_steps_is_a_year_of_age(tiny) -> None:
    model = tiny(leaving={"base_monthly_exit": 0.0})
    wf = model.workforce
    stayers = wf.person_id.copy()
    age = dict(zip(stayers.tolist(), wf.age.tolist(), strict=True))
    model.run(years=1)
    for row in np.flatnonzero(wf.occupied):
        pid = int(wf.person_id[row])
        if pid in age:
            assert wf.age[row] == pytest.approx(age[pid] + 1)
