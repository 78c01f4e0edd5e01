"""The organisation chart: size, grades, roles, spans and reporting lines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.hierarchy import (
    IC,
    MANAGER,
    SPECIALIST,
    Hierarchy,
    build_hierarchy,
    chart_from_entries,
    chart_pay_bill,
    equal_cost_size,
)


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


# --- an explicit chart (organisation.chart) ---------------------------------------------------


def check_explicit_chart(h: Hierarchy, entries: list[tuple[int, str, int]], span: int) -> None:
    """Every structural promise of chart_from_entries."""
    want: dict[tuple[int, str], int] = {}
    for g, role, n in entries:
        want[(g, role)] = want.get((g, role), 0) + n
    assert h.counts() == want
    assert h.size == sum(want.values()) and h.grades == max(g for g, _ in want)
    # laid out top grade first, managers first within a grade
    key = -h.grade.astype(int) * 3 - h.role
    assert (np.diff(key) >= 0).all()
    # only the top grade reports to no one; everyone else to a manager of the nearest higher
    # grade that has managers
    top = h.manager < 0
    np.testing.assert_array_equal(top, h.grade == h.grades)
    mgr_grades = sorted({g for g, r in want if r == "manager"})
    boss = h.manager[~top]
    assert (h.role[boss] == MANAGER).all()
    nearest = [min(m for m in mgr_grades if m > g) for g in h.grade[~top].tolist()]
    np.testing.assert_array_equal(h.grade[boss], nearest)
    # spans within ``span``, spread evenly over the managers of a grade
    team = np.bincount(boss, minlength=h.size)
    assert (team[h.role != MANAGER] == 0).all()
    assert team.max() <= span
    for g in set(nearest):
        sizes = team[(h.grade == g) & (h.role == MANAGER)]
        assert sizes.max() - sizes.min() <= 1


def test_explicit_chart_is_laid_out_as_given() -> None:
    entries = [(1, "ic", 40), (2, "ic", 20), (3, "manager", 10), (3, "specialist", 4),
               (4, "manager", 3), (5, "manager", 1)]  # fmt: skip
    h = chart_from_entries(entries, span=6)
    check_explicit_chart(h, entries, 6)
    # ICs of grades 1 and 2 both report to the grade-3 managers (the nearest with managers)
    assert set(h.grade[h.manager[h.role == IC]].tolist()) == {3}
    assert (h.grade[h.manager[h.role == SPECIALIST]] == 4).all()


def test_explicit_chart_skips_grades_without_managers_and_sums_repeats() -> None:
    entries = [(1, "ic", 6), (2, "specialist", 2), (1, "ic", 4), (3, "manager", 3)]
    h = chart_from_entries(entries, span=4)
    check_explicit_chart(h, entries, 4)
    assert h.counts()[(1, "ic")] == 10
    assert (h.grade[h.manager[h.grade < 3]] == 3).all()  # grade 2 has no managers


def test_explicit_chart_errors_name_the_chart() -> None:
    with pytest.raises(ValueError, match=r"organisation\.chart: grade 1 has no manager"):
        chart_from_entries([(1, "ic", 5), (2, "specialist", 2)], span=6)
    with pytest.raises(ValueError, match=r"organisation\.chart: 13 positions report to the 2 "):
        chart_from_entries([(1, "ic", 13), (2, "manager", 2)], span=6)
    check_explicit_chart(
        chart_from_entries([(1, "ic", 12), (2, "manager", 2)], span=6),
        [(1, "ic", 12), (2, "manager", 2)],
        6,
    )


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_random_explicit_charts_keep_their_promises(data) -> None:
    grades = data.draw(st.integers(2, 6), label="grades")
    span = data.draw(st.integers(2, 8), label="span")
    entries = [(grades, "manager", data.draw(st.integers(1, 3), label="top"))]
    for g in range(grades - 1, 0, -1):
        for role in ("manager", "specialist", "ic"):
            n = data.draw(st.integers(0, 30), label=f"{g}-{role}")
            if n:
                entries.append((g, role, n))
    try:
        h = chart_from_entries(entries, span)
    except ValueError as err:
        assert str(err).startswith("organisation.chart: ")
        assert "more than organisation.span" in str(err)
        return
    check_explicit_chart(h, entries, span)


def test_chart_pay_bill_counts_every_post_at_its_grade_pay() -> None:
    h = build_hierarchy(1000, 6, 6, 3, spec_top=6, spec_share=0.5)
    counts = h.counts()
    expected = sum(n * 1.25 ** (g - 1) * (0.8 if r == "specialist" else 1.0)
                   for (g, r), n in counts.items())  # fmt: skip
    assert chart_pay_bill(h, 1.25, 0.8) == pytest.approx(expected)


def test_holding_the_pay_bill_buys_fewer_posts_for_the_specialist_ladder() -> None:
    """policy.hold_pay_bill: the dual-track chart costs at most the single-ladder chart of
    the same size, and one more post would cost more; without the lever it costs more."""
    from orgsim import OrgModel

    single = OrgModel(policy="single-ladder")
    step = single.params.organisation.pay_step
    budget = chart_pay_bill(single.hierarchy, step, 1.0)
    for policy in ("genuine-dual-track", "nominal-dual-track"):
        free = OrgModel(policy=policy)
        held = OrgModel(policy=policy, policy_overrides={"hold_pay_bill": True})
        ratio = held.params.policy.specialist_pay_ratio
        assert chart_pay_bill(free.hierarchy, step, ratio) > budget
        assert chart_pay_bill(held.hierarchy, step, ratio) <= budget
        assert held.hierarchy.size < free.hierarchy.size == 1000
        bigger = build_hierarchy(held.hierarchy.size + 1, 6, 6, 3,
                                 held.params.policy.specialist_top_grade, 0.5)  # fmt: skip
        assert chart_pay_bill(bigger, step, ratio) > budget
        assert (held.hierarchy.role == SPECIALIST).sum() > 0  # the ladder is kept
    # no specialist ladder: nothing to hold
    same = OrgModel(policy="single-ladder", policy_overrides={"hold_pay_bill": True})
    assert same.hierarchy.size == 1000


def test_equal_cost_size_is_the_largest_affordable() -> None:
    assert equal_cost_size(100, 50.0, lambda n: n * 0.7) == 71
    assert equal_cost_size(100, 500.0, lambda n: float(n)) == 100
