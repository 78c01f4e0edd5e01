"""Sensitivity and robustness: SALib designs, indices with intervals, verdict rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from orgsim.cli import app, scenario_with
from orgsim.results import load
from orgsim.scenario import ScenarioError, parse_scenario
from orgsim.sensitivity import design, design_scenario, run_sensitivity, verdict_rules

SCENARIO = """\
name: sens
organisation: {size: 150}
policies:
  - {name: single-ladder, base: single-ladder}
  - {name: dual, base: genuine-dual-track}
uncertainties:
  workforce.share_wanting_to_lead: {low: 0.15, high: 0.47}
  engagement.parity_weight: {low: 0.1, high: 0.5}
run: {years: 2, replications: 1, seed: 4}
"""


def test_morris_indices_robustness_and_files(tmp_path: Path) -> None:
    scenario = parse_scenario(SCENARIO)
    result = run_sensitivity(scenario, tmp_path / "m", samples=4, workers=1)
    idx = result.indices.set_index(["measure", "parameter"])
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(idx.columns)
    assert (idx["mu_star"] >= 0).all() and (idx["mu_star_conf"] >= 0).all()
    # Under a genuine dual track (equal pay, no stigma, no step-backs) the parity weight
    # multiplies zero for everyone: its elementary effects are exactly zero.
    assert (idx.xs("engagement.parity_weight", level="parameter")["mu_star"] == 0).all()
    assert idx.loc[("reluctant_manager_share", "workforce.share_wanting_to_lead"), "mu_star"] > 0
    rob = result.robustness
    assert rob["worlds"].eq(4 * 3).all() and rob["share_better"].between(0, 1).all()
    # the business case is analysed beside the people measures, in the currency
    assert {"net_value", "pay_bill"} <= set(rob["measure"]) & set(result.indices["measure"])
    assert (tmp_path / "m" / "money_summary.parquet").is_file()
    events = load(tmp_path / "m").table("events")
    assert "count" in events and events["count"].sum() > len(events)  # counts, not rows
    outcomes = load(tmp_path / "m").outcomes()
    assert outcomes[outcomes.measure == "pay_bill"]["value"].min() > 1e6  # GBP a year
    saved = pd.read_parquet(tmp_path / "m" / "sensitivity.parquet")
    assert len(saved) == len(result.indices)
    assert (tmp_path / "m" / "rules.json").is_file()


def test_sobol_design_and_indices(tmp_path: Path) -> None:
    scenario = parse_scenario(SCENARIO)
    assert design(scenario, "sobol", 4).shape == (4 * (2 + 2), 2)
    result = run_sensitivity(scenario, tmp_path / "s", method="sobol", samples=4, workers=1)
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(result.indices.columns)


def test_verdict_rules_find_the_flipping_parameter() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (60, 2))
    wins = pd.DataFrame({"engagement": x[:, 1] > 0.6, "team_output": np.ones(60, bool)})
    rules = verdict_rules(x, wins, ["noise", "pay"])
    assert "pay <= 0.6" in rules["engagement"] and "better" in rules["engagement"]
    assert rules["team_output"] == "same verdict in every sampled world"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.split("uncertainties:")[0] + "run: {years: 1}\n", "uncertainties: none"),
        (lambda s: s.replace("{low: 0.1, high: 0.5}", "{values: [0.1]}"), "give a range"),
    ],
)
def test_bad_uncertainties(tmp_path: Path, change, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        run_sensitivity(parse_scenario(change(SCENARIO)), tmp_path / "x", samples=2, workers=1)


@pytest.mark.parametrize(("events", "kept"), [(None, "summary"), ("all", "all"), ("none", "none")])
def test_the_design_keeps_event_counts_unless_the_scenario_says(
    tmp_path: Path, events: str | None, kept: str
) -> None:
    """Thousands of runs keep counts of their events (run.events: summary), not one row each,
    unless the scenario file sets run.events; a run setting given on the command line does
    not count as the file's."""
    text = SCENARIO if events is None else SCENARIO.replace("seed: 4", f"seed: 4, events: {events}")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    scenario = scenario_with(path, years=1.5, replications=None)
    assert scenario.run.years == 1.5
    x = design(scenario, "morris", 2)
    assert design_scenario(scenario, None, x).run.events == kept


