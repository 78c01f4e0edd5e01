"""Named pieces of the page; ``page()`` assembles them. No data is read here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components_whatif import whatif_tab
from dashboard.data import MONEY_SLIDERS
from dashboard.whatif import Limits
from orgsim.overview import Card, CardRow

GRAPH_CONFIG = {"displaylogo": False, "responsive": True}
HIDDEN = {"display": "none"}  # a tab that does not apply to the chosen experiment
# Tabs shown by a callback only where they apply.
ONLY_FOR_SOME = (ids.TAB_SWEEP, ids.TAB_SENSITIVITY, ids.TAB_PROFILES, ids.TAB_FIT)
BADGES = ("better", "worse", "unclear")  # verdicts shown as a badge beside the difference


def page(
    root: Path, experiments: list[str], limits: Limits | None = None, error: str | None = None
) -> html.Div:
    """The whole page; without experiments it explains how to make some and opens the what-if.
    The what-if's number fields are capped at the server's ``limits``; ``error`` (e.g. the
    results root could not be read) is shown at the top."""
    first = experiments[0] if experiments else None
    return html.Div(
        [
            header(experiments, first),
            html.P(error, id=ids.PAGE_ERROR, className="alert", role="alert", hidden=not error),
            empty_state(root, hidden=bool(experiments)),
            tabs(has_data=bool(experiments), limits=limits or Limits()),
            dcc.Download(id=ids.DOWNLOAD_CSV_FILE),
            dcc.Download(id=ids.WHATIF_YAML_FILE),
            dcc.Store(id=ids.WHATIF_DONE),
        ],
        className="page",
    )


def header(experiments: list[str], value: str | None) -> html.Header:
    """Title, the experiment picker, a line about the chosen experiment and the CSV button."""
    picker = dcc.Dropdown(
        id=ids.EXPERIMENT,
        options=experiments,
        value=value,
        clearable=False,
        placeholder="No results yet",
        className="picker",
    )
    return html.Header(
        [
            html.Div(
                [
                    html.H1("orgsim"),
                    html.P("How promotion policies shape engagement, turnover and expertise"),
                ],
                className="brand",
            ),
            html.Div([html.Label("Experiment", htmlFor=ids.EXPERIMENT), picker], className="pick"),
            html.Button("Download data (CSV)", id=ids.DOWNLOAD_CSV, className="button secondary"),
            html.P(id=ids.EXPERIMENT_INFO, className="info"),
        ],
        className="topbar",
    )


def empty_state(root: Path, hidden: bool) -> html.Div:
    """What to do when RESULTS_ROOT holds no results yet."""
    cmd = f"orgsim run scenarios/compare-policies.yaml --out {root / 'compare-policies'}"
    return html.Div(
        [
            html.H2("No results to show yet"),
            html.P(
                f"There are no finished experiments under {root}. Run one from the command "
                "line, then reload this page:"
            ),
            html.Pre(cmd, className="command"),
            html.P("Or try a quick what-if below: it is saved there like any run."),
        ],
        id=ids.EMPTY_STATE,
        className="empty",
        hidden=hidden,
    )


def tabs(has_data: bool, limits: Limits) -> dcc.Tabs:
    """The views, one tab each; data tabs are disabled until an experiment is chosen."""
    views = [
        (ids.TAB_OVERVIEW, "Overview", overview_tab()),
        (ids.TAB_TIMESERIES, "Over time", timeseries_tab()),
        (ids.TAB_BREAKDOWNS, "Grades and roles", breakdowns_tab()),
        (ids.TAB_FLOWS, "Career moves", flows_tab()),
        (ids.TAB_PETER, "Peter principle", peter_tab()),
        (ids.TAB_PROFILES, "Profiles", profiles_tab()),
        (ids.TAB_SWEEP, "Sweep", sweep_tab()),
        (ids.TAB_SENSITIVITY, "Sensitivity", sensitivity_tab()),
        (ids.TAB_FIT, "Fit", fit_tab()),
        (ids.TAB_MONEY, "Business case", money_tab()),
        (ids.TAB_WHATIF, "What if…", whatif_tab(limits)),
    ]
    children = [
        dcc.Tab(
            html.Div(body, className="tab-body"),
            label=label,
            value=tid,
            id=tid,
            disabled=not has_data and tid != ids.TAB_WHATIF,
            style=HIDDEN if tid in ONLY_FOR_SOME else None,
        )
        for tid, label, body in views
    ]
    value = ids.TAB_OVERVIEW if has_data else ids.TAB_WHATIF
    return dcc.Tabs(children, id=ids.TABS, value=value, className="tabs")


def graph(gid: str) -> dcc.Graph:
    """A graph with the shared configuration."""
    return dcc.Graph(id=gid, config=GRAPH_CONFIG, className="graph")


def overview_tab() -> html.Div:
    """The verdict, then cards of the key measures (both drawn by a callback)."""
    return html.Div([html.Div(id=ids.OVERVIEW_CARDS)])


CARDS_INTRO = (
    "Each card shows every policy's mean at the horizon (final year) with its 95% "
    "interval, and the paired difference from the baseline with its 95% interval."
)
VERDICT_ID = "overview-verdict"  # the verdict box at the top of the overview
VERDICT_STYLE = {"background": "#fff", "border": "1px solid #dde3ea",
                 "borderLeft": "4px solid #0a5fa8", "borderRadius": "8px",
                 "padding": "4px 16px", "margin": "0 0 16px", "maxWidth": "1100px"}  # fmt: skip


def overview(paragraphs: list[str], items: list[Card], colours: dict[str, str]) -> list[Any]:
    """The overview tab's content: the plain-language verdict first, then the cards."""
    return [verdict(paragraphs), html.P(CARDS_INTRO, className="lead"), cards(items, colours)]


