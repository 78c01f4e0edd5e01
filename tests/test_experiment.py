"""Experiments: common random numbers, determinism across workers, safe results folders."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from scenario_fixtures import write_tiny

from orgsim.experiment import (
    Discarded,
    LocalExecutor,
    replication_seed,
    run_experiment,
    run_specs,
    tagged,
    task_scenario,
)
from orgsim.results import TABLES, ResultsError, finished_runs
from orgsim.scenario import load_scenario, parse_scenario
from orgsim.sweep import apply_point


def test_replication_r_shares_its_seed_across_policies(tmp_path: Path) -> None:
    specs = run_specs(load_scenario(write_tiny(tmp_path)))
    assert len(specs) == 6
    by_rep = {}
    for s in specs:
        by_rep.setdefault(s.replication, set()).add(s.seed)
    assert all(len(seeds) == 1 for seeds in by_rep.values())
    assert len({s.seed for s in specs}) == 3
    assert replication_seed(11, 0) != replication_seed(12, 0)


def test_a_task_carries_the_scenario_without_the_points_it_does_not_run() -> None:
    """Each task's spec holds its point, so its scenario leaves out the sweep's points and the
    uncertainties: the same run scenario for every spec, from a text that does not grow with
    the design (it grew with every point)."""

    def design(n: int):
        points = ", ".join(
            f"{{policy.specialist_pay_ratio: {0.5 + i / (2 * n)}}}" for i in range(n)
        )
        return parse_scenario(
            "name: d\norganisation: {size: 60}\nrun: {years: 1, replications: 2}\n"
            "policies: [{name: a, base: single-ladder}, {name: b, base: genuine-dual-track}]\n"
            f"sweep: {{method: points, points: [{points}],\n"
            "        parameters: {policy.specialist_pay_ratio: {low: 0.5, high: 1.0}}}\n"
            "uncertainties: {policy.specialist_stigma: {low: 0, high: 0.5}}\n"
        )

    small, large = design(4), design(400)
    assert len(task_scenario(large).model_dump_json()) == len(
        task_scenario(small).model_dump_json()
    )
    assert len(large.model_dump_json()) > 5 * len(task_scenario(large).model_dump_json())
    task = task_scenario(large)
    for spec in run_specs(large)[::97]:
        point = dict(spec.point)
        assert apply_point(task, point) == apply_point(large, point)


def test_a_runs_tables_are_tagged_with_its_policy_replication_and_point() -> None:
    table = pd.DataFrame({"month": pd.array([0, 1], dtype="int32"), "x": [0.5, float("nan")]})
    tag = {"policy": "genuine", "replication": 3, "point": 1, "policy.specialist_pay_ratio": 0.8}
    got = tagged(table, tag)
    pd.testing.assert_frame_equal(got, table.assign(**tag)[[*tag, *table.columns]])
    assert list(got.columns) == [*tag, "month", "x"] and list(table.columns) == ["month", "x"]
    assert list(tagged(pd.DataFrame(), tag).columns) == list(tag)  # a run that kept no events


def tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(folder / f"{t}.parquet") for t in TABLES}


def test_same_results_whatever_the_number_of_workers(tmp_path: Path) -> None:
    scenario = load_scenario(write_tiny(tmp_path))
    run_experiment(scenario, tmp_path / "one", workers=1)
    run_experiment(scenario, tmp_path / "two", workers=2)
    one, two = tables(tmp_path / "one"), tables(tmp_path / "two")
    for name in TABLES:
        pd.testing.assert_frame_equal(one[name], two[name], obj=name)
    ts = one["timeseries"]
    assert set(ts["policy"]) == {"single-ladder", "genuine"}
    assert len(ts) == 2 * 3 * 13  # policies x replications x (months 0..12)
    # Common random numbers: month 0 is the same organisation's people under both policies.
    start = ts[ts["month"] == 0].set_index(["replication", "policy"])["headcount"].unstack()
    assert (start["single-ladder"] == start["genuine"]).all()


def test_forked_workers_give_the_same_results(tmp_path: Path) -> None:
    """Workers forked from the driver (the dashboard's what-if) or started by the forkserver
    give the same tables; with another thread running, fork falls back to the forkserver."""
    scenario = load_scenario(write_tiny(tmp_path))
    run_experiment(scenario, tmp_path / "server", workers=2)
    run_experiment(scenario, tmp_path / "fork", workers=2, start="fork")
    server, fork = tables(tmp_path / "server"), tables(tmp_path / "fork")
    for name in TABLES:
        pd.testing.assert_frame_equal(server[name], fork[name], obj=name)
    with LocalExecutor(2, start="fork") as executor:
        assert executor._pool._mp_context.get_start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with LocalExecutor(2, start="fork") as executor:
            assert executor._pool._mp_context.get_start_method() == "forkserver"
    finally:
        stop.set()
        other.join()


def test_an_interrupt_leaves_no_pool_thread_behind() -> None:
    """Stopping mid-run joins the pool's manager thread before returning: left running into
    interpreter exit, it races CPython 3.12's exit hook and prints a traceback after Ctrl-C."""
    before = set(threading.enumerate())
    with pytest.raises(KeyboardInterrupt), LocalExecutor(2) as executor:
        futures = [executor._pool.submit(time.sleep, 30) for _ in range(2)]
        while not all(f.running() for f in futures):
            time.sleep(0.01)
        raise KeyboardInterrupt
    assert set(threading.enumerate()) - before == set()


def test_manifest_records_what_reproduces_the_results(tmp_path: Path) -> None:
    scenario = load_scenario(write_tiny(tmp_path))
    results = run_experiment(scenario, tmp_path / "out", workers=1)
    m = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert m["status"] == "complete" and set(m["runs"].values()) == {"done"}
    assert m["scenario"] == scenario.model_dump(mode="json")
    assert set(m["orgsim_versions"]) >= {"orgsim", "mesa", "numpy", "python"}
    assert len(m["seeds"]) == 3 and m["started"] <= m["finished"]
    assert not (tmp_path / "out" / "parts").exists()
    assert results.policies == ["single-ladder", "genuine"]


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    scenario = load_scenario(write_tiny(tmp_path, replications=1))
    out = tmp_path / "out"
    run_experiment(scenario, out, workers=1)
    stamp = (out / "summary.parquet").stat().st_mtime_ns
    with pytest.raises(ResultsError, match="--force"):
        run_experiment(scenario, out, workers=1)
    assert (out / "summary.parquet").stat().st_mtime_ns == stamp
    run_experiment(scenario, out, workers=1, force=True)
    assert (out / "summary.parquet").stat().st_mtime_ns != stamp


def test_force_refuses_to_delete_files_orgsim_did_not_write(tmp_path: Path) -> None:
    scenario = load_scenario(write_tiny(tmp_path, replications=1))
    out = tmp_path / "out"
    run_experiment(scenario, out, workers=1)
    (out / "notes.txt").write_text("keep me")
    (out / "drafts").mkdir()
    stamp = (out / "summary.parquet").stat().st_mtime_ns
    with pytest.raises(ResultsError, match=r"did not write \(drafts, notes.txt\); --force"):
        run_experiment(scenario, out, workers=1, force=True)
    assert (out / "notes.txt").read_text() == "keep me" and (out / "drafts").is_dir()
    assert (out / "summary.parquet").stat().st_mtime_ns == stamp
    (out / "notes.txt").unlink()
    (out / "drafts").rmdir()
    (out / "fit.parquet").write_bytes(b"")  # a fit's check, copied in by orgsim: replaced
    run_experiment(scenario, out, workers=1, force=True)
    assert (out / "summary.parquet").stat().st_mtime_ns != stamp


def test_refuses_a_folder_that_is_not_results(tmp_path: Path) -> None:
    scenario = load_scenario(write_tiny(tmp_path, replications=1))
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "thesis.txt").write_text("keep me")
    with pytest.raises(ResultsError, match="not an orgsim results folder"):
        run_experiment(scenario, tmp_path / "precious", workers=1, force=True)
    assert (tmp_path / "precious" / "thesis.txt").read_text() == "keep me"


