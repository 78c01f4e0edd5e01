"""Small finished results folders (plain, sweep, sensitivity) for the figure, report and
dashboard tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scenario_fixtures import write_tiny

from orgsim.experiment import run_experiment
from orgsim.money import value_folder
from orgsim.scenario import load_scenario, parse_scenario
from orgsim.sensitivity import run_sensitivity


def make_results(root: Path, name: str = "tiny", years: float = 2) -> Path:
    """Run the tiny two-policy scenario (80 people, 3 replications) into ``root/name``."""
    scenario_dir = root.parent / f"{root.name}-scenario"
    scenario_dir.mkdir(parents=True, exist_ok=True)
    scenario = load_scenario(write_tiny(scenario_dir, size=80, years=years, replications=3))
    folder = root / name
    run_experiment(scenario, folder, workers=1)
    return folder


SWEEP = """\
# Question: how do specialist pay and stigma move a tiny organisation? (3 sampled points)
name: tiny-sweep
organisation: {size: 100}
policies:
  - {name: single-ladder, base: single-ladder}
  - {name: genuine, base: genuine-dual-track}
baseline: single-ladder
sweep:
  method: latin-hypercube
  samples: 3
  parameters:
    policy.specialist_pay_ratio: {low: 0.7, high: 1.0}
    policy.specialist_stigma: {low: 0.0, high: 0.5}
run: {years: 1, replications: 2, seed: 5}
"""

SENSITIVITY = """\
# Question: in which plausible worlds does a genuine dual track beat the single ladder?
name: tiny-sensitivity
organisation: {size: 100}
policies:
  - {name: single-ladder, base: single-ladder}
  - {name: genuine, base: genuine-dual-track}
baseline: single-ladder
uncertainties:
  workforce.share_wanting_to_lead: {low: 0.15, high: 0.47}
  policy.specialist_pay_ratio: {low: 0.7, high: 1.0}
run: {years: 1, replications: 1, seed: 4}
"""


def make_sweep_results(root: Path, name: str = "tiny-sweep") -> Path:
    """A sweep of two policy levers over 3 Latin-hypercube points (100 people, 1 year, 2 reps),
    valued (its business case written) as `orgsim run` does."""
    folder = root / name
    run_experiment(parse_scenario(SWEEP), folder, workers=1)
    value_folder(folder)
    return folder


def make_sensitivity_results(root: Path, name: str = "tiny-sensitivity", **kw: Any) -> Path:
    """A Morris sensitivity analysis over 2 uncertainties (samples=2: 6 worlds, 1 replication);
    ``method="sobol"`` for Sobol indices instead."""
    folder = root / name
    run_sensitivity(parse_scenario(SENSITIVITY), folder, samples=2, workers=1, **kw)
    return folder


def make_profile_results(root: Path) -> Path:
    """examples/glass-ceiling (a measure by grade), 2 replications of 3 years, in root."""
    path = Path(__file__).parents[1] / "examples/glass-ceiling/scenario.yaml"
    scenario = load_scenario(path)
    scenario.run = scenario.run.model_copy(update={"years": 3, "replications": 2})
    folder = root / "glass-ceiling"
    run_experiment(scenario, folder, workers=1)
    return folder
