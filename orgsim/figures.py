"""Every figure of the dashboard and the HTML report: pure ``(DataFrame(s), options) -> Figure``.

Both front ends call these builders, so a figure looks the same wherever it appears. The data
come from ``orgsim.results`` (tables, ``compare()``, ``timeseries_bands()``, ``mean_ci()``);
nothing here reads files. One colour per policy, from the Okabe-Ito colour-blind-safe palette.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from math import ceil

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from orgsim.events import exit_kinds
from orgsim.measures import Measure
from orgsim.overview import fmt, interval
from orgsim.results import mean_ci

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
ROLE_LABELS = {"ic": "Individual contributor", "specialist": "Specialist", "manager": "Manager"}
ROLE_SHORT = {"ic": "IC", "specialist": "Specialist", "manager": "Manager"}
ROLE_PATTERNS = {"ic": "", "specialist": "/", "manager": "x"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
MAX_POINTS = 1500  # managers drawn per policy in the Peter-principle view


def policy_colours(policies: Iterable[str]) -> dict[str, str]:
    """Colour of each policy, in scenario order; the same in every figure of an experiment."""
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(policies)}


def rgba(colour: str, alpha: float) -> str:
    """A '#rrggbb' colour as a CSS rgba() string with the given opacity."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def style(
    fig: go.Figure, title: str, subtitle: str = "", height: int = 460, top: int = 90
) -> go.Figure:
    """Apply the shared look: white template, plain title and subtitle, legend below the plot."""
    fig.update_layout(
        template="plotly_white",
        title=dict(text=title, subtitle=dict(text=subtitle), x=0.01, xanchor="left"),
        font=dict(family=FONT, size=13),
        legend=dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0),
        margin=dict(l=80, r=30, t=top, b=90),
        height=height,
        hoverlabel=dict(font_family=FONT),
    )
    return fig


# --- time series ------------------------------------------------------------------------------
def axis_title(m: Measure, width: int = 34) -> str:
    """An axis label with the measure's unit; long ones wrap, with the unit on its own line."""
    text = f"{m.label} ({m.unit})"
    if len(text) <= width:
        return text
    return "<br>".join([*textwrap.wrap(m.label, width), f"({m.unit})"])


def hover(policy: str, template: str) -> str:
    """A hover template naming the policy in the box's side label."""
    return f"{template}<extra>{policy}</extra>"


def timeseries_figure(bands: pd.DataFrame, m: Measure, colours: dict[str, str]) -> go.Figure:
    """One line per policy (mean over replications) with its 95% band; x in years."""
    fig = go.Figure()
    for policy, colour in colours.items():
        b = bands[bands["policy"] == policy].dropna(subset=["mean"])
        years = b["month"] / 12
        edge = dict(x=years, mode="lines", line_width=0, legendgroup=policy, showlegend=False,
                    hoverinfo="skip")  # fmt: skip
        fig.add_scatter(y=b["high"].fillna(b["mean"]), **edge)
        fig.add_scatter(y=b["low"].fillna(b["mean"]), fill="tonexty",
                        fillcolor=rgba(colour, 0.18), **edge)  # fmt: skip
        fig.add_scatter(x=years, y=b["mean"], mode="lines", name=policy, legendgroup=policy,
                        line=dict(color=colour, width=2.5),
                        hovertemplate=hover(policy, "year %{x:.1f}: %{y:.3g}"))  # fmt: skip
    fig.update_xaxes(title_text="Years since the start")
    fig.update_yaxes(title_text=axis_title(m))
    sub = "Line: mean over replications. Shaded: 95% interval."
    return style(fig, f"{m.label} over time", sub)


