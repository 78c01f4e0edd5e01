"""The results folder: the one module that writes, reads and summarises experiment results.

Layout::

    DIR/manifest.json        resolved scenario, seeds, versions, times, status of every run
    DIR/.lock                held (flock) by the one process writing the folder; holds its pid
    DIR/parts/<run>/*.parquet  one finished run (written to a temporary folder, then renamed)
    DIR/timeseries.parquet   one row per policy, replication, month
    DIR/events.parquet       one row per event
    DIR/summary.parquet      one row per policy, replication, measure
    DIR/structure.parquet    headcount and engagement per grade and role, every month
    DIR/managers.parquet     promoted managers: pre-promotion performance vs team output
    DIR/profiles.parquet     measures by category (grade, group, ...): one row per step, category

``orgsim run`` and ``orgsim value`` add the business case (orgsim/money.py): ``money.parquet``
(policy, replication, year, measure, value), ``money_summary.parquet`` (policy, replication,
measure, value) and ``money.json`` (the money section used, and each policy's payback year);
re-valuing rewrites only these three files.

``orgsim sensitivity`` adds ``sensitivity.parquet`` (indices), ``robustness.parquet`` (share of
worlds in which the policy beats the baseline) and ``rules.json`` (measure -> verdict rules).

The top-level tables are written when every run has finished; until then the parts hold the
finished runs, and ``--resume`` runs only the missing ones. Every file is written under a unique
temporary name and renamed into place, and the parts are dropped only once every consolidated
table has been read back and checked, so no crash or concurrent writer can lose results.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.special import stdtrit  # the t quantile, without importing scipy.stats (slow)

from orgsim.fit.posterior import FIT_TABLE
from orgsim.measures import KEY_MEASURES, MEASURES, Measure, split_name

MANIFEST = "manifest.json"
LOCK = ".lock"
TABLES = ("timeseries", "events", "summary", "structure", "managers", "profiles")
#: Columns every reader of a table relies on.
TABLE_COLUMNS = {
    "summary": ("policy", "replication", "measure", "value"),
    "timeseries": ("policy", "replication", "month"),
}


class ResultsError(ValueError):
    """A results folder that is missing, incomplete or corrupt; the message names the file."""


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_id(policy_index: int, replication: int, point: int = 0) -> str:
    """Folder name of one run's parts."""
    return f"s{point:05d}-p{policy_index:02d}-r{replication:05d}"


