"""Wall time of whole experiments: the flagship scenario, and a 200-run sweep on 1 and 2 local
workers and on a 2-worker Dask LocalCluster (the speed-up is the figure that matters).

    .venv/bin/python benchmarks/bench_experiment.py            # both
    .venv/bin/python benchmarks/bench_experiment.py flagship   # one of them
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from orgsim.experiment import run_experiment
from orgsim.scenario import load_scenario, parse_scenario

ROOT = Path(__file__).parents[1]
SWEEP = """\
name: bench-sweep
organisation: {size: 1000}
policies: [{name: single-ladder, base: single-ladder}, {name: dual, base: genuine-dual-track}]
sweep:
  parameters:
    policy.specialist_pay_ratio: {low: 0.7, high: 1.0, steps: 10}
run: {years: 20, replications: 10, seed: 1}
"""


def timed(scenario, **kwargs) -> float:
    """Seconds to run ``scenario`` into a fresh temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_experiment(scenario, Path(tmp) / "out", **kwargs)
        return time.perf_counter() - t0


def flagship() -> None:
    """The README's main job: 4 policies x 30 replications x 20 years, 1,000 people."""
    scenario = load_scenario(ROOT / "scenarios/compare-policies.yaml")
    seconds = timed(scenario, workers=os.cpu_count())
    print(f"flagship (120 runs, {os.cpu_count()} workers): {seconds:.1f} s")


def sweep() -> None:
    """200 runs of 1,000 people x 20 years: 1 vs 2 local workers vs a 2-worker Dask cluster."""
    import dask
    from distributed import LocalCluster

    scenario = parse_scenario(SWEEP)
    one = timed(scenario, workers=1)
    two = timed(scenario, workers=2)
    # Dask's sampling profiler costs a few per cent of a busy worker; a throughput cluster
    # turns it off (dask config distributed.worker.profile.enabled).
    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
    ):
        cold = timed(scenario, scheduler=cluster.scheduler_address)  # workers import orgsim
        warm = timed(scenario, scheduler=cluster.scheduler_address)  # a long-lived cluster
    print(f"sweep (200 runs): 1 worker {one:.1f} s; 2 workers {two:.1f} s ({one / two:.2f}x); "
          f"Dask 2 workers, fresh {cold:.1f} s ({one / cold:.2f}x), "
          f"warm {warm:.1f} s ({one / warm:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["flagship", "sweep"]
    print(f"# {os.cpu_count()} cores")
    for name in chosen:
        {"flagship": flagship, "sweep": sweep}[name]()