def profile_figure(comparison: pd.DataFrame, m: Measure, colours: dict[str, str]) -> go.Figure:
    """A measure by category as a profile: per category (x), each policy's mean over
    replications with its 95% interval; ``comparison`` holds the rows ``name[category]``."""
    rows = comparison[comparison["measure"].str.startswith(f"{m.name}[")]
    cats = rows["measure"].str.slice(len(m.name) + 1, -1)
    order = sorted(cats.unique(), key=_category_key)
    fig = go.Figure()
    for policy, colour in colours.items():
        r = rows[rows["policy"] == policy].assign(category=cats).set_index("category")
        r = r.reindex([c for c in order if c in r.index])
        fig.add_scatter(x=r.index, y=r["mean"], name=policy, mode="lines+markers",
                        line=dict(color=colour, width=2.5),
                        error_y=dict(type="data", symmetric=False, color=colour,
                                     array=r["ci_high"] - r["mean"],
                                     arrayminus=r["mean"] - r["ci_low"]),
                        hovertemplate=hover(policy, f"{m.by} %{{x}}: %{{y:.3g}}"))  # fmt: skip
    fig.update_xaxes(title_text=(m.by or "category").capitalize(), type="category")
    fig.update_yaxes(title_text=axis_title(m))
    sub = "Markers: mean over replications. Whiskers: 95% interval."
    return style(fig, f"{m.label} by {m.by or 'category'}", sub)


def _category_key(text: str) -> tuple[int, float, str]:
    """Numbers in numeric order first, then names in alphabetical order."""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


# --- organisation structure -------------------------------------------------------------------
def _mean(values: pd.Series) -> float:
    return mean_ci(values.to_numpy())[0]


def structure_at(structure: pd.DataFrame, month: int) -> pd.DataFrame:
    """Per policy, grade and role at ``month``: means over replications of headcount,
    engagement and the reluctant share of the cell, with the 95% interval of that share."""
    s = structure[structure["month"] == month].copy()
    s["reluctant_share"] = s["reluctant"] / s["headcount"].where(s["headcount"] > 0)
    g = s.groupby(["policy", "grade", "role"], sort=False)
    out = g.agg(
        positions=("positions", _mean),
        headcount=("headcount", _mean),
        engagement=("engagement", _mean),
        reluctant_share=("reluctant_share", _mean),
    )
    ci = g["reluctant_share"].apply(lambda v: pd.Series(mean_ci(v.to_numpy())[1:], ["lo", "hi"]))
    return out.join(ci.unstack()).reset_index()


def _grid(n: int, cols: int = 4) -> tuple[int, int]:
    c = min(n, cols)
    return ceil(n / c), c


def _facets(colours: dict[str, str], x_title: str, y_title: str, **kw) -> go.Figure:
    """One subplot per policy, titled in the policy's colour, with shared axis titles."""
    rows, cols = _grid(len(colours))
    fig = make_subplots(
        rows,
        cols,
        subplot_titles=list(colours),
        x_title=x_title,
        y_title=y_title,
        horizontal_spacing=0.04,
        **kw,
    )
    for ann, colour in zip(fig.layout.annotations, colours.values(), strict=False):
        ann.font = dict(color=colour, size=14)
    return fig


