"""The fit check as a dashboard figure: each statistic of the organisation's data against the
same statistic simulated by the fitted model (``fit.parquet``, written by ``orgsim fit``).

Pure ``DataFrame -> Figure``, styled like ``orgsim.figures``; nothing here reads files. fit.html
draws the same table with its own look (``orgsim.fit.report.statistics_figure``).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from orgsim.figures import PALETTE, style

#: The columns of fit.parquet the figure and the summary read.
FIT_COLUMNS = ("statistic", "label", "group", "unit", "fitted", "observed", "simulated_median",
               "simulated_low", "simulated_high", "inside")  # fmt: skip
TITLE = "Is this your organisation? Observed against simulated"
SIMULATED, INSIDE, OUTSIDE = PALETTE[0], PALETTE[2], PALETTE[5]  # blue, green, vermillion
NAMES = {
    "simulated": "Simulated: median and 90% band",
    "inside": "Observed: inside the band",
    "outside": "Observed: outside the band",
}


def panels(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The (group, unit) pairs in table order: one panel each, so units never share an axis."""
    return list(dict.fromkeys(zip(table["group"], table["unit"], strict=True)))


def row_label(label: str, fitted: bool, inside: bool) -> str:
    """A statistic's axis label: marked when outside its band or when no parameter moves it."""
    text = f"{label}{'' if fitted else ' (not fitted)'}"
    return text if inside else f"<b>{text} ✗</b>"


def fit_figure(table: pd.DataFrame) -> go.Figure:
    """Per statistic (one row each, a panel per group and unit): the simulated median with its
    5-95% band, and the observed value, marked with a cross where it lies outside the band."""
    if table.empty:
        return style(go.Figure(), TITLE, "The fit table holds no statistics.", height=240)
    pairs = panels(table)
    sizes = [int(((table["group"] == g) & (table["unit"] == u)).sum()) for g, u in pairs]
    height, top = 200 + 30 * len(table) + 80 * len(pairs), 110
    plot = height - top - 90  # the plotting area's height in pixels (style's margins)
    fig = make_subplots(
        rows=len(pairs),
        cols=1,
        subplot_titles=[f"{str(g).capitalize()} ({u})" for g, u in pairs],
        vertical_spacing=min(75 / plot, 0.5 / len(pairs)),  # room for ticks and the next title
        row_heights=sizes,
    )
    shown: set[str] = set()
    for i, (group, unit) in enumerate(pairs, 1):
        block = table[(table["group"] == group) & (table["unit"] == unit)].iloc[::-1]
        inside = block["inside"].astype(bool)
        labels = [
            row_label(str(lab), bool(f), bool(ok))
            for lab, f, ok in zip(block["label"], block["fitted"], inside, strict=True)
        ]
        block = block.assign(row=labels)
        _add(fig, shown, "simulated", i, x=block["simulated_median"], y=block["row"],
             marker=dict(color=SIMULATED, symbol="line-ns-open", size=14, line_width=2),
             error_x=dict(type="data", symmetric=False, color=SIMULATED, thickness=2,
                          array=block["simulated_high"] - block["simulated_median"],
                          arrayminus=block["simulated_median"] - block["simulated_low"]),
             customdata=block[["simulated_low", "simulated_high"]],
             hovertemplate="%{y}<br>simulated median %{x:.3g}"
                           "<br>90% band %{customdata[0]:.3g} to %{customdata[1]:.3g}"
                           "<extra></extra>")  # fmt: skip
        for key, rows, symbol, colour in (
            ("inside", block[inside], "circle", INSIDE),
            ("outside", block[~inside], "x", OUTSIDE),
        ):
            if rows.empty:
                continue
            _add(
                fig,
                shown,
                key,
                i,
                x=rows["observed"],
                y=rows["row"],
                marker=dict(color=colour, symbol=symbol, size=11),
                hovertemplate=f"%{{y}}<br>observed %{{x:.3g}}, {key} the band<extra></extra>",
            )
    fig.update_yaxes(type="category", automargin=True)
    inside = int(table["inside"].astype(bool).sum())
    sub = (f"{inside} of {len(table)} inside the band. Dot: the organisation's data; line and "
           "whiskers: median and 90% band of simulations of the fitted model.")  # fmt: skip
    style(fig, TITLE, sub, height=height, top=top)
    fig.update_layout(legend_y=-50 / plot)  # just below the last x axis, at any height
    return fig


def _add(fig: go.Figure, shown: set[str], key: str, row: int, **trace: object) -> None:
    """One trace of kind ``key`` in panel ``row``; its legend entry only the first time."""
    fig.add_scatter(mode="markers", name=NAMES[key], legendgroup=key,
                    showlegend=key not in shown, row=row, col=1, **trace)  # fmt: skip
    shown.add(key)


def fit_summary(table: pd.DataFrame) -> str:
    """'11 of 13 statistics inside the simulated 90% band', naming any outside it."""
    inside = table["inside"].astype(bool)
    n = len(table)
    text = f"{int(inside.sum())} of {n} statistic{'' if n == 1 else 's'} inside the simulated "
    text += "90% band"
    outside = [str(label) for label in table.loc[~inside, "label"]]
    return f"{text}; outside: {', '.join(outside)}." if outside else f"{text}."
