"""Wall time and the driver's peak memory of a Sobol sensitivity analysis of
scenarios/robustness.yaml (1,000 people, 10 years, 1 replication, 2 local workers):

    .venv/bin/python benchmarks/bench_sensitivity.py              # 64 base samples: 3,328 runs
    .venv/bin/python benchmarks/bench_sensitivity.py --samples 8  # 416 runs

Prints the time until the last run finished, the time after it (consolidating, valuing and
analysing), the driver's peak memory and the size of the results folder.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from orgsim.scenario import load_scenario
from orgsim.sensitivity import run_sensitivity

ROOT = Path(__file__).parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios/robustness.yaml")
    scenario.run = scenario.run.model_copy(update={"years": 10, "replications": 1})
    finished: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        finished["runs"], finished["total"] = time.perf_counter() - t0, total

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "out"
        run_sensitivity(scenario, folder, method="sobol", samples=args.samples,
                        workers=args.workers, progress=progress)  # fmt: skip
        wall = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{finished['total']} runs, {args.workers} workers, load {os.getloadavg()[0]:.2f}")
    print(f"wall {wall:.1f} s: runs {finished['runs']:.1f} s, after them "
          f"{wall - finished['runs']:.1f} s; driver peak RSS {peak:.0f} MiB; "
          f"results {size / 2**20:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
