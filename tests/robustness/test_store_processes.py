"""Real processes: two writers at once, a driver killed or interrupted, a worker dying."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from scenario_fixtures import write_tiny

from orgsim.experiment import RunError, run_experiment
from orgsim.results import ResultsError, finished_runs, load
from orgsim.scenario import load_scenario

ORGSIM = str(Path(sys.executable).with_name("orgsim"))


def runs_in(folder: Path) -> int:
    """How many runs a complete folder's summary holds."""
    return len(load(folder).table("summary").groupby(["policy", "replication"]))


#: Runs trials of two `orgsim run --resume` processes on one new folder at once. The CLI is
#: imported once and each writer forked from it (a fresh interpreter per writer would spend
#: two seconds importing for a fraction of a second of work): real processes, real CLI code.
TWO_WRITERS = """
import json, os, sys, time
from orgsim.cli import app
import orgsim.experiment, orgsim.money, orgsim.verdict  # imported once, not in every child

scenario, root, trials = sys.argv[1], sys.argv[2], int(sys.argv[3])
assert len(os.listdir("/proc/self/task")) == 1, "threads: forking is not safe"
codes = []
for t in range(trials):
    pids = []
    for k in range(2):
        time.sleep(0.3 * (t % 5) * k)  # the second starts 0-1.2 s after the first (a run: ~1 s)
        pid = os.fork()
        if pid == 0:
            os.dup2(os.open(f"{root}/err{t}-{k}", os.O_WRONLY | os.O_CREAT), 2)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            try:
                app(["run", scenario, "--out", f"{root}/out{t}", "--workers", "1", "--resume"])
                code = 0
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        pids.append(pid)
    codes.append([os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids])
print(json.dumps(codes))
"""


@pytest.mark.slow
def test_two_writers_at_once_never_corrupt_the_folder(tmp_path: Path) -> None:
    scenario = str(write_tiny(tmp_path, size=80, years=1, replications=2))
    # No thread in the forking process (BLAS, jemalloc's background thread): fork-safe.
    env = os.environ | {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                        "JE_ARROW_MALLOC_CONF": "background_thread:false"}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", TWO_WRITERS, scenario, str(tmp_path), "20"],
                          capture_output=True, text=True, timeout=600, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    outcomes = [tuple(sorted(codes)) for codes in json.loads(done.stdout)]
    for trial, codes in enumerate(outcomes):
        errors = [(tmp_path / f"err{trial}-{k}").read_text() for k in range(2)]
        assert codes in ((0, 0), (0, 2)), errors
        assert not any("Traceback" in e for e in errors), errors
        if codes == (0, 2):
            assert sum("in use by pid" in e for e in errors) == 1, errors
        assert runs_in(tmp_path / f"out{trial}") == 4  # loads, every run, no corrupt table
    assert len(outcomes) == 20
    print(f"20 trials: {outcomes.count((0, 0))} both succeeded, {outcomes.count((0, 2))} in use")


