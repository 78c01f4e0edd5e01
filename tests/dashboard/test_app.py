"""The dashboard in headless Chromium: loading, redrawing, the what-if run and the CSV download."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from dashboard import components, ids
from orgsim.measures import KEY_MEASURES
from orgsim.results import load
from orgsim.verdict import from_results

pytestmark = pytest.mark.browser


def open_tab(dash, tab: str, graph: str) -> None:
    """Click a tab and wait until its graph is drawn (plotly.js loads in 2.5-3.5 s here)."""
    dash.wait_for_element(f"#{tab}", timeout=20).click()
    dash.wait_for_element(f"#{graph} .main-svg", timeout=20)


def lever_input(dash, name: str):
    """The <input> of a what-if number lever."""
    return dash.find_element(f'input[id*=\'"name":"{name}"\']')


def type_number(dash, name: str, value: int) -> None:
    """Replace a number lever's value (it commits on blur)."""
    box = lever_input(dash, name)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(value), Keys.TAB)


def wait_for_file(path: Path, timeout: float = 10) -> Path:
    """Wait until the browser has finished writing a download."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.is_file() and path.stat().st_size > 0:
            return path
        time.sleep(0.1)
    raise AssertionError(f"{path.name} was not downloaded; found {list(path.parent.iterdir())}")


def test_the_page_loads_an_experiment(start, results_root: Path) -> None:
    dash = start(results_root)
    dash.wait_for_element(f"#card-{KEY_MEASURES[0]}", timeout=20)
    assert dash.find_element(f"#{ids.EXPERIMENT}").text == "tiny"
    assert len(dash.find_elements(".card")) == len(KEY_MEASURES)
    cards = dash.find_element(f"#{ids.OVERVIEW_CARDS}").text
    assert "single-ladder" in cards and "genuine" in cards and "baseline" in cards
    verdict = dash.find_element(f"#{components.VERDICT_ID}")
    headline = from_results(load(results_root / "tiny")).headline
    assert verdict.text.startswith("Verdict\n" + headline)
    assert cards.startswith(verdict.text), "the verdict is at the top of the overview"
    first_card = dash.find_element(".card")
    assert verdict.location["y"] < first_card.location["y"]
    assert "3 replications" in dash.find_element(f"#{ids.EXPERIMENT_INFO}").text
    assert dash.find_element(f"#{ids.EMPTY_STATE}").get_attribute("hidden")
    assert dash.get_logs() == []


def test_switching_measure_redraws_the_time_series(start, results_root: Path) -> None:
    dash = start(results_root)
    open_tab(dash, ids.TAB_TIMESERIES, ids.TIMESERIES_GRAPH)
    title = f"#{ids.TIMESERIES_GRAPH} .gtitle"
    dash.wait_for_contains_text(title, "Mean engagement over time", timeout=10)
    dash.select_dcc_dropdown(f"#{ids.MEASURE}", value="Voluntary turnover")
    dash.wait_for_contains_text(title, "Voluntary turnover over time", timeout=10)
    assert "(share per year)" in dash.find_element(f"#{ids.TIMESERIES_GRAPH} .ytitle").text
    assert len(dash.find_elements(f"#{ids.TIMESERIES_GRAPH} .legendtext")) == 2
    assert dash.get_logs() == []


def year_box(dash) -> str:
    """The year typed in the year box, as the page holds it."""
    return dash.find_element(f"#{ids.YEAR_INPUT}").get_attribute("value")


def test_the_year_slider_redraws_the_pyramid(start, results_root: Path) -> None:
    dash = start(results_root)
    open_tab(dash, ids.TAB_BREAKDOWNS, ids.PYRAMID_GRAPH)
    title = f"#{ids.PYRAMID_GRAPH} .gtitle"
    dash.wait_for_contains_text(title, "(year 2)", timeout=10)
    assert year_box(dash) == "2"
    dash.find_element(f"#{ids.YEAR} [role=slider]").send_keys(Keys.HOME)
    dash.wait_for_contains_text(title, "(year 0)", timeout=10)
    dash.wait_for_contains_text(f"#{ids.HEATMAP_GRAPH} .gtitle", "(year 0)", timeout=10)
    assert year_box(dash) == "0"  # the box follows the slider
    assert dash.get_logs() == []


def test_enter_in_the_year_box_redraws(start, results_root: Path) -> None:
    dash = start(results_root)
    open_tab(dash, ids.TAB_BREAKDOWNS, ids.PYRAMID_GRAPH)
    title = f"#{ids.PYRAMID_GRAPH} .gtitle"
    dash.wait_for_contains_text(title, "(year 2)", timeout=10)
    box = dash.find_element(f"#{ids.YEAR_INPUT}")
    # the box is filled from the slider by a callback: type only once it holds the year, or
    # (on a busy machine) that callback can land after the typing and undo it
    WebDriverWait(dash.driver, 10).until(lambda _: box.get_attribute("value") == "2")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("1")
    WebDriverWait(dash.driver, 10).until(lambda _: box.get_attribute("value") == "1")
    time.sleep(1)  # typing alone redraws nothing
    assert "(year 2)" in dash.find_element(title).text
    box.send_keys(Keys.ENTER)  # the box keeps the focus: Enter alone commits the year
    dash.wait_for_contains_text(title, "(year 1)", timeout=20)  # a busy CI machine is slow
    dash.wait_for_contains_text(f"#{ids.HEATMAP_GRAPH} .gtitle", "(year 1)", timeout=20)
    dash.wait_for_contains_text(f"#{ids.RELUCTANT_GRAPH} .gtitle", "(year 1)", timeout=20)
    thumb = dash.find_element(f"#{ids.YEAR} [role=slider]")
    assert thumb.get_attribute("aria-valuenow") == "1"  # the slider follows the box
    assert dash.driver.switch_to.active_element == box
    assert dash.get_logs() == []


def test_a_whatif_runs_to_completion_and_its_results_appear(start, results_root: Path) -> None:
    dash = start(results_root)
    dash.wait_for_element(f"#{ids.TAB_WHATIF}", timeout=20).click()
    dash.wait_for_contains_text(f"#{ids.WHATIF_SOURCE_INFO}", "Starting from tiny", timeout=20)
    for name, value in (("size", 60), ("years", 1), ("replications", 2)):
        type_number(dash, name, value)
    dash.find_element(f"#{ids.WHATIF_RUN}").click()
    progress = "4 / 4 runs; over 2 replications: what-if: genuine against single-ladder: mean "
    dash.wait_for_contains_text(f"#{ids.WHATIF_PROGRESS_TEXT}", progress, timeout=60)
    dash.wait_for_contains_text(f"#{ids.WHATIF_STATUS}", "Finished", timeout=20)
    dash.wait_for_contains_text(f"#{ids.WHATIF_RESULT}", "Result: whatif-", timeout=20)
    (folder,) = results_root.glob("whatif-*")
    results = load(folder)
    assert results.policies == ["single-ladder", "what-if: genuine"]  # tiny's, one changed
    scenario = results.manifest["scenario"]
    assert scenario["organisation"]["size"] == 60
    assert scenario["policies"][1]["levers"]["specialist_share"] == 0.4  # as tiny stores it
    assert dash.find_element(f"#{ids.EXPERIMENT}").text == folder.name
    assert len(dash.find_elements(f"#{ids.WHATIF_RESULT} .card")) == len(KEY_MEASURES)
    assert dash.find_element(f"#{ids.WHATIF_PROGRESS}").get_attribute("value") == "4"
    assert dash.get_logs() == []


def test_the_csv_download_has_the_expected_columns(start, results_root: Path) -> None:
    dash = start(results_root)
    dash.wait_for_element(f"#card-{KEY_MEASURES[0]}", timeout=20)
    dash.find_element(f"#{ids.DOWNLOAD_CSV}").click()
    overview = pd.read_csv(wait_for_file(Path(dash.download_path) / "tiny-overview.csv"))
    assert list(overview.columns) == [
        "policy",
        "measure",
        "mean",
        "ci_low",
        "ci_high",
        "diff",
        "diff_ci_low",
        "diff_ci_high",
        "n",
        "runs",
        "label",
        "unit",
    ]
    assert set(overview["measure"]) == set(KEY_MEASURES)
    open_tab(dash, ids.TAB_TIMESERIES, ids.TIMESERIES_GRAPH)
    dash.find_element(f"#{ids.DOWNLOAD_CSV}").click()
    series = pd.read_csv(wait_for_file(Path(dash.download_path) / "tiny-over-time-engagement.csv"))
    assert list(series.columns) == ["policy", "month", "mean", "low", "high", "measure"]
    assert dash.get_logs() == []


def test_without_results_the_page_says_how_to_make_some(start, tmp_path: Path) -> None:
    dash = start(tmp_path / "no-results-yet")
    dash.wait_for_contains_text(f"#{ids.EMPTY_STATE}", "No results to show yet", timeout=20)
    assert "orgsim run" in dash.find_element(f"#{ids.EMPTY_STATE}").text
    assert dash.find_element(f"#{ids.WHATIF_RUN}").is_displayed()
    assert dash.find_elements(".main-svg") == []
    assert dash.get_logs() == []
