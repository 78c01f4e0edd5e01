"""The organisation chart: size, grades, roles, spans and reporting lines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.hierarchy import IC, MANAGER, SPECIALIST, Hierarchy, build_hierarchy


def check_chart(h: Hierarchy, size: int, grades: int, span: int, ceiling: int, spec_top) -> None:
    """Every structural promise of build_hierarchy."""
    assert h.size == size
    assert h.grades == grades
    assert h.grade.min() >= 1 and h.grade.max() == grades
    # ICs fill grades 1..ceiling; managers fill every grade above; specialists their ladder
    assert set(np.unique(h.grade[h.role == IC])) == set(range(1, ceiling + 1))
    assert set(np.unique(h.grade[h.role == MANAGER])) == set(range(ceiling + 1, grades + 1))
    spec_grades = h.grade[h.role == SPECIALIST]
    if spec_top is None:
        assert spec_grades.size == 0
    else:
        assert ((spec_grades > ceiling) & (spec_grades <= spec_top)).all()
    # the top grade and only the top grade has no manager
    top = h.manager < 0
    np.testing.assert_array_equal(top, h.grade == grades)
    boss = h.manager[~top]
    assert (h.role[boss] == MANAGER).all()
    assert (h.grade[boss] > h.grade[~top]).all()
    # first-line managers lead the ICs; others lead the layer one grade down
    below_ic = h.role[~top] != IC
    np.testing.assert_array_equal(h.grade[boss][below_ic], h.grade[~top][below_ic] + 1)
    np.testing.assert_array_equal(h.grade[boss][~below_ic], ceiling + 1)
    # spans: every manager leads between 1 and ``span`` positions; nobody else leads anyone
    team = np.bincount(boss, minlength=size)
    assert (team[h.role == MANAGER] >= 1).all()
    assert (team[h.role == MANAGER] <= span).all()
    assert (team[h.role != MANAGER] == 0).all()


def test_default_chart_is_a_pyramid_of_1000() -> None:
    h = build_hierarchy(1000, 6, 6, 3)
    check_chart(h, 1000, 6, 6, 3, None)
    counts = h.counts()
    # IC grades form a pyramid with 1.5 positions per position above
    assert counts[(1, "ic")] > counts[(2, "ic")] > counts[(3, "ic")]
    assert counts[(1, "ic")] / counts[(2, "ic")] == pytest.approx(1.5, abs=0.05)
    # managers: the smallest count that keeps spans within 6
    n_ic = sum(counts[(g, "ic")] for g in (1, 2, 3))
    assert counts[(4, "manager")] == -(-n_ic // 6)
    assert counts[(5, "manager")] == -(-counts[(4, "manager")] // 6)


def test_specialists_are_a_share_of_managers_at_their_grades() -> None:
    h = build_hierarchy(1000, 6, 6, 3, spec_top=5, spec_share=0.5)
    check_chart(h, 1000, 6, 6, 3, 5)
    counts = h.counts()
    for g in (4, 5):
        assert counts[(g, "specialist")] == round(0.5 * counts[(g, "manager")])
    assert (6, "specialist") not in counts


def test_dual_track_keeps_the_headcount() -> None:
    single = build_hierarchy(1000, 6, 6, 3)
    dual = build_hierarchy(1000, 6, 6, 3, spec_top=6, spec_share=0.5)
    assert single.size == dual.size == 1000
    assert (dual.role == SPECIALIST).sum() > 0


def test_too_small_an_organisation_names_the_size() -> None:
    with pytest.raises(ValueError, match=r"organisation\.size \(10\)"):
        build_hierarchy(10, 12, 2, 1)  # eleven manager layers need more than 10 people
    with pytest.raises(ValueError, match=r"organisation\.size \(10\)"):
        build_hierarchy(10, 12, 2, 10)  # fewer IC positions than IC grades


def test_scales_to_100k() -> None:
    h = build_hierarchy(100_000, 6, 6, 3, spec_top=6, spec_share=0.5)
    check_chart(h, 100_000, 6, 6, 3, 6)


@settings(max_examples=25, deadline=None)
@given(
    size=st.integers(30, 20_000),
    grades=st.integers(3, 8),
    span=st.integers(2, 12),
    data=st.data(),
)
def test_random_charts_keep_their_promises(size, grades, span, data) -> None:
    ceiling = data.draw(st.integers(1, grades - 1), label="ceiling")
    spec_top = data.draw(st.none() | st.integers(ceiling + 1, grades), label="spec_top")
    share = data.draw(st.floats(0, 2), label="share")
    ratio = data.draw(st.floats(1, 3), label="ratio")
    try:
        h = build_hierarchy(size, grades, span, ceiling, spec_top, share, ratio)
    except ValueError as err:
        assert "organisation.size" in str(err)
        return
    check_chart(h, size, grades, span, ceiling, spec_top)
