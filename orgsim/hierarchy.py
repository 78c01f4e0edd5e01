"""The organisation chart: fixed positions with a grade, a role and a manager position.

People occupy positions; the chart itself does not change during a run. Managers exist above
the IC ceiling grade; each layer's manager count is the smallest that keeps every span within
``span``. Specialist positions (dual track) are a share of the manager positions at their grade.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from math import ceil

import numpy as np

IC, SPECIALIST, MANAGER = 0, 1, 2
ROLE_NAMES = ("ic", "specialist", "manager")


@dataclass(frozen=True)
class Hierarchy:
    """Positions as arrays, ordered from the top grade down; ``manager`` is -1 for the top."""

    grade: np.ndarray
    role: np.ndarray
    manager: np.ndarray
    grades: int

    @cached_property
    def is_manager(self) -> np.ndarray:
        """Mask of manager positions (fixed for the run, so computed once)."""
        return self.role == MANAGER

    @cached_property
    def is_top(self) -> np.ndarray:
        """Mask of positions with no manager (the top grade)."""
        return self.manager < 0

    @cached_property
    def boss_or_self(self) -> np.ndarray:
        """Each position's manager position, or the position itself at the top (for gathers)."""
        return np.where(self.manager >= 0, self.manager, np.arange(len(self.manager)))

    @cached_property
    def specialist_rows(self) -> np.ndarray:
        """Indices of specialist positions."""
        return np.flatnonzero(self.role == SPECIALIST)

    @cached_property
    def manager_rows(self) -> np.ndarray:
        """Indices of manager positions."""
        return np.flatnonzero(self.role == MANAGER)

    @property
    def size(self) -> int:
        """Number of positions (the planned headcount)."""
        return len(self.grade)

    def counts(self) -> dict[tuple[int, str], int]:
        """Positions per (grade, role name), the organisation's pyramid."""
        keys, n = np.unique(np.stack([self.grade, self.role]), axis=1, return_counts=True)
        return {(int(g), ROLE_NAMES[r]): int(c) for (g, r), c in zip(keys.T, n, strict=True)}


def _upper_layers(
    n_ic: int, grades: int, ceiling: int, span: int, spec_top: int | None, spec_share: float
) -> list[tuple[int, int]]:
    """(managers, specialists) for each grade above the ceiling, bottom up."""
    layers, reports = [], n_ic
    for g in range(ceiling + 1, grades + 1):
        managers = max(1, ceil(reports / span))
        has_spec = spec_top is not None and g <= spec_top
        specialists = round(spec_share * managers) if has_spec else 0
        layers.append((managers, specialists))
        reports = managers + specialists
    return layers


def _ic_grades(n_ic: int, ceiling: int, ratio: float) -> np.ndarray:
    """Grades of the IC positions: a pyramid with ``ratio`` positions per position above."""
    weights = ratio ** np.arange(ceiling - 1, -1, -1, dtype=float)
    # One position per grade first (every IC grade exists), the rest by the pyramid's weights.
    counts = 1 + np.floor((n_ic - ceiling) * weights / weights.sum()).astype(int)
    counts[0] += n_ic - counts.sum()
    return np.repeat(np.arange(1, ceiling + 1), counts)


def build_hierarchy(
    size: int,
    grades: int,
    span: int,
    ceiling: int,
    spec_top: int | None = None,
    spec_share: float = 0.0,
    ic_grade_ratio: float = 1.5,
) -> Hierarchy:
    """Build the chart for ``size`` positions; raises ValueError if the size cannot fit."""
    n_ic, layers = chart_layers(size, grades, span, ceiling, spec_top, spec_share)
    return _assemble(n_ic, layers, grades, ceiling, ic_grade_ratio)


def chart_layers(
    size: int,
    grades: int,
    span: int,
    ceiling: int,
    spec_top: int | None = None,
    spec_share: float = 0.0,
) -> tuple[int, list[tuple[int, int]]]:
    """The IC positions and the (managers, specialists) of each grade above the IC ceiling
    for ``size`` positions, without laying them out (cheap at any size, so validation can
    check a chart); raises ValueError if the size cannot fit."""

    def layers_of(n_ic: int) -> list[tuple[int, int]]:
        return _upper_layers(n_ic, grades, ceiling, span, spec_top, spec_share)

    def upper(n_ic: int) -> int:
        return sum(m + s for m, s in layers_of(n_ic))

    lo, hi = 1, size
    if hi + upper(hi) < size or size - upper(1) < 1:
        raise ValueError(
            f"organisation.size ({size}) is too small for {grades} grades with span {span}"
        )
    while lo < hi:  # smallest IC count whose full organisation reaches the size
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if mid + upper(mid) < size else (lo, mid)
    layers = layers_of(lo)
    n_ic = size - sum(m + s for m, s in layers)
    if n_ic < ceiling:
        raise ValueError(
            f"organisation.size ({size}) leaves {n_ic} IC positions for {ceiling} IC grades"
        )
    return n_ic, layers


