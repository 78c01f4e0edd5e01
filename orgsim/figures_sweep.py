"""Figures of sweeps and sensitivity analyses: pure ``(DataFrame(s), options) -> Figure``.

Shared, like ``orgsim.figures``, by the dashboard and the HTML report. The data come from
``results.compare_points()`` (a measure per sweep point and policy) and
``Results.sensitivity()`` (SALib indices, robustness, verdict rules); nothing here reads files.
"""

from __future__ import annotations

from functools import cache
from math import ceil

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from orgsim.figures import PALETTE, axis_title, hover, rgba, style
from orgsim.measures import Measure
from orgsim.parameters import ModelParams, iter_fields

MAX_PANELS = 6  # a sweep figure facets by the other swept parameters up to this many panels
COMPARE_COLUMNS = ("point", "policy", "measure", "mean", "ci_low", "ci_high", "diff",
                   "diff_ci_low", "diff_ci_high", "n", "runs")  # fmt: skip
SOBOL = {"S1": ("Alone (first order, S1)", PALETTE[0]),
         "ST": ("With interactions (total, ST)", PALETTE[1])}  # fmt: skip


@cache
def _units() -> dict[str, str]:
    """The unit of every model parameter, by dotted path (from its one definition)."""
    return {
        path: (info.json_schema_extra or {}).get("unit", "")
        for path, info in iter_fields(ModelParams)
    }


def parameter_name(path: str) -> str:
    """'Specialist pay ratio' for 'policy.specialist_pay_ratio'."""
    return path.rpartition(".")[2].replace("_", " ").capitalize()


def parameter_label(path: str) -> str:
    """An axis label for a swept parameter: its name and, when defined, its unit."""
    unit = _units().get(path, "")
    return f"{parameter_name(path)} ({unit})" if unit else parameter_name(path)


def lower(label: str) -> str:
    """A label inside a sentence: 'Mean engagement' -> 'mean engagement' (acronyms kept)."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def point_count(table: pd.DataFrame) -> int:
    """How many sweep points a results table holds (1 without a sweep)."""
    return int(table["point"].nunique()) if "point" in table.columns else 1


# --- sweeps -----------------------------------------------------------------------------------
def sweep_panels(table: pd.DataFrame, parameter: str) -> tuple[list[tuple[str, pd.DataFrame]], str]:
    """The panels of a sweep figure, (title, rows) each, and a subtitle saying how they were made.

    Facets by the values of the other swept parameters when that gives a few panels with a
    line each (a grid); otherwise one panel that averages over them at each value.
    """
    plain = "Line: mean over replications. Shaded: 95% interval."
    others = [c for c in table.columns if c not in COMPARE_COLUMNS and c != parameter]
    if not others:
        return [("", table)], plain
    names = ", ".join(parameter_name(o).lower() for o in others)
    groups = list(table.groupby(others, sort=True))
    if 1 < len(groups) <= MAX_PANELS and all(g[parameter].nunique() > 1 for _, g in groups):
        titled = [(_panel_title(others, key), rows) for key, rows in groups]
        return titled, f"One panel per value of {names}. {plain}"
    note = (
        f"The other swept parameters ({names}) vary between points; where a value repeats, "
        "the points' means and 95% intervals are averaged."
    )
    return [("", table)], note


def _panel_title(others: list[str], key: tuple) -> str:
    """'Specialist stigma = 0.25': the other swept parameters' values in a panel."""
    return ", ".join(f"{parameter_name(o)} = {_value(v)}" for o, v in zip(others, key, strict=True))


def _value(v: object) -> str:
    """A parameter value as a panel title shows it: 0.25, 3, top-performer."""
    return f"{v:g}" if isinstance(v, float) else str(v)


def at_values(rows: pd.DataFrame, parameter: str) -> pd.DataFrame:
    """Mean and 95% interval ends at each value of ``parameter`` (averaged over other points)."""
    cols = ["mean", "ci_low", "ci_high"]
    return rows.groupby(parameter, sort=True)[cols].mean().reset_index()


