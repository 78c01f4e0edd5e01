"""Experiments: every policy x replication of a scenario, with common random numbers.

Replication r of every policy uses the same seed, so it starts from the same workforce and
draws the same random streams: policy differences are paired. Each run depends only on the
scenario, the policy and r, so results are identical whatever the executor or worker count.

Results are never lost: one process at a time writes a results folder (a lock), ``--force``
builds the new results beside the old ones and swaps them in only once complete, worker
processes die with their driver, and Ctrl-C or SIGTERM stops cleanly with the finished runs
kept for ``--resume``.
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal

import mesa
import numpy as np
import pandas as pd

from orgsim import __version__
from orgsim.extensions import Extensions, build_model, check_extensions, resolve_extensions
from orgsim.measures import Measure, select_measures
from orgsim.results import (
    LOCK,
    MANIFEST,
    Results,
    ResultsError,
    consolidate,
    drop_parts,
    finished_runs,
    foreign_files,
    load,
    lock_folder,
    now,
    read_manifest,
    run_id,
    summary_names,
    sync_to_disk,
    verify_tables,
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


class RunTimeout(Exception):
    """A run took longer than run.timeout_s."""


class Deadline:
    """The wall-clock bound of one run (``run.timeout_s``), naming where the time ran out.

    The model's step plan is wrapped so the phase running is known and the clock is checked
    after each phase; in a main thread (the serial executor and every worker process) an
    interval timer (SIGALRM) also interrupts a phase that never returns. Elsewhere (a Dask
    worker thread) only the check between phases applies.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.phase = "setup"
        self.model: Any = None
        self._old_handler: Any = None

    def __enter__(self) -> Deadline:
        if self.seconds is not None:
            self.end = time.monotonic() + self.seconds
            if threading.current_thread() is threading.main_thread():
                self._old_handler = signal.signal(signal.SIGALRM, self._alarm)
                signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._old_handler is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old_handler)
            self._old_handler = None

    def watch(self, model: Any) -> None:
        """Time every phase of ``model``'s step (wrapping its plan: OrgModel.step is not ours)."""
        self.model = model
        if self.seconds is not None:
            model._plan = [(label, self._timed(label, fn)) for label, fn in model._plan]

    def _timed(self, label: str, fn: Callable[[], None]) -> Callable[[], None]:
        def timed() -> None:
            self.phase = label
            fn()
            if time.monotonic() > self.end:
                raise self.expired()

        return timed

    def _alarm(self, signum: int, frame: Any) -> None:
        raise self.expired()

    def expired(self) -> RunTimeout:
        """The error naming the month reached and the phase running."""
        month = f"month {self.model.month}" if self.model is not None else "model setup"
        return RunTimeout(
            f"run.timeout_s: still running after {self.seconds:g} s, in {month}, "
            f"phase {self.phase!r}"
        )


def simulate(scenario: Scenario, spec: RunSpec) -> dict[str, pd.DataFrame]:
    """Run one simulation and return its tables, tagged with policy, replication and point."""
    if scenario.run.parameters_from:  # a fit's posterior: replication r's draw (before points)
        from orgsim.fit.posterior import draw_for_replication

        scenario = draw_for_replication(scenario, spec.replication)
    if spec.point:
        scenario = apply_point(scenario, dict(spec.point))
    ext = resolve_extensions(scenario, spec.policy)
    with Deadline(scenario.run.timeout_s) as deadline:
        model = build_model(scenario, spec.policy, spec.seed)
        deadline.watch(model)
        model.run(scenario.run.years, until=ext.until)
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
    return {name: tagged(df, tag) for name, df in tables.items()}


def tagged(df: pd.DataFrame, tag: dict[str, Any]) -> pd.DataFrame:
    """``df`` with the run's tag columns first: one concatenation, a third to a seventh of the
    time of ``assign`` and reordering (which copied the table once per tag column)."""
    return pd.concat([pd.DataFrame(tag, index=df.index), df], axis=1)


