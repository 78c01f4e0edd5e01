"""Events: what rules do to people (hires, exits of every kind, promotions, step-backs, ...).

Rules emit events through the model's people-moving calls; measures read this step's events
(``model.events.recent(kind)``), so no hidden counter links a rule to a measure. Event kinds
are data: a rule may register its own, including new kinds of exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from orgsim.hierarchy import ROLE_NAMES

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class EventKind:
    """A kind of event; ``exit`` kinds end employment, ``voluntary`` exits count as turnover."""

    name: str
    description: str
    exit: bool = False
    voluntary: bool = False


EVENT_KINDS: dict[str, EventKind] = {}


def register_event_kind(
    name: str, description: str, *, exit: bool = False, voluntary: bool = False
) -> EventKind:
    """Make a new event kind (e.g. an exit kind) available; re-registering the same is a no-op."""
    kind = EventKind(name, description, exit, voluntary)
    if EVENT_KINDS.get(name, kind) != kind:
        raise ValueError(f"event kind {name!r} is already registered differently")
    EVENT_KINDS[name] = kind
    return kind


for _args in [
    ("hire", "joined from outside"),
    ("promotion", "moved up a grade (onto the manager or specialist ladder, or within it)"),
    ("step_back", "returned from a manager role to practice"),
    ("coached", "had a development conversation"),
    ("training", "was given management training on becoming a manager"),
    ("passed_over", "was a runner-up for a manager post that went to someone else"),
    ("declined", "was offered a manager post and turned it down"),
]:
    register_event_kind(*_args)
register_event_kind("voluntary", "resigned", exit=True, voluntary=True)
register_event_kind("retirement", "retired at the age limit", exit=True)
register_event_kind("dismissal", "was dismissed", exit=True)
BUILT_IN = tuple(EVENT_KINDS)  # a table lists these, and any other kind that happened


def voluntary_kinds() -> tuple[str, ...]:
    """Names of every registered kind of voluntary exit (they count as turnover)."""
    return tuple(k.name for k in EVENT_KINDS.values() if k.voluntary)


def exit_kinds() -> list[str]:
    """Names of every registered kind of exit."""
    return [k.name for k in EVENT_KINDS.values() if k.exit]


#: Attributes copied into every event, as they were just before it.
SNAPSHOT = ("skill", "aptitude", "motivation", "status_drive", "engagement")
INT_COLUMNS = {"from_grade": -1, "from_role": -1, "to_grade": -1, "to_role": -1}
EventsMode = Literal["all", "summary", "none"]


class EventLog:
    """Appends events in vectorised batches; ``frame()`` turns them into a DataFrame.

    ``keep`` decides what outlives the step: ``all`` events, a ``summary`` (counts per month,
    kind, grades and roles moved from and to), or ``none``. The events since the last
    recording are always there for the measures.
    """

    def __init__(self, keep: EventsMode = "all") -> None:
        if keep not in ("all", "summary", "none"):  # a typo kept nothing, silently
            raise ValueError(f"events: {keep!r}; give 'all', 'summary' or 'none'")
        self.keep = keep
        self._batches: list[tuple[str, dict[str, np.ndarray]]] = []
        self._mark = 0
        self._month, self._of_month = -1, []  # this month's batches, whatever the recording
        self._counts: list[np.ndarray] = []  # summary: one (cells, SUMMARY_KEYS + count) each
        self._waiting: list[tuple[str, dict[str, np.ndarray]]] = []  # summary: not yet counted
        self._waiting_n = 0

    def log(self, month: int, kind: str, person_id: np.ndarray, **columns: np.ndarray) -> None:
        """Record ``len(person_id)`` events of one kind; missing columns become missing values."""
        if kind not in EVENT_KINDS:
            raise ValueError(
                f"unknown event kind {kind!r}; register it with orgsim.events.register_event_kind "
                f"(known: {', '.join(EVENT_KINDS)})"
            )
        if len(person_id):
            batch = {"month": np.full(len(person_id), month, dtype=np.int32)}
            batch["person_id"] = np.asarray(person_id, dtype=np.int64)
            if month != self._month:
                self._month, self._of_month = month, []
            self._of_month.append((kind, batch | columns))
            self._batches.append(self._of_month[-1])

    def recent(self, *kinds: str, columns: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
        """Events of the given kinds since the measures were last recorded: ``person_id`` and
        the named ``columns`` (default: all), one array each (empty if there were none)."""
        return _concat([b for k, b in self._batches[self._mark :] if k in kinds], columns)

    def of_month(
        self, month: int, *kinds: str, columns: tuple[str, ...] = ()
    ) -> dict[str, np.ndarray]:
        """Events of the given kinds logged in ``month`` (the current step), whether or not
        the measures were recorded since: as ``recent`` returns them."""
        batches = self._of_month if month == self._month else []
        return _concat([b for k, b in batches if k in kinds], columns)

    def count(self, *kinds: str) -> int:
        """Number of events of these kinds since the measures were last recorded."""
        return sum(len(b["month"]) for k, b in self._batches[self._mark :] if k in kinds)

    def mark(self) -> None:
        """The measures have read the recent events: start a new batch (and, unless every
        event is kept, summarise or forget the ones just read)."""
        if self.keep != "all":
            if self.keep == "summary":
                self._summarise(self._batches[self._mark :])
            self._batches = []
        self._mark = len(self._batches)

    def _summarise(self, batches: list[tuple[str, dict[str, np.ndarray]]]) -> None:
        """Keep only what a summary counts of ``batches``; count them (and forget them) once
        enough are waiting, so the cost of counting is shared by many steps."""
        for kind, b in batches:
            self._waiting.append((kind, {c: b[c] for c in SUMMARY_COLUMNS if c in b}))
            self._waiting_n += len(b["month"])
        if self._waiting_n >= TALLY_EVERY:
            self._count_waiting()

    def _count_waiting(self) -> None:
        if self._waiting:
            self._counts.append(_tally_events(self._waiting))
            self._waiting, self._waiting_n = [], 0

    def frame(self) -> pd.DataFrame:
        """Every event kept, one row each, in the order they happened."""
        import pandas as pd

        if self.keep == "none":
            raise ValueError(
                "events were not kept (run.events: none); set run.events: all to keep them"
            )
        if self.keep == "summary":
            return self.summary_frame()
        present = {k for k, _ in self._batches}
        kinds = [k for k in EVENT_KINDS if k in BUILT_IN or k in present]  # not the process's
        cols = ["month", "person_id", *INT_COLUMNS, *SNAPSHOT, "expertise",
                "pre_promotion_performance"]  # fmt: skip
        batches = [b for _, b in self._batches]
        sizes = np.array([len(b["month"]) for b in batches], dtype=np.int64)
        data = {c: _column(batches, sizes, c, INT_COLUMNS.get(c, np.nan)) for c in cols}
        index = {k: i for i, k in enumerate(kinds)}
        codes = np.repeat(np.array([index[k] for k, _ in self._batches], np.int16), sizes)
        df = pd.DataFrame(data)
        df.insert(1, "event", pd.Categorical.from_codes(codes, kinds))
        exits = [EVENT_KINDS[k].exit for k in kinds]
        df.insert(2, "exit", np.asarray(exits, dtype=bool)[df["event"].cat.codes.to_numpy()])
        for c in ("from_role", "to_role"):
            df[c] = pd.Categorical.from_codes(df[c].astype(int), ROLE_NAMES)
        for c in ("from_grade", "to_grade"):
            df[c] = df[c].astype("Int16").mask(df[c] < 0)
        df["month"] = df["month"].astype("int32")
        df["person_id"] = df["person_id"].astype("int64")
        return df

    def summary_frame(self) -> pd.DataFrame:
        """Counts of events per month, kind, grade moved from and to and role moved from and
        to; ``grade`` is the grade moved from, else the one moved to (a hire's)."""
        import pandas as pd

        if self.keep == "summary":
            self._summarise(self._batches)
            self._batches, self._mark = [], 0
            self._count_waiting()
            self._counts = [_tally_cells(self._counts)] if self._counts else []
            cells = self._counts[0] if self._counts else _tally_events([])
        else:
            cells = _tally_events(self._batches)
        month, kind, from_grade, from_role, to_grade, to_role, count = cells.T
        df = pd.DataFrame({"month": month.astype(np.int32)})
        df["event"] = pd.Categorical.from_codes(kind, list(EVENT_KINDS))
        grades = {"grade": np.where(from_grade >= 0, from_grade, to_grade),
                  "from_grade": from_grade, "to_grade": to_grade}  # fmt: skip
        for name, grade in grades.items():
            df[name] = pd.array(grade, dtype="Int16")
            df[name] = df[name].mask(df[name] < 0)
        for name, role in (("from_role", from_role), ("to_role", to_role)):
            df[name] = pd.Categorical.from_codes(role, ROLE_NAMES)
        df["count"] = count
        return df[["month", "event", "grade", "from_grade", "from_role", "to_grade", "to_role",
                   "count"]]  # fmt: skip


#: What a summary counts events by: month, kind (its index in EVENT_KINDS), grades and roles.
SUMMARY_KEYS = ("month", "kind", *INT_COLUMNS)
SUMMARY_COLUMNS = ("month", *INT_COLUMNS)  # the columns of an event a summary keeps
TALLY_EVERY = 50_000  # events kept (about 2 MB) before a summary counts them


def _tally_events(batches: list[tuple[str, dict[str, np.ndarray]]]) -> np.ndarray:
    """Events counted per SUMMARY_KEYS: one row per cell, the keys then the count (a missing
    grade or role is -1)."""
    if not batches:
        return np.empty((0, len(SUMMARY_KEYS) + 1), dtype=np.int64)
    data = [b for _, b in batches]
    sizes = np.array([len(b["month"]) for b in data], dtype=np.int64)
    index = {k: i for i, k in enumerate(EVENT_KINDS)}
    kind = np.repeat(np.array([index[k] for k, _ in batches], dtype=np.int64), sizes)
    fields = [_column(data, sizes, "month", -1), kind,
              *(_column(data, sizes, c, -1) for c in INT_COLUMNS)]  # fmt: skip
    return _tally(np.stack([np.asarray(f, dtype=np.int64) for f in fields], axis=1))


def _tally_cells(counts: list[np.ndarray]) -> np.ndarray:
    """Tallies (from ``_tally_events``) merged into one: the counts of equal cells added."""
    cells = np.concatenate(counts)
    return _tally(cells[:, :-1], cells[:, -1])


def _tally(keys: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The distinct rows of ``keys`` (each value >= -1), in order, each with its summed
    ``weights`` (None: 1 each) as a last column. Rows are coded as one integer (a
    mixed-radix number) when that fits in 63 bits, which is far quicker than comparing rows."""
    shifted = keys + 1
    radices = [int(c.max()) + 1 if len(c) else 1 for c in shifted.T]
    if float(np.prod(np.asarray(radices, dtype=float))) < 2.0**62:
        code = np.zeros(len(keys), dtype=np.int64)
        for column, radix in zip(shifted.T, radices, strict=True):
            code = code * radix + column
        cells, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    else:
        cells, first, inverse = np.unique(shifted, axis=0, return_index=True, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=weights, minlength=len(cells))
    return np.column_stack([keys[first], counts.astype(np.int64)])


def _column(batches: list[dict[str, np.ndarray]], sizes: np.ndarray, name: str, fill) -> np.ndarray:
    """One column over every batch, ``fill`` where a batch lacks it: one concatenation of the
    batches that have it, not a filler array per batch (a run logs thousands of batches)."""
    has = np.array([name in b for b in batches], dtype=bool)
    parts = [b[name] for b in batches if name in b]
    if has.all():
        return np.concatenate(parts) if parts else np.empty(0)
    filler = np.full(0, fill)
    out = np.empty(int(sizes.sum()), dtype=np.result_type(filler, *parts))
    rows = np.repeat(has, sizes)
    out[~rows] = fill
    if parts:
        out[rows] = np.concatenate(parts)
    return out


def _concat(batches: list[dict[str, np.ndarray]], columns: tuple[str, ...] = ()):
    if not batches:
        return {"person_id": np.empty(0, dtype=np.int64)} | {c: np.empty(0) for c in columns}
    keys = ("person_id", *columns) if columns else set().union(*batches)
    return {  # a missing column's NaNs are made only when missing (this runs every step)
        k: np.concatenate([b[k] if k in b else np.full(len(b["month"]), np.nan) for b in batches])
        for k in keys
    }
