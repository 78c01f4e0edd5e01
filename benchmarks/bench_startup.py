"""Wall time of the commands users wait for at the prompt, each a fresh process (median of 5):
`orgsim --help`, `orgsim policies`, `orgsim validate scenarios/compare-policies.yaml` and
`orgsim value RESULTS` (a copy of a finished results folder, so the original is not rewritten;
skipped when the folder is missing).

    .venv/bin/python benchmarks/bench_startup.py                    # RESULTS: /tmp/flag-money
    .venv/bin/python benchmarks/bench_startup.py path/to/results    # another results folder
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
REPEATS = 5
RESULTS = Path("/tmp/flag-money")


def orgsim_command() -> list[str]:
    """The installed `orgsim` script beside this Python (what a user types), else -m."""
    script = Path(sys.executable).parent / "orgsim"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "orgsim.cli"]


def wall(args: list[str]) -> float:
    """Median seconds of REPEATS runs of ``orgsim ARGS`` (each must succeed)."""
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        subprocess.run([*orgsim_command(), *args], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(results: Path = RESULTS) -> None:
    """Print the median wall time of each command."""
    rows = [
        ("orgsim --help", ["--help"]),
        ("orgsim policies", ["policies"]),
        (
            "orgsim validate scenarios/compare-policies.yaml",
            ["validate", "scenarios/compare-policies.yaml"],
        ),
    ]
    print(f"median wall time of {REPEATS} runs, a fresh process each")
    for label, args in rows:
        print(f"{label:<50} {wall(args):6.2f} s")
    if not (results / "manifest.json").is_file():
        print(f"{'orgsim value ' + str(results):<50} skipped (no results folder)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / results.name
        shutil.copytree(results, copy)
        print(f"{'orgsim value ' + str(results):<50} {wall(['value', str(copy)]):6.2f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS)