def task_scenario(scenario: Scenario) -> Scenario:
    """The scenario every task carries: without the sweep's points and the uncertainties, as
    each task's spec holds its own point. A 3,328-run design's scenario is 458 KB of JSON, sent
    with every task and validated by every worker in 0.6-1.2 s; without them, 2.8 KB."""
    return scenario.model_copy(update={"sweep": None, "uncertainties": {}})


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
    except (Exception, SystemExit) as err:  # a rule calling sys.exit is a failed run too
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


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _worker_init(driver: int) -> None:
    """Set up a local worker process: ignore Ctrl-C (SIGINT reaches the whole process group;
    only the driver handles it, so one press stops cleanly and no worker prints a traceback)
    and die with its parent (Linux: PR_SET_PDEATHSIG), so a killed driver leaves no worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker has the driver's handler
    from multiprocessing import forkserver

    # A forkserver child inherits the write end of the pipe whose closing tells the
    # forkserver that the driver died; held here, it would keep the forkserver (and so, this
    # worker) alive forever. Closed, the forkserver exits with the driver, and this worker
    # gets its parent-death signal.
    server = forkserver._forkserver
    if getattr(server, "_forkserver_alive_fd", None) is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    try:  # the driver may have died before the line above took effect
        os.kill(driver, 0)
    except ProcessLookupError:
        os._exit(1)


#: How local workers start: "forkserver" (the default: a clean server imports orgsim once per
#: experiment, safe from any process) or "fork" (copies of the driver, which import nothing:
#: for a driver that already has orgsim imported and runs no other thread, such as the
#: dashboard's what-if job; with other threads running it falls back to the forkserver).
StartMethod = Literal["forkserver", "fork"]


class LocalExecutor:
    """Runs tasks on local worker processes, yielding results as they finish.

    A worker's parent is the forkserver, which exits when the driver does; each worker
    then gets SIGKILL (see _worker_init). On an error or interrupt in the driver, pending
    tasks are cancelled and running ones stopped at once (their runs are simply not kept).
    """

    def __init__(self, workers: int, start: StartMethod = "forkserver") -> None:
        self.workers = workers
        self.start = start
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        if self.start == "fork" and threading.active_count() == 1:
            # copies of this process, which has orgsim imported: no import, no server to start
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=get_context("fork"), initializer=_worker_init,
                initargs=(os.getpid(),),
            )  # fmt: skip
            return self
        ctx = get_context("forkserver")  # fork is unsafe with other threads running
        ctx.set_forkserver_preload(["orgsim.experiment"])
        if threading.current_thread() is threading.main_thread():
            # Started ignoring SIGINT (kept across exec), the forkserver and so every worker
            # ignore Ctrl-C from birth: no traceback from a process still importing.
            from multiprocessing import forkserver

            old = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                forkserver.ensure_running()
            finally:
                signal.signal(signal.SIGINT, old)
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),)
        )
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            return
        # Stop now: do not wait for the runs in progress. shutdown(wait=False) forgets the
        # pool's manager thread, so join it here: left running into interpreter exit, it
        # races CPython 3.12's exit hook for its wake-up pipe ("Bad file descriptor").
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        manager = getattr(self._pool, "_executor_manager_thread", None)
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        if manager is not None:
            manager.join()

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
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    raise RunError(
                        "a worker process died (killed, or out of memory?); the finished runs "
                        "are kept: complete them with --resume"
                    ) from None
                yield result
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
        except (OSError, ValueError) as err:  # unreachable, or an address Dask cannot read
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
    workers: int | None, scheduler: str | None = None, start: StartMethod = "forkserver"
) -> SerialExecutor | LocalExecutor | DaskExecutor:
    """A Dask executor given a scheduler address; else serial for one worker, local processes
    otherwise (default: every core), started by ``start``."""
    if scheduler:
        return DaskExecutor(scheduler)
    workers = workers or os.cpu_count() or 1
    return SerialExecutor() if workers == 1 else LocalExecutor(workers, start)


# --- the experiment -------------------------------------------------------------------------
def versions() -> dict[str, str]:
    """Versions of everything that can change a result."""
    return {"orgsim": __version__, "mesa": mesa.__version__, "numpy": np.__version__,
            "pandas": pd.__version__, "python": platform.python_version()}  # fmt: skip


def result_identity(scenario_json: dict) -> dict:
    """The part of a scenario that determines results (not where or on how many workers, nor
    the money assumptions, which value stored results and never change a run)."""
    where = ("workers", "output", "scheduler", "timeout_s")
    run = {k: v for k, v in scenario_json.get("run", {}).items() if k not in where}
    return {k: v for k, v in scenario_json.items() if k != "money"} | {"run": run}


def differences(a: dict, b: dict) -> list[str]:
    """The fields (section.field, at most two levels) in which two scenarios differ: what a
    --resume refused should name (a sensitivity design's points are its 'sweep')."""
    out = []
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key), b.get(key)
        if x == y:
            continue
        if isinstance(x, dict) and isinstance(y, dict):
            out += [f"{key}.{k}" for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k)]
        else:
            out.append(key)
    return out


