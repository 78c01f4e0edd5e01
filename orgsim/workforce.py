"""The columnar state of the people who fill the positions: one row per position.

A row is empty (``person_id == -1``) while its position is vacant. A move (promotion, step
back) copies a person's row to another position; an exit clears it; a hire fills it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Built-in person attributes: name -> (dtype, value of an empty row, unit and meaning).
COLUMNS: dict[str, tuple[str, float, str]] = {
    "person_id": ("int64", -1, "unique id of the person (-1 = vacant position)"),
    "skill": ("float64", np.nan, "technical skill, 0..1"),
    "firm_expertise": ("float64", np.nan, "firm-specific expertise, 0..1 (0 for a new hire)"),
    "aptitude": ("float64", np.nan, "leadership aptitude, percentile 0..1"),
    "motivation": ("float64", np.nan, "leadership motivation, 0..1 (> 0.5 wants to lead)"),
    "status_drive": ("float64", np.nan, "how much title and pay matter, 0..1"),
    "preference_z": ("float64", np.nan, "standard-normal noise behind the stated preference"),
    "stated_preference": ("float64", np.nan, "answer to 'do you want to lead?', motivation+noise"),
    "engagement": ("float64", np.nan, "engagement, 0..1"),
    "age": ("float64", np.nan, "age, years"),
    "tenure": ("int32", 0, "months with the organisation"),
    "time_in_grade": ("int32", 0, "months in the current grade"),
    "hire_month": ("int32", -1, "month of hire (negative for the initial workforce)"),
    "stepped_back": ("bool", False, "has stepped back from a manager role"),
    "coached_month": ("int32", -10_000, "month of the last coaching conversation"),
    "pre_promotion_performance": ("float64", np.nan, "observed performance when made manager"),
    "promoted_month": ("int32", -1, "month first made a manager in this run (-1 = never)"),
    "manager_quality": ("float64", np.nan, "quality as a manager this month, 0..1"),
}


@dataclass
class Column:
    """A person attribute: dtype and the value an empty row holds."""

    dtype: str
    empty: float


class Workforce:
    """Person attributes as numpy arrays indexed by position."""

    def __init__(self, n_positions: int, extra: dict[str, Column] | None = None) -> None:
        self.columns: dict[str, Column] = {k: Column(d, e) for k, (d, e, _) in COLUMNS.items()}
        self.columns.update(extra or {})
        for name, col in self.columns.items():
            setattr(self, name, np.full(n_positions, col.empty, dtype=col.dtype))
        self._next_id = 0

    def __len__(self) -> int:
        return len(self.person_id)

    @property
    def occupied(self) -> np.ndarray:
        """Mask of positions held by a person."""
        return self.person_id >= 0

    def array(self, name: str) -> np.ndarray:
        """The array of attribute ``name``."""
        return getattr(self, name)

    def new_ids(self, n: int) -> np.ndarray:
        """Fresh person ids, never reused within a run."""
        ids = np.arange(self._next_id, self._next_id + n, dtype=np.int64)
        self._next_id += n
        return ids

    def fill(self, rows: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """Put new people in empty ``rows``; unnamed attributes take their empty value."""
        for name, col in self.columns.items():
            self.array(name)[rows] = values.get(name, col.empty)
        self.person_id[rows] = self.new_ids(len(rows))

    def move(self, src: np.ndarray, dst: np.ndarray) -> None:
        """Move the people in rows ``src`` to the empty rows ``dst``."""
        for name in self.columns:
            arr = self.array(name)
            arr[dst] = arr[src]
        self.clear(src)

    def clear(self, rows: np.ndarray) -> None:
        """Empty ``rows``: their people have left (or moved)."""
        for name, col in self.columns.items():
            self.array(name)[rows] = col.empty

    def add_column(self, name: str, dtype: str, empty: float) -> None:
        """Register a new person attribute (for extensions); every row starts empty."""
        if name in self.columns:
            raise ValueError(f"person attribute {name!r} already exists")
        self.columns[name] = Column(dtype, empty)
        setattr(self, name, np.full(len(self), empty, dtype=dtype))