def children(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.mark.slow
@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_a_stopped_driver_leaves_no_process_and_resumes(tmp_path: Path, sig: str) -> None:
    scenario = str(write_tiny(tmp_path, size=400, years=3, replications=8))
    out = tmp_path / "out"
    with (tmp_path / "stderr").open("w") as log:  # a file: a pipe would wait for every holder
        proc = subprocess.Popen(
            [ORGSIM, "run", scenario, "--out", str(out), "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while len(finished_runs(out)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children(proc.pid)
    assert len(workers) >= 3  # forkserver and two workers (and the resource tracker)
    try:
        if sig == "SIGINT":  # Ctrl-C: the whole foreground process group
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, getattr(signal, sig))
        proc.wait(timeout=30)
        end = time.monotonic() + 5
        while alive(workers) and time.monotonic() < end:
            time.sleep(0.05)
        assert not alive(workers), [p.cmdline() for p in alive(workers)]
    finally:  # never leave a process behind, even when the test fails
        for p in alive(workers):
            p.kill()
    stderr = (tmp_path / "stderr").read_text()
    assert len(finished_runs(out)) < 16, "the run finished before it could be stopped"
    status = json.loads((out / "manifest.json").read_text())["status"]
    if sig == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL and status == "running"
    else:
        assert proc.returncode == 130 and status == "interrupted"
        assert "Traceback" not in stderr and "interrupted" in stderr, stderr
    resumed = subprocess.run([ORGSIM, "run", scenario, "--out", str(out), "--resume"],
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert runs_in(out) == 16


KILLER = '''\
import os
import signal
from pathlib import Path

from orgsim.rules import Phase


class KillWorker(Phase):
    """Kills its own process (a worker, as the out-of-memory killer would) in month 3 of
    policy 'genuine' while a marker file exists, once two runs have finished."""

    slot = "kill_worker"

    def step(self, model):
        if model.month == 3 and "genuine" in model.policy and Path(MARKER).exists():
            finished = [p for p in Path(PARTS).glob("*") if not p.name.startswith(".")]
            if len(finished) >= 2:
                os.kill(os.getpid(), signal.SIGKILL)
'''


def test_a_dying_worker_gives_one_clear_error_and_resume_completes(tmp_path: Path) -> None:
    marker = tmp_path / "kill-workers"
    marker.touch()
    killer = KILLER.replace("MARKER", repr(str(marker)))
    (tmp_path / "killer.py").write_text(killer.replace("PARTS", repr(str(tmp_path / "out/parts"))))
    path = write_tiny(tmp_path, replications=3)
    path.write_text(
        path.read_text() + "phases:\n  - {use: ./killer.py:KillWorker, after: growth}\n"
    )
    scenario = load_scenario(path)
    out = tmp_path / "out"
    with pytest.raises(RunError, match=r"a worker process died .*--resume"):
        run_experiment(scenario, out, workers=2)
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert len(finished_runs(out)) >= 2  # the runs finished before the worker died are kept
    marker.unlink()
    run_experiment(scenario, out, workers=2, resume=True)
    assert runs_in(out) == 6


def test_no_results_error_leaks_as_a_traceback_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    from orgsim.results import lock_folder

    with lock_folder(out):
        result = subprocess.run([ORGSIM, "run", str(write_tiny(tmp_path)), "--out", str(out)],
                                capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"in use by pid {os.getpid()} (another orgsim run)" in result.stderr
    assert ResultsError.__name__ not in result.stderr


SLOW = '''\
import os
import time
from pathlib import Path

from orgsim.rules import Phase


class Slow(Phase):
    """Half a second a month while a marker file exists: a run of a year takes six seconds.
    Each worker process in a run leaves MARKER.<pid>, so a test knows the runs are going."""

    slot = "slow"

    def step(self, model):
        if Path(MARKER).exists():
            Path(f"{MARKER}.{os.getpid()}").touch()
            time.sleep(0.5)
'''


@pytest.mark.slow
@pytest.mark.parametrize("group", [False, True], ids=["driver", "group"])
def test_one_ctrl_c_stops_at_once_mid_run(tmp_path: Path, group: bool) -> None:
    marker = tmp_path / "slow-marker"
    marker.touch()
    (tmp_path / "slow.py").write_text(SLOW.replace("MARKER", repr(str(marker))))
    path = write_tiny(tmp_path, replications=2)
    path.write_text(path.read_text() + "phases:\n  - {use: ./slow.py:Slow, after: growth}\n")
    out = tmp_path / "out"
    with (tmp_path / "stderr").open("w") as log:
        proc = subprocess.Popen(
            [ORGSIM, "run", str(path), "--out", str(out), "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("slow-marker.*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # until both workers are mid-run (a busy machine starts them slowly)
    workers = children(proc.pid)
    try:
        (os.killpg if group else os.kill)(proc.pid, signal.SIGINT)
        start = time.monotonic()
        proc.wait(timeout=30)
        assert time.monotonic() - start < 3  # no waiting for the runs in progress
        end = time.monotonic() + 5
        while alive(workers) and time.monotonic() < end:
            time.sleep(0.05)
        assert not alive(workers), [p.cmdline() for p in alive(workers)]
    finally:
        for p in alive(workers):
            p.kill()
    stderr = (tmp_path / "stderr").read_text()
    assert proc.returncode == 130 and "Traceback" not in stderr, stderr
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    marker.unlink()
    resumed = subprocess.run([ORGSIM, "run", str(path), "--out", str(out), "--resume"],
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert runs_in(out) == 4
