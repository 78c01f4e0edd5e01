"""Sweep and sensitivity views: reading the folders, the figure builders and the report sections.

The builders are shared by the dashboard and the report; they are checked on a small sweep and
a small Morris analysis, and on hand-made tables where a case needs a particular shape.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from results_fixtures import make_sensitivity_results, make_sweep_results

from orgsim import figures, report
from orgsim.figures_sweep import (
    MAX_PANELS,
    parameter_label,
    parameter_name,
    point_count,
    robustness_figure,
    sensitivity_figure,
    sweep_figure,
)
from orgsim.measures import MEASURES
from orgsim.overview import rules_text
from orgsim.results import Results, ResultsError, compare_points, load

PAY, STIGMA = "policy.specialist_pay_ratio", "policy.specialist_stigma"
COLOURS = figures.policy_colours(["single-ladder", "genuine"])
ENGAGEMENT = MEASURES["engagement"]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sweep (3 points x 2 policies x 2 replications) and a Morris analysis (6 worlds)."""
    root = tmp_path_factory.mktemp("results")
    make_sweep_results(root)
    make_sensitivity_results(root)
    return root


@pytest.fixture(scope="module")
def sweep(root: Path) -> Results:
    return load(root / "tiny-sweep")


@pytest.fixture(scope="module")
def sensitivity(root: Path) -> Results:
    return load(root / "tiny-sensitivity")


def points_table(
    values: dict[str, list[float]], policies: tuple[str, ...] = ("single-ladder", "genuine")
) -> pd.DataFrame:
    """A compare_points()-shaped table over the grid of ``values``: mean = sum of the values."""
    rows = []
    for point, combo in enumerate(itertools.product(*values.values())):
        for policy in policies:
            mean = sum(combo) + (policy == "genuine")
            rows.append(dict(point=point, **dict(zip(values, combo, strict=True)), policy=policy,
                             measure="engagement", mean=mean, ci_low=mean - 0.1,
                             ci_high=mean + 0.1, diff=0.0, diff_ci_low=0.0,
                             diff_ci_high=0.0))  # fmt: skip
    return pd.DataFrame(rows)


def lines(fig: go.Figure) -> list:
    """The mean lines of a sweep figure (not the invisible band edges)."""
    return [t for t in fig.data if t.mode == "lines+markers"]


# --- reading ------------------------------------------------------------------------------------
def test_a_sensitivity_folder_reads_its_indices_robustness_and_rules(sensitivity, sweep) -> None:
    sens = sensitivity.sensitivity()
    assert {"mu_star", "mu_star_conf", "parameter"} <= set(sens.indices.columns)
    assert set(sens.indices["parameter"]) == {"workforce.share_wanting_to_lead", PAY}
    assert sens.robustness["share_better"].between(0, 1).all()
    assert set(sens.rules) == set(sens.robustness["measure"])
    assert sweep.sensitivity() is None


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "rules.json").write_text("{not json"), "rules.json: corrupt rules"),
        (lambda f: (f / "rules.json").write_text('["a"]'), "expected measure -> text"),
        (lambda f: (f / "robustness.parquet").unlink(), "robustness.parquet: missing"),
        (lambda f: (f / "sensitivity.parquet").write_bytes(b"junk"), "corrupt Parquet"),
        (
            lambda f: (
                pd.read_parquet(f / "robustness.parquet")
                .drop(columns="worlds")
                .to_parquet(f / "robustness.parquet")
            ),
            "no column worlds",
        ),
    ],
)
def test_a_damaged_sensitivity_folder_is_refused(root, tmp_path, damage, message) -> None:
    folder = Path(shutil.copytree(root / "tiny-sensitivity", tmp_path / "copy"))
    damage(folder)
    with pytest.raises(ResultsError, match=message):
        load(folder).sensitivity()


def test_point_count_counts_sweep_points(sweep: Results) -> None:
    assert point_count(sweep.table("summary")) == 3
    assert point_count(pd.DataFrame({"policy": ["a"]})) == 1