def _cell(i: int, cols: int) -> dict[str, int]:
    return dict(row=i // cols + 1, col=i % cols + 1)


def engagement_heatmap(snapshot: pd.DataFrame, colours: dict[str, str], year: float) -> go.Figure:
    """Mean engagement by grade x role, one panel per policy, on one shared colour scale."""
    fig = _facets(colours, "Role", "Grade", shared_yaxes=True)
    _, cols = _grid(len(colours))
    zmin, zmax = snapshot["engagement"].min(), snapshot["engagement"].max()
    for i, policy in enumerate(colours):
        grid = (
            snapshot[snapshot["policy"] == policy]
            .pivot_table(index="grade", columns="role", values="engagement", dropna=False)
            .reindex(columns=[r for r in ROLE_LABELS if r in set(snapshot["role"])])
        )
        fig.add_heatmap(
            z=grid.to_numpy(),
            x=[ROLE_SHORT[r] for r in grid.columns],
            y=grid.index.astype(str),
            zmin=zmin,
            zmax=zmax,
            colorscale="Cividis",
            texttemplate="%{z:.2f}",
            showscale=i == 0,
            colorbar=dict(title=dict(text="Engagement (0..1)")),
            hovertemplate=hover(policy, "grade %{y}, %{x}: %{z:.3f}"),
            **_cell(i, cols),
        )
    title = f"Where engagement is high and low, by grade and role (year {year:g})"
    sub = "Mean engagement of the people in each cell; blank: no such role."
    return style(fig, title, sub, top=120)


#: The shortest grade bar of the pyramid, as a share of the widest grade's: a grade with very
#: few people (the top ones) stays visible; its label gives its true count.
MIN_BAR = 0.03


def people(value: float) -> str:
    """A mean count of people, as labelled on a bar: whole above 10, else one decimal."""
    if value != value:  # NaN
        return "n/a"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def pyramid_figure(snapshot: pd.DataFrame, colours: dict[str, str], year: float) -> go.Figure:
    """Headcount by grade, stacked by role, one panel per policy: the organisation's shape.

    Each grade's bar is labelled with its headcount. A grade below MIN_BAR of the widest
    grade's headcount is drawn at that length (its roles in proportion) so that the top
    grades stay visible; labels and hover give the true counts (also in ``customdata``).
    """
    x_title = "People (mean over replications)"
    fig = _facets(colours, x_title, "Grade", shared_yaxes=True, shared_xaxes=True)
    _, cols = _grid(len(colours))
    totals = snapshot.groupby(["policy", "grade"], sort=False)["headcount"].sum()
    widest = float(totals.max()) if len(totals) else 0.0
    floor = MIN_BAR * widest if widest > 0 else 0.0
    for i, (policy, colour) in enumerate(colours.items()):
        s = snapshot[snapshot["policy"] == policy]
        total = s.groupby("grade")["headcount"].sum().sort_index()
        stretch = (floor / total).where((total > 0) & (total < floor), 1.0)
        for role, pattern in ROLE_PATTERNS.items():
            r, tip = s[s["role"] == role], f"{ROLE_LABELS[role]}s"
            fig.add_bar(
                x=r["headcount"] * r["grade"].map(stretch).fillna(1.0),
                y=r["grade"],
                customdata=r["headcount"],
                orientation="h",
                name=ROLE_LABELS[role],
                marker=dict(color=colour, pattern_shape=pattern, line=dict(color="white", width=1)),
                showlegend=False,
                legendgroup=role,
                hovertemplate=hover(policy, f"grade %{{y}}: %{{customdata:.1f}} {tip}"),
                **_cell(i, cols),
            )
        fig.add_scatter(x=total * stretch, y=total.index, text=[people(v) for v in total],
                        mode="text", textposition="middle right", name="people in the grade",
                        textfont=dict(size=12, color="#222"), showlegend=False,
                        hoverinfo="skip", cliponaxis=False, **_cell(i, cols))  # fmt: skip
    for role, pattern in ROLE_PATTERNS.items():  # a colour-neutral legend of the patterns
        fig.add_bar(x=[None], y=[None], name=ROLE_LABELS[role], legendgroup=role, row=1, col=1,
                    marker=dict(color="#9a9a9a", pattern_shape=pattern))  # fmt: skip
    fig.update_layout(barmode="stack")
    grades = snapshot["grade"]
    span = [grades.min() - 0.5, grades.max() + 0.6] if len(grades) else None
    fig.update_yaxes(dtick=1, range=span)  # every grade, the top one too (no autorange here)
    fig.update_xaxes(matches="x", range=[0, widest * 1.18] if widest > 0 else None)
    title = f"Organisation pyramid: people by grade and role (year {year:g})"
    sub = ("Bar patterns mark the role; colours mark the policy. Numbers: people in the grade "
           "(tiny grades are drawn at a minimum length).")  # fmt: skip
    return style(fig, title, sub, top=120).update_layout(legend_y=-0.2)


def reluctant_figure(snapshot: pd.DataFrame, colours: dict[str, str], year: float) -> go.Figure:
    """Share of managers at each grade who do not want to lead, with 95% intervals."""
    fig = go.Figure()
    mgr = snapshot[snapshot["role"] == "manager"]
    for policy, colour in colours.items():
        m = mgr[mgr["policy"] == policy]
        share = m["reluctant_share"]
        err = dict(  # whiskers stay within [0, 1], where a share lies
            type="data",
            symmetric=False,
            color="#444",
            array=m["hi"].clip(upper=1) - share,
            arrayminus=share - m["lo"].clip(lower=0),
        )
        fig.add_bar(x=m["grade"], y=share, name=policy, marker_color=colour, error_y=err,
                    hovertemplate=hover(policy, "grade %{x}: %{y:.1%}"))  # fmt: skip
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Grade", dtick=1)
    fig.update_yaxes(title_text="% of the grade's managers", tickformat=".0%", range=[0, 1.05])
    title = f"Reluctant managers by grade (year {year:g})"
    return style(fig, title, "Bars: mean over replications. Whiskers: 95% interval.")


# --- career flows -----------------------------------------------------------------------------
SOURCES = {"hired": "Hired from outside", "ic": "IC", "specialist": "Specialist",
           "manager": "Manager"}  # fmt: skip
TARGETS = {"ic": "To IC", "specialist": "To specialist", "manager": "To manager",
           "voluntary": "Left (voluntary)", "retirement": "Retired",
           "dismissal": "Dismissed"}  # fmt: skip


def _is_exit(events: pd.DataFrame, kind: pd.Series) -> pd.Series:
    """Exit events: as the run recorded them (its ``exit`` column), else by registered kind."""
    return events["exit"].astype(bool) if "exit" in events else kind.isin(exit_kinds())


def flow_links(events: pd.DataFrame, policy: str, years: float, replications: int) -> pd.DataFrame:
    """Moves per year (mean over replications) between roles, in and out: source, target, value.

    Hires come from outside; promotions that change track, step-backs, exits and retirements
    leave a role. Promotions within a track are not moves between roles and are left out.
    """
    if "from_role" not in events:  # no events kept, or a summary stored without roles
        return pd.DataFrame({"source": [], "target": [], "value": []})
    e = events[events["policy"] == policy]
    kind = e["event"].astype(str)
    src = e["from_role"].astype(object).where(kind != "hire", "hired")
    tgt = e["to_role"].astype(object).where(~_is_exit(e, kind), kind)
    count = e.get("count", 1)  # run.events: summary, a count per cell of events
    moves = pd.DataFrame({"source": src, "target": tgt, "value": count}).dropna()
    moves = moves[moves["source"] != moves["target"]]
    counts = moves.groupby(["source", "target"])["value"].sum()
    counts = counts.sort_values(ascending=False, kind="stable").reset_index()
    counts["value"] = counts["value"] / (replications * years)
    return counts


def flows_figure(links: pd.DataFrame, policy: str, colour: str) -> go.Figure:
    """A Sankey of career moves per year for one policy, from ``flow_links``: each node is
    labelled with the people leaving it (a source) or arriving (a target) per year, each link
    with its move and count on hover."""
    targets = TARGETS | {t: f"Left ({t})" for t in links["target"] if t not in TARGETS}
    links = links[links["source"].isin(SOURCES) & links["target"].isin(targets)]
    out = links.groupby("source")["value"].sum()
    into = links.groupby("target")["value"].sum()
    counts = [out.get(k, 0.0) for k in SOURCES] + [into.get(k, 0.0) for k in targets]
    names = [*SOURCES.values(), *targets.values()]
    index = {("s", k): i for i, k in enumerate(SOURCES)}
    index |= {("t", k): len(SOURCES) + i for i, k in enumerate(targets)}
    ends = zip(links["source"], links["target"], links["value"], strict=True)
    moves = [f"{SOURCES[s]} → {targets[t]}: {people(v)} a year" for s, t, v in ends]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=".1f",
            valuesuffix=" people a year",
            textfont=dict(family=FONT, size=14, color="#1a1a1a"),
            node=dict(
                label=[f"{n} ({people(c)})" for n, c in zip(names, counts, strict=True)],
                customdata=counts,
                color="#8c8c8c",
                pad=22,
                thickness=18,
                hovertemplate="%{label}: %{customdata:.1f} people a year<extra></extra>",
            ),
            link=dict(
                source=[index["s", s] for s in links["source"]],
                target=[index["t", t] for t in links["target"]],
                value=links["value"],
                label=moves,
                color=rgba(colour, 0.35),
                hovertemplate="%{label}<extra></extra>",
            ),
        )
    )
    sub = ("People per year, mean over replications; each node's count in brackets. "
           "Promotions within a track are not shown.")  # fmt: skip
    return style(fig, f"Career moves under {policy}", sub, height=440).update_layout(margin_b=20)


