"""The fit's check as a figure (orgsim.figures_fit): observed against simulated per statistic."""

from __future__ import annotations

import pandas as pd

from orgsim.figures import PALETTE
from orgsim.figures_fit import FIT_COLUMNS, NAMES, TITLE, fit_figure, fit_summary


def fit_table() -> pd.DataFrame:
    """A fit.parquet-shaped table: 4 statistics in 3 groups, one outside its band."""
    rows = [
        ("voluntary_rate", "Voluntary leavers per person", "leavers", "share per year", True,
         0.12, 0.11, 0.08, 0.14, True),
        ("promotion_rate", "Promotions per person", "promotions", "share per year", True,
         0.20, 0.10, 0.05, 0.15, False),
        ("engagement_mean", "Mean engagement", "engagement", "score (1-5)", True,
         3.5, 3.4, 3.2, 3.6, True),
        ("engagement_mean[role=manager]", "Mean engagement, managers", "engagement",
         "score (1-5)", False, 3.6, 3.5, 3.1, 3.9, True),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(FIT_COLUMNS)).assign(tail_probability=0.5)


def test_one_panel_per_group_with_bands_and_observations() -> None:
    fig = fit_figure(fit_table())
    assert fig.layout.title.text == TITLE
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["Leavers (share per year)", "Promotions (share per year)",
                      "Engagement (score (1-5))"]  # fmt: skip
    bands = [t for t in fig.data if t.name == NAMES["simulated"]]
    assert len(bands) == 3  # one per panel, one legend entry
    assert [t.showlegend for t in bands] == [True, False, False]
    band = bands[0]
    assert list(band.x) == [0.11]
    assert list(band.error_x.array) == [0.14 - 0.11]  # up to the 95% point
    assert list(band.error_x.arrayminus) == [0.11 - 0.08]  # down to the 5% point
    engagement = bands[2]
    assert list(engagement.y) == ["Mean engagement, managers (not fitted)", "Mean engagement"]
    assert fig.layout.template.layout.paper_bgcolor == "white"  # figures.style's template


def test_a_statistic_outside_its_band_is_marked() -> None:
    fig = fit_figure(fit_table())
    outside = [t for t in fig.data if t.name == NAMES["outside"]]
    inside = [t for t in fig.data if t.name == NAMES["inside"]]
    assert len(outside) == 1
    assert list(outside[0].x) == [0.20]
    assert outside[0].marker.symbol == "x" and outside[0].marker.color == PALETTE[5]
    assert "Promotions per person" in outside[0].y[0] and "✗" in outside[0].y[0]
    assert sum(len(t.x) for t in inside) == 3
    assert all("✗" not in y for t in inside for y in t.y)
    assert "3 of 4 inside the band" in fig.layout.title.subtitle.text


def test_every_statistic_inside_draws_no_outside_trace() -> None:
    table = fit_table().assign(inside=True)
    fig = fit_figure(table)
    assert not [t for t in fig.data if t.name == NAMES["outside"]]
    assert fit_summary(table) == "4 of 4 statistics inside the simulated 90% band."


def test_the_summary_counts_and_names_what_lies_outside() -> None:
    assert fit_summary(fit_table()) == (
        "3 of 4 statistics inside the simulated 90% band; outside: Promotions per person."
    )
    assert fit_summary(fit_table().head(1)) == "1 of 1 statistic inside the simulated 90% band."
    assert len(fit_figure(fit_table().head(1)).data) == 2  # one panel: band and observation


def test_an_empty_table_gives_a_titled_empty_figure() -> None:
    fig = fit_figure(fit_table().head(0))
    assert fig.layout.title.text == TITLE and not fig.data
