"""The results store under concurrent writers and crashes: a lock, unique temporary files,
parts dropped only after the consolidated tables are checked, --resume verifying tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from scenario_fixtures import write_tiny

import orgsim.experiment
import orgsim.results
from orgsim.experiment import run_experiment
from orgsim.results import TABLES, ResultsError, consolidate, finished_runs, load, lock_folder
from orgsim.scenario import load_scenario


def tiny(tmp_path: Path, **kw):
    return load_scenario(write_tiny(tmp_path, **kw))


def test_a_second_writer_is_refused_while_a_run_holds_the_folder(tmp_path: Path) -> None:
    import os

    out = tmp_path / "out"
    out.mkdir()
    in_use = rf"in use by pid {os.getpid()} \(another orgsim run\)"
    with lock_folder(out), pytest.raises(ResultsError, match=in_use):  # held as by another run
        run_experiment(tiny(tmp_path), out, workers=1, resume=True)
    assert not (out / "manifest.json").exists()  # nothing was written
    run_experiment(tiny(tmp_path), out, workers=1, resume=True)  # released: now it runs
    assert load(out).manifest["status"] == "complete"


def keep_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a run end as if killed between writing the tables and dropping the parts."""
    monkeypatch.setattr(orgsim.experiment, "drop_parts", lambda folder: None)


def test_consolidate_never_touches_another_writers_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    keep_parts(monkeypatch)
    run_experiment(tiny(tmp_path, replications=1), out, workers=1)
    other = out / ".events.parquet.tmp"  # the old fixed name, as another writer's file
    other.write_bytes(b"another writer's half-written table")
    consolidate(out, sorted(finished_runs(out)))
    assert other.read_bytes() == b"another writer's half-written table"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") and p != other]


def test_parts_are_kept_when_a_consolidated_table_does_not_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class LosesRows(pq.ParquetWriter):
        """A writer that silently drops the last row of each write (a failing disk, say)."""

        def write_table(self, table, *args, **kw):
            super().write_table(table.slice(0, table.num_rows - 1), *args, **kw)

    monkeypatch.setattr(orgsim.results.pq, "ParquetWriter", LosesRows)
    out = tmp_path / "out"
    with pytest.raises(ResultsError, match=r"timeseries.parquet: holds \d+ rows, expected \d+"):
        run_experiment(tiny(tmp_path, replications=2), out, workers=1)
    assert len(finished_runs(out)) == 4  # every finished run is still on disk
    assert json.loads((out / "manifest.json").read_text())["status"] != "complete"
    assert not (out / "timeseries.parquet").exists()  # the bad table never replaced anything
    monkeypatch.undo()
    run_experiment(tiny(tmp_path, replications=2), out, workers=1, resume=True)
    assert len(load(out).table("summary").groupby(["policy", "replication"])) == 4


def test_an_unreadable_part_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    keep_parts(monkeypatch)
    run_experiment(tiny(tmp_path, replications=1), out, workers=1)
    part = out / "parts" / sorted(finished_runs(out))[0] / "events.parquet"
    part.write_bytes(part.read_bytes()[:100])  # truncated
    with pytest.raises(ResultsError, match=rf"{part.parent.name}/events.parquet: unreadable"):
        consolidate(out, sorted(finished_runs(out)))


def test_resume_of_a_complete_folder_with_a_corrupt_table_and_no_parts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_experiment(tiny(tmp_path, replications=1), out, workers=1)
    (out / "events.parquet").write_bytes(b"PAR1 not a table PAR1")
    with pytest.raises(ResultsError, match=r"events.parquet: corrupt .*re-run with --force"):
        run_experiment(tiny(tmp_path, replications=1), out, workers=1, resume=True)


def test_resume_rebuilds_a_corrupt_table_from_the_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, ref = tmp_path / "out", tmp_path / "ref"
    run_experiment(tiny(tmp_path, replications=2), ref, workers=1)
    keep_parts(monkeypatch)
    run_experiment(tiny(tmp_path, replications=2), out, workers=1)
    monkeypatch.undo()
    good = (out / "events.parquet").read_bytes()
    (out / "events.parquet").write_bytes(good[: len(good) // 2])  # cut short, as a crash would
    progress = []
    run_experiment(tiny(tmp_path, replications=2), out, workers=1, resume=True,
                   progress=lambda done, total: progress.append(done))  # fmt: skip
    assert progress == [4]  # rebuilt from the parts: nothing run again
    assert not (out / "parts").exists()
    for name in TABLES:
        pd.testing.assert_frame_equal(
            load(out).table(name), load(ref).table(name), obj=name
        )  # fmt: skip


def test_resume_of_a_sound_complete_folder_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_experiment(tiny(tmp_path, replications=1), out, workers=1)
    stamps = {t: (out / f"{t}.parquet").stat().st_mtime_ns for t in TABLES}
    run_experiment(tiny(tmp_path, replications=1), out, workers=1, resume=True)
    assert stamps == {t: (out / f"{t}.parquet").stat().st_mtime_ns for t in TABLES}
