"""Experiments: every policy x replication of a scenario, with common random numbers.

Replication r of every policy uses the same seed, so it starts from the same workforce and
draws the same random streams: policy differences are paired. Each run depends only on the
scenario, the policy and r, so results are identical whatever the executor or worker count.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from orgsim import __version__
from orgsim.extensions import Extensions, build_model, check_extensions, resolve_extensions
from orgsim.measures import Measure, select_measures
from orgsim.results import (
    MANIFEST,
    Results,
    ResultsError,
    consolidate,
    drop_parts,
    finished_runs,
    load,
    now,
    read_manifest,
    run_id,
    summary_names,
    write_manifest,
    write_run_parts,
)
from orgsim.scenario import Scenario
from orgsim.sweep import apply_point


@dataclass(frozen=True)
class RunSpec:
    """One simulation: a policy of the scenario, a sweep point and a replication."""

    policy_index: int
    policy: str
    replication: int
    seed: int
    point_index: int = 0
    point: tuple[tuple[str, Any], ...] = ()

    @property
    def id(self) -> str:
        """The run's folder name in the results."""
        return run_id(self.policy_index, self.replication, self.point_index)


def replication_seed(root: int, replication: int) -> int:
    """The seed of replication r: the same for every policy (common random numbers)."""
    state = np.random.SeedSequence([root, replication]).generate_state(2, dtype=np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


def run_specs(scenario: Scenario) -> list[RunSpec]:
    """Every policy x replication of the scenario, policies in scenario order."""
    seeds = [replication_seed(scenario.run.seed, r) for r in range(scenario.run.replications)]
    return [
        RunSpec(i, name, r, seed, k, tuple(point.items()))
        for k, point in enumerate(scenario.sweep_points())
        for i, name in enumerate(scenario.policy_names)
        for r, seed in enumerate(seeds)
    ]


def simulate(scenario: Scenario, spec: RunSpec) -> dict[str, pd.DataFrame]:
    """Run one simulation and return its tables, tagged with policy, replication and point."""
    if spec.point:
        scenario = apply_point(scenario, dict(spec.point))
    ext = resolve_extensions(scenario, spec.policy)
    model = build_model(scenario, spec.policy, spec.seed).run(scenario.run.years, until=ext.until)
    tag = {"policy": spec.policy, "replication": spec.replication}
    if spec.point:
        tag |= {"point": spec.point_index, **dict(spec.point)}
    summary = model.summary()
    if ext.until is not None:
        summary["stopped_month"] = model.month
    tables = {
        "timeseries": model.timeseries,
        "events": model.events_frame if model.events.keep != "none" else pd.DataFrame(),
        "summary": pd.DataFrame({"measure": summary.index, "value": summary.to_numpy()}),
        "structure": model.structure,
        "managers": model.promoted_managers(),
        "profiles": model.profiles,
    }
    return {name: df.assign(**tag)[[*tag, *df.columns]] for name, df in tables.items()}


@functools.lru_cache(maxsize=4)
def _scenario(scenario_text: str) -> Scenario:
    """A worker validates each experiment's scenario once, not once per run."""
    return Scenario.model_validate_json(scenario_text)


#: The summary of a run that can stop early (run.until): the month it stopped.
STOPPED = Measure("stopped_month", "Month the run stopped", "month", summary="final")


class RunError(RuntimeError):
    """A run failed (e.g. in a researcher's rule); the message names the policy and replication."""


def execute_run(
    scenario_text: str, spec: RunSpec, folder: str, token: str
) -> tuple[str, dict | None]:
    """Worker task: simulate one run. A worker that sees the results folder (the driver's
    ``token`` file is there: same disk) stores the parts itself and returns no tables, sparing
    the driver; one on another machine returns the tables for the driver to store."""
    try:
        tables = simulate(_scenario(scenario_text), spec)
    except Exception as err:
        point = f", sweep point {dict(spec.point)}" if spec.point else ""
        raise RunError(
            f"run of policy {spec.policy!r}, replication {spec.replication}{point} failed: "
            f"{type(err).__name__}: {err}"
        ) from err
    if (Path(folder) / "parts" / token).is_file():
        write_run_parts(Path(folder), spec.id, tables)
        return spec.id, None
    return spec.id, tables


# --- executors ----------------------------------------------------------------------------
class SerialExecutor:
    """Runs tasks one after another in this process (workers = 1, and easy debugging)."""

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map_unordered(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator[Any]:
        """Yield ``fn(*task)`` for each task as it finishes."""
        for task in tasks:
            yield fn(*task)


class LocalExecutor:
    """Runs tasks on local worker processes, yielding results as they finish."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        ctx = get_context("forkserver")
        ctx.set_forkserver_preload(["orgsim.experiment"])
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def map_unordered(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator[Any]:
        """Yield ``fn(*task)`` for each task as it finishes (a bounded number in flight)."""
        pending, todo = set(), iter(tasks)
        for task in todo:
            pending.add(self._pool.submit(fn, *task))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.add(self._pool.submit(fn, *nxt))


class DaskExecutor:
    """Runs tasks on a Dask distributed cluster given its scheduler address.

    A task lost with a dying worker is rerun elsewhere by the scheduler; each run is a pure
    function of its spec, so a rerun gives the same tables and nothing is duplicated.
    """

    def __init__(self, address: str) -> None:
        self.address = address
        self._client = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client

        try:
            self._client = Client(self.address, timeout="20s", set_as_default=False)
        except OSError as err:
            raise ResultsError(f"scheduler {self.address}: cannot connect ({err})") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def map_unordered(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator[Any]:
        """Yield ``fn(*task)`` for each task as it finishes anywhere on the cluster.

        Tasks go in small batches (about ten per worker thread in all), which keeps Dask's
        per-task overhead small next to a run's quarter second; a lost batch is rerun whole.
        """
        from distributed import as_completed

        tasks = list(tasks)
        threads = max(sum(self._client.nthreads().values()), 1)
        size = max(1, min(8, len(tasks) // (10 * threads)))
        batches = [tasks[i : i + size] for i in range(0, len(tasks), size)]
        futures = [
            self._client.submit(_run_batch, fn, batch, pure=False, retries=2) for batch in batches
        ]
        for future in as_completed(futures, loop=self._client.loop):
            yield from future.result()
            future.release()


def _run_batch(fn: Callable, batch: list[tuple]) -> list[Any]:
    """Run several tasks in one Dask task."""
    return [fn(*task) for task in batch]


def make_executor(
    workers: int | None, scheduler: str | None = None
) -> SerialExecutor | LocalExecutor | DaskExecutor:
    """A Dask executor given a scheduler address; else serial for one worker, local processes
    otherwise (default: every core)."""
    if scheduler:
        return DaskExecutor(scheduler)
    workers = workers or os.cpu_count() or 1
    return SerialExecutor() if workers == 1 else LocalExecutor(workers)


# --- the experiment -------------------------------------------------------------------------
def versions() -> dict[str, str]:
    """Versions of everything that can change a result."""
    return {"orgsim": __version__, "mesa": mesa.__version__, "numpy": np.__version__,
            "pandas": pd.__version__, "python": platform.python_version()}  # fmt: skip


def result_identity(scenario_json: dict) -> dict:
    """The part of a scenario that determines results (not where or on how many workers)."""
    where = ("workers", "output", "scheduler")
    run = {k: v for k, v in scenario_json.get("run", {}).items() if k not in where}
    return scenario_json | {"run": run}


def prepare_folder(folder: Path, scenario_json: dict, resume: bool, force: bool) -> dict:
    """Create, resume or (with force) replace a results folder; returns its manifest."""
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"{folder}: is a file, not a results folder; choose another --out")
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MANIFEST).is_file():
            raise ResultsError(
                f"{folder}: exists and is not an orgsim results folder; refusing to write there"
            )
        if resume:
            manifest = read_manifest(folder)
            if result_identity(manifest["scenario"]) != result_identity(scenario_json):
                raise ResultsError(
                    f"{folder / MANIFEST}: was made from a different scenario; "
                    "use a new --out folder, or --force to replace it"
                )
            return manifest
        if not force:
            raise ResultsError(
                f"{folder}: results exist; use --resume to complete them or --force to replace"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {"scenario": scenario_json, "status": "running", "runs": {}}


def run_experiment(
    scenario: Scenario,
    folder: str | Path,
    workers: int | None = None,
    resume: bool = False,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
) -> Results:
    """Run every missing policy x replication into ``folder`` and consolidate the tables."""
    folder = Path(folder)
    extensions = check_extensions(scenario)  # bad references fail before any run starts
    with make_executor(workers, scheduler or scenario.run.scheduler) as executor:
        manifest = prepare_folder(folder, scenario.model_dump(mode="json"), resume, force)
        if manifest["status"] == "complete":
            return load(folder)
        specs = run_specs(scenario)
        start_manifest(folder, manifest, specs, extensions)
        token = shared_disk_token(folder)
        text = scenario.model_dump_json()
        todo = [(text, s, str(folder), token) for s in specs if manifest["runs"][s.id] != "done"]
        try:
            execute(executor, folder, manifest, todo, progress)
        except BaseException:
            manifest["status"] = "interrupted"
            write_manifest(folder, manifest)
            raise
    consolidate(folder, [s.id for s in specs])
    manifest |= {"status": "complete", "finished": now(), "summaries": summary_names(folder)}
    write_manifest(folder, manifest)
    drop_parts(folder)  # only once the complete tables and manifest are on disk
    return load(folder)


def shared_disk_token(folder: Path) -> str:
    """A file only this experiment's driver writes: workers that can read it share its disk."""
    token = f".driver-{uuid.uuid4().hex}"
    (folder / "parts").mkdir(exist_ok=True)
    (folder / "parts" / token).touch()
    return token


def start_manifest(
    folder: Path, manifest: dict, specs: list[RunSpec], extensions: dict[str, Extensions]
) -> None:
    """Record versions, seeds, extension measures and each run's status before running."""
    done = finished_runs(folder)
    manifest |= {"orgsim_versions": versions(), "status": "running"}
    first = next(iter(extensions.values()))
    extra = [*first.measures, *([STOPPED] if first.until is not None else [])]
    manifest["measures"] = {m.name: m.describe() for m in extra}
    builtin = select_measures(first.builtin_measures)
    manifest["recorded"] = [m.name for m in builtin] + [m.name for m in extra]
    manifest["seeds"] = {str(s.replication): s.seed for s in specs if s.policy_index == 0}
    manifest["runs"] = {s.id: ("done" if s.id in done else "pending") for s in specs}
    manifest.setdefault("started", now())
    write_manifest(folder, manifest)


def execute(executor, folder: Path, manifest: dict, todo: list, progress) -> None:
    """Run the tasks, storing each finished run's parts at once; the manifest (a summary of
    the parts, which are the truth on disk) is rewritten at most every two seconds."""
    total, count = len(manifest["runs"]), len(manifest["runs"]) - len(todo)
    if progress:
        progress(count, total)
    last_write = time.monotonic()
    for rid, tables in executor.map_unordered(execute_run, todo):
        if tables is not None:  # a worker without access to the folder
            write_run_parts(folder, rid, tables)
        manifest["runs"][rid] = "done"
        count += 1
        if time.monotonic() - last_write > 2:
            write_manifest(folder, manifest)
            last_write = time.monotonic()
        if progress:
            progress(count, total)
