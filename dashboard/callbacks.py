"""Thin callbacks: each checks the experiment name, reads through ``data`` and calls a builder."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from functools import wraps
from numbers import Real
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, no_update, set_props
from dash.exceptions import PreventUpdate

from dashboard import components, ids
from dashboard.data import Experiment
from dashboard.paths import UnsafePathError
from dashboard.whatif import Limits
from orgsim import figures
from orgsim.results import ResultsError
from orgsim.verdict import from_results

DATA_TABS = (ids.TAB_OVERVIEW, ids.TAB_TIMESERIES, ids.TAB_BREAKDOWNS, ids.TAB_FLOWS, ids.TAB_PETER)
REFUSED = (UnsafePathError, ResultsError)
LOG = logging.getLogger(__name__)
MAX_MESSAGE = 400  # characters of an error shown in the page


def short(err: object) -> str:
    """An error's message, cut to a length the page can show."""
    text = str(err)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def page_error(err: Exception) -> None:
    """Any callback's unexpected error: logged, and shown in the page instead of an HTTP 500."""
    LOG.error("dashboard callback failed", exc_info=err)
    message = f"Could not update the page: {short(err) or type(err).__name__}"
    set_props(ids.PAGE_ERROR, {"children": message, "hidden": False})


def guarded(fn: Callable) -> Callable:
    """A refused or unreadable experiment leaves the outputs unchanged instead of failing."""

    @wraps(fn)
    def wrapper(*args: Any) -> Any:
        try:
            return fn(*args)
        except REFUSED:
            raise PreventUpdate from None

    return wrapper


def keep(current: Any, options: list[dict[str, str]]) -> Any:
    """The current choice if the new options still hold it, else the first option."""
    values = [o["value"] for o in options]
    return current if current in values else values[0]


class BadValue(ValueError):
    """A value from the browser of the wrong type (shown in the page, not an HTTP 500)."""


def text(value: Any, what: str) -> str:
    """A choice from the browser: PreventUpdate if none yet, BadValue if not a string."""
    if value is None:
        raise PreventUpdate
    if not isinstance(value, str):
        raise BadValue(f"ignored a {what} that is not a name: {value!r:.80}")
    return value


def maybe_text(value: Any, what: str) -> str | None:
    """An optional choice from the browser: None, or a string (else BadValue)."""
    return None if value is None else text(value, what)


#: No run is longer (scenario run.years is at most 10,000).
MAX_YEAR = 10_000


