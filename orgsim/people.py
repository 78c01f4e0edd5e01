"""The people of the organisation: one columnar row per person employed, found by person id.

Every person gets an id that is never reused in a run. While employed they own a row (a
*slot*) of every attribute array, and keep it when they are promoted or step back: state
belongs to the person, and a position only points at its holder. When a person leaves, the
row is cleared and a later hire may take it; their id then resolves to ``PersonLeft``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class PersonLeft(LookupError):
    """A person id (or an agent) whose person is no longer employed."""


@dataclass(frozen=True)
class Column:
    """A person attribute: dtype, the value a free row holds, and what it means."""

    dtype: str
    empty: float
    meaning: str = ""


#: Built-in person attributes.
COLUMNS: dict[str, Column] = {
    "skill": Column("float64", np.nan, "technical skill, 0..1"),
    "firm_expertise": Column("float64", np.nan, "firm-specific expertise, 0..1 (0 when hired)"),
    "aptitude": Column("float64", np.nan, "leadership aptitude, percentile 0..1"),
    "motivation": Column("float64", np.nan, "leadership motivation, 0..1 (> 0.5 wants to lead)"),
    "status_drive": Column("float64", np.nan, "how much title and pay matter, 0..1"),
    "preference_z": Column("float64", np.nan, "standard-normal noise behind stated preference"),
    "stated_preference": Column("float64", np.nan, "answer to 'do you want to lead?'"),
    "engagement": Column("float64", np.nan, "engagement, 0..1"),
    "age": Column("float64", np.nan, "age, years"),
    "tenure": Column("int32", 0, "months with the organisation"),
    "time_in_grade": Column("int32", 0, "months in the current grade"),
    "hire_month": Column("int32", -1, "month of hire (negative for the starting workforce)"),
    "stepped_back": Column("bool", False, "has stepped back from a manager role"),
    "coached_month": Column("int32", -10_000, "month of the last coaching conversation"),
    "pre_promotion_performance": Column(
        "float64", np.nan, "observed performance when made manager"
    ),
    "promoted_month": Column("int32", -1, "month first made a manager in this run (-1 = never)"),
    "manager_quality": Column("float64", np.nan, "quality as a manager this step, 0..1"),
    "competence": Column("float64", 1.0, "share of full productivity in the current role"),
}


#: Attributes that are NaN by design for some people (not managers, never promoted).
MAY_BE_NAN = frozenset({"manager_quality", "pre_promotion_performance"})


class People:
    """Person attributes as arrays with one row per person employed (free rows are empty).

    ``uid[row]`` is the person's id (-1 for a free row); ``position``, ``grade`` and ``role``
    describe the post they hold. ``row_of(ids)`` finds people by id.
    """

    def __init__(self, capacity: int) -> None:
        self.columns: dict[str, Column] = dict(COLUMNS)
        for name, col in self.columns.items():
            setattr(self, name, np.full(capacity, col.empty, dtype=col.dtype))
        self.uid = np.full(capacity, -1, dtype=np.int64)
        self.position = np.full(capacity, -1, dtype=np.int64)
        self.grade = np.zeros(capacity, dtype=np.int16)
        self.role = np.full(capacity, -1, dtype=np.int8)
        self._row_of = np.full(max(capacity, 16), -1, dtype=np.int64)  # id -> row
        self._left_month = np.full(max(capacity, 16), -1, dtype=np.int32)
        self._left_kind: dict[int, str] = {}
        self._next_id = 0
        self.version = 0  # bumped by every hire, move and exit (for caches of the chart's state)
        self.admissions = 0  # bumped by every admit (rows taken by someone new)
        self._active: tuple[int, np.ndarray] = (-1, np.empty(0, dtype=bool))

    def __len__(self) -> int:
        return len(self.uid)

    @property
    def active(self) -> np.ndarray:
        """Mask of rows that hold a person (cached until people join or leave; read-only)."""
        if self._active[0] != self.version:
            mask = self.uid >= 0
            mask.flags.writeable = False
            self._active = (self.version, mask)
        return self._active[1]

    @property
    def count(self) -> int:
        """Number of people employed."""
        return int(np.count_nonzero(self.uid >= 0))

    @property
    def ids_issued(self) -> int:
        """How many person ids this run has given out (hires, including the starting staff)."""
        return self._next_id

    def array(self, name: str) -> np.ndarray:
        """The array of attribute ``name``."""
        return getattr(self, name)

    def row_of(self, ids: np.ndarray | list[int]) -> np.ndarray:
        """The rows of the people with these ids; raises PersonLeft if one has left."""
        ids = np.asarray(ids, dtype=np.int64)
        if (ids.view(np.uint64) >= self._next_id).any():  # one test: a negative id wraps round
            bad = (ids < 0) | (ids >= self._next_id)
            raise KeyError(f"no person with id {int(ids[bad][0])} in this run")
        rows = self._row_of[ids]
        if (rows < 0).any():
            pid = int(ids[rows < 0][0])
            raise PersonLeft(
                f"person {pid} left in month {int(self._left_month[pid])} "
                f"({self._left_kind.get(pid, 'left')})"
            )
        return rows

    def is_employed(self, person_id: int) -> bool:
        """Whether the person with this id is employed now."""
        return 0 <= person_id < self._next_id and self._row_of[person_id] >= 0

    def employed(self, ids: np.ndarray) -> np.ndarray:
        """Per id, whether that person is employed now (an index lookup, not a search)."""
        ids = np.asarray(ids, dtype=np.int64)
        known = (ids >= 0) & (ids < self._next_id)
        return known & (self._row_of[np.where(known, ids, 0)] >= 0)

    def admit(self, n: int, values: dict[str, np.ndarray]) -> np.ndarray:
        """Give ``n`` new people fresh ids and the lowest free rows; returns the rows.

        Attributes not in ``values`` take their empty value.
        """
        rows = np.flatnonzero(self.uid < 0)[:n]
        if rows.size < n:
            raise ValueError(f"no room for {n} people: {rows.size} free rows")
        for name, col in self.columns.items():
            self.array(name)[rows] = values.get(name, col.empty)
        ids = np.arange(self._next_id, self._next_id + n, dtype=np.int64)
        self._next_id += n
        self._grow_index(self._next_id)
        self.uid[rows] = ids
        self._row_of[ids] = rows
        self.version += 1
        self.admissions += 1
        return rows

    def place(self, rows: np.ndarray, positions: np.ndarray, grade, role) -> None:
        """Record that the people in ``rows`` now hold ``positions`` (of ``grade``, ``role``)."""
        self.position[rows] = positions
        self.grade[rows] = grade
        self.role[rows] = role
        self.version += 1

    def discharge(self, rows: np.ndarray, month: int, kind: str) -> None:
        """The people in ``rows`` leave: their ids stop resolving and their rows are freed."""
        ids = self.uid[rows]
        self._row_of[ids] = -1
        self._left_month[ids] = month
        self._left_kind.update(dict.fromkeys(ids.tolist(), kind))
        for name, col in self.columns.items():
            self.array(name)[rows] = col.empty
        self.uid[rows] = -1
        self.position[rows] = -1
        self.grade[rows] = 0
        self.role[rows] = -1
        self.version += 1

    def add_column(self, name: str, dtype: str, empty: float, meaning: str = "") -> None:
        """Register a new person attribute (for extensions); every row starts empty."""
        if name in self.columns or hasattr(self, name):
            raise ValueError(f"person attribute {name!r} already exists")
        kind = np.dtype(dtype).kind
        if kind in "iub" and not (np.isfinite(empty) and float(empty).is_integer()):
            raise ValueError(  # NaN would become True, or the most negative integer
                f"person attribute {name!r}: empty={empty!r} is not a {dtype} value; give "
                "empty= one (e.g. -1 or False) for the rows of people who left"
            )
        self.columns[name] = Column(dtype, empty, meaning)
        setattr(self, name, np.full(len(self), empty, dtype=dtype))

    def _grow_index(self, n: int) -> None:
        if n > len(self._row_of):
            size = max(n, 2 * len(self._row_of))
            self._row_of = np.r_[self._row_of, np.full(size - len(self._row_of), -1)]
            self._left_month = np.r_[
                self._left_month, np.full(size - len(self._left_month), -1, dtype=np.int32)
            ]
