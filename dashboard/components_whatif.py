"""The what-if tab's pieces: its form, buttons, progress and result. No data is read here: the
form starts from the built-in policies and a callback moves it to the experiment picked."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.whatif import LEVERS, MAX_POLICIES, Lever, Limits, choices, shown, start_values
from dashboard.whatif_source import default_source

GRAPH_CONFIG = {"displaylogo": False, "responsive": True}
INTRO = (
    "Start from the experiment picked above: compare up to four of its policies, change the "
    "levers of one of them and the values every policy shares, and run a new experiment with "
    "paired replications. The policy you change runs as 'what-if: <name>'. The result is saved "
    "under the results folder like any run."
)


def whatif_tab(limits: Limits) -> html.Div:
    """The what-if form, its run and cancel buttons, progress, status and result."""
    return html.Div(
        [html.P(INTRO, className="lead"),
         html.P(id=ids.WHATIF_SOURCE_INFO, className="lead", role="status"),
         whatif_form(limits), whatif_buttons(), whatif_progress(),
         html.Div(id=ids.WHATIF_STATUS, className="status"), html.Div(id=ids.WHATIF_RESULT),
         dcc.Store(id=ids.WHATIF_PICK)]
    )  # fmt: skip


def whatif_form(limits: Limits) -> html.Div:
    """Where the what-if starts, the policies it compares, the baseline, the policy the levers
    change, then every lever at its starting value; below them, this server's bound on the size
    of one what-if."""
    source = default_source()
    start = start_values(source, limits)
    names = source.policies
    pick = [
        control(LEVERS[0], start["experiment"], limits),
        control(LEVERS[1], start["compared"], limits, policy_options(names, start["compared"])),
        _choice(ids.lever("baseline"), "Baseline (compared with)", start["compared"],
                start["baseline"]),
        _choice(ids.lever("policy"), "Policy the levers change", start["compared"],
                start["policy"]),
    ]  # fmt: skip
    bound = html.Small(
        "This server runs one what-if at a time (later ones wait in line, shown in the "
        f"progress bar), each of at most {MAX_POLICIES} policies, {limits.people:,} people, "
        f"{limits.replications:,} replications per policy, {limits.years:,g} years and "
        f"{limits.employee_months:,} employee-months (policies x replications x people x "
        "years x 12).",
        className="bounds",
    )
    controls = [control(lv, start[lv.name], limits) for lv in LEVERS if lv.section != "what-if"]
    return html.Div([*pick, *controls, bound], className="form")


def policy_options(names: list[str], chosen: list[str]) -> list[dict[str, Any]]:
    """The compared policies' options: once MAX_POLICIES are chosen, the others are disabled."""
    full = len(chosen) >= MAX_POLICIES
    return [{"label": n, "value": n, "disabled": full and n not in chosen} for n in names]


def control(lever: Lever, value: Any, limits: Limits, options: list | None = None) -> html.Div:
    """One what-if lever; its range and help text come from its field (and the server's
    limits). A slider shows its value and range beside its label (updated by a callback)."""
    lo, hi = lever.bounds()[0], limits.cap(lever)
    lid = ids.lever(lever.name)
    label: list[Any] = [lever.label]
    if lever.control == "text":
        widget: Any = dcc.Input(id=lid, type="text", value=value, readOnly=True,
                                placeholder="the built-in policies",
                                className="number")  # fmt: skip
    elif lever.control == "multi":
        widget = dcc.Dropdown(id=lid, options=options or [], value=value, multi=True,
                              clearable=False)  # fmt: skip
    elif lever.control == "choice":
        widget = dcc.Dropdown(id=lid, options=choices(lever), value=value, clearable=False)
    elif lever.control == "slider":
        label += [": ", html.Span(shown(lever, value, limits), id=ids.whatif_value(lever.name),
                                  className="lever-value")]  # fmt: skip
        widget = dcc.Slider(
            id=lid,
            min=lo,
            max=hi,
            step=lever.step,
            value=value,
            marks=None,
            tooltip={"placement": "bottom"},
            allow_direct_input=True,
            updatemode="drag",  # the value beside the label follows the handle
        )
    else:
        label.append(f" ({shown(lever, None, limits)[1:-1]})")
        widget = dcc.Input(id=lid, type="number", min=lo, max=hi, step=lever.step, value=value,
                           debounce=True, className="number")  # fmt: skip
    return html.Div([html.Label(label), widget, html.Small(lever.help)], className="lever")


def whatif_buttons() -> html.Div:
    """Run, cancel (enabled while running) and download the what-if as a scenario file."""
    return html.Div(
        [html.Button("Run what-if", id=ids.WHATIF_RUN, className="button"),
         html.Button("Cancel", id=ids.WHATIF_CANCEL, className="button secondary", disabled=True),
         html.Button("Download as scenario (YAML)", id=ids.WHATIF_YAML,
                     className="button secondary")],
        className="buttons",
    )  # fmt: skip


def whatif_progress() -> html.Div:
    """A progress bar and 'n / N runs', shown once a run starts."""
    return html.Div(
        [html.Progress(id=ids.WHATIF_PROGRESS, value="0", max="1"),
         html.Span(id=ids.WHATIF_PROGRESS_TEXT)],
        id=ids.WHATIF_PROGRESS_BOX, className="progress", hidden=True,
    )  # fmt: skip


def _choice(cid: dict, label: str, options: list[str], value: str) -> html.Div:
    return html.Div(
        [html.Label(label), dcc.Dropdown(id=cid, options=options, value=value, clearable=False)],
        className="lever",
    )


def whatif_result(name: str, cards: html.Div, fig: Any) -> html.Div:
    """A finished what-if beside its baseline: the key cards (components.cards) and engagement
    over time."""
    note = "Every tab now shows this experiment; pick another one above to go back."
    return html.Div(
        [html.H2(f"Result: {name}"), html.P(note, className="lead"), cards,
         dcc.Graph(figure=fig, config=GRAPH_CONFIG)],
        className="whatif-result",
    )  # fmt: skip
