"""run.timeout_s: a run that takes too long fails, naming the month and the phase running."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from scenario_fixtures import write_tiny

from orgsim.experiment import RunError, run_experiment
from orgsim.results import finished_runs, load
from orgsim.scenario import load_scenario

HANG = '''\
import time

from orgsim.rules import Phase


class Hang(Phase):
    """Never returns in month 1 of policy 'genuine'."""

    slot = "hang"

    def step(self, model):
        while "genuine" in model.policy and model.month == 1:
            time.sleep(0.05)
'''


def scenario_with(tmp_path: Path, timeout: float, phase: str = "Hang"):
    (tmp_path / "hang.py").write_text(HANG)
    path = write_tiny(tmp_path, replications=2)
    path.write_text(
        path.read_text()
        + f"  timeout_s: {timeout}\nphases:\n  - {{use: ./hang.py:{phase}, after: leaving}}\n"
    )
    return load_scenario(path)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rule_that_never_returns_fails_its_run_after_timeout_s(
    tmp_path: Path, workers: int
) -> None:
    out = tmp_path / "out"
    start = time.monotonic()
    with pytest.raises(RunError) as err:
        run_experiment(scenario_with(tmp_path, 1), out, workers=workers)
    elapsed = time.monotonic() - start
    message = str(err.value)
    assert "policy 'genuine', replication" in message
    assert "run.timeout_s: still running after 1 s, in month 1, phase 'hang: Hang'" in message
    assert elapsed < 1 + (4 if workers == 1 else 10)  # not hung (forkserver start for 2)
    # not lost: the runs finished before the hung one failed (replication by replication: the
    # baseline's first; with two workers, maybe its second too, during the hang)
    kept = finished_runs(out)
    assert "s00000-p00-r00000" in kept
    assert kept <= (
        {"s00000-p00-r00000", "s00000-p00-r00001"} if workers == 2 else {"s00000-p00-r00000"}
    )
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


def test_runs_within_timeout_s_complete_and_the_timeout_does_not_change_results(
    tmp_path: Path,
) -> None:
    plain = load_scenario(write_tiny(tmp_path, replications=1))
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_experiment(plain, out, workers=1, progress=interrupt_after_one)
    timed = plain.model_copy(deep=True)
    timed.run.timeout_s = 60
    run_experiment(timed, out, workers=1, resume=True)  # same results: resumable
    assert load(out).manifest["status"] == "complete"


def interrupt_after_one(done: int, total: int) -> None:
    if done == 1:
        raise KeyboardInterrupt