# --- the Peter principle ----------------------------------------------------------------------
def peter_figure(
    managers: pd.DataFrame, colours: dict[str, str], comparison: pd.DataFrame | None = None
) -> go.Figure:
    """Each promoted manager's pre-promotion performance against their team's later output."""
    x_title = "Observed performance before promotion (skill scale)"
    y_title = "Team output later (per practitioner)"
    fig = _facets(colours, x_title, y_title, shared_yaxes=True, shared_xaxes=True)
    _, cols = _grid(len(colours))
    for i, (policy, colour) in enumerate(colours.items()):
        m = managers[managers["policy"] == policy]
        if len(m) > MAX_POINTS:
            m = m.sample(MAX_POINTS, random_state=0)
        fig.add_scatter(
            x=m["pre_promotion_performance"],
            y=m["team_output"],
            mode="markers",
            name=policy,
            marker=dict(color=colour, size=6, opacity=0.55),
            hovertemplate=hover(policy, "before: %{x:.2f}, team output: %{y:.2f}"),
            **_cell(i, cols),
        )
    if comparison is not None:
        _label_correlations(fig, comparison)
    fig.update_xaxes(matches="x")
    sub = "Each dot is a promoted manager. r: correlation at the horizon (95% interval)."
    fig = style(fig, "Do the best performers make the best managers?", sub, top=130)
    return fig.update_layout(showlegend=False)