def test_resume_runs_only_what_is_missing(tmp_path: Path) -> None:
    scenario = load_scenario(write_tiny(tmp_path))
    run_experiment(scenario, tmp_path / "full", workers=1)
    out = tmp_path / "partial"
    calls = []

    def stop_after_two(done: int, total: int) -> None:
        calls.append(done)
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(scenario, out, workers=1, progress=stop_after_two)
    assert len(finished_runs(out)) == 2
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    progress = []
    run_experiment(scenario, out, workers=1, resume=True, progress=lambda d, t: progress.append(d))
    assert progress == [2, 3, 4, 5, 6]  # the two finished runs were not run again
    full, resumed = tables(tmp_path / "full"), tables(out)
    for name in TABLES:
        pd.testing.assert_frame_equal(full[name], resumed[name], obj=name)


def test_runs_go_replication_by_replication_so_an_interruption_keeps_whole_pairs(
    tmp_path: Path,
) -> None:
    scenario = load_scenario(write_tiny(tmp_path))  # 2 policies x 3 replications
    specs = {s.id: s for s in run_specs(scenario)}

    def stop_after_four(done: int, total: int) -> None:
        if done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(scenario, tmp_path / "out", workers=1, progress=stop_after_four)
    done = sorted((specs[r].replication, specs[r].policy) for r in finished_runs(tmp_path / "out"))
    assert done == [(r, p) for r in (0, 1) for p in sorted(scenario.policy_names)]


