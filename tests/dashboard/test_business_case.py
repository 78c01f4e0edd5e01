"""The Business case tab: the waterfall and cumulative net value builders, re-valuing with the
money sliders (no simulation), and the tab in the browser."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from browser_text import texts
from selenium.webdriver.common.keys import Keys

from dashboard import ids
from dashboard.data import Experiment, money_from_sliders, slider_values
from orgsim import figures
from orgsim.money import COSTS, value_folder, value_results
from orgsim.results import load

COLOURS = {"base": "#0072B2", "dual": "#E69F00"}
# per year over the horizon, two replications: known differences from the baseline
FLOWS = {  # measure: (base r0, base r1, dual r0, dual r1)
    "pay_bill": (1000.0, 1100.0, 1200.0, 1300.0),  # +200
    "replacement_cost": (100.0, 120.0, 50.0, 70.0),  # -50
    "vacancy_cost": (80.0, 80.0, 60.0, 40.0),  # -30
    "ramp_up_cost": (30.0, 30.0, 40.0, 40.0),  # +10
    "development_cost": (0.0, 0.0, 20.0, 20.0),  # +20
    "output_value": (2000.0, 2100.0, 2500.0, 2600.0),  # +500
}
NET = 500 - (200 - 50 - 30 + 10 + 20)  # 350


def money_summary() -> pd.DataFrame:
    rows = []
    for measure, values in FLOWS.items():
        for (policy, rep), v in zip(
            [("base", 0), ("base", 1), ("dual", 0), ("dual", 1)], values, strict=True
        ):
            rows.append((policy, rep, measure, v))
    rows += [("base", r, "net_value", 0.0) for r in (0, 1)]
    rows += [("dual", 0, "net_value", NET - 10.0), ("dual", 1, "net_value", NET + 10.0)]
    return pd.DataFrame(rows, columns=["policy", "replication", "measure", "value"])


def money_yearly() -> pd.DataFrame:
    net = {("dual", 0): [-100.0, 50.0, 200.0], ("dual", 1): [-50.0, 100.0, 300.0],
           ("base", 0): [0.0] * 3, ("base", 1): [0.0] * 3}  # fmt: skip
    rows = [(p, r, y + 1, "net_value", v) for (p, r), vs in net.items() for y, v in enumerate(vs)]
    rows += [("dual", 0, 1, "pay_bill", 5.0)]  # other measures are ignored
    return pd.DataFrame(rows, columns=["policy", "replication", "year", "measure", "value"])


def test_the_waterfall_steps_add_up_to_the_net_value() -> None:
    fig = figures.waterfall_figure(money_summary(), "base", COLOURS, "GBP")
    (trace,) = fig.data
    assert list(trace.x) == [
        "Output value gain",
        "Pay bill",
        "Replacement",
        "Vacancies",
        "Ramp-up",
        "Development",
        "Net value per year",
    ]
    assert list(trace.y[:-1]) == pytest.approx([500, -200, 50, 30, -10, -20])
    assert trace.measure[-1] == "total"
    assert trace.y[-1] == pytest.approx(NET)
    assert trace.y[-1] == pytest.approx(sum(trace.y[:-1]))
    assert trace.text[-1] == "+£350"
    assert "dual vs base" in [a.text for a in fig.layout.annotations]


def test_the_cumulative_net_value_has_a_band_per_compared_policy() -> None:
    bands = figures.cumulative_net_value(money_yearly()).set_index(["policy", "year"])
    assert bands.loc[("dual", 3), "mean"] == pytest.approx((150 + 350) / 2)
    assert bands.loc[("dual", 1), "low"] < -75 < bands.loc[("dual", 1), "high"]
    fig = figures.net_value_figure(money_yearly(), "base", COLOURS, "GBP")
    (line,) = [t for t in fig.data if t.name == "dual"]
    assert list(line.x) == [1, 2, 3]
    assert list(line.y) == pytest.approx([-75, 0, 250])
    assert len(fig.data) == 3, "a band (two edges) and a line for the one compared policy"
    assert "base" not in [t.name for t in fig.data]


@pytest.fixture(scope="module")
def money_root(shared_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """'tiny' with its money tables stored (as ``orgsim run`` writes them), and 'bare' without."""
    root = tmp_path_factory.mktemp("money") / "results"
    shutil.copytree(shared_root, root)
    shutil.copytree(root / "tiny", root / "bare")
    value_folder(root / "tiny")
    return root


def test_the_stored_money_tables_are_read_and_a_folder_without_is_valued(money_root: Path) -> None:
    tiny, bare = Experiment(money_root, "tiny"), Experiment(money_root, "bare")
    assert tiny.stored_valuation() is not None and bare.stored_valuation() is None
    assert tiny.valuation() is tiny.stored_valuation()
    pd.testing.assert_frame_equal(bare.valuation().summary, tiny.valuation().summary)


def test_a_slider_revalues_without_touching_the_stored_results(money_root: Path) -> None:
    exp = Experiment(money_root, "tiny")
    base = exp.base_money()
    timeseries = exp.table("timeseries").copy()
    before = exp.valuation().summary.groupby(["policy", "measure"])["value"].mean()
    values = slider_values(base) | {"output_value_multiple": 2 * base.output_value_multiple}
    doubled = exp.valuation(money_from_sliders(base, values))
    after = doubled.summary.groupby(["policy", "measure"])["value"].mean()
    gain = lambda s: s["genuine", "output_value"] - s["single-ladder", "output_value"]  # noqa: E731
    assert gain(after) == pytest.approx(2 * gain(before))
    assert after["genuine", "pay_bill"] == pytest.approx(before["genuine", "pay_bill"])
    costs = lambda s, p: sum(s[p, c] for c in COSTS)  # noqa: E731
    pnl = lambda s, p: s[p, "output_value"] - costs(s, p)  # noqa: E731
    assert after["genuine", "net_value"] == pytest.approx(
        pnl(after, "genuine") - pnl(after, "single-ladder")
    )
    pd.testing.assert_frame_equal(exp.table("timeseries"), timeseries)
    # the same as valuing the folder with that money section from disk
    ref = value_results(load(money_root / "tiny"), doubled.money)
    pd.testing.assert_frame_equal(doubled.summary, ref.summary)
    # a scaled fill cost scales the replacement cost; the discount rate only moves npv
    scaled = values | {"fill_cost_scale": 3.0, "discount_rate": 0.1}
    tripled = exp.valuation(money_from_sliders(base, scaled)).summary
    tripled = tripled.groupby(["policy", "measure"])["value"].mean()
    assert tripled["genuine", "replacement_cost"] == pytest.approx(
        3 * after["genuine", "replacement_cost"]
    )
    assert tripled["genuine", "net_value"] != pytest.approx(after["genuine", "net_value"])


def test_an_out_of_range_money_value_is_named_not_dumped(money_root: Path) -> None:
    from test_bounds import post

    from dashboard import create_app
    from dashboard.data import MONEY_SLIDERS

    app = create_app(money_root)
    values = {"grade1_salary": -5.0, "on_cost_rate": 0.25, "output_value_multiple": 2.0,
              "fill_cost_scale": 1.0, "discount_rate": 0.035}  # fmt: skip
    inputs = [(ids.EXPERIMENT, "value", "tiny")]
    inputs += [(ids.money_slider(n), "value", values[n]) for n in MONEY_SLIDERS]
    response = post(app, f"{ids.MONEY_STATUS}.children", inputs)
    assert response.status_code == 200
    text = response.get_json()["response"][ids.MONEY_STATUS]["children"]
    assert text.startswith("Cannot value with these settings: ")
    assert "salary" in text and "pydantic" not in text and "validation error" not in text


def test_a_sweep_is_revalued_with_each_points_values(sweeps_root: Path) -> None:
    """Re-valuing a sweep or a sensitivity analysis reads each run's name only and joins the
    points' swept values: the same tables as valuing the folder from disk."""
    for name in ("tiny-sweep", "tiny-sensitivity"):
        exp = Experiment(sweeps_root, name)
        base = exp.base_money()
        values = slider_values(base) | {"output_value_multiple": 3 * base.output_value_multiple}
        got = exp.valuation(money_from_sliders(base, values))
        ref = value_results(load(sweeps_root / name), got.money)
        pd.testing.assert_frame_equal(got.summary, ref.summary)
        pd.testing.assert_frame_equal(got.yearly, ref.yearly)
        swept = [c for c in exp.table("summary").columns if "." in c]
        assert swept and set(swept) <= set(got.summary.columns), name


