"""Thin callbacks of the what-if panel: where its form starts, the levers of the policy it
changes, each slider's value, the background run, its result and the YAML download.

The experiment a what-if starts from is read on the server from its results folder, by name
(checked like every name): only its name and the policies' names come from the browser.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from numbers import Real
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, no_update
from dash.exceptions import PreventUpdate

from dashboard import components, components_whatif, ids
from dashboard.callbacks import BadValue, guarded, maybe_text, short, text
from dashboard.data import Experiment
from dashboard.jobs import Refused, slot
from dashboard.paths import list_experiments
from dashboard.whatif import (
    LEVERS,
    MAX_POLICIES,
    POLICY_LEVERS,
    SHARED_LEVERS,
    SLIDERS,
    Limits,
    WhatIfError,
    build_scenario,
    changed_policy,
    choices,
    lever_values,
    new_folder,
    run_whatif,
    shown,
    start_values,
)
from dashboard.whatif_so_far import SoFar, progress_text
from dashboard.whatif_source import fallback, load_source
from orgsim import figures
from orgsim.results import ResultsError
from orgsim.scenario import Scenario, dump_scenario

LOG = logging.getLogger(__name__)
TOP_GRADE = next(lv for lv in LEVERS if lv.name == "specialist_top_grade")


def form_states() -> list[State]:
    """The what-if form: the policy the levers change, the baseline, then every lever."""
    names = ["policy", "baseline", *(lv.name for lv in LEVERS)]
    return [State(ids.lever(n), "value") for n in names]


def form_values(values: Any) -> tuple[Any, Any, dict[str, Any]]:
    """(policy, baseline, lever values) from the states of ``form_states``."""
    if not isinstance(values, list | tuple) or len(values) != 2 + len(LEVERS):
        raise WhatIfError("what-if: the form's values are incomplete")
    policy, baseline, *rest = values
    return policy, baseline, {lv.name: v for lv, v in zip(LEVERS, rest, strict=True)}


def whatif_scenario(
    root: Path | None, name: str, values: Any, limits: Limits
) -> tuple[Scenario, str]:
    """The scenario a what-if form asks for, started from its experiment's stored scenario,
    and the name of the policy its levers change; WhatIfError if it is invalid or beyond
    ``limits``."""
    policy, baseline, levers = form_values(values)
    limits.check_form(levers)
    source = load_source(root, levers.get("experiment"))
    scenario = build_scenario(name, policy, baseline, levers, source)
    limits.check(scenario)
    return scenario, changed_policy(policy, baseline, levers, source)


def whatif_gate(limits: Limits, root: Path | None = None) -> Callable[[Any], None]:
    """Checks a what-if's form before its process starts: Refused if it is invalid or beyond
    ``limits`` (the arguments are the run callback's: the click count, then the form)."""

    def gate(args: Any) -> None:
        try:
            if not isinstance(args, list | tuple) or not args:
                raise WhatIfError("what-if: the form's values are missing")
            whatif_scenario(root, "what-if", args[1:], limits)
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


def slider_value(value: Any, name: str) -> float | None:
    """A slider's value from the browser: None or a finite number (else BadValue)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise BadValue(f"ignored a {name} that is not a number: {value!r:.80}")
    return float(value)


def chosen(compared: Any, options: Any, baseline: Any, policy: Any) -> tuple:
    """After the compared policies change: at most MAX_POLICIES of them (the others' options
    disabled once that many are chosen), and the baseline and the policy the levers change
    among them."""
    names = [o["value"] for o in options or [] if isinstance(o, dict)]
    if not isinstance(compared, list):
        raise BadValue(f"ignored policies to compare that are not a list: {compared!r:.80}")
    picked = [p for p in compared if p in names][:MAX_POLICIES]
    base = baseline if baseline in picked else next(iter(picked), None)
    changed = policy if policy in picked else next((p for p in picked if p != base), base)
    options = components_whatif.policy_options(names, picked)
    return options, picked, picked, base, picked, changed


def register(app: Dash, root: Path, limits: Limits, jobs: Path) -> None:
    """The what-if panel: its start, levers, values, background run, result and YAML."""
    manager = app.server.extensions.get("orgsim-jobs")
    if manager is not None:  # the gate reads the experiment a what-if starts from
        manager.gate = whatif_gate(limits, root)
    register_form(app, root, limits)
    register_run(app, root, limits, jobs)


def register_form(app: Dash, root: Path, limits: Limits) -> None:
    """The form follows the experiment picked; the levers, the policy they change."""

    @app.callback(
        Output(ids.lever("experiment"), "value"),
        Output(ids.lever("compared"), "options"),
        Output(ids.lever("compared"), "value"),
        Output(ids.lever("baseline"), "options"),
        Output(ids.lever("baseline"), "value"),
        Output(ids.lever("policy"), "options"),
        Output(ids.lever("policy"), "value"),
        *[Output(ids.lever(lv.name), "value") for lv in SHARED_LEVERS],
        Output(ids.WHATIF_SOURCE_INFO, "children"),
        Input(ids.EXPERIMENT, "value"),
        Input(ids.lever("compared"), "value"),
        State(ids.lever("compared"), "options"),
        State(ids.lever("baseline"), "value"),
        State(ids.lever("policy"), "value"),
    )
    def start(name: Any, compared: Any, options: Any, baseline: Any, policy: Any) -> tuple:
        """A new experiment: the form at its scenario. New compared policies: the choices
        among them."""
        if ctx.triggered_id == ids.lever("compared"):
            kept = chosen(compared, options, baseline, policy)
            return no_update, *kept, *[no_update] * (len(SHARED_LEVERS) + 1)
        try:
            source = load_source(root, name)
        except WhatIfError as err:
            source = fallback(f"{short(err)}: the what-if starts from the built-in policies.")
        at = start_values(source, limits)
        picked = at["compared"]
        return (at["experiment"], components_whatif.policy_options(source.policies, picked),
                picked, picked, at["baseline"], picked, at["policy"],
                *[at[lv.name] for lv in SHARED_LEVERS], source.describe())  # fmt: skip

    @app.callback(
        Output(ids.WHATIF_PICK, "data"),
        Input(ids.lever("policy"), "value"),
        Input(ids.lever("experiment"), "value"),
    )
    def pick(policy: Any, experiment: Any) -> dict:
        """The policy the levers change and the experiment it is stored with, in one store."""
        start = maybe_text(experiment, "starting experiment")
        return {"policy": text(policy, "policy"), "experiment": start}

    @app.callback(
        *[Output(ids.lever(n), "value") for n in POLICY_LEVERS],
        Output(ids.lever(TOP_GRADE.name), "options"),
        Input(ids.WHATIF_PICK, "data"),
        prevent_initial_call=True,
    )
    def load_levers(picked: Any) -> tuple:
        """The levers at the stored values of the policy they change."""
        if not isinstance(picked, dict):
            raise BadValue(f"ignored a policy choice that is not a mapping: {picked!r:.80}")
        policy = text(picked.get("policy"), "policy")
        try:
            source = load_source(root, maybe_text(picked.get("experiment"), "starting experiment"))
        except WhatIfError:
            raise PreventUpdate from None
        if policy not in source.policies:
            raise PreventUpdate
        params = source.params(policy)
        return *lever_values(params).values(), choices(TOP_GRADE, params)

    @app.callback(
        *[Output(ids.whatif_value(lv.name), "children") for lv in SLIDERS],
        *[Input(ids.lever(lv.name), "value") for lv in SLIDERS],
    )
    def show_values(*values: Any) -> tuple:
        """Each slider's value and range beside its label, as it moves."""
        return tuple(
            shown(lv, slider_value(v, lv.label.lower()), limits)
            for lv, v in zip(SLIDERS, values, strict=True)
        )


def register_run(app: Dash, root: Path, limits: Limits, jobs: Path) -> None:
    """The background run, its cancel button, its result and the YAML download."""

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
            scenario, changed = whatif_scenario(root, folder.name, values, limits)
        except WhatIfError as err:
            return no_update, f"Cannot run this what-if: {short(err)}"
        try:

            def queued(ahead: int) -> None:
                set_progress(("0", "1", f"Queued: {ahead} what-if(s) ahead of this one…"))

            so_far = SoFar(folder, scenario.baseline, changed)

            def ran(done: int, total: int) -> None:
                set_progress((str(done), str(total), progress_text(done, total, so_far)))

            with slot(jobs, on_wait=queued):
                run_whatif(scenario, folder, ran)
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
        cards = components.cards(exp.cards(), exp.colours)
        return list_experiments(root), name, components_whatif.whatif_result(name, cards, fig)

    @app.callback(
        Output(ids.WHATIF_YAML_FILE, "data"),
        Output(ids.WHATIF_STATUS, "children", allow_duplicate=True),
        Input(ids.WHATIF_YAML, "n_clicks"),
        *form_states(),
        prevent_initial_call=True,
    )
    def download_yaml(_: int, *values: Any) -> tuple:
        try:
            policy, baseline, levers = form_values(values)
            source = load_source(root, levers.get("experiment"))
            scenario = build_scenario("what-if", policy, baseline, levers, source)
        except WhatIfError as err:
            return no_update, f"Cannot save this what-if: {short(err)}"
        return dcc.send_string(dump_scenario(scenario), "what-if.yaml"), no_update
