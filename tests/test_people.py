"""The columnar workforce: filling, moving and clearing rows; ids; extension columns."""

from __future__ import annotations

import numpy as np
import pytest
from orgsim.workforce import COLUMNS, Workforce


def people(n: int, **values: float) -> dict[str, np.ndarray]:
    return {k: np.full(n, v) for k, v in values.items()}


def test_starts_empty() -> None:
    wf = Workforce(5)
    assert len(wf) == 5
    assert not wf.occupied.any()
    for name, (_, empty, _) in COLUMNS.items():
        arr = wf.array(name)
        if np.isnan(empty):
            assert np.isnan(arr).all(), name
        else:
            assert (arr == empty).all(), name


def test_fill_assigns_fresh_ids_and_defaults() -> None:
    wf = Workforce(6)
    wf.fill(np.array([0, 2]), people(2, skill=0.4, engagement=0.7))
    np.testing.assert_array_equal(wf.occupied, [True, False, True, False, False, False])
    np.testing.assert_array_equal(wf.person_id[[0, 2]], [0, 1])
    assert (wf.skill[[0, 2]] == 0.4).all() and (wf.engagement[[0, 2]] == 0.7).all()
    # attributes not given take the empty value
    assert np.isnan(wf.motivation[[0, 2]]).all()
    assert (wf.promoted_month[[0, 2]] == -1).all()


def test_ids_are_never_reused() -> None:
    wf = Workforce(3)
    wf.fill(np.array([0, 1, 2]), {})
    wf.clear(np.array([1]))
    wf.fill(np.array([1]), {})
    assert wf.person_id[1] == 3
    assert len(set(wf.person_id.tolist())) == 3


def test_move_carries_the_person_and_empties_the_source() -> None:
    wf = Workforce(4)
    wf.fill(np.array([0, 1]), people(2, skill=0.5, motivation=0.2))
    wf.skill[1] = 0.9
    wf.move(np.array([1]), np.array([3]))
    assert wf.person_id[3] == 1 and wf.skill[3] == 0.9 and wf.motivation[3] == 0.2
    assert wf.person_id[1] == -1 and np.isnan(wf.skill[1])
    assert wf.occupied.sum() == 2


def test_clear_empties_every_column() -> None:
    wf = Workforce(2)
    wf.fill(np.array([0, 1]), people(2, skill=0.5, tenure=7))
    wf.stepped_back[0] = True
    wf.clear(np.array([0]))
    assert wf.person_id[0] == -1 and np.isnan(wf.skill[0])
    assert wf.tenure[0] == 0 and not wf.stepped_back[0]
    assert wf.person_id[1] == 1 and wf.tenure[1] == 7


def test_extension_columns_follow_people() -> None:
    wf = Workforce(3, extra=None)
    wf.add_column("mentor_score", "float64", np.nan)
    wf.fill(np.array([0]), {"mentor_score": np.array([0.3])})
    wf.move(np.array([0]), np.array([2]))
    assert wf.mentor_score[2] == 0.3 and np.isnan(wf.mentor_score[0])
    with pytest.raises(ValueError, match="mentor_score"):
        wf.add_column("mentor_score", "float64", 0.0)
