"""Sweeps: points over a grid or a Latin hypercube, applied to every policy, summarised."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgsim.experiment import run_experiment, run_specs
from orgsim.results import compare_points
from orgsim.scenario import ScenarioError, load_scenario, parse_scenario
from orgsim.sweep import apply_point

BASE = """\
name: sw
organisation: {{size: 120}}
policies: [{{name: a, base: single-ladder}}, {{name: b, base: genuine-dual-track}}]
run: {{years: 1, replications: 2, seed: 3}}
sweep:
{sweep}
"""


def scenario(sweep: str):
    return parse_scenario(BASE.format(sweep=sweep))


def test_grid_is_the_cross_product() -> None:
    s = scenario(
        "  parameters:\n"
        "    policy.specialist_pay_ratio: {low: 0.7, high: 1.0, steps: 4}\n"
        "    policy.specialist_stigma: {values: [0, 0.5]}\n"
    )
    points = s.sweep_points()
    assert len(points) == 8
    ratios = sorted({p["policy.specialist_pay_ratio"] for p in points})
    assert ratios == pytest.approx([0.7, 0.8, 0.9, 1.0])
    assert len(run_specs(s)) == 8 * 2 * 2


def test_latin_hypercube_covers_each_range_once_per_stratum() -> None:
    s = scenario(
        "  method: latin-hypercube\n  samples: 10\n  parameters:\n"
        "    workforce.share_wanting_to_lead: {low: 0.15, high: 0.47}\n"
        "    organisation.size: {low: 100, high: 200, integer: true}\n"
    )
    points = s.sweep_points()
    shares = sorted(p["workforce.share_wanting_to_lead"] for p in points)
    strata = [int((v - 0.15) / 0.032) for v in shares]
    assert strata == list(range(10))  # one sample in each tenth of the range
    assert all(isinstance(p["organisation.size"], int) for p in points)
    assert points == s.sweep_points()  # seeded by run.seed


def test_policy_levers_are_set_on_every_policy_after_its_own() -> None:
    s = scenario("  parameters:\n    policy.specialist_pay_ratio: {values: [0.8]}\n")
    point = apply_point(s, s.sweep_points()[0])
    assert point.model_params("b").policy.specialist_pay_ratio == 0.8  # beats the base's 1.0
    assert point.sweep is None


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        ("  parameters:\n    organisation.sise: {values: [1]}\n", "not a parameter path"),
        ("  parameters:\n    organisation.size: {values: [5]}\n", "greater than or equal to 10"),
        ("  parameters:\n    policy.specialist_stigma: {low: 0.5, high: 0.1}\n", "above high"),
        ("  parameters:\n    policy.specialist_stigma: {low: 0.5}\n", "either 'values'"),
        (
            "  parameters:\n    policy.specialist_stigma: {values: [0, 1], steps: 7}\n",
            "'steps' spreads a range",
        ),
        (
            "  samples: 50\n  parameters:\n    policy.specialist_stigma: {values: [0, 1]}\n",
            "'samples' sizes a latin-hypercube; with method 'grid' it does nothing",
        ),
        (
            "  method: points\n  parameters: {policy.specialist_stigma: {values: [0]}}\n"
            "  points: [{policy.specialist_stigma: 0.1}, {organisation.size: 90}]\n",
            r"sweep.points\[1\]: sets organisation.size; every point sets exactly the parameters "
            r"listed in sweep.parameters \(policy.specialist_stigma\)",
        ),
    ],
)
def test_bad_sweeps_are_reported(sweep: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenario(sweep)


def test_whole_and_fractional_values_of_one_parameter_share_a_column(tmp_path: Path) -> None:
    """[0, 0.25]: the first run's 0 must not make the column integer (0.25 then failed)."""
    s = scenario("  parameters:\n    policy.specialist_stigma: {values: [0, 0.25]}\n")
    assert s.sweep.parameters["policy.specialist_stigma"].values == [0.0, 0.25]
    results = run_experiment(s, tmp_path / "out", workers=1)
    assert sorted(set(results.table("summary")["policy.specialist_stigma"])) == [0.0, 0.25]
    points = scenario(
        "  method: points\n  parameters: {policy.specialist_stigma: {values: [0]}}\n"
        "  points: [{policy.specialist_stigma: 0}, {policy.specialist_stigma: 0.5}]\n"
    )
    assert [p["policy.specialist_stigma"] for p in points.sweep.points] == [0.0, 0.5]
    grades = scenario("  parameters:\n    organisation.size: {values: [60, 80]}\n")
    assert grades.sweep.parameters["organisation.size"].values == [60, 80]  # whole stay whole


def test_sweep_results_carry_parameter_columns(tmp_path: Path) -> None:
    s = scenario("  parameters:\n    policy.specialist_stigma: {values: [0.0, 0.6]}\n")
    results = run_experiment(s, tmp_path / "out", workers=1)
    summary = results.table("summary")
    assert {"point", "policy.specialist_stigma"} <= set(summary.columns)
    ts = results.table("timeseries")
    assert set(ts["policy.specialist_stigma"]) == {0.0, 0.6}
    table = compare_points(summary, "a", ["a", "b"])
    eng = table.query("measure == 'engagement_specialist' and policy == 'b'")
    assert list(eng["policy.specialist_stigma"]) == [0.0, 0.6]
    # Common random numbers across points: the baseline has no specialists, so the stigma
    # changes nothing for it and its results are identical at both points.
    base = table.query("measure == 'engagement' and policy == 'a'")["mean"]
    assert base.iloc[0] == base.iloc[1]


def test_shipped_sweep_scenario() -> None:
    s = load_scenario(Path(__file__).parents[1] / "scenarios/pay-parity-sweep.yaml")
    assert len(s.sweep_points()) == 12 and s.baseline == "single-ladder"


def test_a_dumped_scenario_validates_again() -> None:
    """A manifest stores the scenario with every default written out (steps, samples): read
    back, those defaults are not taken for options given where they do nothing."""
    from orgsim.scenario import Scenario

    s = scenario("  parameters:\n    policy.specialist_stigma: {values: [0, 0.5]}\n")
    with_uncertainty = s.model_copy(update={"sweep": None}).model_dump(mode="json")
    with_uncertainty["uncertainties"] = {"policy.specialist_stigma": {"low": 0, "high": 0.5}}
    for data in (s.model_dump(mode="json"), with_uncertainty):
        again = Scenario.model_validate(Scenario.model_validate(data).model_dump(mode="json"))
        assert again.model_dump() == Scenario.model_validate(data).model_dump()