def _publish(tmp: str | Path, path: Path) -> None:
    """Give a finished temporary file the usual permissions and rename it onto ``path``,
    flushed to disk first and the rename after, so a power cut leaves the old file or the
    new one, never an empty one that replaced it."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; match the files beside it
    sync_to_disk(tmp)
    os.replace(tmp, path)
    sync_to_disk(path.parent)


def sync_to_disk(path: str | Path) -> None:
    """Flush a file's (or a folder's entries') data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _temporary(path: Path) -> Iterator[Path]:
    """A unique temporary file beside ``path`` (never a fixed name, so two writers cannot
    share one); removed unless the caller renamed it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename, never half-written."""
    with _temporary(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        _publish(tmp, path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename, never half-written."""
    with _temporary(path) as tmp:
        tmp.write_bytes(data)
        _publish(tmp, path)


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write a DataFrame as Parquet atomically."""
    with _temporary(path) as tmp:
        df.to_parquet(tmp, index=False)
        _publish(tmp, path)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, indent=2, default=str))


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a results folder; ResultsError if missing or unreadable."""
    folder = Path(folder)
    if not folder.is_dir():
        if folder.is_file():  # a scenario given where its results were meant
            raise ResultsError(
                f"{folder}: a file, not a results folder (to run a scenario: orgsim run "
                f"{folder}; its results go to results/<name>)"
            )
        raise ResultsError(f"{folder}: no such results folder")
    path = folder / MANIFEST
    if not path.is_file():
        raise ResultsError(f"{path}: missing; {folder} is not an orgsim results folder")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: corrupt manifest ({err})") from None
    if not isinstance(manifest, dict):
        raise ResultsError(f"{path}: corrupt manifest (not a mapping)")
    for key, kind in (("scenario", dict), ("runs", dict), ("status", str)):
        if not isinstance(manifest.get(key), kind):
            raise ResultsError(f"{path}: corrupt manifest (no {key!r} {kind.__name__} entry)")
    for key in ("policies", "baseline"):
        if key not in manifest["scenario"]:
            raise ResultsError(f"{path}: corrupt manifest (no scenario.{key} entry)")
    return manifest


def write_run_parts(folder: Path, rid: str, tables: dict[str, pd.DataFrame]) -> None:
    """Store one finished run: its tables in a temporary folder renamed into ``parts/``."""
    parts = folder / "parts"
    parts.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=parts, prefix=f".{rid}."))
    for name, df in tables.items():
        df.to_parquet(tmp / f"{name}.parquet", index=False)
    try:
        os.rename(tmp, parts / rid)
    except OSError:  # a duplicate of a finished run (e.g. a retried task): identical
        shutil.rmtree(tmp)


def finished_runs(folder: Path) -> set[str]:
    """Runs whose parts are complete on disk."""
    parts = folder / "parts"
    if not parts.is_dir():
        return set()
    return {p.name for p in parts.iterdir() if p.is_dir() and not p.name.startswith(".")}


def check_table(path: Path, rows: int | None = None, name: Path | None = None) -> None:
    """Read every page of a Parquet file (in batches, so memory stays small); ResultsError,
    naming ``name`` (default ``path``), if it is missing, unreadable or (given ``rows``) does
    not hold that many rows."""
    name = name or path
    try:
        count = sum(batch.num_rows for batch in pq.ParquetFile(path).iter_batches())
    except FileNotFoundError:
        raise ResultsError(f"{name}: missing") from None
    except (OSError, pa.ArrowException) as err:
        raise ResultsError(f"{name}: corrupt Parquet file ({err})") from None
    if rows is not None and count != rows:
        raise ResultsError(f"{name}: holds {count} rows, expected {rows}")


#: Rows gathered from the runs' parts before they are written as one row group: far fewer,
#: larger row groups than one per run make the tables smaller and quicker to read.
ROW_GROUP_ROWS = 131_072


def consolidate(folder: Path, run_ids: list[str]) -> None:
    """Append every run's parts to the top-level tables, a row group at a time (streamed, so
    memory does not grow with the number of runs).

    Each table is written under a unique temporary name, read back and checked (readable,
    row count = the parts' rows) before it replaces the old one; ResultsError otherwise.
    """
    for table in TABLES:
        path = folder / f"{table}.parquet"
        with _temporary(path) as tmp:
            writer, rows, waiting, waiting_rows = None, 0, [], 0
            for part in read_parts(folder, run_ids, table):
                rows += part.num_rows
                if writer is None:
                    writer = pq.ParquetWriter(tmp, part.schema)
                waiting.append(conform(part, writer.schema))
                waiting_rows += part.num_rows
                if waiting_rows >= ROW_GROUP_ROWS:
                    writer.write_table(pa.concat_tables(waiting))
                    waiting, waiting_rows = [], 0
            if writer is not None:
                if waiting:
                    writer.write_table(pa.concat_tables(waiting))
                writer.close()
            check_table(tmp, rows, name=path)  # read back before it replaces anything
            _publish(tmp, path)


def conform(part: pa.Table, schema: pa.Schema) -> pa.Table:
    """``part`` with the table's schema (the first part's): cast only where a column's type
    differs, as casting every column of every part took longer than reading the parts."""
    if part.schema.equals(schema, check_metadata=False):
        return part.replace_schema_metadata(schema.metadata)
    return part.cast(schema)


#: Parts read at once while consolidating, ahead of the one being appended: Parquet decoding
#: releases the GIL, so two threads read thousands of small parts 1.7x quicker than one.
READ_THREADS, READ_AHEAD = 2, 16


def part_path(folder: Path, run_id: str, table: str) -> Path:
    """Where a finished run's part of ``table`` is kept until consolidation."""
    return folder / "parts" / run_id / f"{table}.parquet"


def read_parts(folder: Path, run_ids: list[str], table: str) -> Iterator[pa.Table]:
    """Each run's part of ``table``, in ``run_ids`` order, read a bounded few ahead on threads."""
    paths = (part_path(folder, rid, table) for rid in run_ids)
    with ThreadPoolExecutor(READ_THREADS) as pool:
        window = deque(pool.submit(read_part, path) for path in islice(paths, READ_AHEAD))
        while window:
            part = window.popleft().result()
            following = next(paths, None)
            if following is not None:
                window.append(pool.submit(read_part, following))
            yield part