@pytest.mark.browser
def test_the_business_case_tab_redraws_when_a_slider_moves(start, money_root: Path) -> None:
    dash = start(money_root)
    dash.wait_for_element(f"#{ids.EXPERIMENT}", timeout=20)
    dash.select_dcc_dropdown(f"#{ids.EXPERIMENT}", value="tiny")
    dash.wait_for_contains_text(f"#{ids.EXPERIMENT_INFO}", "baseline single-ladder", timeout=20)
    dash.find_element(f"#{ids.EXPERIMENT_INFO}").click()  # close the dropdown's list
    dash.wait_for_element(f"#{ids.TAB_MONEY}", timeout=20).click()
    dash.wait_for_element(f"#{ids.MONEY_WATERFALL} .main-svg", timeout=20)
    # generous waits: valuing the folder's runs takes seconds on a loaded 2-core machine
    dash.wait_for_contains_text(f"#{ids.MONEY_WATERFALL} .gtitle", "Business case", timeout=30)
    dash.wait_for_contains_text(f"#{ids.MONEY_NET} .gtitle", "Cumulative net value", 30)
    dash.wait_for_contains_text(f"#{ids.MONEY_STATUS}", "stored with the results", 30)
    value = f"#{ids.money_value('output_value_multiple')}"
    dash.wait_for_contains_text(value, "2 multiple of salary (range 0 to 6)", timeout=10)
    bars = f"#{ids.MONEY_WATERFALL} .waterfalllayer .bartext"
    dash.wait_for_element(bars, timeout=10)
    before = texts(dash, bars)
    assert len(before) == 7 and before[-1]
    handle = dash.find_element(f"#{ids.money_slider('output_value_multiple')} [role=slider]")
    moved = time.monotonic()
    handle.send_keys(Keys.END)
    end = moved + 10
    while texts(dash, bars) == before and time.monotonic() < end:
        time.sleep(0.02)
    round_trip = time.monotonic() - moved
    print(f"slider round trip (browser, redrawn): {round_trip:.2f} s")
    after = texts(dash, bars)
    dash.wait_for_contains_text(value, "6 multiple of salary", timeout=10)
    dash.wait_for_contains_text(f"#{ids.MONEY_STATUS}", "Re-valued", timeout=10)
    assert after != before and after[1] == before[1], "output gain moves, the pay bill does not"
    dash.find_element(f"#{ids.MONEY_RESET}").click()
    dash.wait_for_contains_text(value, "2 multiple of salary", timeout=10)
    assert dash.get_logs() == []


@pytest.mark.browser
def test_the_tab_values_a_folder_without_money_results(start, money_root: Path) -> None:
    dash = start(money_root)
    dash.wait_for_element(f"#{ids.EXPERIMENT}", timeout=20)
    dash.select_dcc_dropdown(f"#{ids.EXPERIMENT}", value="bare")
    dash.wait_for_contains_text(f"#{ids.EXPERIMENT_INFO}", "baseline single-ladder", timeout=20)
    dash.find_element(f"#{ids.EXPERIMENT_INFO}").click()
    dash.wait_for_element(f"#{ids.TAB_MONEY}", timeout=20).click()
    dash.wait_for_element(f"#{ids.MONEY_NET} .main-svg", timeout=20)
    dash.wait_for_contains_text(f"#{ids.MONEY_STATUS}", "No money results are stored", 10)
    assert dash.get_logs() == []