def has_content(folder: Path) -> bool:
    """Whether a folder holds anything but the lock and a manifest being written (a run that
    died before its manifest was in place)."""
    leftover = (LOCK, f".{MANIFEST}.")
    return folder.is_dir() and any(not p.name.startswith(leftover) for p in folder.iterdir())


def check_out(folder: Path, force: bool) -> None:
    """Refuse a results folder that is not one (before anything is written in it). A folder
    with a lock file is orgsim's: a run may be starting there, so it is checked under lock."""
    if force and folder.is_symlink():
        raise ResultsError(
            f"{folder}: is a symbolic link; --force will not replace it (nor delete what it "
            "points to); give the real folder or another --out"
        )
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"{folder}: is a file, not a results folder; choose another --out")
    # Content first: the lock file is made before anything else and never removed, so a run
    # starting meanwhile cannot make a folder look foreign.
    if has_content(folder) and not ((folder / LOCK).is_file() or (folder / MANIFEST).is_file()):
        raise ResultsError(
            f"{folder}: exists and is not an orgsim results folder; refusing to write there"
        )


def prepare_folder(folder: Path, scenario_json: dict, resume: bool, force: bool) -> dict | None:
    """The manifest to create or resume a results folder with (the caller holds its lock);
    None when ``force`` is to replace existing results. Nothing is deleted here."""
    check_out(folder, force)
    if has_content(folder):
        if not (folder / MANIFEST).is_file():
            raise ResultsError(
                f"{folder}: exists and is not an orgsim results folder; refusing to write there"
            )
        if resume:
            manifest = read_manifest(folder)
            stored, given = result_identity(manifest["scenario"]), result_identity(scenario_json)
            if stored != given:
                raise ResultsError(
                    f"{folder / MANIFEST}: was made from a different scenario (it differs in "
                    f"{', '.join(differences(stored, given))}); use a new --out folder, or "
                    "--force to replace it"
                )
            return manifest
        if not force:
            raise ResultsError(
                f"{folder}: results exist; use --resume to complete them or --force to replace"
            )
        foreign = foreign_files(folder)
        if foreign:
            raise ResultsError(
                f"{folder}: holds files orgsim did not write ({', '.join(foreign)}); --force "
                "replaces the whole folder, so move them out first"
            )
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return {"scenario": scenario_json, "status": "running", "runs": {}}


class Terminated(KeyboardInterrupt):
    """SIGTERM, stopping a run as cleanly as Ctrl-C (finished runs kept, manifest says
    interrupted)."""


class Discarded(KeyboardInterrupt):
    """A --force run interrupted: its new runs are gone (results are replaced only once the
    new ones are complete), the previous results untouched. The message says so."""


