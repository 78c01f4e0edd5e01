"""Measures by category: the Profiles tab (shown only where one exists) and the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from results_fixtures import make_profile_results

from dashboard import ids
from dashboard.callbacks_sweep import applies
from dashboard.data import Experiment
from orgsim import figures
from orgsim.report import render
from orgsim.results import load


@pytest.fixture(scope="module")
def profiles_root(shared_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """'tiny' (no measure by category) and 'glass-ceiling' (the share of women by grade)."""
    root = tmp_path_factory.mktemp("profiles") / "results"
    shutil.copytree(shared_root, root)
    make_profile_results(root)
    return root


def test_only_experiments_with_profiles_offer_the_tab(profiles_root: Path) -> None:
    assert applies(profiles_root, "glass-ceiling")[ids.TAB_PROFILES]
    assert not applies(profiles_root, "tiny")[ids.TAB_PROFILES]
    exp = Experiment(profiles_root, "glass-ceiling")
    assert exp.profile_options() == [{"label": "Share of women", "value": "women_share"}]


def test_the_profile_has_a_point_per_grade_and_policy(profiles_root: Path) -> None:
    exp = Experiment(profiles_root, "glass-ceiling")
    fig = figures.profile_figure(exp.comparison(), exp.results.measures["women_share"],
                                 exp.colours)  # fmt: skip
    assert [t.name for t in fig.data] == ["fair", "biased"]
    assert list(fig.data[0].x) == [str(g) for g in range(1, 9)]
    assert fig.layout.title.text.startswith("Share of women by grade")
    means = exp.comparison().set_index(["policy", "measure"])["mean"]
    assert fig.data[1].y[7] == pytest.approx(means["biased", "women_share[8]"])


def test_the_report_shows_the_profile(profiles_root: Path) -> None:
    html = render(load(profiles_root / "glass-ceiling"))
    assert "<h2>Profiles</h2>" in html and "Share of women by grade" in html
    assert "<h2>Profiles</h2>" not in render(load(profiles_root / "tiny"))


@pytest.mark.browser
def test_the_profiles_tab_draws_the_profile(start, profiles_root: Path) -> None:
    dash = start(profiles_root)
    dash.wait_for_element(f"#{ids.EXPERIMENT}", timeout=20)
    dash.select_dcc_dropdown(f"#{ids.EXPERIMENT}", value="glass-ceiling")
    dash.wait_for_contains_text(f"#{ids.EXPERIMENT_INFO}", "baseline fair", timeout=20)
    dash.find_element(f"#{ids.EXPERIMENT_INFO}").click()  # close the dropdown's list
    tab = dash.wait_for_element(f"#{ids.TAB_PROFILES}", timeout=20)
    assert tab.is_displayed()
    tab.click()
    dash.wait_for_element(f"#{ids.PROFILE_GRAPH} .main-svg", timeout=20)
    dash.wait_for_contains_text(f"#{ids.PROFILE_GRAPH} .gtitle", "Share of women by grade", 10)
    assert len(dash.find_elements(f"#{ids.PROFILE_GRAPH} .legendtext")) == 2
    assert dash.get_logs() == []