def _label_correlations(fig: go.Figure, comparison: pd.DataFrame) -> None:
    """Add 'r = mean [low, high]' of the peter_signature measure to each panel's title."""
    rows = comparison[comparison["measure"] == "peter_signature"].set_index("policy")
    for ann in fig.layout.annotations:
        if ann.text in rows.index:
            r = rows.loc[ann.text]
            ci = interval(r["ci_low"], r["ci_high"], "correlation", False, r["mean"])
            ann.text = f"{ann.text}<br><sup>r = {fmt(r['mean'], 'correlation')} {ci}</sup>"


# --- the business case ------------------------------------------------------------------------
#: The waterfall's steps: money measure, label, sign (+1: the gain adds, -1: a cost subtracts).
WATERFALL_STEPS = (
    ("output_value", "Output value gain", 1),
    ("pay_bill", "Pay bill", -1),
    ("replacement_cost", "Replacement", -1),
    ("vacancy_cost", "Vacancies", -1),
    ("ramp_up_cost", "Ramp-up", -1),
    ("development_cost", "Development", -1),
)
CURRENCY_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥"}


def _money_format(currency: str) -> str:
    """A d3 format prefix for amounts in ``currency`` (symbol, thousands separators)."""
    return CURRENCY_SYMBOLS.get(currency, f"{currency} ")


def waterfall_steps(summary: pd.DataFrame, baseline: str, policy: str) -> pd.DataFrame:
    """Per step of the waterfall (label, amount): each flow's difference from the baseline
    (mean over the paired runs, per year over the horizon; costs negative), then the net
    value per year. ``summary``: the money summary table (policy, replication, measure,
    value, and the sweep point's columns if any)."""
    pair = [c for c in summary.columns if c not in ("policy", "measure", "value")]
    wide = summary.pivot_table(index=[*pair, "measure"], columns="policy", values="value",
                               dropna=False, observed=True)  # fmt: skip
    diff = (wide[policy] - wide[baseline]).groupby(level="measure").mean()
    rows = [(label, sign * float(diff.get(m, float("nan")))) for m, label, sign in WATERFALL_STEPS]
    net = summary[(summary["policy"] == policy) & (summary["measure"] == "net_value")]["value"]
    rows.append(("Net value per year", float(net.mean())))
    return pd.DataFrame(rows, columns=["step", "amount"])


