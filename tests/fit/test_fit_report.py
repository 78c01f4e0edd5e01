"""orgsim/fit/report.py: fit.html says whether the fit is poor, warns for every parameter the
data cannot pin down, and shows every statistic and parameter (counts only)."""

from __future__ import annotations

import pandas as pd
from plotly.offline import get_plotlyjs

from orgsim.fit.diagnostics import FitCheck
from orgsim.fit.output import check, fit_table
from orgsim.fit.report import render, write_report


def test_report_shows_the_verdict_warnings_statistics_and_parameters(tiny_fit) -> None:
    result, data, folder = tiny_fit
    table = fit_table(result, data.scale)
    path = write_report(result, table, check(result), folder / "fit.html")
    html = path.read_text()
    assert html.count(get_plotlyjs()) == 1 and "<script src" not in html  # opens offline
    assert "orgsim fit: Tiny-Ltd" in html and "42 people in 3 grades" in html
    for label in table["label"]:
        assert label in html
    for prior in result.priors:
        assert prior.path in html
    assert "Observed against simulated" in html and "never a row of the data" in html


def test_a_poor_fit_and_unpinned_parameters_are_flagged(tiny_fit) -> None:
    result, data, _ = tiny_fit
    table = fit_table(result, data.scale)
    poor = render(result, table, FitCheck(99.0, 0.01, 30, 40))
    assert "class='box poor'" in poor and "POOR FIT" in poor
    good = render(result, table, FitCheck(9.0, 0.6, 30, 40))
    assert "POOR FIT" not in good and "Adequate fit" in good
    flat = result.posterior.copy()
    prior = result.priors[0]
    flat[prior.path] = pd.Series(range(len(flat))) / (len(flat) - 1) * (
        prior.high - prior.low) + prior.low  # fmt: skip
    flat["weight"] = 1 / len(flat)
    result.posterior, saved = flat, result.posterior
    try:
        html = render(result, table, FitCheck(9.0, 0.6, 30, 40))
    finally:
        result.posterior = saved
    assert f"Warning: the data cannot pin down {prior.path}" in html