def test_an_interrupted_force_run_says_its_new_runs_are_discarded(tmp_path: Path) -> None:
    """--force replaces results only once the new ones are complete: stopped, the new runs go,
    the old results stay as they were, and nothing of the new run is left beside them."""
    scenario = load_scenario(write_tiny(tmp_path))
    out = tmp_path / "out"
    run_experiment(scenario, out, workers=1)
    before = tables(out)

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    other = scenario.model_copy(update={"run": scenario.run.model_copy(update={"seed": 5})})
    with pytest.raises(Discarded, match=f"the previous results in {out} are unchanged"):
        run_experiment(other, out, workers=1, force=True, progress=stop_after_two)
    for name, table in tables(out).items():
        pd.testing.assert_frame_equal(before[name], table, obj=name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny.yaml"]


def test_a_killed_writers_leftovers_are_removed_by_the_next_run(tmp_path: Path) -> None:
    """A --force run's unfinished folder, a table being consolidated and a part being
    written, left by a writer killed with SIGKILL."""
    scenario = load_scenario(write_tiny(tmp_path))
    out = tmp_path / "out"
    run_experiment(scenario, out, workers=1)
    left = [tmp_path / ".out.new-abc123", out / ".timeseries.parquet.x1y2.tmp",
            out / "parts" / ".run-0.xyz"]  # fmt: skip
    left[0].mkdir()
    left[1].write_bytes(b"half a table")
    left[2].mkdir(parents=True)
    run_experiment(scenario, out, workers=1, resume=True)
    assert not any(p.exists() for p in left)


def test_the_current_folder_can_be_replaced(tmp_path: Path, monkeypatch) -> None:
    """--out . --force: the new results are built beside the folder, not inside it."""
    scenario = load_scenario(write_tiny(tmp_path, replications=1))
    out = tmp_path / "here"
    run_experiment(scenario, out, workers=1)
    monkeypatch.chdir(out)
    other = scenario.model_copy(update={"run": scenario.run.model_copy(update={"seed": 5})})
    run_experiment(other, ".", workers=1, force=True)
    assert json.loads((out / "manifest.json").read_text())["scenario"]["run"]["seed"] == 5
    assert not [p for p in out.iterdir() if p.name.startswith(".here")]


def test_resume_refuses_a_different_scenario(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_experiment(load_scenario(write_tiny(tmp_path, replications=1)), out, workers=1)
    other = load_scenario(write_tiny(tmp_path, replications=2))
    with pytest.raises(
        ResultsError, match=r"different scenario \(it differs in run\.replications\)"
    ):
        run_experiment(other, out, workers=1, resume=True)


@pytest.mark.slow
def test_dask_cluster_survives_a_dying_worker(tmp_path: Path) -> None:
    import os
    import signal

    from distributed import Client, LocalCluster

    scenario = load_scenario(write_tiny(tmp_path, size=300, years=2, replications=5))
    run_experiment(scenario, tmp_path / "local", workers=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        with Client(cluster) as client:  # closed before the experiment opens its own
            pids = list(client.run(os.getpid).values())
        killed = []

        def kill_one_worker(done: int, total: int) -> None:
            if done == 2 and not killed:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        run_experiment(
            scenario, tmp_path / "dask", scheduler=cluster.scheduler_address,
            progress=kill_one_worker,
        )  # fmt: skip
    assert killed
    local, dask = tables(tmp_path / "local"), tables(tmp_path / "dask")
    for name in TABLES:
        pd.testing.assert_frame_equal(local[name], dask[name], obj=name)
    assert len(local["summary"].groupby(["policy", "replication"])) == 10  # none lost or doubled


def test_workers_without_the_results_disk_return_their_tables(tmp_path: Path) -> None:
    from orgsim.experiment import execute_run

    scenario = load_scenario(write_tiny(tmp_path, replications=1))
    spec = run_specs(scenario)[0]
    (tmp_path / "out" / "parts").mkdir(parents=True)
    (tmp_path / "out" / "parts" / ".driver-x").touch()
    rid, tables = execute_run(scenario.model_dump_json(), spec, str(tmp_path / "out"), ".driver-y")
    assert tables is not None and set(tables) == set(TABLES)  # no token seen: tables shipped
    assert not (tmp_path / "out" / "parts" / rid).exists()
    rid, tables = execute_run(scenario.model_dump_json(), spec, str(tmp_path / "out"), ".driver-x")
    assert tables is None and (tmp_path / "out" / "parts" / rid / "events.parquet").is_file()
