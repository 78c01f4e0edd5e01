"""The Fit tab: observed against simulated, shown only for an experiment holding fit.parquet."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from browser_text import texts, wait_for_text_among
from dash.testing.wait import until
from test_figures_fit import fit_table as figure_table
from test_sweep_tabs import open_tab

from dashboard import ids
from dashboard.callbacks_sweep import applies
from dashboard.data import Experiment
from orgsim.figures_fit import TITLE
from orgsim.fit.posterior import FIT_TABLE
from orgsim.measures import KEY_MEASURES
from orgsim.results import ResultsError

SUMMARY = "2 of 3 statistics inside the simulated 90% band; outside: Promotions per person."


def fit_table() -> pd.DataFrame:
    """A small fit.parquet table: the figure tests' first 3 statistics, promotions outside its
    band."""
    return figure_table().iloc[:3].reset_index(drop=True)


def fitted_copy(root: Path, name: str = "tiny-fit") -> Path:
    """A copy of 'tiny' that holds a fit's check, as ``orgsim run`` leaves one."""
    folder = root / name
    shutil.copytree(root / "tiny", folder)
    fit_table().to_parquet(folder / FIT_TABLE, index=False)
    return folder


def choose(dash: Any, name: str) -> None:
    """Choose an experiment once the page has loaded the first one."""
    dash.wait_for_element(f"#card-{KEY_MEASURES[0]}", timeout=20)
    dash.select_dcc_dropdown(f"#{ids.EXPERIMENT}", value=name)


def fit_tab_shown(dash: Any) -> bool:
    """Whether the Fit tab is displayed."""
    return dash.find_element(f"#{ids.TAB_FIT}").is_displayed()


def test_the_fit_table_is_read_when_present(results_root: Path) -> None:
    fitted_copy(results_root)
    exp = Experiment(results_root, "tiny-fit")
    assert exp.has_fit
    pd.testing.assert_frame_equal(exp.fit(), fit_table())
    assert exp.fit() is exp.fit()  # cached
    frame, what = exp.view_data(ids.TAB_FIT, "engagement", None)
    assert what == "fit-observed-against-simulated"  # the tab's CSV is the fit table
    pd.testing.assert_frame_equal(frame, fit_table())
    assert applies(results_root, "tiny-fit")[ids.TAB_FIT]


def test_no_fit_table_gives_none_and_no_tab(results_root: Path) -> None:
    exp = Experiment(results_root, "tiny")
    assert not exp.has_fit and exp.fit() is None
    assert not applies(results_root, "tiny")[ids.TAB_FIT]
    _, what = exp.view_data(ids.TAB_FIT, "engagement", None)
    assert what == "overview"


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not parquet at all"),
        lambda path: fit_table().drop(columns="inside").to_parquet(path),
        lambda path: fit_table().assign(observed="high").to_parquet(path),
    ],
    ids=["not-parquet", "no-column", "not-numeric"],
)
def test_a_corrupt_fit_table_is_named(results_root: Path, damage) -> None:
    folder = fitted_copy(results_root)
    damage(folder / FIT_TABLE)
    exp = Experiment(results_root, "tiny-fit")
    with pytest.raises(ResultsError, match=r"tiny-fit/fit\.parquet: corrupt"):
        exp.fit()
    assert applies(results_root, "tiny-fit")[ids.TAB_FIT]  # shown, to say what is wrong


@pytest.mark.browser
def test_the_fit_tab_shows_only_for_a_fitted_experiment(start, results_root: Path) -> None:
    fitted_copy(results_root)
    dash = start(results_root)
    choose(dash, "tiny-fit")
    until(lambda: fit_tab_shown(dash), timeout=10)
    open_tab(dash, ids.TAB_FIT, ids.FIT_GRAPH)
    dash.wait_for_text_to_equal(f"#{ids.FIT_SUMMARY}", SUMMARY, timeout=10)
    wait_for_text_among(dash, f"#{ids.FIT_GRAPH} .gtitle", TITLE)
    ticks = wait_for_text_among(
        dash, f"#{ids.FIT_GRAPH} .yaxislayer-above text", "Promotions per person ✗"
    )
    assert "Mean engagement" in ticks and "Voluntary leavers per person" in ticks
    legend = texts(dash, f"#{ids.FIT_GRAPH} .legendtext")
    assert legend == ["Simulated: median and 90% band", "Observed: inside the band",
                      "Observed: outside the band"]  # fmt: skip
    dash.select_dcc_dropdown(
        f"#{ids.EXPERIMENT}", value="tiny"
    )  # the tab does not apply: hidden, and back to the overview
    until(lambda: not fit_tab_shown(dash), timeout=10)
    assert dash.find_element(f"#{ids.TABS} .tab--selected").text == "Overview"
    until(lambda: not dash.redux_state_is_loading, timeout=20)  # let tiny's callbacks finish
    assert dash.get_logs() == []


@pytest.mark.browser
def test_a_corrupt_fit_table_is_named_in_the_tab(start, results_root: Path) -> None:
    folder = fitted_copy(results_root)
    (folder / FIT_TABLE).write_bytes(b"not parquet at all")
    dash = start(results_root)
    choose(dash, "tiny-fit")
    until(lambda: fit_tab_shown(dash), timeout=10)
    open_tab(dash, ids.TAB_FIT, ids.FIT_GRAPH)
    dash.wait_for_contains_text(f"#{ids.FIT_SUMMARY}", "Could not read the fit's check", 10)
    shown = dash.find_element(f"#{ids.FIT_SUMMARY}").text
    assert "tiny-fit/fit.parquet: corrupt Parquet file" in shown
    assert dash.find_element(f"#{ids.PAGE_ERROR}").get_attribute("hidden")
    until(lambda: not dash.redux_state_is_loading, timeout=20)