def read_part(path: Path) -> pa.Table:
    """One run's table; ResultsError (saying how to redo that run) if it is missing or corrupt."""
    try:  # ParquetFile, not read_table: a third of the time for thousands of small files
        return pq.ParquetFile(str(path)).read(use_threads=False)
    except (OSError, pa.ArrowException) as err:
        raise ResultsError(
            f"{path}: unreadable part ({err}); delete {path.parent} and run again with --resume"
        ) from None


def verify_tables(folder: Path) -> None:
    """Check that every consolidated table of a complete folder is readable Parquet;
    ResultsError naming the first that is not."""
    for table in TABLES:
        check_table(folder / f"{table}.parquet")


def drop_parts(folder: Path) -> None:
    """Remove the per-run parts once the consolidated tables are complete."""
    shutil.rmtree(folder / "parts", ignore_errors=True)


def _lock_holder(fd: int) -> str:
    """The pid written in a lock file by its holder (who may not have written it yet)."""
    for _ in range(50):
        pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
        if pid:
            return pid
        time.sleep(0.01)
    return "?"


@contextmanager
def lock_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on a results folder while writing it.

    The lock is ``flock`` on ``folder/.lock`` (released by the kernel if the process dies,
    so a killed run never leaves a stale lock); the file holds the holder's pid for the
    message another process gets: ResultsError "in use by pid N". The folder must exist.
    """
    path = folder / LOCK
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as err:
            raise ResultsError(f"{folder}: cannot write there ({err.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _lock_holder(fd)
            os.close(fd)
            raise ResultsError(
                f"{folder}: in use by pid {pid} (another orgsim run); "
                "wait for it or choose another --out"
            ) from None
        try:  # the folder may have been swapped (--force) between open and flock
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.pwrite(fd, f"{os.getpid():<16}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


MONEY_FILES = ("money.parquet", "money_summary.parquet", "money.json")
SENSITIVITY_FILES = ("sensitivity.parquet", "robustness.parquet", "rules.json")


def foreign_files(folder: Path) -> list[str]:
    """Names in a results folder that orgsim did not write (hidden names are its temporary
    files): what --force, which replaces the whole folder, must not delete unasked."""
    ours = {MANIFEST, "parts", *(f"{t}.parquet" for t in TABLES), *MONEY_FILES,
            *SENSITIVITY_FILES, FIT_TABLE}  # fmt: skip
    return sorted(p.name for p in folder.iterdir() if p.name not in ours and p.name[0] != ".")


SENSITIVITY_COLUMNS = (
    ("measure", "parameter", "method", "policy"),
    ("measure", "policy", "share_better", "worlds"),
)


@dataclass(frozen=True)
class SensitivityTables:
    """A sensitivity analysis as saved: indices (Morris mu_star, mu_star_conf, sigma or Sobol
    S1, S1_conf, ST, ST_conf per measure and parameter), robustness per measure, verdict rules."""

    indices: pd.DataFrame
    robustness: pd.DataFrame
    rules: dict[str, str]

    @property
    def ruled_policy(self) -> str:
        """The policy the verdict rules are about: the first compared one."""
        return str(self.robustness["policy"].iloc[0]) if len(self.robustness) else ""

    def share_better(self, measure: str) -> float | None:
        """The ruled policy's share of sampled worlds in which it beats the baseline."""
        rows = self.robustness[(self.robustness["policy"] == self.ruled_policy)
                               & (self.robustness["measure"] == measure)]  # fmt: skip
        return float(rows["share_better"].iloc[0]) if len(rows) else None


