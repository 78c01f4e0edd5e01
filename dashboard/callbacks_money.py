"""Thin callbacks of the Business case tab: the money sliders re-value the stored results in
this process (orgsim.money, no simulation) and redraw the waterfall and the cumulative net
value."""

from __future__ import annotations

import math
from numbers import Real
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output
from pydantic import ValidationError

from dashboard import ids
from dashboard.callbacks import REFUSED, BadValue, guarded, short
from dashboard.data import MONEY_SLIDERS, Experiment, money_from_sliders, slider_values
from orgsim import figures
from orgsim.money import MoneyError, format_money

NAMES = tuple(MONEY_SLIDERS)
SHARES = ("on_cost_rate", "discount_rate")  # shown as percentages


def register(app: Dash, root: Path) -> None:
    """Attach the Business case tab's callbacks to ``app``."""

    @app.callback(
        *[Output(ids.money_slider(n), "value") for n in NAMES],
        *[Output(ids.money_slider(n), "max") for n in NAMES],
        *[Output(ids.money_slider(n), "marks") for n in NAMES],
        Output(ids.TAB_MONEY, "disabled"),
        Input(ids.EXPERIMENT, "value"),
        Input(ids.MONEY_RESET, "n_clicks"),
    )
    def start_sliders(name: str | None, _: Any) -> tuple:
        """The sliders at the experiment's money assumptions (a range widened to hold them)."""
        try:
            values = slider_values(Experiment(root, name).base_money())
        except (*REFUSED, MoneyError, ValidationError, KeyError, TypeError):
            values = {n: spec[2] for n, spec in MONEY_SLIDERS.items()}
            highs = [spec[3] for spec in MONEY_SLIDERS.values()]
            ticks = [marks(n, h) for n, h in zip(NAMES, highs, strict=True)]
            return *values.values(), *highs, *ticks, name is None
        highs = [max(spec[3], values[n]) for n, spec in MONEY_SLIDERS.items()]
        ticks = [marks(n, h) for n, h in zip(NAMES, highs, strict=True)]
        return *values.values(), *highs, *ticks, False

    @app.callback(
        Output(ids.MONEY_WATERFALL, "figure"),
        Output(ids.MONEY_NET, "figure"),
        Output(ids.MONEY_STATUS, "children"),
        *[Output(ids.money_value(n), "children") for n in NAMES],
        Input(ids.EXPERIMENT, "value"),
        *[Input(ids.money_slider(n), "value") for n in NAMES],
    )
    @guarded
    def business_case(name: str | None, *raw: Any) -> tuple:
        if name is None:
            return empty("No experiment chosen."), empty(""), "", *[""] * len(NAMES)
        exp = Experiment(root, name)
        base = exp.base_money()
        values = {n: number(v, n) for n, v in zip(NAMES, raw, strict=True)}
        shown = [describe(n, v, base.currency) for n, v in values.items()]
        try:
            m = money_from_sliders(base, values) if None not in values.values() else base
            valuation = exp.valuation(m)
        except ValidationError as err:  # a slider value outside what the money model takes
            e = err.errors()[0]
            field = ".".join(map(str, e["loc"]))
            text = f"Cannot value with these settings: {field}: {e['msg']}"
            return empty(text), empty(""), text, *shown
        except (MoneyError, KeyError) as err:
            text = f"No money results for this experiment: {short(err)}"
            return empty(text), empty(""), text, *shown
        r = exp.results
        waterfall = figures.waterfall_figure(valuation.summary, r.baseline, exp.colours,
                                             m.currency)  # fmt: skip
        net = figures.net_value_figure(valuation.yearly, r.baseline, exp.colours, m.currency)
        return waterfall, net, status(exp, m), *shown


def number(value: Any, name: str) -> float | None:
    """A slider's value from the browser: None or a finite number (else BadValue)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise BadValue(f"ignored a {name} that is not a number: {value!r:.80}")
    return float(value)


def describe(name: str, value: float | None, currency: str) -> str:
    """A slider's current value and range, in words."""
    _, unit, lo, hi, _ = MONEY_SLIDERS[name]
    if value is None:
        return ""
    if name == "grade1_salary":
        return (f"{format_money(value, currency)} a year (range {format_money(lo, currency)} "
                f"to {format_money(max(hi, value), currency)})")  # fmt: skip
    if name in SHARES:
        return f"{value:.1%} (range {lo:.0%} to {max(hi, value):.0%})"
    return f"{value:g} {unit} (range {lo:g} to {max(hi, value):g})"


def marks(name: str, hi: float) -> dict:
    """The slider's range at both ends."""
    lo = MONEY_SLIDERS[name][2]
    if name in SHARES:
        return {lo: f"{lo:.0%}", hi: f"{hi:.0%}"}
    return {lo: f"{lo:,g}", hi: f"{hi:,g}"}


def status(exp: Experiment, m: Any) -> str:
    """What the figures are valued with."""
    stored = exp.stored_valuation()
    if stored is not None and stored.money == m:
        return "Valued with the money assumptions stored with the results (money.json)."
    if stored is None and m == exp.base_money():
        return (
            "No money results are stored with this experiment: valued now from its "
            "stored tables with the scenario's money section (nothing re-run)."
        )
    return "Re-valued from the stored results with the sliders' assumptions (nothing re-run)."


def empty(message: str) -> go.Figure:
    """A blank figure carrying a message (the tab has nothing to draw)."""
    fig = go.Figure()
    note = dict(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(template="plotly_white", height=200, xaxis_visible=False,
                      yaxis_visible=False, annotations=[note] if message else [])  # fmt: skip
    return fig
