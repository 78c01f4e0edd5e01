"""The people: one columnar row per person employed, found by a person id that is never reused;
rows are freed by leavers and reused by later hires; extension columns."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.people import COLUMNS, People, PersonLeft


def values(n: int, **attrs: float) -> dict[str, np.ndarray]:
    return {k: np.full(n, v) for k, v in attrs.items()}


def assert_empty(people: People, row: int) -> None:
    """Every column of ``row`` holds its empty value, and the row holds no post."""
    for name, col in people.columns.items():
        value = people.array(name)[row]
        if isinstance(col.empty, float) and np.isnan(col.empty):
            assert np.isnan(value), name
        else:
            assert value == col.empty, name
    assert people.uid[row] == -1 and people.position[row] == -1
    assert people.grade[row] == 0 and people.role[row] == -1


def test_starts_empty() -> None:
    people = People(5)
    assert len(people) == 5
    assert not people.active.any() and people.count == 0 and people.ids_issued == 0
    for row in range(5):
        assert_empty(people, row)
    for name, col in COLUMNS.items():
        assert people.array(name).dtype == np.dtype(col.dtype), name


def test_admit_gives_fresh_ids_the_lowest_free_rows_and_defaults() -> None:
    people = People(6)
    rows = people.admit(2, values(2, skill=0.4, engagement=0.7))
    np.testing.assert_array_equal(rows, [0, 1])
    np.testing.assert_array_equal(people.active, [True, True, False, False, False, False])
    np.testing.assert_array_equal(people.uid[rows], [0, 1])
    assert people.count == 2 and people.ids_issued == 2
    assert (people.skill[rows] == 0.4).all() and (people.engagement[rows] == 0.7).all()
    # attributes not given take the empty value
    assert np.isnan(people.motivation[rows]).all()
    assert (people.promoted_month[rows] == -1).all() and (people.hire_month[rows] == -1).all()
    # admitted, not yet placed: no post
    assert (people.position[rows] == -1).all() and (people.role[rows] == -1).all()


def test_admit_needs_room() -> None:
    people = People(3)
    people.admit(2, {})
    with pytest.raises(ValueError, match="no room"):
        people.admit(2, {})
    assert people.count == 2 and people.ids_issued == 2  # nothing half-done


def test_place_records_the_post() -> None:
    people = People(4)
    rows = people.admit(2, {})
    people.place(rows, np.array([3, 1]), np.array([2, 1]), np.array([2, 0]))
    np.testing.assert_array_equal(people.position[rows], [3, 1])
    np.testing.assert_array_equal(people.grade[rows], [2, 1])
    np.testing.assert_array_equal(people.role[rows], [2, 0])


def test_row_of_finds_people_by_id() -> None:
    people = People(5)
    people.admit(5, {})
    people.discharge(np.array([0, 2]), month=3, kind="retirement")
    np.testing.assert_array_equal(people.row_of([4, 1, 3]), [4, 1, 3])
    assert people.row_of(np.array([], dtype=np.int64)).size == 0
    assert people.is_employed(1) and not people.is_employed(2) and not people.is_employed(99)


def test_a_leaver_resolves_to_person_left() -> None:
    people = People(3)
    people.admit(3, {})
    people.discharge(np.array([1]), month=7, kind="voluntary")
    with pytest.raises(PersonLeft, match=r"person 1 left in month 7 \(voluntary\)"):
        people.row_of([0, 1])
    assert issubclass(PersonLeft, LookupError)
    with pytest.raises(KeyError, match="no person with id 3"):
        people.row_of([3])  # never issued
    with pytest.raises(KeyError):
        people.row_of([-1])


def test_employed_tells_each_id_apart_without_raising() -> None:
    people = People(3)
    people.admit(3, {})
    people.discharge(np.array([1]), month=7, kind="voluntary")
    ids = np.array([0, 1, 2, 3, -1, 2])  # employed, left, employed, never issued, invalid
    assert people.employed(ids).tolist() == [True, False, True, False, False, True]
    assert people.employed(np.array([], dtype=np.int64)).size == 0


def test_discharge_empties_every_column_and_the_post() -> None:
    people = People(2)
    rows = people.admit(2, values(2, skill=0.5, tenure=7))
    people.place(rows, np.array([0, 1]), np.array([3, 1]), np.array([2, 0]))
    people.stepped_back[0] = True
    people.discharge(np.array([0]), month=1, kind="dismissal")
    assert_empty(people, 0)
    assert people.uid[1] == 1 and people.tenure[1] == 7 and people.skill[1] == 0.5
    assert people.position[1] == 1 and people.grade[1] == 1 and people.role[1] == 0
    assert people.count == 1


def test_ids_are_never_reused_but_rows_are() -> None:
    people = People(3)
    people.admit(3, {})
    people.discharge(np.array([1]), month=0, kind="voluntary")
    rows = people.admit(1, values(1, skill=0.8))
    np.testing.assert_array_equal(rows, [1])  # the freed row
    assert people.uid[1] == 3 and people.skill[1] == 0.8
    assert people.ids_issued == 4
    assert len(set(people.uid.tolist())) == 3
    assert people.row_of([3])[0] == 1
    with pytest.raises(PersonLeft):
        people.row_of([1])  # the leaver does not come back with the row


def test_the_id_index_grows_past_the_capacity() -> None:
    """Many hires through one row: every id is still resolvable or known to have left."""
    people = People(2)
    people.admit(2, {})
    for _ in range(40):
        people.discharge(np.array([1]), month=0, kind="voluntary")
        people.admit(1, {})
    assert people.ids_issued == 42
    assert people.row_of([0, 41]).tolist() == [0, 1]
    with pytest.raises(PersonLeft, match="person 30 left"):
        people.row_of([30])


def test_every_change_bumps_the_version() -> None:
    people = People(3)
    seen = [people.version]
    rows = people.admit(2, {})
    seen.append(people.version)
    people.place(rows, np.array([0, 1]), 1, 0)
    seen.append(people.version)
    people.discharge(rows[:1], month=0, kind="voluntary")
    seen.append(people.version)
    assert seen == sorted(set(seen))


def test_extension_columns_follow_people() -> None:
    people = People(3)
    people.add_column("mentor_score", "float64", np.nan, "how good a mentor")
    assert people.columns["mentor_score"].meaning == "how good a mentor"
    assert np.isnan(people.mentor_score).all() and len(people.mentor_score) == 3
    rows = people.admit(2, {"mentor_score": np.array([0.3, 0.6])})
    people.place(rows, np.array([2, 0]), 1, 0)
    people.place(rows[:1], np.array([1]), 2, 0)  # a move keeps the person's row
    assert people.mentor_score[0] == 0.3
    people.discharge(rows[:1], month=0, kind="voluntary")
    assert np.isnan(people.mentor_score[0]) and people.mentor_score[1] == 0.6
    with pytest.raises(ValueError, match="mentor_score"):
        people.add_column("mentor_score", "float64", 0.0)
    with pytest.raises(ValueError, match="uid"):
        people.add_column("uid", "int64", -1)  # not a column, but taken
