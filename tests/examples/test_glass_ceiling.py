"""examples/glass-ceiling: joint attributes, a selection rule with a bias parameter, and a
measure by grade, from YAML and one rules file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from orgsim.experiment import run_experiment
from orgsim.extensions import resolve_extensions
from orgsim.model import OrgModel
from orgsim.results import compare
from orgsim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "examples/glass-ceiling/scenario.yaml"


def model_with(gap: float, policy: str = "fair") -> OrgModel:
    scenario = load_scenario(SCENARIO)
    ext = resolve_extensions(scenario, policy)
    ext.phases[0].rule.params = ext.phases[0].rule.Params(gap=gap)
    ext.events = "all"
    return OrgModel(scenario.model_params(), policy=None, rng=3, **ext.model_kwargs())


def test_ratings_are_drawn_given_the_group() -> None:
    model = model_with(gap=5.0)
    p = model.people
    women, men = p.active & p.group, p.active & ~p.group
    assert 0.45 < women.sum() / p.count < 0.55
    assert p.rating[women].mean() - p.rating[men].mean() == pytest.approx(5.0, abs=1.5)
    model.run(2)  # hires get both attributes, in order
    hired = np.isin(p.uid, model.events_frame.query("event == 'hire'")["person_id"])
    assert hired.any() and not np.isnan(p.rating[hired]).any()


def test_share_of_women_is_a_profile_by_grade() -> None:
    model = model_with(gap=0.0).run(2)
    prof = model.profiles
    assert set(prof.columns) == {"month", "measure", "category", "value"}
    assert set(prof["category"]) == {str(g) for g in range(1, 9)}
    summary = model.summary()
    assert {f"women_share[{g}]" for g in range(1, 9)} <= set(summary.index)
    assert "women_share" not in model.timeseries


@pytest.mark.slow
def test_a_small_rating_bias_compounds_up_the_hierarchy(tmp_path: Path) -> None:
    """Martell et al. (1996): a bias worth 1% of rating variance leaves the top level mostly
    men. 10 paired replications, 20 cycles: the top grade's share of women falls by more
    than 0.1 with a 95% paired interval below zero, and the bottom grade's does not fall."""
    scenario = load_scenario(SCENARIO)
    results = run_experiment(scenario, tmp_path / "gc", workers=2)
    table = compare(results.table("summary"), "fair", ["fair", "biased"])
    top = table.query("policy == 'biased' and measure == 'women_share[8]'").iloc[0]
    bottom = table.query("policy == 'biased' and measure == 'women_share[1]'").iloc[0]
    assert top["diff"] < -0.1 and top["diff_ci_high"] < 0
    assert bottom["diff_ci_low"] > -0.02
    meta = results.measures["women_share[8]"]
    assert meta.label == "Share of women: grade 8" and meta.unit == "share"
    assert "women_share[8]" in results.key_measures
    profiles = results.table("profiles")
    assert set(profiles["policy"]) == {"fair", "biased"} and len(profiles) == 2 * 10 * 21 * 8