def remove_leftovers(folder: Path) -> None:
    """Delete what a killed writer of ``folder`` left behind: an unfinished --force run's
    '.name.new-*' and an undeleted '.name.old-*' beside it, temporary '.*.tmp' tables and run
    parts inside it. Called holding the folder's lock, so none of them is in use."""
    import glob

    name = glob.escape(folder.name)
    for stale in [*folder.parent.glob(f".{name}.new-*"), *folder.parent.glob(f".{name}.old-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    for stale in folder.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
    for stale in (folder / "parts").glob(".*"):  # a part being written (write_run_parts)
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While running, turn SIGTERM into Terminated (a KeyboardInterrupt) in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Terminated("terminated (SIGTERM)")

    old = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def run_experiment(
    scenario: Scenario,
    folder: str | Path,
    workers: int | None = None,
    resume: bool = False,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
    start: StartMethod = "forkserver",
) -> Results:
    """Run every missing policy x replication into ``folder`` and consolidate the tables.

    The folder is locked while written (a second writer gets ResultsError "in use by pid N").
    With ``force``, existing results are replaced only once the new ones are complete.
    ``start``: how local workers start (StartMethod); it never changes a result.
    """
    folder = Path(folder).absolute()  # '.' has no name to put a new folder beside
    extensions = check_extensions(scenario)  # bad references fail before any run starts
    if scenario.run.parameters_from:  # and a bad posterior file
        from orgsim.fit.posterior import check_parameters_from

        check_parameters_from(scenario)
    scenario_json = scenario.model_dump(mode="json")
    check_out(folder, force)
    folder.mkdir(parents=True, exist_ok=True)
    with lock_folder(folder), sigterm_interrupts():
        remove_leftovers(folder)
        manifest = prepare_folder(folder, scenario_json, resume, force)
        if manifest is not None:
            return fill_folder(folder, manifest, scenario, extensions, workers, progress,
                               scheduler, start)  # fmt: skip
        new = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.new-"))
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(new, 0o777 & ~umask)  # as a folder made by mkdir
            with lock_folder(new):
                fresh = {"scenario": scenario_json, "status": "running", "runs": {}}
                fill_folder(new, fresh, scenario, extensions, workers, progress, scheduler, start)
                swap_in(new, folder)
        except (RunError, ResultsError) as err:
            raise type(err)(f"{err} (the previous results in {folder} are unchanged)") from None
        except KeyboardInterrupt:
            raise Discarded(
                f"interrupted: the new runs are discarded (--force replaces results only once "
                f"the new ones are complete); the previous results in {folder} are unchanged"
            ) from None
        finally:
            shutil.rmtree(new, ignore_errors=True)  # gone already if swapped in
        return load(folder)


def swap_in(new: Path, folder: Path) -> None:
    """Replace ``folder`` by the complete results in ``new``: rename the old aside, the new
    in, then delete the old (put back if the second rename fails)."""
    aside = folder.with_name(f".{folder.name}.old-{uuid.uuid4().hex[:8]}")
    os.rename(folder, aside)
    try:
        os.rename(new, folder)
    except BaseException:
        os.rename(aside, folder)
        raise
    sync_to_disk(folder.parent)  # the renames reach the disk before the old results go
    shutil.rmtree(aside, ignore_errors=True)


def fill_folder(
    folder: Path,
    manifest: dict,
    scenario: Scenario,
    extensions: dict[str, Extensions],
    workers: int | None,
    progress: Callable[[int, int], None] | None,
    scheduler: str | None,
    start: StartMethod = "forkserver",
) -> Results:
    """Run what is missing in a locked folder, consolidate and check the tables, then drop
    the parts. A complete folder is verified instead, and rebuilt from its parts if a table
    is corrupt."""
    specs = run_specs(scenario)
    if manifest["status"] == "complete":
        try:
            verify_tables(folder)
            return load(folder)
        except ResultsError as err:
            if not {s.id for s in specs} <= finished_runs(folder):
                raise ResultsError(
                    f"{err}; the per-run parts are gone, so it cannot be rebuilt: "
                    "re-run with --force"
                ) from None
        manifest["status"] = "running"  # rebuild the tables from the parts kept on disk
    with make_executor(workers, scheduler or scenario.run.scheduler, start) as executor:
        start_manifest(folder, manifest, specs, extensions)
        token = shared_disk_token(folder)
        text = task_scenario(scenario).model_dump_json()
        # Replication by replication (every policy's run r before any run r + 1): the paired
        # comparison can be read from the first runs to finish, and an interrupted experiment
        # keeps whole pairs. The order never changes a result (each run is a pure function of
        # its spec) nor the tables' order (consolidated in ``specs`` order).
        order = sorted(specs, key=lambda s: (s.point_index, s.replication, s.policy_index))
        todo = [(text, s, str(folder), token) for s in order if manifest["runs"][s.id] != "done"]
        try:
            execute(executor, folder, manifest, todo, progress)
        except BaseException:
            manifest["status"] = "interrupted"
            write_manifest(folder, manifest)
            raise
    consolidate(folder, [s.id for s in specs])  # each table read back and checked
    if scenario.run.parameters_from:  # the fit's check, for the dashboard and the report
        from orgsim.fit.posterior import copy_fit_check

        copy_fit_check(scenario, folder)
    manifest |= {"status": "complete", "finished": now(), "summaries": summary_names(folder)}
    write_manifest(folder, manifest)
    drop_parts(folder)  # only once the checked tables and the manifest are on disk
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
