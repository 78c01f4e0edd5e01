"""A running what-if's answer so far: the changed policy against the baseline over the
replications both have finished, read from the runs' stored parts as they land.

The full what-if takes seconds (every replication of every policy); the first pairs land in
about a second, so the panel shows the paired differences as they narrow, labelled as
provisional, until the complete comparison replaces them.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from orgsim.measures import MEASURES
from orgsim.overview import diff_text, fmt
from orgsim.results import ResultsError, finished_runs, mean_ci, part_path, read_part

#: The measures shown while running (the first key measures a strategist reads).
SHOWN = ("engagement", "voluntary_turnover", "reluctant_manager_share")


class Difference(NamedTuple):
    """A paired difference as ``overview.diff_text`` reads it (a row of results.compare)."""

    mean: float
    diff: float
    diff_ci_low: float
    diff_ci_high: float


class SoFar:
    """Paired differences of ``changed`` from ``baseline`` in the what-if stored at ``folder``,
    over the replications both have finished; each run's summary part is read once."""

    def __init__(self, folder: Path, baseline: str, changed: str) -> None:
        self.folder, self.baseline, self.changed = folder, baseline, changed
        self._read: set[str] = set()
        self._values: dict[tuple[str, int], dict[str, float]] = {}  # (policy, replication)

    def update(self) -> None:
        """Read the summaries of the runs finished since the last update."""
        for rid in sorted(finished_runs(self.folder) - self._read):
            try:
                table = read_part(part_path(self.folder, rid, "summary")).to_pydict()
            except ResultsError:  # removed by consolidation, or unreadable: the full result,
                continue  # read and checked, is coming
            self._read.add(rid)
            for policy, rep, measure, value in zip(
                table["policy"], table["replication"], table["measure"], table["value"],
                strict=True,
            ):  # fmt: skip
                self._values.setdefault((policy, int(rep)), {})[measure] = value

    def pairs(self) -> list[int]:
        """The replications both policies have finished, in order."""
        reps = {r for p, r in self._values if p == self.changed}
        return sorted(r for r in reps if (self.baseline, r) in self._values)

    def text(self) -> str:
        """'over k replications: <changed> against <baseline>: mean engagement +0.031
        [+0.004, +0.058]; ...' (empty before the first pair)."""
        self.update()
        reps = self.pairs()
        if not reps:
            return ""
        parts = []
        for name in SHOWN:
            changed, base = (np.array([self._values[(p, r)].get(name, np.nan) for r in reps])
                             for p in (self.changed, self.baseline))  # fmt: skip
            diff = mean_ci(changed - base)
            row = Difference(mean_ci(changed)[0], *diff)
            measure = MEASURES[name]
            shown = (
                diff_text(row, measure.unit)
                if len(reps) > 1
                else fmt(row.diff, measure.unit, True, row.mean)
            )
            parts.append(f"{measure.label.lower()} {shown}")
        n = len(reps)
        return (f"over {n} replication{'s' * (n > 1)}: {self.changed} against "
                f"{self.baseline}: {'; '.join(parts)}")  # fmt: skip


def progress_text(done: int, total: int, so_far: SoFar) -> str:
    """The what-if's progress line: runs finished, then the answer so far (provisional until
    every run has finished)."""
    line = f"{done} / {total} runs"
    answer = so_far.text() if done else ""
    if not answer:
        return line
    return f"{line}; {answer}" if done == total else f"{line}; so far, {answer} (provisional)"