# --- sweep figure -------------------------------------------------------------------------------
def test_parameter_labels_carry_the_unit_of_their_definition() -> None:
    assert parameter_label(PAY) == "Specialist pay ratio (ratio)"
    assert parameter_label(STIGMA) == "Specialist stigma (0..1)"
    assert parameter_label("organisation.size").startswith("Size (")


def test_the_sweep_figure_draws_each_policy_against_the_parameter(sweep: Results) -> None:
    table = compare_points(sweep.table("summary"), sweep.baseline, sweep.policies)
    colours = figures.policy_colours(sweep.policies)
    fig = sweep_figure(table, ENGAGEMENT, PAY, colours)
    assert [t.name for t in lines(fig)] == sweep.policies
    assert [t.line.color for t in lines(fig)] == list(colours.values())
    assert len([t for t in fig.data if t.fill == "tonexty"]) == len(sweep.policies)
    rows = table[(table["measure"] == "engagement") & (table["policy"] == "genuine")]
    rows = rows.sort_values(PAY)
    np.testing.assert_allclose(lines(fig)[1].x, rows[PAY])
    np.testing.assert_allclose(lines(fig)[1].y, rows["mean"])
    axes = [a.text for a in fig.layout.annotations]
    assert axes == ["Specialist pay ratio (ratio)", "Mean engagement (0..1)"]
    assert fig.layout.title.text == "Mean engagement by specialist pay ratio"
    assert "specialist stigma" in fig.layout.title.subtitle.text  # how the others were handled


def test_a_grid_sweep_has_a_panel_per_value_of_the_other_parameter() -> None:
    table = points_table({PAY: [0.7, 0.85, 1.0], STIGMA: [0.0, 0.25, 0.5]})
    fig = sweep_figure(table, ENGAGEMENT, PAY, COLOURS)
    titles = [a.text for a in fig.layout.annotations][:3]
    assert titles == [
        "Specialist stigma = 0",
        "Specialist stigma = 0.25",
        "Specialist stigma = 0.5",
    ]
    assert len(lines(fig)) == 3 * 2
    assert [t.name for t in lines(fig) if t.showlegend] == list(COLOURS)
    last = lines(fig)[-1]  # genuine at stigma 0.5: pay + 0.5 + 1
    np.testing.assert_allclose(last.y, [2.2, 2.35, 2.5])
    assert fig.layout.title.subtitle.text.startswith("One panel per value of specialist stigma")


def test_many_other_points_are_averaged_at_each_value() -> None:
    others = list(np.linspace(0, 0.7, MAX_PANELS + 2))
    table = points_table({PAY: [0.7, 1.0], STIGMA: others})
    fig = sweep_figure(table, ENGAGEMENT, PAY, COLOURS)
    assert len(lines(fig)) == 2
    np.testing.assert_allclose(lines(fig)[0].y, [0.7 + np.mean(others), 1.0 + np.mean(others)])
    assert "averaged" in fig.layout.title.subtitle.text


def test_a_single_swept_parameter_has_no_note_on_others() -> None:
    fig = sweep_figure(points_table({PAY: [0.7, 1.0]}), ENGAGEMENT, PAY, COLOURS)
    assert fig.layout.title.subtitle.text == "Line: mean over replications. Shaded: 95% interval."


# --- sensitivity and robustness figures ---------------------------------------------------------
def test_morris_indices_are_bars_with_intervals(sensitivity: Results) -> None:
    indices = sensitivity.sensitivity().indices
    m = MEASURES["voluntary_turnover"]
    (bars,) = sensitivity_figure(indices, m).data
    rows = indices[indices["measure"] == m.name].sort_values("mu_star")
    assert bars.orientation == "h"
    assert list(bars.y) == [parameter_name(p) for p in rows["parameter"]]  # largest on top
    np.testing.assert_allclose(bars.x, rows["mu_star"])
    np.testing.assert_allclose(bars.error_x.array, rows["mu_star_conf"])
    fig = sensitivity_figure(indices, m)
    assert "(share per year)" in fig.layout.xaxis.title.text
    assert fig.layout.title.text.startswith("What moves the difference in voluntary turnover")


