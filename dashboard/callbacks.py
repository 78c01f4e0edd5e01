"""Thin callbacks: each checks the experiment name, reads through ``data`` and calls a builder."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from numbers import Real
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, dcc, no_update, set_props
from dash.exceptions import PreventUpdate

from dashboard import components, ids
from dashboard.data import Experiment
from dashboard.jobs import Refused, slot
from dashboard.paths import UnsafePathError, list_experiments
from dashboard.whatif import (
    LEVERS,
    POLICY_LEVERS,
    Limits,
    WhatIfError,
    build_scenario,
    new_folder,
    preset,
    run_whatif,
)
from orgsim import figures
from orgsim.policies import UnknownPolicyError
from orgsim.results import ResultsError
from orgsim.scenario import dump_scenario
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


def year_value(value: Any) -> float | None:
    """The year slider's value: None or a number (else BadValue)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise BadValue(f"ignored a year that is not a number: {value!r:.80}")
    return float(value)


def register(app: Dash, root: Path, limits: Limits, jobs: Path) -> None:
    """Attach every callback of the page to ``app``, reading experiments under ``root``;
    what-ifs within ``limits``, one at a time (their slot in the ``jobs`` folder)."""
    register_experiment(app, root)
    register_views(app, root)
    register_whatif(app, root, limits, jobs)


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
        Output(ids.YEAR, "value"),
        Input(ids.EXPERIMENT, "value"),
    )
    @guarded
    def years(name: str) -> tuple[int, dict, int]:
        last = Experiment(root, name).last_month // 12
        every = 1 if last <= 20 else 5
        return last, {y: str(y) for y in range(0, last + 1, every)}, last

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


def form_states() -> list[State]:
    """The what-if form: the two policies, then every lever."""
    names = ["policy", "baseline", *(lv.name for lv in LEVERS)]
    return [State(ids.lever(n), "value") for n in names]


def form_values(values: Any) -> tuple[Any, Any, dict[str, Any]]:
    """(policy, baseline, lever values) from the states of ``form_states``."""
    if not isinstance(values, list | tuple) or len(values) != 2 + len(LEVERS):
        raise WhatIfError("what-if: the form's values are incomplete")
    policy, baseline, *rest = values
    return policy, baseline, {lv.name: v for lv, v in zip(LEVERS, rest, strict=True)}


def whatif_gate(limits: Limits) -> Callable[[Any], None]:
    """Checks a what-if's form before its process starts: Refused if it is invalid or beyond
    ``limits`` (the arguments are the run callback's: the click count, then the form)."""

    def gate(args: Any) -> None:
        try:
            if not isinstance(args, list | tuple) or not args:
                raise WhatIfError("what-if: the form's values are missing")
            policy, baseline, levers = form_values(args[1:])
            limits.check_form(levers)
            limits.check(build_scenario("what-if", policy, baseline, levers))
        except WhatIfError as err:
            raise Refused(short(err)) from None

    return gate


def run_failed(err: Exception) -> tuple:
    """The what-if's status when it was refused before starting or failed while running."""
    if isinstance(err, Refused):
        return no_update, f"Cannot run this what-if: {err}"
    LOG.error("what-if failed", exc_info=err)
    first = str(err).strip().split("\n")[0].removeprefix("An error occurred inside a ")
    return no_update, f"The what-if failed: {short(first)}"


def register_whatif(app: Dash, root: Path, limits: Limits, jobs: Path) -> None:
    """The what-if panel: presets, the background run, its result and the YAML download."""

    @app.callback(
        *[Output(ids.lever(n), "value") for n in POLICY_LEVERS],
        Input(ids.lever("policy"), "value"),
        prevent_initial_call=True,
    )
    def load_preset(policy: str) -> tuple:
        try:
            values = preset(text(policy, "policy"))
        except UnknownPolicyError:
            raise PreventUpdate from None
        return tuple(values[n] for n in POLICY_LEVERS)

    @app.callback(
        Output(ids.WHATIF_DONE, "data"),
        Output(ids.WHATIF_STATUS, "children"),
        Input(ids.WHATIF_RUN, "n_clicks"),
        *form_states(),
        background=True,
        prevent_initial_call=True,
        interval=300,
        running=[
            (Output(ids.WHATIF_RUN, "disabled"), True, False),
            (Output(ids.WHATIF_CANCEL, "disabled"), False, True),
            (Output(ids.WHATIF_PROGRESS_BOX, "hidden"), False, False),
        ],
        cancel=[Input(ids.WHATIF_CANCEL, "n_clicks")],
        progress=[
            Output(ids.WHATIF_PROGRESS, "value"),
            Output(ids.WHATIF_PROGRESS, "max"),
            Output(ids.WHATIF_PROGRESS_TEXT, "children"),
        ],
        on_error=run_failed,
    )
    def run(set_progress: Callable, _: int, *values: Any) -> tuple:
        # In the job's own process, started only once the JobManager's gate let it through.
        start, folder = time.perf_counter(), new_folder(root)
        set_progress(("0", "1", "Starting the runs…"))
        try:
            policy, baseline, levers = form_values(values)
            limits.check_form(levers)
            scenario = build_scenario(folder.name, policy, baseline, levers)
            limits.check(scenario)
        except WhatIfError as err:
            return no_update, f"Cannot run this what-if: {short(err)}"
        try:

            def queued(ahead: int) -> None:
                set_progress(("0", "1", f"Queued: {ahead} what-if(s) ahead of this one…"))

            with slot(jobs, on_wait=queued):
                run_whatif(
                    scenario,
                    folder,
                    lambda d, n: set_progress((str(d), str(n), f"{d} / {n} runs")),
                )
        except Refused as err:
            return no_update, f"Cannot run this what-if: {err}"
        except (ResultsError, OSError) as err:
            return no_update, f"The what-if failed: {short(err)}"
        took = time.perf_counter() - start
        return folder.name, f"Finished in {took:.1f} s; saved as {folder.name} under {root}."

    @app.callback(
        Output(ids.WHATIF_STATUS, "children", allow_duplicate=True),
        Input(ids.WHATIF_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )
    def cancelled(_: int) -> str:
        return "Cancelled. The unfinished folder is kept but not listed; nothing else changed."

    @app.callback(
        Output(ids.EXPERIMENT, "options"),
        Output(ids.EXPERIMENT, "value"),
        Output(ids.WHATIF_RESULT, "children"),
        Input(ids.WHATIF_DONE, "data"),
        prevent_initial_call=True,
    )
    @guarded
    def show_result(name: str) -> tuple:
        exp = Experiment(root, name)
        bands = exp.bands("engagement")
        fig = figures.timeseries_figure(bands, exp.results.measures["engagement"], exp.colours)
        result = components.whatif_result(name, exp.cards(), exp.colours, fig)
        return list_experiments(root), name, result

    @app.callback(
        Output(ids.WHATIF_YAML_FILE, "data"),
        Output(ids.WHATIF_STATUS, "children", allow_duplicate=True),
        Input(ids.WHATIF_YAML, "n_clicks"),
        *form_states(),
        prevent_initial_call=True,
    )
    def download_yaml(_: int, *values: Any) -> tuple:
        try:
            scenario = build_scenario("what-if", *form_values(values))
        except WhatIfError as err:
            return no_update, f"Cannot save this what-if: {short(err)}"
        return dcc.send_string(dump_scenario(scenario), "what-if.yaml"), no_update
