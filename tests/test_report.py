"""The HTML report: one self-contained file, built with the dashboard's figure builders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from results_fixtures import SENSITIVITY, make_results

from orgsim import figures, report
from orgsim.measures import KEY_MEASURES
from orgsim.money import format_money
from orgsim.results import load

#: Time series of the key measures (not the horizon-only correlation), a Sankey per policy,
#: and the Peter-principle view.
FIGURES = (len(KEY_MEASURES) - 1) + 2 + 1


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the tiny two-policy experiment."""
    folder = make_results(tmp_path_factory.mktemp("results"))
    return report.write_report(folder, folder.parent / "report.html")


def test_the_report_is_one_self_contained_file(written: Path) -> None:
    html = written.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html), "nothing is fetched"
    assert html.count("Plotly.newPlot(") == FIGURES


def test_the_report_tells_the_main_differences_with_intervals(written: Path) -> None:
    html = written.read_text(encoding="utf-8")
    assert "What the experiment found" in html
    assert "Compared with single-ladder, genuine" in html
    assert re.search(r"\[[-+]\d", html), "differences carry their intervals"
    assert html.count("class='card'") == len(KEY_MEASURES)


def test_the_report_uses_the_dashboard_figure_builders(
    written: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    for name in ("timeseries_figure", "flows_figure", "peter_figure"):
        real = getattr(figures, name)
        monkeypatch.setattr(
            figures, name, lambda *a, _r=real, _n=name, **k: calls.append(_n) or _r(*a, **k)
        )
    report.render(load(written.parent / "tiny"))
    assert calls.count("timeseries_figure") == len(KEY_MEASURES) - 1
    assert calls.count("flows_figure") == 2 and calls.count("peter_figure") == 1


def test_a_valued_folder_backs_its_money_figures_in_the_report(written: Path, tmp_path) -> None:
    import shutil

    from orgsim.money import value_folder

    folder = tmp_path / "valued"
    shutil.copytree(written.parent / "tiny", folder)
    before = report.render(load(folder))
    assert "The business case" not in before and "Money assumptions" not in before
    valuation = value_folder(folder)
    html = report.render(load(folder)).replace("&#x27;", "'")
    net = valuation.comparison().query("policy == 'genuine' and measure == 'net_value'").iloc[0]
    assert f"{format_money(net['diff'], 'GBP', sign=True)} <small>[" in html
    assert "<h2>The business case (GBP)</h2>" in html and "Payback" in html
    assert "Business case: where the money comes and goes" in html
    assert "Cumulative net value against the baseline" in html
    assert "<td>Discount rate</td><td>3.5%</td><td>per year</td>" in html
    assert html.count("Plotly.newPlot(") == FIGURES + 2
    # the verdict's net value is the one in the table
    assert html.index("Net value against the baseline") < html.index("<h2>The business case")


def test_a_sensitivity_of_two_policies_reports_the_ruled_ones_rules(tmp_path: Path) -> None:
    from orgsim.scenario import parse_scenario
    from orgsim.sensitivity import run_sensitivity

    two = SENSITIVITY.replace(
        "  - {name: genuine, base: genuine-dual-track}\n",
        "  - {name: genuine, base: genuine-dual-track}\n  - {name: ask, base: ask-the-question}\n",
    )
    folder = tmp_path / "two"
    run_sensitivity(parse_scenario(two), folder, samples=2, workers=1)
    sens = load(folder).sensitivity()
    assert sens.ruled_policy == "genuine" and set(sens.robustness["policy"]) == {"genuine", "ask"}
    html = report.render(load(folder))  # it failed: one share per policy for each measure
    assert "When does the verdict on mean engagement for genuine flip?" in html


@pytest.mark.browser
def test_the_report_opens_offline_in_chromium_and_shows_its_figures(dash_br, written) -> None:
    dash_br.driver.set_network_conditions(
        offline=True, latency=0, download_throughput=0, upload_throughput=0
    )
    dash_br.driver.get(written.as_uri())
    dash_br.wait_for_element(".js-plotly-plot .main-svg", timeout=20)
    plots = dash_br.find_elements(".js-plotly-plot")
    assert len(plots) == FIGURES
    assert all(p.find_elements("css selector", ".main-svg") for p in plots)
    assert "Do the best performers make the best managers?" in dash_br.driver.page_source
    assert dash_br.get_logs() == []
