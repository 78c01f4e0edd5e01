"""Wall time of the dashboard's what-if: 2 policies x 10 replications x 1,000 people x 10 years,
run as the dashboard runs it (``dashboard.whatif.run_whatif``: workers forked from a process
that has orgsim imported, one per core), and when its first provisional answer (replication 0
of both policies) is in:

    .venv/bin/python benchmarks/bench_whatif.py              # 3 trials
    .venv/bin/python benchmarks/bench_whatif.py --trials 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from dashboard.whatif import run_whatif
from orgsim.scenario import parse_scenario

WHATIF = """\
name: whatif
organisation: {size: 1000}
policies: [{name: single-ladder, base: single-ladder}, {name: genuine, base: genuine-dual-track}]
run: {years: 10, replications: 10, seed: 1}
"""


def trial() -> tuple[float, float]:
    """Seconds until the first pair of runs is in, and until the whole what-if is done."""
    scenario = parse_scenario(WHATIF)
    first: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done >= 2 and not first:  # runs go replication by replication
                first.append(time.perf_counter() - t0)

        run_whatif(scenario, Path(tmp) / "whatif", progress)
        return first[0], time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    results = [trial() for _ in range(args.trials)]
    firsts, walls = zip(*results, strict=True)
    print(f"what-if 2 x 10 x 1,000 people x 10 years, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"whole what-if: {', '.join(f'{w:.2f}' for w in walls)} s "
          f"(median {statistics.median(walls):.2f} s)")  # fmt: skip
    print(f"first pair in: {', '.join(f'{f:.2f}' for f in firsts)} s")


if __name__ == "__main__":
    main()
