"""examples/peter-principle: Pluchino et al.'s yearly model, from YAML and one rules file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.experiment import run_experiment
from orgsim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "examples/peter-principle/scenario.yaml"


def test_the_scenario_replaces_slots_and_removes_phases() -> None:
    from orgsim.extensions import resolve_extensions
    from orgsim.model import OrgModel

    scenario = load_scenario(SCENARIO)
    ext = resolve_extensions(scenario, "worst")
    model = OrgModel(scenario.model_params(), policy=None, **ext.model_kwargs())
    plan = model.plan()
    for removed in ("growth", "manager_quality", "engagement", "step_back", "coaching"):
        assert removed not in plan
    assert type(model.components["selection"]).__name__ == "WorstFirst"
    assert type(model.components["acceptance"]).__name__ == "AcceptAll"
    assert model.hierarchy.size == 160 and list(model.timeseries.columns)[-1] == "efficiency"


@pytest.mark.slow
def test_it_runs_for_1000_years_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "peter"
    result = CliRunner().invoke(
        app, ["run", str(SCENARIO), "--replications", "1", "--out", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "Global efficiency" in result.output
    from orgsim.results import load

    ts = load(out).table("timeseries")
    assert ts["month"].max() == 12_000 and ts.groupby("policy").size().eq(1001).all()


@pytest.mark.slow
def test_worst_beats_best_only_under_the_peter_hypothesis(tmp_path: Path) -> None:
    """Pluchino et al. (2010), Fig. 2: with competence redrawn on promotion, promoting the
    worst gives a more efficient organisation than promoting the best; with competence kept
    (common sense), the best wins. Efficiency is the mean of the last 100 years, 3 paired
    replications, 300 years; the differences are ten times their intervals."""
    scenario = load_scenario(SCENARIO)
    data = scenario.model_dump(mode="json")
    data["run"] |= {"years": 300, "replications": 3}
    data["sweep"] = {"parameters": {"rules.promotion.hypothesis": {
        "values": ["peter", "common-sense"]}}}  # fmt: skip
    scenario = type(scenario).model_validate(data)
    summary = run_experiment(scenario, tmp_path / "s", workers=1).table("summary")
    eff = (
        summary.query("measure == 'efficiency'")
        .groupby(["rules.promotion.hypothesis", "policy"])["value"]
        .mean()
    )
    assert eff["peter", "worst"] > eff["peter", "best"] + 0.05
    assert eff["common-sense", "best"] > eff["common-sense", "worst"] + 0.05