def test_cli_sensitivity(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    args = ["sensitivity", str(path), "--samples", "2", "--out", str(tmp_path / "o"),
            "--workers", "1", "--years", "1"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "mu_star" in result.output and "beats the baseline" in result.output
    bad = CliRunner().invoke(app, [*args, "--policy", "single-ladder", "--force"])
    assert bad.exit_code == 2 and "non-baseline policy" in bad.output


def test_one_policy_is_not_enough(tmp_path: Path) -> None:
    one = SCENARIO.replace("  - {name: dual, base: genuine-dual-track}\n", "")
    with pytest.raises(ScenarioError, match=r"only the baseline 'single-ladder'; .* second policy"):
        run_sensitivity(parse_scenario(one), tmp_path / "x", samples=2, workers=1)
    assert not (tmp_path / "x").exists()


def test_a_scenario_with_a_sweep_is_refused_not_silently_resampled(tmp_path: Path) -> None:
    swept = SCENARIO + "sweep:\n  parameters:\n    policy.specialist_stigma: {values: [0, 0.2]}\n"
    with pytest.raises(ScenarioError, match="sweep: a sensitivity analysis samples its own"):
        run_sensitivity(parse_scenario(swept), tmp_path / "x", samples=2, workers=1)
    assert not (tmp_path / "x").exists()


def test_too_few_sobol_samples_are_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    args = ["sensitivity", str(path), "--method", "sobol", "--samples", "2", "--workers", "1",
            "--years", "1", "--out", str(tmp_path / "o")]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "warning: 2 Sobol base samples give unreliable indices" in " ".join(
        result.output.split()
    )


def test_uncertainty_ranges_are_checked_when_the_scenario_is_read() -> None:
    bad = SCENARIO.replace("{low: 0.15, high: 0.47}", "{low: 0.1, high: 1.5}")
    with pytest.raises(ScenarioError, match=r"uncertainties\.workforce\.share_wanting_to_lead"):
        parse_scenario(bad)


def test_redundant_splits_are_merged() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, (80, 2))
    wins = pd.DataFrame({"engagement": x[:, 0] > 0.3})
    text = verdict_rules(x, wins, ["a", "b"])["engagement"]
    assert text.count("better") == 1 and text.count("worse") == 1
    below = int((x[:, 0] <= 0.308).sum())
    assert f"worse (in {below} of its {below} sampled worlds)" in text


def test_a_verdict_rule_says_how_many_of_its_worlds_it_holds_in() -> None:
    x = np.linspace(0, 1, 24)[:, None]
    wins = pd.DataFrame({"engagement": np.isin(np.arange(24), [3, 17])})  # better in 2 of 24
    text = verdict_rules(x, wins, ["a"])["engagement"]
    assert text == "|--- worse (in 22 of its 24 sampled worlds)"


def test_every_policy_is_compared_unless_one_is_named(tmp_path: Path) -> None:
    three = SCENARIO.replace(
        "  - {name: dual, base: genuine-dual-track}\n",
        "  - {name: dual, base: genuine-dual-track}\n  - {name: ask, base: ask-the-question}\n",
    )
    path = tmp_path / "s.yaml"
    path.write_text(three)
    args = ["sensitivity", str(path), "--samples", "2", "--workers", "1", "--years", "1"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "all")])
    assert result.exit_code == 0, result.output
    rob = load(tmp_path / "all").sensitivity().robustness
    assert list(dict.fromkeys(rob["policy"])) == ["dual", "ask"]
    assert rob.groupby("policy")["worlds"].first().eq(2 * 3).all()
    assert "Sensitivity of ask - baseline" in result.output
    one = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "one"), "--policy", "ask"])
    assert one.exit_code == 0, one.output
    assert set(load(tmp_path / "one").sensitivity().robustness["policy"]) == {"ask"}
