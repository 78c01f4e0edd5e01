"""The events table: every hire, exit, retirement, promotion and step-back, with who and when."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orgsim.hierarchy import ROLE_NAMES

EVENT_KINDS = ("hire", "exit", "retirement", "promotion", "step_back")
SNAPSHOT = ("skill", "aptitude", "motivation", "status_drive", "engagement")


class EventLog:
    """Appends events in vectorised batches; ``frame()`` turns them into a DataFrame."""

    def __init__(self) -> None:
        self._batches: list[dict[str, np.ndarray]] = []

    def log(self, month: int, kind: str, person_id: np.ndarray, **columns: np.ndarray) -> None:
        """Record ``len(person_id)`` events of one kind; missing columns become missing values."""
        if len(person_id):
            batch = {"month": np.full(len(person_id), month, dtype=np.int32)}
            batch["event"] = np.full(len(person_id), EVENT_KINDS.index(kind), dtype=np.int8)
            batch["person_id"] = np.asarray(person_id, dtype=np.int64)
            self._batches.append(batch | columns)

    def frame(self) -> pd.DataFrame:
        """All events so far, one row each, in the order they happened."""
        cols = ["month", "event", "person_id", "from_grade", "from_role", "to_grade", "to_role"]
        cols += [*SNAPSHOT, "pre_promotion_performance"]
        missing = {"from_grade": -1, "from_role": -1, "to_grade": -1, "to_role": -1}
        data = {}
        for c in cols:  # one concatenation per column: no DataFrame per batch
            fill = missing.get(c, np.nan)
            parts = [b[c] if c in b else np.full(len(b["month"]), fill) for b in self._batches]
            data[c] = np.concatenate(parts) if parts else np.empty(0)
        df = pd.DataFrame(data)
        df["event"] = pd.Categorical.from_codes(df["event"].astype(int), EVENT_KINDS)
        for c in ("from_role", "to_role"):
            df[c] = pd.Categorical.from_codes(df[c].astype(int), ROLE_NAMES)
        for c in ("from_grade", "to_grade"):
            df[c] = df[c].astype("Int16").mask(df[c] < 0)
        df["month"] = df["month"].astype("int32")
        df["person_id"] = df["person_id"].astype("int64")
        return df