def verdict(paragraphs: list[str]) -> html.Section:
    """The verdict (orgsim.verdict): the headline in bold, the how-to-read note muted."""
    if not paragraphs:
        return html.Section(id=VERDICT_ID, hidden=True)
    head, *rest = paragraphs
    body = [html.P(html.Strong(head))]
    body += [html.P(p) for p in rest[:-1]]
    body += [html.P(rest[-1], className="lead")] if rest else []
    return html.Section(
        [html.H2("Verdict", style={"margin": "8px 0 0", "fontSize": "18px"}), *body],
        id=VERDICT_ID,
        style=VERDICT_STYLE,
    )


def timeseries_tab() -> html.Div:
    """A measure picker and its time series."""
    picker = dcc.Dropdown(id=ids.MEASURE, clearable=False, className="measure")
    return html.Div(
        [html.Label("Measure", htmlFor=ids.MEASURE), picker, graph(ids.TIMESERIES_GRAPH)]
    )


YEAR_PICK = {"display": "flex", "alignItems": "center", "gap": "10px", "marginBottom": "6px"}


def breakdowns_tab() -> html.Div:
    """A year box and slider over the heatmap, the pyramid and the reluctant managers. The box
    redraws on Enter (or on leaving it); the slider, once let go."""
    slider = dcc.Slider(
        id=ids.YEAR, min=0, max=1, step=1, value=1, allow_direct_input=False, updatemode="mouseup"
    )
    box = dcc.Input(id=ids.YEAR_INPUT, type="number", min=0, max=1, step=1, value=1,
                    debounce=True, className="number", style={"width": "110px"})  # fmt: skip
    hint = html.Small("type a year and press Enter, or move the slider")
    return html.Div(
        [
            html.Div([html.Label("Year", htmlFor=ids.YEAR_INPUT), box, hint], style=YEAR_PICK),
            slider,
            graph(ids.HEATMAP_GRAPH),
            graph(ids.PYRAMID_GRAPH),
            graph(ids.RELUCTANT_GRAPH),
        ]
    )


def flows_tab() -> html.Div:
    """A policy choice and its Sankey of career moves."""
    radio = dcc.RadioItems(id=ids.FLOW_POLICY, inline=True, className="radio")
    return html.Div([html.Label("Policy"), radio, graph(ids.FLOWS_GRAPH)])


def peter_tab() -> html.Div:
    """Pre-promotion performance against later team output."""
    text = (
        "If the best technical performers made the best managers, the dots would rise to "
        "the right. The Peter principle predicts they do not."
    )
    return html.Div([html.P(text, className="lead"), graph(ids.PETER_GRAPH)])


def picker(pid: str, label: str) -> html.Div:
    """A labelled dropdown whose options a callback fills."""
    return html.Div(
        [html.Label(label, htmlFor=pid), dcc.Dropdown(id=pid, clearable=False)], className="pick"
    )


def profiles_tab() -> html.Div:
    """A measure with a value per category (grade, group, ...), as a profile per policy."""
    intro = (
        "Some measures have a value per category, such as each grade. Here: each policy's "
        "mean at the horizon per category, with its 95% interval."
    )
    return html.Div(
        [html.P(intro, className="lead"),
         html.Div([picker(ids.PROFILE_MEASURE, "Measure")], className="pickers"),
         graph(ids.PROFILE_GRAPH)]
    )  # fmt: skip


def sweep_tab() -> html.Div:
    """A measure and a swept parameter, and that measure against that parameter per policy."""
    intro = (
        "A sweep reruns the experiment at each combination of the swept parameters' values. "
        "Here: how a measure at the horizon changes with one of them, for each policy."
    )
    pickers = [picker(ids.SWEEP_MEASURE, "Measure"), picker(ids.SWEEP_PARAMETER, "Swept parameter")]
    return html.Div(
        [html.P(intro, className="lead"), html.Div(pickers, className="pickers"),
         graph(ids.SWEEP_GRAPH)]
    )  # fmt: skip


