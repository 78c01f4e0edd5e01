"""Speed and memory of one model run: employee-months per second, peak memory, per-phase time.

Each size runs in a fresh subprocess on one core (so peak memory is that run's own), for
20 simulated years under the default single-ladder policy:

    .venv/bin/python benchmarks/bench_model.py                 # 1,000 / 10,000 / 100,000
    .venv/bin/python benchmarks/bench_model.py --sizes 1000000  # the issue-6 large run
    .venv/bin/python benchmarks/bench_model.py --agents          # cost of the Mesa agent view
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import defaultdict

YEARS = 20


def measure(size: int, years: float, policy: str) -> dict:
    """Run one model in this process and return its figures."""
    from orgsim import ModelParams, OrgModel

    t0 = time.perf_counter()
    model = OrgModel(ModelParams(organisation={"size": size}), policy=policy, rng=1)
    build = time.perf_counter() - t0
    phase_time: dict[str, float] = defaultdict(float)
    for name, rule in model.phases:
        rule.step = _timed(rule.step, name, phase_time)
    record = model.recorder.record
    model.recorder.record = _timed(record, "record measures", phase_time)
    t0 = time.perf_counter()
    model.run(years)
    run = time.perf_counter() - t0
    months = round(years * 12)
    return {
        "size": size,
        "policy": policy,
        "years": years,
        "build_s": round(build, 3),
        "run_s": round(run, 3),
        "employee_months_per_s": round(size * months / run),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "phase_share": {k: round(v / run, 3) for k, v in sorted(phase_time.items())},
    }


def measure_agents(size: int) -> dict:
    """Cost of the Mesa agent view: materialising it, and a step that keeps it in sync."""
    from orgsim import ModelParams, OrgModel

    params = ModelParams(organisation={"size": size})
    plain = OrgModel(params, rng=1)
    plain.step()
    t0 = time.perf_counter()
    plain.step()
    step_plain = time.perf_counter() - t0
    model = OrgModel(params, rng=1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    agents = len(model.agents)
    build = time.perf_counter() - t0
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    model.step()
    t0 = time.perf_counter()
    model.step()
    len(model.agents)  # brought in step with the step's hires, exits and moves when used
    step_synced = time.perf_counter() - t0
    return {"size": size, "agents": agents, "materialise_s": round(build, 2),
            "agents_mib": round(grown), "step_s": round(step_plain, 3),
            "step_with_agents_s": round(step_synced, 3)}  # fmt: skip


def _timed(fn, name: str, acc: dict[str, float]):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[name] += time.perf_counter() - t0

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--years", type=float, default=YEARS)
    parser.add_argument("--policy", default="single-ladder")
    parser.add_argument("--agents", action="store_true", help="Measure the Mesa agent view.")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.one:
        fn = measure_agents(args.one) if args.agents else measure(args.one, args.years, args.policy)
        print(json.dumps(fn))
        return
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"# {machine}; {args.years:g} years, one core per run")
    env = os.environ | {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(size), "--years", str(args.years),
               "--policy", args.policy, *(["--agents"] if args.agents else [])]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        row = json.loads(out.stdout)
        if args.agents:
            print(f"{size:>9,} people: {row['agents']:,} agents made in {row['materialise_s']} s "
                  f"(+{row['agents_mib']} MiB); a step {row['step_s']} s without agents, "
                  f"{row['step_with_agents_s']} s with the agents brought in step")  # fmt: skip
            continue
        print(
            f"{size:>9,} people: {row['employee_months_per_s'] / 1e6:6.2f} M employee-months/s, "
            f"run {row['run_s']:7.2f} s, build {row['build_s']:5.2f} s, "
            f"peak {row['peak_rss_mib']:7.1f} MiB"
        )
        shares = ", ".join(f"{k} {v:.0%}" for k, v in row["phase_share"].items())
        print(f"{'':>17}{shares}")


if __name__ == "__main__":
    main()
