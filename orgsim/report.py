"""The shareable HTML report of an experiment: one self-contained file that opens offline.

It opens with the plain-language verdict (``orgsim.verdict``), then holds the overview cards, a
generated narrative of the main differences with their 95% intervals, the key time series, the
career flows and the Peter-principle view; a sweep adds the key measures against its first swept
parameter, a sensitivity analysis its robustness, indices and verdict rules. Every figure comes
from ``orgsim.figures`` and ``orgsim.figures_sweep`` (the dashboard's builders); plotly.js is
embedded once.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from orgsim import figures, figures_sweep
from orgsim.money import (
    assumption_rows,
    format_money,
    money_interval,
    payback_text,
    read_valuation,
)
from orgsim.overview import Card, narrative, overview_cards, rules_text
from orgsim.results import (
    Results,
    SensitivityTables,
    atomic_write_text,
    compare,
    compare_points,
    load,
    swept_parameters,
    timeseries_bands,
)
from orgsim.verdict import from_results

CONFIG = {"displaylogo": False, "responsive": True}
CSS = """
body { margin: 0; background: #f5f7fa; color: #1f2933; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { margin: 0 0 4px; font-size: 28px; } h2 { margin: 32px 0 8px; font-size: 21px; }
.meta, .note { color: #5f6b7a; } .narrative li { margin: 6px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 14px; }
.card, .figure { background: #fff; border: 1px solid #dde3ea; border-radius: 8px;
  padding: 12px 14px; }
.figure { margin: 12px 0; padding: 6px; }
.card h3 { margin: 0; font-size: 15px; } .card .unit { margin: 0 0 8px; color: #5f6b7a;
  font-size: 12.5px; }
.card table { width: 100%; border-collapse: collapse; font-size: 13px; }
.card th { text-align: left; color: #5f6b7a; font-size: 11.5px; border-bottom: 1px solid #dde3ea; }
.card td { padding: 3px 6px 3px 0; white-space: nowrap; } .card small { color: #5f6b7a; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.badge { margin-left: 6px; padding: 0 6px; border-radius: 9px; font-size: 11px; color: #fff;
  background: #6b7280; }
.verdict-better td:last-child { color: #0a5fa8; } .verdict-better .badge { background: #0a5fa8; }
.verdict-worse td:last-child { color: #b8410e; } .verdict-worse .badge { background: #b8410e; }
.verdict-baseline td:last-child { color: #5f6b7a; font-style: italic; }
h3 { margin: 20px 0 4px; font-size: 16px; }
.verdict { background: #fff; border: 1px solid #dde3ea; border-left: 4px solid #0a5fa8;
  border-radius: 8px; padding: 6px 16px; } .verdict p { margin: 8px 0; }
.verdict .headline { font-size: 17px; font-weight: 600; } .verdict .how { color: #5f6b7a;
  font-size: 13px; }
.rules { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: 10px 12px;
  font-size: 13px; overflow-x: auto; }
"""


def write_report(folder: Path, out: Path) -> Path:
    """Write the HTML report of the results in ``folder`` to ``out``; returns ``out``."""
    out = Path(out)
    atomic_write_text(out, render(load(folder)))  # a failed write leaves the old report
    return out


def render(results: Results) -> str:
    """The whole report as one HTML document (plotly.js inlined)."""
    scenario = results.manifest["scenario"]
    comparison = compare(results.table("summary"), results.baseline, results.policies)
    colours = figures.policy_colours(results.policies)
    body = [
        header(results),
        section("The verdict", verdict_html(results, comparison)),
        section("What the experiment found", findings(results, comparison)),
        section("Key measures at the horizon", cards_html(results, comparison, colours)),
        *business_case_sections(results, colours),
        section("Key measures over time", timeseries_html(results, colours)),
        *profile_sections(results, comparison, colours),
        section("Career moves", flows_html(results, colours)),
        section(
            "The Peter principle",
            figure_html(figures.peter_figure(results.table("managers"), colours, comparison)),
        ),
        *sweep_sections(results, colours),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>orgsim report: {escape(scenario['name'])}</title><style>{CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head>'
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


def section(title: str, content: str) -> str:
    """A titled section."""
    return f"<section><h2>{escape(title)}</h2>{content}</section>"


def header(results: Results) -> str:
    """Title, the strategist's question and how the experiment was run."""
    m = results.manifest
    s, run = m["scenario"], m["scenario"]["run"]
    version = m.get("orgsim_versions", {}).get("orgsim", "?")
    meta = (
        f"{len(results.policies)} policies, {run['replications']} paired replications each, "
        f"{run['years']:g} simulated years, seed {run['seed']}; baseline: {results.baseline}. "
        f"orgsim {version}, finished {m.get('finished', '?')}."
    )
    question = f"<p>{escape(s['description'])}</p>" if s.get("description") else ""
    meta += pooled(results)
    return f"<h1>{escape(s['name'])}</h1>{question}<p class='meta'>{escape(meta)}</p>"


def pooled(results: Results) -> str:
    """For a sweep: that the cards, narrative, time series and flows pool its points."""
    summary = results.table("summary")
    params = swept_parameters(summary)
    if not params:
        return ""
    n, names = figures_sweep.point_count(summary), ", ".join(params)
    return f" Swept over {n} points of {names}: only the last section tells them apart."


def findings(results: Results, comparison) -> str:
    """The generated narrative: per policy, where it is clearly better or worse."""
    items = narrative(comparison, results.measures, results.key_measures, results.baseline)
    note = (
        "Differences pair each replication with the baseline's (common random numbers); "
        "brackets give 95% intervals. 'Clearly' means the interval excludes zero. Values are "
        "means over the final year (the Peter-principle correlation: at the horizon)."
    )
    lis = "".join(f"<li>{escape(p)}</li>" for p in items)
    return f"<ul class='narrative'>{lis}</ul><p class='note'>{escape(note)}</p>"


def verdict_html(results: Results, comparison) -> str:
    """The plain-language verdict: ranking, trade-offs, headcount, robustness (orgsim.verdict)."""
    v = from_results(results, comparison)
    paragraphs = v.paragraphs()
    kinds = ["headline", *[""] * (len(paragraphs) - 1 - len(v.notes)), *["how"] * len(v.notes)]
    body = "".join(
        f"<p class='{k}'>{escape(p)}</p>" if k else f"<p>{escape(p)}</p>"
        for k, p in zip(kinds, paragraphs, strict=True)
    )
    return f"<div class='verdict' id='verdict'>{body}</div>"


def cards_html(results: Results, comparison, colours: dict[str, str]) -> str:
    """The overview cards, as in the dashboard."""
    cards = overview_cards(comparison, results.measures, results.key_measures, results.baseline)
    return f"<div class='cards'>{''.join(card_html(c, colours) for c in cards)}</div>"


def card_html(card: Card, colours: dict[str, str]) -> str:
    """One measure's card."""
    rows = []
    for r in card.rows:
        badge = (
            ""
            if r.verdict in ("baseline", "neutral")
            else (f"<span class='badge'>{r.verdict}</span>")
        )
        swatch = f"<span class='swatch' style='background:{colours.get(r.policy, '#999')}'></span>"
        rows.append(
            f"<tr class='verdict-{r.verdict}'><td>{swatch}{escape(r.policy)}</td>"
            f"<td>{r.mean} <small>{r.interval}</small></td><td>{r.diff}{badge}</td></tr>"
        )
    head = "<tr><th>Policy</th><th>Mean [95% CI]</th><th>vs baseline [95% CI]</th></tr>"
    return (
        f"<div class='card'><h3>{escape(card.label)}</h3><p class='unit'>{escape(card.unit)}</p>"
        f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def business_case_sections(results: Results, colours: dict[str, str]) -> list[str]:
    """With the folder valued (orgsim value): per policy its net value and NPV against the
    baseline with their intervals and the payback year, where the money comes and goes, the
    cumulative net value, and every money assumption, so each figure the verdict quotes is
    backed in the report."""
    valuation = read_valuation(results)
    if valuation is None:
        return []
    currency, baseline = valuation.money.currency, valuation.baseline
    table, payback = valuation.comparison(), valuation.payback()
    rows = []
    for policy in valuation.policies:
        if policy == baseline:
            continue
        cells = []
        for measure in ("net_value", "npv"):
            r = table[(table["policy"] == policy) & (table["measure"] == measure)]
            if r.empty:
                cells.append("n/a")
                continue
            r = r.iloc[0]
            ci = money_interval(r.diff_ci_low, r.diff_ci_high, currency, sign=True)
            cells.append(f"{format_money(r['diff'], currency, sign=True)} <small>{ci}</small>")
        cells.append(escape(payback_text(payback.get(policy))))
        swatch = f"<span class='swatch' style='background:{colours.get(policy, '#999')}'></span>"
        rows.append(f"<tr><td>{swatch}{escape(policy)}</td><td>{'</td><td>'.join(cells)}</td></tr>")
    head = (f"<tr><th>Policy</th><th>Net value a year vs {escape(baseline)} [95% CI]</th>"
            "<th>Net present value [95% CI]</th><th>Payback</th></tr>")  # fmt: skip
    summary = (f"<div class='card'><table><thead>{head}</thead><tbody>{''.join(rows)}"
               "</tbody></table></div>")  # fmt: skip
    figs = figure_html(figures.waterfall_figure(valuation.summary, baseline, colours, currency))
    figs += figure_html(figures.net_value_figure(valuation.yearly, baseline, colours, currency))
    assumptions = "".join(
        f"<tr><td>{escape(label)}</td><td>{escape(text)}</td><td>{escape(unit)}</td></tr>"
        for label, text, unit in assumption_rows(valuation.money)
    )
    note = ("<p class='note'>Money is valued from the stored results (orgsim value); changing "
            "an assumption never re-runs the simulation. Defaults are sourced in docs/model.md; "
            "'set your own' marks those a strategist should replace.</p>")  # fmt: skip
    money_table = (
        "<div class='card'><table><thead><tr><th>Money assumption</th><th>Value</th>"
        f"<th>Unit</th></tr></thead><tbody>{assumptions}</tbody></table></div>"
    )
    return [
        section(f"The business case ({currency})", summary + figs),
        section("Money assumptions", note + money_table),
    ]


def figure_html(fig: go.Figure) -> str:
    """A figure as a div (plotly.js is already in the page)."""
    div = fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)
    return f"<div class='figure'>{div}</div>"


def timeseries_html(results: Results, colours: dict[str, str]) -> str:
    """One time-series figure per key measure recorded over time."""
    ts = results.table("timeseries")
    keys = [k for k in results.key_measures if k in ts.columns and k != "peter_signature"]
    return "".join(
        figure_html(
            figures.timeseries_figure(timeseries_bands(ts, k), results.measures[k], colours)
        )
        for k in keys
    )


def flows_html(results: Results, colours: dict[str, str]) -> str:
    """A Sankey of career moves per policy."""
    events, run = results.table("events"), results.manifest["scenario"]["run"]
    runs = run["replications"] * figures_sweep.point_count(results.table("summary"))
    parts = []
    for policy in results.policies:
        links = figures.flow_links(events, policy, run["years"], runs)
        parts.append(figure_html(figures.flows_figure(links, policy, colours[policy])))
    return "".join(parts)


def profile_sections(results: Results, comparison, colours: dict[str, str]) -> list[str]:
    """Each measure by category as a profile, or nothing if there are none."""
    names = results.profile_measures
    if not names:
        return []
    figs = [figures.profile_figure(comparison, results.measures[n], colours) for n in names]
    return [section("Profiles", "".join(figure_html(f) for f in figs))]


def sweep_sections(results: Results, colours: dict[str, str]) -> list[str]:
    """A sensitivity analysis's sections, or a sweep's, or none."""
    sens = results.sensitivity()
    if sens is not None:
        return [section("Sensitivity and robustness", sensitivity_html(results, sens, colours))]
    outcomes = results.outcomes()
    params = swept_parameters(outcomes)
    if not params:
        return []
    table = compare_points(outcomes, results.baseline, results.policies)
    keys = [k for k in results.key_outcomes if k in set(table["measure"])]
    meta = results.outcome_measures
    figs = [figures_sweep.sweep_figure(table, meta[k], params[0], colours) for k in keys]
    what = "Each key measure, the net value and the pay bill"
    note = f"<p class='note'>{what} against {escape(params[0])}.</p>"
    return [section("Across the sweep", note + "".join(figure_html(f) for f in figs))]


def sensitivity_html(results: Results, sens: SensitivityTables, colours: dict[str, str]) -> str:
    """The robustness of the advantage, then per key measure its indices and verdict rules."""
    meta = results.outcome_measures
    robustness = figures_sweep.robustness_figure(sens.robustness, meta, colours)
    parts = [figure_html(robustness)]
    for key in [k for k in results.key_outcomes if k in set(sens.indices["measure"])]:
        m = meta[key]
        text = rules_text(sens.rules, key, sens.share_better(key))
        parts.append(figure_html(figures_sweep.sensitivity_figure(sens.indices, m)))
        label = figures_sweep.lower(m.label)
        title = f"When does the verdict on {label} for {sens.ruled_policy} flip?"
        parts.append(f"<h3>{escape(title)}</h3><pre class='rules'>{escape(text)}</pre>")
    return "".join(parts)