def sensitivity_tab() -> html.Div:
    """Per measure: what moves the policy's advantage and when its verdict flips; robustness."""
    intro = (
        "A sensitivity analysis runs the policy and its baseline in many plausible worlds, "
        "sampled over the scenario's uncertain parameters (with common random numbers)."
    )
    rules = (
        "The decision tree below splits the sampled worlds by the parameters that best "
        "separate those where the policy is better from those where it is worse."
    )
    return html.Div(
        [html.P(intro, className="lead"),
         html.Div(picker(ids.SENSITIVITY_MEASURE, "Measure"), className="pickers"),
         graph(ids.SENSITIVITY_GRAPH), html.H3("When does the verdict flip?"),
         html.P(rules, className="lead"), html.Pre(id=ids.SENSITIVITY_RULES, className="rules"),
         graph(ids.ROBUSTNESS_GRAPH)]
    )  # fmt: skip


def fit_tab() -> html.Div:
    """How well the fitted model reproduces the organisation's data: each statistic observed
    against simulated (figure and summary drawn by a callback)."""
    intro = (
        "This experiment draws its parameters from a fit to an organisation's HR data. Before "
        "trusting its comparison, check the fitted model looks like the organisation: each "
        "statistic of the data against the same statistic in simulations of the fitted model."
    )
    return html.Div(
        [html.P(intro, className="lead"), html.P(id=ids.FIT_SUMMARY, className="fit-summary"),
         graph(ids.FIT_GRAPH)]
    )  # fmt: skip


def money_tab() -> html.Div:
    """The business case: the money sliders, a waterfall per policy against the baseline and
    the cumulative net value over the years (figures drawn by a callback)."""
    intro = (
        "What each policy is worth against the baseline, in money: the value of the output "
        "its people produce, minus what it costs in pay, replacing leavers, vacant positions, "
        "hires and new managers reaching full productivity, and coaching. Move a slider to "
        "re-value the stored results with another assumption: nothing is re-run."
    )
    sliders = [money_slider(name, *spec) for name, spec in MONEY_SLIDERS.items()]
    reset = html.Button("Reset to the experiment's assumptions", id=ids.MONEY_RESET,
                        className="button secondary")  # fmt: skip
    return html.Div(
        [html.P(intro, className="lead"),
         html.Div([*sliders, reset], className="form money-sliders"),
         html.P(id=ids.MONEY_STATUS, className="status", role="status"),
         graph(ids.MONEY_WATERFALL), graph(ids.MONEY_NET)]
    )  # fmt: skip


def money_slider(name: str, label: str, unit: str, lo: float, hi: float, step: float) -> html.Div:
    """One money slider: its label and unit, the slider with its range at both ends, and its
    current value (written by a callback)."""
    widget = dcc.Slider(
        id=ids.money_slider(name),
        min=lo,
        max=hi,
        step=step,
        value=lo,
        marks={lo: f"{lo:,g}", hi: f"{hi:,g}"},
        tooltip={"placement": "bottom"},
        allow_direct_input=True,
        updatemode="mouseup",
    )
    return html.Div(
        [html.Label(f"{label} ({unit})", htmlFor=ids.money_slider(name)), widget,
         html.Small(id=ids.money_value(name), className="money-value")],
        className="lever",
    )  # fmt: skip


def cards(items: list[Card], colours: dict[str, str]) -> html.Div:
    """The overview cards: per measure, each policy's mean, interval and difference."""
    return html.Div([card(c, colours) for c in items], className="cards")


def card(c: Card, colours: dict[str, str]) -> html.Div:
    """One measure's card."""
    head = html.Tr([html.Th("Policy"), html.Th("Mean [95% CI]"), html.Th("vs baseline [95% CI]")])
    return html.Div(
        [
            html.H3(c.label),
            html.P(c.unit, className="unit"),
            html.Table([html.Thead(head), html.Tbody([card_row(r, colours) for r in c.rows])]),
        ],
        className="card",
        id=f"card-{c.measure}",
    )


def card_row(r: CardRow, colours: dict[str, str]) -> html.Tr:
    """A policy's line: swatch and name, mean and interval, difference and verdict badge."""
    swatch = html.Span(className="swatch", style={"background": colours.get(r.policy)})
    diff: list[Any] = [r.diff]
    if r.verdict in BADGES:
        diff.append(html.Span(r.verdict, className="badge"))
    return html.Tr(
        [
            html.Td([swatch, r.policy]),
            html.Td([r.mean, html.Small(f" {r.interval}")]),
            html.Td(diff),
        ],
        className=f"verdict-{r.verdict}",
    )