def sweep_figure(
    table: pd.DataFrame, m: Measure, parameter: str, colours: dict[str, str]
) -> go.Figure:
    """The measure's mean with its 95% band against one swept parameter, a line per policy.

    ``table`` is ``results.compare_points()`` (rows of other measures are ignored).
    """
    t = table[table["measure"] == m.name]
    panels, sub = sweep_panels(t, parameter)
    cols = min(len(panels), 3)
    fig = make_subplots(
        ceil(len(panels) / cols),
        cols,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[p[0] for p in panels] if len(panels) > 1 else None,
        x_title=parameter_label(parameter),
        y_title=axis_title(m),
    )
    for i, (_, rows) in enumerate(panels):
        for policy, colour in colours.items():
            values = at_values(rows[rows["policy"] == policy], parameter)
            cell = dict(row=i // cols + 1, col=i % cols + 1)
            _add_band(fig, values, parameter, policy, colour, show=i == 0, **cell)
    title = f"{m.label} by {parameter_name(parameter).lower()}"
    return style(fig, title, sub, top=110 if len(panels) > 1 else 90)


def _add_band(
    fig: go.Figure, v: pd.DataFrame, parameter: str, policy: str, colour: str, show: bool, **cell
) -> None:
    """A policy's line and its shaded 95% band in one panel."""
    x = v[parameter]
    edge = dict(
        x=x,
        mode="lines",
        line_width=0,
        legendgroup=policy,
        showlegend=False,
        hoverinfo="skip",
        **cell,
    )
    fig.add_scatter(y=v["ci_high"].fillna(v["mean"]), **edge)
    fig.add_scatter(
        y=v["ci_low"].fillna(v["mean"]), fill="tonexty", fillcolor=rgba(colour, 0.18), **edge
    )
    fig.add_scatter(
        x=x,
        y=v["mean"],
        mode="lines+markers",
        name=policy,
        legendgroup=policy,
        showlegend=show,
        line=dict(color=colour, width=2.5),
        marker=dict(size=7),
        hovertemplate=hover(policy, "%{x}: %{y:.3g}"),
        **cell,
    )


# --- sensitivity and robustness ---------------------------------------------------------------
def sensitivity_figure(indices: pd.DataFrame, m: Measure) -> go.Figure:
    """What moves the policy's difference from the baseline in one measure: a bar per uncertain
    parameter with its 95% interval (Morris mu_star, or Sobol first-order and total indices)."""
    rows = indices[indices["measure"] == m.name]
    policy = rows["policy"].iloc[0] if len(rows) else "the policy"
    title = f"What moves the difference in {lower(m.label)} ({policy} minus baseline)?"
    if rows.empty:
        fig = go.Figure().add_annotation(
            text="No indices: the measure is undefined in some sampled worlds.", showarrow=False
        )
        return style(fig, title, height=300)
    sobol = rows["method"].iloc[0] == "sobol"
    fig, sub = _sobol_bars(rows) if sobol else _morris_bars(rows, m)
    fig.update_yaxes(automargin=True)
    fig = style(fig, title, sub, height=200 + 40 * len(rows) * (1 + sobol))
    return fig.update_layout(legend=dict(yref="container", y=0.02, yanchor="bottom"))


def _bar(r: pd.DataFrame, value: str, name: str, colour: str) -> go.Bar:
    """Horizontal bars of one index per parameter, with its 95% interval as whiskers."""
    return go.Bar(
        x=r[value],
        y=[parameter_name(p) for p in r["parameter"]],
        orientation="h",
        name=name,
        marker_color=colour,
        customdata=r["parameter"],
        error_x=dict(type="data", array=r[f"{value}_conf"], color="#444"),
        hovertemplate=f"%{{customdata}}: {value} %{{x:.3g}}<extra></extra>",
    )


def _morris_bars(rows: pd.DataFrame, m: Measure) -> tuple[go.Figure, str]:
    """Morris screening: mu_star, largest on top."""
    fig = go.Figure(_bar(rows.sort_values("mu_star"), "mu_star", "μ*", PALETTE[0]))
    fig.update_xaxes(
        title_text=f"μ*: typical change over the parameter's range ({m.unit})", rangemode="tozero"
    )
    sub = (
        "Morris screening. Bar: μ*, the mean absolute change in the difference when the "
        "parameter moves across its range. Whiskers: 95% interval."
    )
    return fig.update_layout(showlegend=False), sub


def _sobol_bars(rows: pd.DataFrame) -> tuple[go.Figure, str]:
    """Sobol indices: first-order and total, largest total on top."""
    r = rows.sort_values("ST")
    fig = go.Figure([_bar(r, key, name, colour) for key, (name, colour) in SOBOL.items()])
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Share of the difference's variance (0..1)")
    sub = "Sobol indices: the variance each parameter explains. Whiskers: 95% interval."
    return fig, sub


def robustness_figure(
    robustness: pd.DataFrame, measures: dict[str, Measure], colours: dict[str, str]
) -> go.Figure:
    """Per measure, the share of sampled worlds in which the policy beats the baseline."""
    fig = go.Figure()
    ordered = robustness.sort_values("share_better", kind="stable")  # the most robust on top
    for policy, r in ordered.groupby("policy", sort=False):
        labels = [measures[k].label if k in measures else k for k in r["measure"]]
        fig.add_bar(
            x=r["share_better"],
            y=labels,
            orientation="h",
            name=policy,
            marker_color=colours.get(policy, PALETTE[0]),
            texttemplate="%{x:.0%}",
            textposition="outside",
            hovertemplate=hover(policy, "%{y}: %{x:.0%}"),
        )
    fig.add_vline(x=0.5, line_dash="dot", line_color="#888")
    fig.update_xaxes(
        title_text="Sampled worlds in which it is better (%)", tickformat=".0%", range=[0, 1.12]
    )
    fig.update_yaxes(automargin=True)
    worlds, names = int(robustness["worlds"].max()), " and ".join(robustness["policy"].unique())
    sub = (
        f"Share of the {worlds} sampled worlds in which the paired difference favours "
        f"{names}. Dotted line: half of them."
    )
    height = 200 + 36 * robustness["measure"].nunique()
    title = f"In how many plausible worlds does {names} beat the baseline?"
    return style(fig, title, sub, height=height)
