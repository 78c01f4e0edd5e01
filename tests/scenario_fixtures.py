"""Small scenarios for tests of the scenario, experiment, results and CLI layers."""

from __future__ import annotations

from pathlib import Path

TINY = """\
# Question: a tiny organisation for tests.
name: tiny
organisation:
  size: {size}
policies:
  - name: single-ladder
    base: single-ladder
  - name: genuine
    base: genuine-dual-track
    levers:
      specialist_share: 0.4
baseline: single-ladder
run:
  years: {years}
  replications: {replications}
  seed: 11
"""


def write_tiny(folder: Path, size: int = 80, years: float = 1, replications: int = 3) -> Path:
    """Write the tiny scenario into ``folder`` and return its path."""
    path = folder / "tiny.yaml"
    path.write_text(TINY.format(size=size, years=years, replications=replications))
    return path
