"""Per-step time of a small yearly model: examples/peter-principle (160 positions, an explicit
chart, five default phases removed, replaced selection, acceptance and exits, a parameterised
measure), run for 1,000 years on one core. The issue-9 floor: under 1 ms a step.

    .venv/bin/python benchmarks/bench_yearly.py
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path

from orgsim.extensions import resolve_extensions
from orgsim.model import OrgModel
from orgsim.scenario import load_scenario

SCENARIO = Path(__file__).parents[1] / "examples/peter-principle/scenario.yaml"
YEARS = 1000


def one_run(policy: str, seed: int) -> tuple[float, float]:
    """Seconds to build the model, and per step over YEARS yearly steps."""
    scenario = load_scenario(SCENARIO)
    spec = scenario.policy_spec(policy)
    t0 = time.perf_counter()
    model = OrgModel(scenario.model_params(), policy=spec.base, rng=seed,
                     policy_overrides=spec.overrides(),
                     **resolve_extensions(scenario, policy).model_kwargs())  # fmt: skip
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.run(YEARS)
    return build, (time.perf_counter() - t0) / YEARS


def main() -> None:
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for policy in ("best", "worst", "random"):
        runs = [one_run(policy, seed) for seed in range(5)]
        step = statistics.median(s for _, s in runs) * 1000
        build = statistics.median(b for b, _ in runs) * 1000
        print(f"{policy:>7}: {step:.3f} ms a step (median of 5 runs of {YEARS} years), "
              f"build {build:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