def test_sobol_indices_show_first_order_and_total_effects() -> None:
    indices = pd.DataFrame(
        dict(measure="engagement", parameter=[PAY, STIGMA], method="sobol", policy="genuine",
             S1=[0.6, 0.1], S1_conf=[0.1, 0.05], ST=[0.7, 0.2], ST_conf=[0.1, 0.05])
    )  # fmt: skip
    fig = sensitivity_figure(indices, ENGAGEMENT)
    assert [t.name for t in fig.data] == [
        "Alone (first order, S1)",
        "With interactions (total, ST)",
    ]
    assert list(fig.data[1].y) == ["Specialist stigma", "Specialist pay ratio"]  # largest on top
    np.testing.assert_allclose(fig.data[1].error_x.array, [0.05, 0.1])
    assert fig.layout.xaxis.title.text == "Share of the difference's variance (0..1)"


def test_a_measure_without_indices_says_so(sensitivity: Results) -> None:
    fig = sensitivity_figure(sensitivity.sensitivity().indices, MEASURES["engagement_specialist"])
    assert fig.data == () and "undefined" in fig.layout.annotations[0].text


def test_robustness_is_the_share_of_worlds_won_per_measure(sensitivity: Results) -> None:
    rob = sensitivity.sensitivity().robustness
    meta = sensitivity.outcome_measures
    fig = robustness_figure(rob, meta, figures.policy_colours(sensitivity.policies))
    (bars,) = fig.data
    assert sorted(bars.y) == sorted(meta[m].label for m in rob["measure"])
    assert "Net value against the baseline" in bars.y
    assert list(bars.x) == sorted(rob["share_better"])  # the most robust on top
    assert bars.marker.color == figures.PALETTE[1] and fig.layout.xaxis.tickformat == ".0%"
    assert "6 sampled worlds" in fig.layout.title.subtitle.text


def test_the_verdict_rules_are_explained_in_words() -> None:
    rules = {"engagement": "same verdict in every sampled world", "team_output": "|--- x <= 1"}
    assert rules_text(rules, "team_output") == "|--- x <= 1"
    assert "in all of them" in rules_text(rules, "engagement", 1.0)
    assert "in none of them" in rules_text(rules, "engagement", 0.0)
    assert rules_text(rules, "peter_signature").startswith("No verdict rules")


def test_the_builders_do_not_modify_their_inputs(sweep: Results, sensitivity: Results) -> None:
    table = compare_points(sweep.table("summary"), sweep.baseline, sweep.policies)
    sens = sensitivity.sensitivity()
    copies = [df.copy() for df in (table, sens.indices, sens.robustness)]
    sweep_figure(table, ENGAGEMENT, PAY, COLOURS)
    sensitivity_figure(sens.indices, ENGAGEMENT)
    robustness_figure(sens.robustness, sensitivity.measures, COLOURS)
    for before, after in zip(copies, (table, sens.indices, sens.robustness), strict=True):
        pd.testing.assert_frame_equal(before, after)


# --- report -------------------------------------------------------------------------------------
def test_the_report_of_a_sweep_shows_the_measures_across_it(sweep: Results) -> None:
    html = report.render(sweep)
    assert "Across the sweep" in html and "Swept over 3 points" in html
    assert "Mean engagement by specialist pay ratio" in html
    assert "Sensitivity and robustness" not in html


def test_the_report_of_a_sensitivity_analysis_shows_indices_and_rules(
    sensitivity: Results,
) -> None:
    html = report.render(sensitivity)
    sens = sensitivity.sensitivity()
    assert "Sensitivity and robustness" in html and "Across the sweep" not in html
    assert "In how many plausible worlds does genuine beat the baseline?" in html
    assert html.count("<pre class='rules'>") == sens.indices["measure"].nunique()
