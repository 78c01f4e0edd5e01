"""Thin callbacks of the tabs shown only for experiments they apply to: Profiles (measures by
category), Sweep, Sensitivity and Fit (observed against simulated, for a fitted experiment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.callbacks import REFUSED, guarded, keep, short, text
from dashboard.callbacks_money import empty
from dashboard.components import HIDDEN
from dashboard.data import Experiment
from orgsim import figures, figures_fit, figures_sweep
from orgsim.overview import rules_text
from orgsim.results import ResultsError

OPTIONAL_TABS = (ids.TAB_PROFILES, ids.TAB_SWEEP, ids.TAB_SENSITIVITY, ids.TAB_FIT)


def register(app: Dash, root: Path) -> None:
    """Attach the callbacks of the Profiles, Sweep, Sensitivity and Fit tabs to ``app``."""
    register_tabs(app, root)
    register_profiles(app, root)
    register_sweep(app, root)
    register_sensitivity(app, root)
    register_fit(app, root)


def applies(root: Path, name: str | None) -> dict[str, bool]:
    """Which of the optional tabs apply to experiment ``name``."""
    try:
        exp = Experiment(root, name)
        return {
            ids.TAB_PROFILES: bool(exp.results.profile_measures),
            ids.TAB_SWEEP: bool(exp.swept),
            ids.TAB_SENSITIVITY: exp.sensitivity() is not None,
            ids.TAB_FIT: exp.has_fit,  # shown even if corrupt, to say so in the tab
        }
    except REFUSED:
        return dict.fromkeys(OPTIONAL_TABS, False)


def register_tabs(app: Dash, root: Path) -> None:
    """Show the tabs that apply to the chosen experiment; leave one that no longer applies."""

    @app.callback(
        *[Output(tab, "style") for tab in OPTIONAL_TABS],
        Output(ids.TABS, "value"),
        Input(ids.EXPERIMENT, "value"),
        State(ids.TABS, "value"),
    )
    def show_tabs(name: str | None, tab: str) -> tuple:
        shown = applies(root, name)
        styles = [{} if shown[t] else HIDDEN for t in OPTIONAL_TABS]
        return *styles, ids.TAB_OVERVIEW if shown.get(tab) is False else no_update


def register_profiles(app: Dash, root: Path) -> None:
    """The picker of measures by category, and the chosen one's profile."""

    @app.callback(
        Output(ids.PROFILE_MEASURE, "options"),
        Output(ids.PROFILE_MEASURE, "value"),
        Input(ids.EXPERIMENT, "value"),
        State(ids.PROFILE_MEASURE, "value"),
    )
    @guarded
    def profile_choices(name: str, measure: str | None) -> tuple:
        options = Experiment(root, name).profile_options()
        if not options:
            raise PreventUpdate
        return options, keep(measure, options)

    @app.callback(
        Output(ids.PROFILE_GRAPH, "figure"),
        Input(ids.EXPERIMENT, "value"),
        Input(ids.PROFILE_MEASURE, "value"),
    )
    @guarded
    def profile(name: str, measure: str | None) -> Any:
        exp, measure = Experiment(root, name), text(measure, "measure")
        if measure not in exp.results.profile_measures:
            raise PreventUpdate
        m = exp.results.measures[measure]
        return figures.profile_figure(exp.comparison(), m, exp.colours)


def register_sweep(app: Dash, root: Path) -> None:
    """The sweep's measure and parameter pickers, and its figure."""

    @app.callback(
        Output(ids.SWEEP_MEASURE, "options"),
        Output(ids.SWEEP_MEASURE, "value"),
        Output(ids.SWEEP_PARAMETER, "options"),
        Output(ids.SWEEP_PARAMETER, "value"),
        Input(ids.EXPERIMENT, "value"),
        State(ids.SWEEP_MEASURE, "value"),
        State(ids.SWEEP_PARAMETER, "value"),
    )
    @guarded
    def sweep_choices(name: str, measure: str | None, parameter: str | None) -> tuple:
        exp = Experiment(root, name)
        if not exp.swept:
            raise PreventUpdate
        measures = exp.outcome_options(exp.outcomes()["measure"])
        params = [{"label": figures_sweep.parameter_label(p), "value": p} for p in exp.swept]
        return measures, keep(measure, measures), params, keep(parameter, params)

    @app.callback(
        Output(ids.SWEEP_GRAPH, "figure"),
        Input(ids.EXPERIMENT, "value"),
        Input(ids.SWEEP_MEASURE, "value"),
        Input(ids.SWEEP_PARAMETER, "value"),
    )
    @guarded
    def sweep(name: str, measure: str | None, parameter: str | None) -> Any:
        exp, measure = Experiment(root, name), text(measure, "measure")
        parameter = text(parameter, "parameter")
        meta = exp.results.outcome_measures
        if parameter not in exp.swept or measure not in meta:
            raise PreventUpdate
        m = meta[measure]
        return figures_sweep.sweep_figure(exp.sweep_points(measure), m, parameter, exp.colours)


def register_sensitivity(app: Dash, root: Path) -> None:
    """The sensitivity's measure picker, its indices and verdict rules, and the robustness."""

    @app.callback(
        Output(ids.SENSITIVITY_MEASURE, "options"),
        Output(ids.SENSITIVITY_MEASURE, "value"),
        Input(ids.EXPERIMENT, "value"),
        State(ids.SENSITIVITY_MEASURE, "value"),
    )
    @guarded
    def sensitivity_choices(name: str, measure: str | None) -> tuple:
        exp = Experiment(root, name)
        if (sens := exp.sensitivity()) is None:
            raise PreventUpdate
        options = exp.outcome_options(sens.indices["measure"])
        return options, keep(measure, options)

    @app.callback(
        Output(ids.SENSITIVITY_GRAPH, "figure"),
        Output(ids.SENSITIVITY_RULES, "children"),
        Input(ids.EXPERIMENT, "value"),
        Input(ids.SENSITIVITY_MEASURE, "value"),
    )
    @guarded
    def sensitivity(name: str, measure: str | None) -> tuple:
        exp, measure = Experiment(root, name), text(measure, "measure")
        sens = exp.sensitivity()
        meta = exp.results.outcome_measures
        if sens is None or measure not in meta:
            raise PreventUpdate
        rules = rules_text(sens.rules, measure, sens.share_better(measure))
        return figures_sweep.sensitivity_figure(sens.indices, meta[measure]), rules

    @app.callback(Output(ids.ROBUSTNESS_GRAPH, "figure"), Input(ids.EXPERIMENT, "value"))
    @guarded
    def robustness(name: str) -> Any:
        exp = Experiment(root, name)
        sens = exp.sensitivity()
        if sens is None:
            raise PreventUpdate
        meta = exp.results.outcome_measures
        return figures_sweep.robustness_figure(sens.robustness, meta, exp.colours)


def register_fit(app: Dash, root: Path) -> None:
    """The fit's check: observed against simulated, and how many statistics lie inside their
    band; a corrupt fit.parquet is named in the tab instead."""

    @app.callback(
        Output(ids.FIT_GRAPH, "figure"),
        Output(ids.FIT_SUMMARY, "children"),
        Input(ids.EXPERIMENT, "value"),
    )
    @guarded
    def fit(name: str) -> tuple:
        exp = Experiment(root, name)
        try:
            table = exp.fit()
        except ResultsError as err:
            message = f"Could not read the fit's check: {short(err)}"
            return empty(message), message
        if table is None:
            raise PreventUpdate
        return figures_fit.fit_figure(table), figures_fit.fit_summary(table)
