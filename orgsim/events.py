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
    kind and grade), or ``none``. The events since the last recording are always there for
    the measures.
    """

    def __init__(self, keep: EventsMode = "all") -> None:
        self.keep = keep
        self._batches: list[tuple[str, dict[str, np.ndarray]]] = []
        self._mark = 0
        self._counts: list[tuple[int, str, np.ndarray, np.ndarray]] = []

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
            self._batches.append((kind, batch | columns))

    def recent(self, *kinds: str, columns: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
        """Events of the given kinds since the measures were last recorded: ``person_id`` and
        the named ``columns`` (default: all), one array each (empty if there were none)."""
        return _concat([b for k, b in self._batches[self._mark :] if k in kinds], columns)

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
        """Counts of events per month, kind and grade (from_grade, else to_grade)."""
        import pandas as pd

        if self.keep == "all":
            df = self.frame()
            grade = df["from_grade"].fillna(df["to_grade"]).astype("Int16")
            counts = df.assign(grade=grade).groupby(
                ["month", "event", "grade"], observed=True, dropna=False
            )
            return counts.size().rename("count").reset_index()
        self._summarise(self._batches)
        self._batches, self._mark = [], 0
        rows = [
            (month, kind, int(g), int(c))
            for month, kind, grades, counts in self._counts
            for g, c in zip(grades, counts, strict=True)
        ]
        df = pd.DataFrame(rows, columns=["month", "event", "grade", "count"])
        df["event"] = pd.Categorical(df["event"], categories=list(EVENT_KINDS))
        df = df.groupby(["month", "event", "grade"], observed=True)["count"].sum().reset_index()
        df["grade"] = df["grade"].astype("Int16").mask(df["grade"] < 0)
        return df.astype({"month": "int32", "count": "int64"})

    def _summarise(self, batches: list[tuple[str, dict[str, np.ndarray]]]) -> None:
        for kind, b in batches:
            none = np.full(len(b["month"]), -1)
            grade = np.asarray(b.get("from_grade", none), dtype=np.int64)
            grade = np.where(grade >= 0, grade, np.asarray(b.get("to_grade", none), np.int64))
            grades, counts = np.unique(grade, return_counts=True)
            self._counts.append((int(b["month"][0]), kind, grades, counts))


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
