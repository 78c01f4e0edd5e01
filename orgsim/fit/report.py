"""fit.html: the fit's report, one self-contained page that opens offline.

It says first whether the model can reproduce the organisation's data at all (the fit check),
then warns of every parameter the data cannot pin down, and shows each parameter's posterior
against its prior and every statistic observed against simulated, with 90% intervals. It
holds counts and rates only, never a row of the data.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from orgsim.fit.abc import FitResult
from orgsim.fit.diagnostics import MIN_SHRINKAGE, FitCheck, parameter_table

BLUE, ORANGE, GREY, RED = "#0a5fa8", "#d9822b", "#9aa5b1", "#b8410e"
CSS = """
body { margin: 0; background: #f5f7fa; color: #1f2933; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { margin: 0 0 4px; font-size: 28px; } h2 { margin: 32px 0 8px; font-size: 21px; }
.meta, .note { color: #5f6b7a; }
.box { background: #fff; border: 1px solid #dde3ea; border-left: 4px solid #0a5fa8;
  border-radius: 8px; padding: 8px 16px; margin: 12px 0; }
.box.poor { border-left-color: #b8410e; } .box.poor strong { color: #b8410e; }
.warn { background: #fff8f0; border: 1px solid #f0c9a0; border-radius: 6px; padding: 6px 12px;
  margin: 6px 0; }
table { border-collapse: collapse; background: #fff; font-size: 13px; width: 100%; }
th, td { border-bottom: 1px solid #dde3ea; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { color: #5f6b7a; font-weight: 600; }
td.out { color: #b8410e; font-weight: 600; } .figure { background: #fff; border: 1px solid
  #dde3ea; border-radius: 8px; margin: 12px 0; padding: 6px; }
"""
CONFIG = {"displaylogo": False, "responsive": True}


def write_report(result: FitResult, table: pd.DataFrame, verdict: FitCheck, path: Path) -> Path:
    """Write fit.html; returns its path."""
    path.write_text(render(result, table, verdict), encoding="utf-8")
    return path


def render(result: FitResult, table: pd.DataFrame, verdict: FitCheck) -> str:
    """The whole report as one HTML document (plotly.js inlined once)."""
    params = parameter_table(result.posterior, result.priors)
    body = [
        header(result),
        f"<div class='box{' poor' if verdict.poor else ''}'><p><strong>"
        f"{escape(verdict.text())}</strong></p></div>",
        warnings_html(params),
        "<h2>Parameters: posterior against prior</h2>",
        "<p class='note'>Bars: the posterior (what the data say); grey line: the prior (what "
        "was thought possible before). A posterior as flat as its prior means the data say "
        "little about that parameter.</p>",
        parameters_html(params),
        figure_html(posterior_figure(result, params)),
        "<h2>Observed against simulated</h2>",
        "<p class='note'>Each statistic of the data (dot) against the same statistic of "
        "simulations of the fitted model (median and 90% interval, from the posterior). "
        "Statistics marked 'not fitted' are shown for context: no fitted parameter moves "
        "them. Rates are per person employed now, over the last 12 months.</p>",
        figure_html(statistics_figure(table)),
        statistics_html(table),
        "<h2>How the fit ran</h2>",
        generations_html(result),
        "<p class='note'>This report holds counts and rates only, never a row of the data; "
        "every simulation ran on this machine"
        f"{' or the named Dask cluster' if result.settings.scheduler else ''}.</p>",
    ]
    title = f"orgsim fit: {escape(result.organisation.name)}"
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{CSS}</style><script>{get_plotlyjs()}</script></head><body><main>"
        + "\n".join(body)
        + "</main></body></html>"
    )


def header(result: FitResult) -> str:
    """Title, what was fitted to what, and the data's counts."""
    c = result.counts
    counts = (
        f"{c['people']:,} people in {c['grades']} grades; {c['leavers']:,} leavers and "
        f"{c['promotions']:,} promotions in the last 12 months; {c['survey_respondents']:,} "
        "engagement survey respondents"
        + (
            f"; {c['aspiration_respondents']:,} asked whether they would like to manage"
            if "aspiration_respondents" in c
            else ""
        )
    )
    s, b = result.settings, result.budget
    return (
        f"<h1>orgsim fit: {escape(result.organisation.name)}</h1>"
        f"<p class='meta'>{escape(counts)}.<br>Fitted {len(result.priors)} parameters by "
        f"approximate Bayesian computation (ABC-SMC): {b.name} budget, {b.population} particles "
        f"a generation, seed {s.seed}; stopped at the {escape(result.stop_reason)} after "
        f"{result.seconds:,.0f} s. The chart is the headcount table; the organisation is "
        f"assumed to have run {result.organisation.burn_in_years:g} years under its present "
        "policy.</p>"
    )


def warnings_html(params: pd.DataFrame) -> str:
    """One warning per parameter the data cannot pin down (or pressing on a prior bound)."""
    rows = params[params["warning"] != ""]
    if rows.empty:
        return (
            "<p>The data pin down every fitted parameter (each 90% interval is at most "
            f"{100 * (1 - MIN_SHRINKAGE):.0f}% as wide as its prior's).</p>"
        )
    return "".join(f"<div class='warn'>Warning: {escape(w)}.</div>" for w in rows["warning"])


def _num(x: float) -> str:
    return f"{x:.3g}"


def parameters_html(params: pd.DataFrame) -> str:
    """The parameter table."""
    head = (
        "<tr><th>parameter</th><th>prior</th><th>posterior median</th><th>90% interval"
        "</th><th>narrowed by</th><th>informed by</th><th>prior's source</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{escape(r.parameter)}</td><td>{_num(r.prior_low)}-{_num(r.prior_high)}</td>"
        f"<td>{_num(r.median)}</td><td>{_num(r.q05)}-{_num(r.q95)}</td>"
        f"<td class='{'' if r.pinned else 'out'}'>{max(0, 100 * r.shrinkage):.0f}%</td>"
        f"<td>{escape(r.informed_by)}</td><td style='text-align:left'>{escape(r.source)}</td>"
        "</tr>"
        for r in params.itertuples()
    )
    return f"<table>{head}{rows}</table>"


def posterior_figure(result: FitResult, params: pd.DataFrame) -> go.Figure:
    """Per parameter: the weighted posterior histogram and the prior's density."""
    n = len(result.priors)
    fig = make_subplots(
        rows=1, cols=n, subplot_titles=[p.path for p in result.priors], horizontal_spacing=0.06
    )
    w = result.posterior["weight"].to_numpy()
    for i, prior in enumerate(result.priors, 1):
        edges = np.linspace(prior.low, prior.high, 21)
        density, _ = np.histogram(result.posterior[prior.path], bins=edges, weights=w, density=True)
        fig.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=density,
                marker_color=BLUE,
                name="posterior",
                showlegend=i == 1,
                width=np.diff(edges),
            ),
            row=1,
            col=i,
        )
        fig.add_trace(
            go.Scatter(
                x=[prior.low, prior.high],
                y=[1 / (prior.high - prior.low)] * 2,
                mode="lines",
                line={"color": GREY, "width": 3},
                name="prior",
                showlegend=i == 1,
            ),
            row=1,
            col=i,
        )
    fig.update_layout(
        height=300, margin={"l": 40, "r": 20, "t": 40, "b": 30}, plot_bgcolor="#fff", bargap=0.02
    )
    fig.update_yaxes(title_text="density", row=1, col=1)
    return fig


def statistics_figure(table: pd.DataFrame) -> go.Figure:
    """Every statistic: the simulated 90% interval and median, and the observed value; one
    panel per group and unit (scores and shares never share an axis)."""
    panels = list(dict.fromkeys(zip(table["group"], table["unit"], strict=True)))
    sizes = [int(((table["group"] == g) & (table["unit"] == u)).sum()) for g, u in panels]
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        subplot_titles=[f"{g} ({u})" for g, u in panels],
        vertical_spacing=0.3 / len(panels),
        row_heights=sizes,
    )
    for i, (group, unit) in enumerate(panels, 1):
        block = table[(table["group"] == group) & (table["unit"] == unit)].iloc[::-1]
        labels = [
            f"{label}{'' if fitted else ' (not fitted)'}"
            for label, fitted in zip(block["label"], block["fitted"], strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=block["simulated_median"],
                y=labels,
                mode="markers",
                marker={"color": BLUE, "symbol": "line-ns-open", "size": 12},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "color": BLUE,
                    "array": block["simulated_high"] - block["simulated_median"],
                    "arrayminus": block["simulated_median"] - block["simulated_low"],
                },
                name="simulated: median, 90% interval",
                showlegend=i == 1,
            ),
            row=i,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=block["observed"],
                y=labels,
                mode="markers",
                name="observed (red: outside the interval)",
                showlegend=i == 1,
                marker={"color": [ORANGE if x else RED for x in block["inside"]], "size": 9},
            ),
            row=i,
            col=1,
        )
    fig.update_layout(
        height=90 + 26 * len(table) + 60 * len(panels),
        plot_bgcolor="#fff",
        margin={"l": 20, "r": 20, "t": 40, "b": 30},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )
    return fig


def statistics_html(table: pd.DataFrame) -> str:
    """The observed against simulated table."""
    head = (
        "<tr><th>statistic</th><th>unit</th><th>observed</th><th>simulated median</th>"
        "<th>90% interval</th><th>inside</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{escape(r.label)}{'' if r.fitted else ' <small>(not fitted)</small>'}</td>"
        f"<td>{escape(r.unit)}</td><td class='{'' if r.inside else 'out'}'>{_num(r.observed)}"
        f"</td><td>{_num(r.simulated_median)}</td><td>{_num(r.simulated_low)}-"
        f"{_num(r.simulated_high)}</td><td>{'yes' if r.inside else 'no'}</td></tr>"
        for r in table.itertuples()
    )
    return f"<table>{head}{rows}</table>"


def generations_html(result: FitResult) -> str:
    """One row per generation: tolerance, particles, simulations, acceptance rate."""
    head = (
        "<tr><th>generation</th><th>tolerance (distance)</th><th>particles</th>"
        "<th>simulations</th><th>acceptance rate</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{r.generation}</td><td>{r.epsilon:.3g}</td><td>{r.accepted}</td>"
        f"<td>{r.evaluations}</td><td>{r.acceptance_rate:.0%}</td></tr>"
        for r in result.generations.itertuples()
    )
    return f"<table>{head}{rows}</table>"


def figure_html(fig: go.Figure) -> str:
    """A figure as a div (plotly.js is in the page's head)."""
    return (
        "<div class='figure'>"
        + fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)
        + "</div>"
    )