def year_value(value: Any) -> float | None:
    """The year slider's value: None or a finite number of at most 10,000 (else BadValue)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise BadValue(f"ignored a year that is not a number: {value!r:.80}")
    if abs(value) > MAX_YEAR:
        raise BadValue(f"ignored a year beyond {MAX_YEAR:,}: {value:.3g}")
    return float(value)


def register(app: Dash, root: Path, limits: Limits, jobs: Path) -> None:
    """Attach every callback of the page to ``app``, reading experiments under ``root``;
    what-ifs within ``limits``, one at a time (their slot in the ``jobs`` folder)."""
    from dashboard import callbacks_whatif  # it builds on this module's helpers

    register_experiment(app, root)
    register_views(app, root)
    callbacks_whatif.register(app, root, limits, jobs)


def whatif_gate(limits: Limits, root: Path | None = None) -> Callable[[Any], None]:
    """The check of a what-if before its process starts (callbacks_whatif.whatif_gate); without
    ``root`` it refuses what-ifs that start from an experiment."""
    from dashboard import callbacks_whatif

    return callbacks_whatif.whatif_gate(limits, root)


def describe(exp: Experiment) -> str:
    """One line about an experiment: its question, policies and run size."""
    s, run = exp.results.manifest["scenario"], exp.run
    text = s.get("description") or s["name"]
    size = f"{len(exp.results.policies)} policies x {run['replications']} replications"
    line = f"{text} ({size}, {run['years']:g} years; baseline {exp.results.baseline})"
    return line + sweep_note(exp)


def sweep_note(exp: Experiment) -> str:
    """For a sweep or sensitivity analysis: that the other tabs pool its points."""
    if not exp.swept:
        return ""
    if exp.sensitivity() is not None:
        what, tabs = "sensitivity analysis over", "Sensitivity and Sweep tabs tell"
    else:
        what, tabs = "sweep over", "Sweep tab tells"
    return f". A {what} {exp.points} points: the {tabs} them apart; the other tabs pool them."


def register_experiment(app: Dash, root: Path) -> None:
    """The picker: the experiment line, the empty state and the controls that depend on it."""

    @app.callback(
        Output(ids.EXPERIMENT_INFO, "children"),
        Output(ids.EMPTY_STATE, "hidden"),
        *[Output(t, "disabled") for t in DATA_TABS],
        Input(ids.EXPERIMENT, "value"),
    )
    def show_experiment(name: str | None) -> tuple:
        if name is None:
            return ("", False, *[True] * len(DATA_TABS))
        try:
            return (describe(Experiment(root, name)), True, *[False] * len(DATA_TABS))
        except REFUSED as err:
            return (str(err), True, *[True] * len(DATA_TABS))

    @app.callback(
        Output(ids.MEASURE, "options"),
        Output(ids.MEASURE, "value"),
        Input(ids.EXPERIMENT, "value"),
        State(ids.MEASURE, "value"),
    )
    @guarded
    def measures(name: str, current: str | None) -> tuple[list, str]:
        exp = Experiment(root, name)
        options = exp.measure_options(exp.table("timeseries").columns)
        return options, keep(current, options)

    @app.callback(
        Output(ids.YEAR, "max"),
        Output(ids.YEAR, "marks"),
        Output(ids.YEAR_INPUT, "max"),
        Input(ids.EXPERIMENT, "value"),
    )
    @guarded
    def years(name: str) -> tuple[int, dict, int]:
        last = Experiment(root, name).last_month // 12
        every = 1 if last <= 20 else 5
        return last, {y: str(y) for y in range(0, last + 1, every)}, last

    @app.callback(
        Output(ids.YEAR, "value"),
        Output(ids.YEAR_INPUT, "value"),
        Input(ids.YEAR, "max"),
        Input(ids.YEAR, "value"),
        Input(ids.YEAR_INPUT, "value"),
    )
    def year(last: Any, slider: Any, typed: Any) -> tuple:
        """The slider and the year box show the same year: the horizon for a new experiment,
        the slider's once it is let go, the box's on Enter (within 0 and the horizon)."""
        last = None if year_value(last) is None else int(last)
        moved = ctx.triggered_prop_ids
        if f"{ids.YEAR}.max" in moved or not moved:  # a new experiment, or the first call
            return last, last
        if f"{ids.YEAR}.value" in moved:
            return no_update, year_value(slider)
        if f"{ids.YEAR_INPUT}.value" in moved:
            typed = year_value(typed)
            if typed is None:  # empty, or outside the box's range
                raise PreventUpdate
            at = round(min(max(typed, 0), last if last is not None else typed))
            return at, at
        raise PreventUpdate

    @app.callback(
        Output(ids.FLOW_POLICY, "options"),
        Output(ids.FLOW_POLICY, "value"),
        Input(ids.EXPERIMENT, "value"),
    )
    @guarded
    def flow_policies(name: str) -> tuple[list[str], str]:
        policies = Experiment(root, name).results.policies
        return policies, policies[-1]


def register_views(app: Dash, root: Path) -> None:
    """The overview, time series, breakdowns, flows, Peter principle and the CSV download."""

    @app.callback(Output(ids.OVERVIEW_CARDS, "children"), Input(ids.EXPERIMENT, "value"))
    @guarded
    def overview(name: str) -> Any:
        exp = Experiment(root, name)
        said = from_results(exp.results, exp.comparison(), exp.table("structure"),
                            exp.sensitivity())  # fmt: skip
        return components.overview(said.paragraphs(), exp.cards(), exp.colours)

    @app.callback(
        Output(ids.TIMESERIES_GRAPH, "figure"),
        Input(ids.EXPERIMENT, "value"),
        Input(ids.MEASURE, "value"),
    )
    @guarded
    def timeseries(name: str, measure: str) -> Any:
        exp, measure = Experiment(root, name), text(measure, "measure")
        if measure not in exp.results.measures:
            raise PreventUpdate
        m = exp.results.measures[measure]
        return figures.timeseries_figure(exp.bands(measure), m, exp.colours)

    @app.callback(
        Output(ids.HEATMAP_GRAPH, "figure"),
        Output(ids.PYRAMID_GRAPH, "figure"),
        Output(ids.RELUCTANT_GRAPH, "figure"),
        Input(ids.EXPERIMENT, "value"),
        Input(ids.YEAR, "value"),
    )
    @guarded
    def breakdowns(name: str, year: float | None) -> tuple:
        exp = Experiment(root, name)
        snap, year = exp.snapshot(year_value(year))
        build = (figures.engagement_heatmap, figures.pyramid_figure, figures.reluctant_figure)
        return tuple(b(snap, exp.colours, year) for b in build)

    @app.callback(
        Output(ids.FLOWS_GRAPH, "figure"),
        Input(ids.EXPERIMENT, "value"),
        Input(ids.FLOW_POLICY, "value"),
    )
    @guarded
    def flows(name: str, policy: str | None) -> Any:
        exp, policy = Experiment(root, name), text(policy, "policy")
        if policy not in exp.colours:
            raise PreventUpdate
        return figures.flows_figure(exp.flow_links(policy), policy, exp.colours[policy])

    @app.callback(Output(ids.PETER_GRAPH, "figure"), Input(ids.EXPERIMENT, "value"))
    @guarded
    def peter(name: str) -> Any:
        exp = Experiment(root, name)
        return figures.peter_figure(exp.table("managers"), exp.colours, exp.comparison())

    @app.callback(
        Output(ids.DOWNLOAD_CSV_FILE, "data"),
        Input(ids.DOWNLOAD_CSV, "n_clicks"),
        State(ids.EXPERIMENT, "value"),
        State(ids.TABS, "value"),
        State(ids.MEASURE, "value"),
        State(ids.YEAR, "value"),
        prevent_initial_call=True,
    )
    @guarded
    def download_csv(_: int, name: str, tab: str, measure: str, year: float) -> dict:
        exp = Experiment(root, name)
        tab, measure = maybe_text(tab, "tab"), maybe_text(measure, "measure")
        frame, what = exp.view_data(tab, measure, year_value(year))
        stem = Path(name).name if name != "." else exp.folder.name
        return dcc.send_data_frame(frame.to_csv, f"{stem}-{what}.csv", index=False)
