"""The results store: statistics, and clear errors for missing or corrupt folders."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from results_fixtures import make_results
from scipy import stats

import orgsim.results
from orgsim.results import (
    TABLES,
    ResultsError,
    compare,
    consolidate,
    load,
    mean_ci,
    read_manifest,
    timeseries_bands,
    write_run_parts,
    write_table,
)


def test_mean_ci_matches_the_t_interval() -> None:
    v = np.array([1.0, 2.0, 4.0, 7.0])
    m, lo, hi = mean_ci(v)
    half = stats.t.ppf(0.975, 3) * v.std(ddof=1) / 2
    assert m == pytest.approx(3.5) and lo == pytest.approx(3.5 - half)
    assert hi == pytest.approx(3.5 + half)
    assert np.isnan(mean_ci(np.array([np.nan]))[0])
    assert np.isnan(mean_ci(np.array([2.0]))[1])


def test_compare_pairs_replications() -> None:
    rng = np.random.default_rng(0)
    world = rng.normal(0, 5, 10)  # shared by both policies in a replication
    rows = [("base", r, "m", w) for r, w in enumerate(world)]
    rows += [("alt", r, "m", w + 1.0) for r, w in enumerate(world)]
    summary = pd.DataFrame(rows, columns=["policy", "replication", "measure", "value"])
    table = compare(summary, "base", ["base", "alt"]).set_index("policy")
    assert table.loc["alt", "diff"] == pytest.approx(1.0)
    # Paired: the shared noise cancels, so the interval is (numerically) zero wide.
    assert table.loc["alt", "diff_ci_high"] - table.loc["alt", "diff_ci_low"] < 1e-9
    assert table.loc["base", "diff"] == 0
    assert table.loc["alt", "ci_high"] - table.loc["alt", "ci_low"] > 1  # unpaired spread
    assert list(table.columns) == [
        "measure", "mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high", "n", "runs"
    ]  # fmt: skip
    assert table["n"].tolist() == [10, 10] and table["runs"].tolist() == [10, 10]


def test_compare_counts_the_replications_where_a_measure_is_defined() -> None:
    values = {"base": [0.5, np.nan, np.nan], "alt": [0.2, 0.4, np.nan]}
    rows = [(p, r, "corr", v) for p, vs in values.items() for r, v in enumerate(vs)]
    summary = pd.DataFrame(rows, columns=["policy", "replication", "measure", "value"])
    table = compare(summary, "base", ["base", "alt"]).set_index("policy")
    assert table.loc["base", "n"] == 1 and table.loc["alt", "n"] == 2
    assert (table["runs"] == 3).all()
    assert table.loc["alt", "mean"] == pytest.approx(0.3) and table.loc["alt", "diff"] == -0.3


def test_timeseries_bands() -> None:
    ts = pd.DataFrame(
        {
            "policy": ["a"] * 4,
            "month": [0, 0, 1, 1],
            "replication": [0, 1, 0, 1],
            "x": [1.0, 3.0, 2.0, 2.0],
        }
    )
    bands = timeseries_bands(ts, "x")
    assert list(bands.columns) == ["policy", "month", "mean", "low", "high"]
    assert bands["mean"].tolist() == [2.0, 2.0]
    assert bands["low"].iloc[1] == pytest.approx(2.0)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="no such results folder"):
        load(tmp_path / "absent")


def test_folder_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match=r"manifest.json: missing"):
        load(tmp_path)


def test_corrupt_manifest(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ResultsError, match="corrupt manifest"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"status": "complete"}))
    with pytest.raises(ResultsError, match="no 'scenario' dict entry"):
        read_manifest(tmp_path)
    for wrong in ([], {"scenario": 3, "runs": {}, "status": "complete"},
                  {"scenario": {}, "runs": [], "status": "complete"}):  # fmt: skip
        (tmp_path / "manifest.json").write_text(json.dumps(wrong))
        with pytest.raises(ResultsError, match="corrupt manifest"):
            read_manifest(tmp_path)


def manifest(status: str) -> str:
    return json.dumps({"status": status, "runs": {}, "scenario": {"policies": [], "baseline": "a"}})


def test_incomplete_experiment_says_how_to_finish(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(manifest("interrupted"))
    with pytest.raises(ResultsError, match="--resume"):
        load(tmp_path)


def test_missing_and_corrupt_tables(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(manifest("complete"))
    results = load(tmp_path)
    with pytest.raises(ResultsError, match=r"summary.parquet: missing"):
        results.table("summary")
    (tmp_path / "summary.parquet").write_bytes(b"PAR1 garbage")
    with pytest.raises(ResultsError, match=r"summary.parquet: corrupt"):
        results.table("summary")


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda df: df.drop(columns="value"), "corrupt (no column value)"),
        (lambda df: df.iloc[0:0][[]], "corrupt (no column policy, replication, measure, value)"),
        (lambda df: df.assign(value=df["value"].astype(str)), "corrupt (column value holds"),
        (lambda df: df[df["policy"] == df["policy"].iloc[0]], "corrupt (no rows of policy"),
    ],
)
def test_a_damaged_summary_table_is_named(tmp_path: Path, damage, said: str) -> None:
    folder = make_results(tmp_path)
    path = folder / "summary.parquet"
    damage(pd.read_parquet(path)).to_parquet(path)
    with pytest.raises(ResultsError, match=re.escape(f"{path}: {said}")):
        load(folder).table("summary")


def test_consolidated_tables_gather_many_runs_in_a_row_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runs' parts are written in row groups of at least ROW_GROUP_ROWS rows, not one per
    run (thousands of tiny row groups make a table large and slow to read), in run order."""
    monkeypatch.setattr(orgsim.results, "ROW_GROUP_ROWS", 25)
    ids = [f"r{i:02d}" for i in range(12)]
    for i, rid in enumerate(ids):
        part = pd.DataFrame({"run": [i] * 10, "x": np.arange(10.0)})
        write_run_parts(tmp_path, rid, dict.fromkeys(TABLES, part))
    consolidate(tmp_path, ids)
    for name in TABLES:
        table = pq.ParquetFile(tmp_path / f"{name}.parquet")
        assert table.metadata.num_row_groups == 4  # 3 runs of 10 rows each
        got = table.read().to_pandas()
        assert got["run"].tolist() == [i for i in range(12) for _ in range(10)]
        assert got["x"].tolist() == list(np.tile(np.arange(10.0), 12))


