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
        if not self._batches:
            return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
        parts = [pd.DataFrame(b) for b in self._batches]
        df = pd.concat(parts, ignore_index=True).reindex(columns=cols)
        df["event"] = pd.Categorical.from_codes(df["event"], EVENT_KINDS)
        for c in ("from_role", "to_role"):
            codes = df[c].fillna(-1).astype(int)
            df[c] = pd.Categorical.from_codes(codes, ROLE_NAMES)
        for c in ("from_grade", "to_grade"):
            df[c] = df[c].astype("Int16")
        return df