def read_parquet(path: Path, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A Parquet file that must hold ``columns``; ResultsError if it is corrupt."""
    try:
        df = pd.read_parquet(path)
    except (OSError, pa.ArrowException) as err:
        raise ResultsError(f"{path}: corrupt Parquet file ({err})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ResultsError(f"{path}: corrupt (no column {', '.join(missing)})")
    return df


def read_rules(path: Path) -> dict[str, str]:
    """The verdict rules of a sensitivity analysis: measure -> decision-tree text."""
    try:
        rules = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: corrupt rules ({err})") from None
    if not isinstance(rules, dict) or not all(isinstance(v, str) for v in rules.values()):
        raise ResultsError(f"{path}: corrupt rules (expected measure -> text)")
    return rules


@dataclass
class Results:
    """A finished experiment, read from its folder; tables load on first use."""

    folder: Path
    manifest: dict[str, Any]

    def table(self, name: str) -> pd.DataFrame:
        """One of TABLES as a DataFrame; ResultsError if missing or corrupt."""
        path = self.folder / f"{name}.parquet"
        if not path.is_file():
            raise ResultsError(f"{path}: missing (was the run interrupted? try --resume)")
        df = read_parquet(path, TABLE_COLUMNS.get(name, ()))
        if name == "summary":
            self._check_summary(df, path)
        return df

    def _check_summary(self, df: pd.DataFrame, path: Path) -> None:
        """The summary every comparison reads: numbers, and rows for every policy."""
        if not pd.api.types.is_numeric_dtype(df["value"]):
            raise ResultsError(
                f"{path}: corrupt (column value holds {df['value'].dtype}, not numbers)"
            )
        missing = [p for p in self.policies if p not in set(df["policy"])]
        if missing:
            raise ResultsError(
                f"{path}: corrupt (no rows of policy {', '.join(map(repr, missing))}, which "
                f"{MANIFEST} lists; is it another experiment's table?)"
            )

    def sensitivity(self) -> SensitivityTables | None:
        """What ``orgsim sensitivity`` saved here; None for other experiments.

        ResultsError if a file is missing, corrupt or lacks the expected columns.
        """
        indices, robustness, rules = (self.folder / name for name in SENSITIVITY_FILES)
        if not indices.is_file():
            return None
        for path in (robustness, rules):
            if not path.is_file():
                raise ResultsError(f"{path}: missing (rerun orgsim sensitivity)")
        return SensitivityTables(
            read_parquet(indices, SENSITIVITY_COLUMNS[0]),
            read_parquet(robustness, SENSITIVITY_COLUMNS[1]),
            read_rules(rules),
        )

    @property
    def policies(self) -> list[str]:
        """Policy labels in scenario order."""
        return [p["name"] for p in self.manifest["scenario"]["policies"]]

    @property
    def baseline(self) -> str:
        """The baseline policy's label."""
        return self.manifest["scenario"]["baseline"]

    @property
    def measures(self) -> dict[str, Measure]:
        """Metadata of every measure in the results (built-in and extension measures)."""
        extra = self.manifest.get("measures", {})
        meta = MEASURES | {k: Measure(name=k, **v) for k, v in extra.items() if k not in MEASURES}
        for name in self.recorded_summaries():  # 'share[3]': a category of a measure by category
            base, cat = split_name(name)
            if cat is not None and base in meta:
                m = meta[base]
                meta[name] = replace(m, name=name, label=f"{m.label}: {m.by} {cat}", by=None)
        return meta

    def outcomes(self) -> pd.DataFrame:
        """The summary table with the business case's money measures appended when the results
        were valued (a money measure replaces a summary measure of the same name: pay_bill is
        then in the currency): what a sweep or a sensitivity analysis compares."""
        summary = self.table("summary")
        path = self.folder / MONEY_FILES[1]
        if not path.is_file():
            return summary
        money = read_parquet(path, tuple(summary.columns))[list(summary.columns)]
        kept = summary[~summary["measure"].isin(set(money["measure"]))]
        return pd.concat([kept, money], ignore_index=True)

    @property
    def outcome_measures(self) -> dict[str, Measure]:
        """Metadata of every measure in outcomes(): the money measures in the scenario's
        currency over the summary's."""
        from orgsim.money import money_measures, scenario_money

        return self.measures | money_measures(scenario_money(self.manifest).currency)

    @property
    def key_outcomes(self) -> tuple[str, ...]:
        """The key measures, then the business case's net value and pay bill."""
        from orgsim.money import KEY_MONEY_MEASURES

        return (*self.key_measures, *KEY_MONEY_MEASURES)

    @property
    def profile_measures(self) -> list[str]:
        """Names of the measures by category (each summarised per category)."""
        return [k for k, v in self.manifest.get("measures", {}).items() if v.get("by")]

    def recorded_summaries(self) -> list[str]:
        """Names of the summarised measures (a measure by category gives one per category)."""
        return list(self.manifest.get("summaries", []))

    @property
    def recorded(self) -> list[str]:
        """Names of the measures the runs recorded, built-in ones first."""
        return list(self.manifest.get("recorded", [*MEASURES, *self.manifest.get("measures", {})]))

    @property
    def key_measures(self) -> tuple[str, ...]:
        """The measures shown first: the key built-in ones recorded, then every extension
        measure (every recorded measure if that leaves none)."""
        recorded = self.recorded
        keys = [m for m in KEY_MEASURES if m in recorded]
        keys += [m for m in recorded if m not in MEASURES]
        summaries = self.recorded_summaries()
        by_category = {k: [s for s in summaries if s.startswith(f"{k}[")] for k in keys}
        return tuple(n for k in keys or recorded for n in by_category.get(k) or [k])


def summary_names(folder: Path) -> list[str]:
    """The measure names of a consolidated summary table, in order of first appearance."""
    measures = pq.read_table(folder / "summary.parquet", columns=["measure"]).column(0)
    return list(dict.fromkeys(measures.to_pylist()))


def load(folder: str | Path) -> Results:
    """Open a complete results folder; ResultsError names what is wrong."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["status"] != "complete":
        raise ResultsError(
            f"{folder / MANIFEST}: experiment is {manifest['status']}, not complete; "
            f"finish it with: orgsim run <scenario> --out {folder} --resume"
        )
    return Results(folder, manifest)


# --- statistics ---------------------------------------------------------------------------
def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the t-based confidence interval over replications (NaNs dropped)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return (np.nan, np.nan, np.nan)
    m = float(v.mean())
    if v.size == 1:
        return (m, np.nan, np.nan)
    half = stdtrit(v.size - 1, 0.5 + level / 2) * v.std(ddof=1) / np.sqrt(v.size)
    return (m, m - half, m + half)


def compare(summary: pd.DataFrame, baseline: str, policies: list[str]) -> pd.DataFrame:
    """Per policy and measure: mean with 95% CI, and the paired difference from the baseline.

    Differences pair replication r of each policy with replication r of the baseline (common
    random numbers), so their intervals are tighter than the difference of two means. ``n`` is
    the number of replications in which the policy's measure is defined (a correlation needs
    promotions, a manager measure managers), out of ``runs``.
    """
    wide = summary.pivot_table(
        index=["measure", "replication"], columns="policy", values="value", dropna=False
    )
    rows = []
    for measure in summary["measure"].unique():
        block = wide.loc[measure]
        for policy in policies:
            values = block[policy].to_numpy(dtype=float)
            mean, lo, hi = mean_ci(values)
            diff = block[policy] - block[baseline]
            d, dlo, dhi = mean_ci(diff.to_numpy())
            defined = int(np.count_nonzero(~np.isnan(values)))
            rows.append(dict(policy=policy, measure=measure, mean=mean, ci_low=lo, ci_high=hi,
                             diff=d, diff_ci_low=dlo, diff_ci_high=dhi,
                             n=defined, runs=len(values)))  # fmt: skip
    return pd.DataFrame(rows)


SUMMARY_COLUMNS = ("policy", "replication", "measure", "value")


def swept_parameters(summary: pd.DataFrame) -> list[str]:
    """The swept parameter columns of a summary table (empty without a sweep)."""
    return [c for c in summary.columns if c not in SUMMARY_COLUMNS and c != "point"]


def compare_points(summary: pd.DataFrame, baseline: str, policies: list[str]) -> pd.DataFrame:
    """``compare`` at every sweep point, with the point's parameter values as columns."""
    params = swept_parameters(summary)
    if not params:
        return compare(summary, baseline, policies)
    parts = []
    for point, block in summary.groupby("point", sort=True):
        values = block.iloc[0][params].to_dict()
        parts.append(compare(block, baseline, policies).assign(point=point, **values))
    table = pd.concat(parts, ignore_index=True)
    return table[["point", *params, *table.columns[: -len(params) - 1]]]


def timeseries_bands(ts: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Per policy and month: the mean of ``measure`` over replications and its 95% band."""
    grouped = ts.groupby(["policy", "month"], sort=False)[measure]
    out = grouped.apply(lambda s: pd.Series(mean_ci(s.to_numpy()), index=["mean", "low", "high"]))
    return out.unstack().reset_index()