def test_a_part_whose_column_type_differs_is_cast_to_the_table_schema(tmp_path: Path) -> None:
    """Parts are appended as they are when their types match the table's (the first part's)
    and cast where a column's type differs, e.g. a run whose counts came out as integers."""
    ids = [f"r{i:02d}" for i in range(40)]  # more than are read ahead at once
    for i, rid in enumerate(ids):
        x = np.arange(3) + i if i % 7 == 3 else np.arange(3.0) + i  # int64 in a few runs
        write_run_parts(tmp_path, rid, dict.fromkeys(TABLES, pd.DataFrame({"x": x})))
    consolidate(tmp_path, ids)
    for name in TABLES:
        got = pd.read_parquet(tmp_path / f"{name}.parquet")
        assert got["x"].dtype == np.float64
        assert got["x"].tolist() == [float(j + i) for i in range(40) for j in range(3)]


def test_a_table_reaches_the_disk_before_it_replaces_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done: list[str] = []
    fsync, replace = os.fsync, os.replace

    def record_fsync(fd: int) -> None:
        done.append("fsync " + Path(os.readlink(f"/proc/self/fd/{fd}")).name)
        fsync(fd)

    def record_replace(src: str | Path, dst: str | Path) -> None:
        done.append("replace")
        replace(src, dst)

    monkeypatch.setattr(os, "fsync", record_fsync)
    monkeypatch.setattr(os, "replace", record_replace)
    path = tmp_path / "t.parquet"
    write_table(pd.DataFrame({"x": [1, 2]}), path)
    assert done[0].startswith("fsync .t.parquet.") and done[1:] == [
        "replace",
        f"fsync {tmp_path.name}",
    ]
    assert pd.read_parquet(path)["x"].tolist() == [1, 2]


def test_a_scenario_file_given_as_results_says_so(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\n")
    with pytest.raises(ResultsError, match=r"s\.yaml: a file, not a results folder \(to run"):
        read_manifest(scenario)