def post_pay(
    grade: np.ndarray, role: np.ndarray, pay_step: float, specialist_pay_ratio: float
) -> np.ndarray:
    """Monthly pay of posts in grade-1 salaries: pay_step^(g - 1), specialists at the ratio."""
    pay = pay_step ** (np.asarray(grade) - 1.0)
    return np.where(np.asarray(role) == SPECIALIST, pay * specialist_pay_ratio, pay)


def chart_pay_bill(h: Hierarchy, pay_step: float, specialist_pay_ratio: float) -> float:
    """Monthly pay of a full chart in grade-1 salaries."""
    return float(post_pay(h.grade, h.role, pay_step, specialist_pay_ratio).sum())


def equal_cost_size(
    size: int, budget: float, pay: Callable[[int], float], smallest: int = 1
) -> int:
    """The largest size whose chart costs at most ``budget`` (``pay(size)`` its cost, rising
    with size), by bisection."""
    lo, hi = smallest, size
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if pay(mid) <= budget else (lo, mid - 1)
    return lo


def _assemble(
    n_ic: int, layers: list[tuple[int, int]], grades: int, ceiling: int, ratio: float
) -> Hierarchy:
    """Lay the positions out top grade first and link each layer to the managers above."""
    grade_parts, role_parts = [], []
    for g, (m, s) in reversed(list(zip(range(ceiling + 1, grades + 1), layers, strict=True))):
        grade_parts += [np.full(m + s, g)]
        role_parts += [np.r_[np.full(m, MANAGER), np.full(s, SPECIALIST)]]
    ic_grades = _ic_grades(n_ic, ceiling, ratio)[::-1]
    grade = np.concatenate([*grade_parts, ic_grades]).astype(np.int16)
    role = np.concatenate([*role_parts, np.full(n_ic, IC)]).astype(np.int8)
    manager = np.full(len(grade), -1, dtype=np.int64)
    for g in range(grades, ceiling, -1):  # each layer reports to the managers one grade up
        layer = np.flatnonzero(grade == g)
        below = np.flatnonzero(grade == g - 1) if g - 1 > ceiling else np.flatnonzero(role == IC)
        bosses = layer[role[layer] == MANAGER]
        manager[below] = bosses[np.arange(len(below)) % len(bosses)]
    return Hierarchy(grade=grade, role=role, manager=manager, grades=grades)


ROLE_CODES = {name: code for code, name in enumerate(ROLE_NAMES)}


def chart_from_entries(entries: list[tuple[int, str, int]], span: int) -> Hierarchy:
    """A chart given as (grade, role name, positions) entries, laid out top grade first.

    Positions at the top grade report to no one; every other position reports to a manager
    at the nearest higher grade that has managers, spread evenly (round robin). Raises
    ValueError when a position has no manager above it or a span would exceed ``span``.
    """
    counts: dict[tuple[int, int], int] = {}
    for grade, role, n in entries:
        counts[(grade, ROLE_CODES[role])] = counts.get((grade, ROLE_CODES[role]), 0) + n
    top = max(g for g, _ in counts)
    keys = sorted(counts, key=lambda k: (-k[0], -k[1]))  # top grade first; managers first
    grade = np.repeat([g for g, _ in keys], [counts[k] for k in keys]).astype(np.int16)
    role = np.repeat([r for _, r in keys], [counts[k] for k in keys]).astype(np.int8)
    manager = np.full(len(grade), -1, dtype=np.int64)
    boss_grade = np.full(len(grade), -1)
    for g in range(top - 1, 0, -1):
        above = [h for h in range(g + 1, top + 1) if counts.get((h, MANAGER), 0)]
        if not above and (grade == g).any():
            raise ValueError(f"organisation.chart: grade {g} has no manager at any grade above it")
        boss_grade[grade == g] = above[0] if above else -1
    for g in np.unique(boss_grade[boss_grade > 0]):
        below = np.flatnonzero(boss_grade == g)
        bosses = np.flatnonzero((grade == g) & (role == MANAGER))
        if len(below) > span * len(bosses):
            raise ValueError(
                f"organisation.chart: {len(below)} positions report to the {len(bosses)} "
                f"manager(s) of grade {g}, more than organisation.span ({span}) each"
            )
        manager[below] = bosses[np.arange(len(below)) % len(bosses)]
    return Hierarchy(grade=grade, role=role, manager=manager, grades=top)