def waterfall_figure(
    summary: pd.DataFrame, baseline: str, colours: dict[str, str], currency: str = "GBP"
) -> go.Figure:
    """Where the money comes and goes, per compared policy against the baseline: the output
    value gain, minus each cost's difference, ending in the net value per year (mean over
    replications). The last bar is the net value, the sum of the steps before it."""
    others = [p for p in colours if p != baseline and p in set(summary["policy"])]
    fig = make_subplots(rows=1, cols=max(len(others), 1), shared_yaxes=True,
                        subplot_titles=[f"{p} vs {baseline}" for p in others] or None,
                        horizontal_spacing=0.04)  # fmt: skip
    symbol = _money_format(currency)
    for i, policy in enumerate(others, start=1):
        steps = waterfall_steps(summary, baseline, policy)
        n = len(steps)
        fig.add_trace(
            go.Waterfall(
                x=steps["step"],
                y=steps["amount"],
                measure=["relative"] * (n - 1) + ["total"],
                name=policy,
                text=[_signed(v, symbol) for v in steps["amount"]],
                textposition="outside",
                cliponaxis=False,
                connector=dict(line=dict(color="#999", width=1)),
                increasing=dict(marker_color="#009E73"),
                decreasing=dict(marker_color="#D55E00"),
                totals=dict(marker_color=colours[policy]),
                hovertemplate=hover(policy, f"%{{x}}: {symbol}%{{y:,.0f}} a year"),
                showlegend=False,
            ),
            row=1,
            col=i,
        )
    fig.update_yaxes(tickprefix=symbol, tickformat=",.0f", separatethousands=True)
    fig.update_yaxes(title_text=f"Difference from {baseline} ({currency} a year)", col=1)
    sub = ("Green adds to the policy's net value, red takes from it; mean over replications, "
           "per year over the horizon.")  # fmt: skip
    return style(fig, "Business case: where the money comes and goes", sub, height=500)


def _signed(value: float, symbol: str) -> str:
    if value != value:  # NaN
        return "n/a"
    sign = "-" if round(value) < 0 else "+"
    return f"{sign}{symbol}{abs(value):,.0f}"


def cumulative_net_value(yearly: pd.DataFrame) -> pd.DataFrame:
    """Per policy and year: the cumulative net value against the baseline, mean over runs
    with its 95% band. ``yearly``: the money table (policy, replication, year, measure,
    value, and the sweep point's columns if any)."""
    net = yearly[yearly["measure"] == "net_value"]
    run = [c for c in net.columns if c not in ("year", "measure", "value")]
    net = net.sort_values([*run, "year"], kind="stable")
    cumulative = net.assign(value=net.groupby(run, sort=False, observed=True)["value"].cumsum())
    grouped = cumulative.groupby(["policy", "year"], sort=False, observed=True)["value"]
    out = grouped.apply(lambda s: pd.Series(mean_ci(s.to_numpy()), index=["mean", "low", "high"]))
    return out.unstack().reset_index()


def net_value_figure(
    yearly: pd.DataFrame, baseline: str, colours: dict[str, str], currency: str = "GBP"
) -> go.Figure:
    """Cumulative net value against the baseline over the years, one line per compared
    policy (mean over replications) with its 95% band; above zero the policy has paid back."""
    bands = cumulative_net_value(yearly)
    symbol = _money_format(currency)
    fig = go.Figure()
    for policy, colour in colours.items():
        if policy == baseline:
            continue
        b = bands[bands["policy"] == policy].sort_values("year").dropna(subset=["mean"])
        edge = dict(x=b["year"], mode="lines", line_width=0, legendgroup=policy,
                    showlegend=False, hoverinfo="skip")  # fmt: skip
        fig.add_scatter(y=b["high"].fillna(b["mean"]), **edge)
        fig.add_scatter(y=b["low"].fillna(b["mean"]), fill="tonexty",
                        fillcolor=rgba(colour, 0.18), **edge)  # fmt: skip
        tip = hover(policy, f"year %{{x}}: {symbol}%{{y:,.0f}}")
        fig.add_scatter(x=b["year"], y=b["mean"], mode="lines+markers", name=policy,
                        legendgroup=policy, line=dict(color=colour, width=2.5),
                        hovertemplate=tip)  # fmt: skip
    fig.add_hline(y=0, line=dict(color="#666", width=1, dash="dot"))
    fig.update_xaxes(title_text="Year", dtick=1)
    fig.update_yaxes(title_text=f"Cumulative net value vs {baseline} ({currency})",
                     tickprefix=symbol, tickformat=",.0f")  # fmt: skip
    sub = "Line: mean over replications. Shaded: 95% interval. Above zero: paid back."
    return style(fig, "Cumulative net value against the baseline", sub)
