"""The Sweep and Sensitivity tabs: shown only where they apply, drawn in headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_text import wait_for_text_among

from dashboard import ids
from dashboard.callbacks import describe
from dashboard.data import Experiment
from orgsim.measures import KEY_MEASURES, MEASURES
from orgsim.overview import SAME_VERDICT, rules_text
from orgsim.results import load

PAY = "policy.specialist_pay_ratio"


def open_tab(dash: Any, tab: str, graph: str) -> None:
    """Click a tab and wait until its graph is drawn (plotly.js loads in 2.5-3.5 s here)."""
    dash.wait_for_element(f"#{tab}", timeout=20).click()
    dash.wait_for_element(f"#{graph} .main-svg", timeout=20)


def pick_experiment(dash: Any, name: str) -> None:
    """Choose an experiment once the page has loaded the first one."""
    dash.wait_for_element(f"#card-{KEY_MEASURES[0]}", timeout=20)
    dash.select_dcc_dropdown(f"#{ids.EXPERIMENT}", value=name)
    dash.wait_for_contains_text(f"#{ids.EXPERIMENT_INFO}", "over", timeout=10)


@pytest.mark.browser
def test_the_sweep_tab_draws_and_switching_parameter_redraws(start, sweeps_root: Path) -> None:
    dash = start(sweeps_root)
    dash.wait_for_element(f"#card-{KEY_MEASURES[0]}", timeout=20)
    assert not dash.find_element(f"#{ids.TAB_SWEEP}").is_displayed()  # 'tiny' is no sweep
    pick_experiment(dash, "tiny-sweep")
    assert not dash.find_element(f"#{ids.TAB_SENSITIVITY}").is_displayed()
    open_tab(dash, ids.TAB_SWEEP, ids.SWEEP_GRAPH)
    title = f"#{ids.SWEEP_GRAPH} .gtitle"
    dash.wait_for_contains_text(title, "Mean engagement by specialist pay ratio", timeout=10)
    axes = f"#{ids.SWEEP_GRAPH} .annotation-text"  # a sweep figure's axis titles
    wait_for_text_among(dash, axes, "Specialist pay ratio (ratio)")
    assert len(dash.find_elements(f"#{ids.SWEEP_GRAPH} .legendtext")) == 2
    dash.select_dcc_dropdown(f"#{ids.SWEEP_PARAMETER}", value="Specialist stigma (0..1)")
    dash.wait_for_contains_text(title, "Mean engagement by specialist stigma", timeout=10)
    wait_for_text_among(dash, axes, "Specialist stigma (0..1)")
    dash.select_dcc_dropdown(f"#{ids.SWEEP_MEASURE}", value="Voluntary turnover")
    dash.wait_for_contains_text(title, "Voluntary turnover by specialist stigma", timeout=10)
    dash.select_dcc_dropdown(f"#{ids.SWEEP_MEASURE}", value="Net value against the baseline")
    dash.wait_for_contains_text(title, "Net value against the baseline by specialist", 10)
    assert dash.get_logs() == []


def flipping_measure(folder: Path) -> str:
    """A key measure whose verdict flips between sampled worlds, else the second key one."""
    rules = load(folder).sensitivity().rules
    flips = [m for m in KEY_MEASURES if rules.get(m, SAME_VERDICT) != SAME_VERDICT]
    return (flips or [KEY_MEASURES[1]])[0]


@pytest.mark.browser
def test_the_sensitivity_tab_shows_bars_and_the_verdict_rules(start, sweeps_root: Path) -> None:
    folder = sweeps_root / "tiny-sensitivity"
    sens = load(folder).sensitivity()
    dash = start(sweeps_root)
    pick_experiment(dash, "tiny-sensitivity")
    assert dash.find_element(f"#{ids.TAB_SWEEP}").is_displayed()  # its design is a sweep too
    open_tab(dash, ids.TAB_SENSITIVITY, ids.SENSITIVITY_GRAPH)
    dash.wait_for_element(f"#{ids.ROBUSTNESS_GRAPH} .main-svg", timeout=20)
    dash.wait_for_contains_text(f"#{ids.SENSITIVITY_GRAPH} .gtitle", "mean engagement", timeout=10)
    assert len(dash.find_elements(f"#{ids.SENSITIVITY_GRAPH} .bars .point")) == 2
    robust = dash.find_elements(f"#{ids.ROBUSTNESS_GRAPH} .bars .point")
    assert len(robust) == len(sens.robustness)
    share = sens.robustness.set_index("measure")["share_better"]
    rules = f"#{ids.SENSITIVITY_RULES}"
    dash.wait_for_text_to_equal(rules, rules_text(sens.rules, "engagement", share["engagement"]))
    measure = flipping_measure(folder)
    dash.select_dcc_dropdown(f"#{ids.SENSITIVITY_MEASURE}", value=MEASURES[measure].label)
    expected = rules_text(sens.rules, measure, share.get(measure)).strip()
    dash.wait_for_text_to_equal(rules, expected, timeout=10)
    label = MEASURES[measure].label.lower()
    dash.wait_for_contains_text(f"#{ids.SENSITIVITY_GRAPH} .gtitle", label, timeout=10)
    assert dash.get_logs() == []


# --- the data behind the tabs (no browser) ------------------------------------------------------
def test_a_sweep_is_described_and_its_points_are_tabled(sweeps_root: Path) -> None:
    exp = Experiment(sweeps_root, "tiny-sweep")
    assert exp.swept == [PAY, "policy.specialist_stigma"] and exp.points == 3
    assert exp.sensitivity() is None
    assert "A sweep over 3 points: the Sweep tab tells them apart" in describe(exp)
    frame, what = exp.view_data(ids.TAB_SWEEP, "engagement", None)
    assert what == "sweep-points" and {"point", PAY, "mean", "diff"} <= set(frame.columns)
    assert Experiment(sweeps_root, "tiny").swept == []


def test_career_moves_of_a_sweep_are_per_run(sweeps_root: Path) -> None:
    exp = Experiment(sweeps_root, "tiny-sweep")
    links = exp.flow_links("genuine")
    events = exp.table("events")
    hires = ((events["policy"] == "genuine") & (events["event"] == "hire")).sum()
    runs = exp.run["replications"] * exp.points
    hired = links.loc[links["source"] == "hired", "value"].sum()
    assert hired == pytest.approx(hires / (runs * exp.run["years"]))


def test_a_sensitivity_analysis_offers_its_analysed_measures(sweeps_root: Path) -> None:
    exp = Experiment(sweeps_root, "tiny-sensitivity")
    sens = exp.sensitivity()
    options = exp.outcome_options(sens.indices["measure"])
    assert options[0] == {"label": "Mean engagement", "value": "engagement"}
    assert {o["value"] for o in options} == set(sens.indices["measure"])
    assert {"label": "Net value against the baseline", "value": "net_value"} in options
    frame, what = exp.view_data(ids.TAB_SENSITIVITY, "engagement", None)
    assert what == "sensitivity-indices" and len(frame) == len(sens.indices)
