"""A small finished results folder for the figure, report and dashboard tests."""

from __future__ import annotations

from pathlib import Path

from scenario_fixtures import write_tiny

from orgsim.experiment import run_experiment
from orgsim.scenario import load_scenario


def make_results(root: Path, name: str = "tiny", years: float = 2) -> Path:
    """Run the tiny two-policy scenario (80 people, 3 replications) into ``root/name``."""
    scenario_dir = root.parent / f"{root.name}-scenario"
    scenario_dir.mkdir(parents=True, exist_ok=True)
    scenario = load_scenario(write_tiny(scenario_dir, size=80, years=years, replications=3))
    folder = root / name
    run_experiment(scenario, folder, workers=1)
    return folder
