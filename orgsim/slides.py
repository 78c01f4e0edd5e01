"""An experiment as a slide deck (python-pptx, 16:9) and as a PDF with the same pages.

Both read a finished results folder and lay out the same content, slide by slide: the title
(the scenario, its question, the policies and replications), the plain-language verdict
(``orgsim.verdict``), a business-case waterfall per policy against the baseline when the folder
has been valued (``orgsim value``), the key measures table (formatted with
``orgsim.overview.fmt`` as the dashboard does), engagement and voluntary turnover over time, and
the assumptions and method.

Figures are the dashboard's (``orgsim.figures``) exported as PNG by plotly's static export
(kaleido with the system Chromium). Each is exported at the size it takes on the slide in
points (one pixel a point, scale 3 for sharpness), with 18-point type, so its text reads at
projector size as it does on the slide. The PDF is an HTML page per slide printed by headless
Chromium (``--print-to-pdf``); it works offline.
"""

from __future__ import annotations

import base64
import contextlib
import io
import math
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from orgsim import __version__, figures
from orgsim.money import (
    COSTS,
    Valuation,
    assumption_rows,
    format_money,
    money_interval,
    payback_text,
    read_valuation,
)
from orgsim.overview import diff_text, fmt
from orgsim.overview import verdict as tone
from orgsim.results import Results, atomic_write_bytes, compare, timeseries_bands
from orgsim.verdict import Verdict, from_results

#: Slide size in inches (16:9) and the margin around the content.
WIDTH, HEIGHT, MARGIN = 13.333, 7.5, 0.5
#: Type sizes in points; nothing on a slide is smaller than BODY.
TITLE, HEADLINE, BODY = 32, 24, 18
#: Content area below the title, in inches.
TOP, CONTENT_H = 1.35, 5.75
CONTENT_W = WIDTH - 2 * MARGIN
#: Characters of body text a slide holds at BODY points (about 15 lines of 100 characters).
TEXT_BUDGET = 1500
#: Rows of a table a slide holds, and policies compared side by side on one.
TABLE_ROWS, TABLE_POLICIES = 6, 1
#: Rows of the money assumptions table a slide holds (one line each).
MONEY_ROWS = 10
#: Measures drawn over time, one slide each.
TIMESERIES = ("engagement", "voluntary_turnover")
#: Waterfall steps: the money flows that add up to the net value against the baseline.
STEPS = ("output_value", *COSTS)
STEP_LABELS = {
    "output_value": "Output<br>value gain",
    "pay_bill": "Pay bill",
    "replacement_cost": "Replacement",
    "vacancy_cost": "Vacancy",
    "ramp_up_cost": "Ramp-up",
    "development_cost": "Development",
}
TONE_COLOURS = {"better": "1A7F37", "worse": "B42318"}
CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "chrome")


class SlidesError(RuntimeError):
    """A deck or PDF that cannot be made (no Chromium for the static export or the PDF)."""


# --- what the slides say: a front-end-neutral description ------------------------------------
@dataclass(frozen=True)
class Table:
    """A table: header, rows of cell text, column widths (inches) and per-cell tone
    ('better', 'worse' or '')."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    tones: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Picture:
    """A figure exported as PNG, with the size it takes on the slide (inches)."""

    png: bytes
    width: float
    height: float


@dataclass(frozen=True)
class Slide:
    """One slide (one PDF page): a title, then a headline, paragraphs, a table or pictures."""

    title: str
    subtitle: str = ""
    headline: str = ""
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None
    pictures: tuple[Picture, ...] = ()
    notes: str = ""
    cover: bool = False


@dataclass
class Deck:
    """The slides of an experiment, in order."""

    name: str
    slides: list[Slide] = field(default_factory=list)


def build_deck(results: Results) -> Deck:
    """Every slide of the deck of ``results`` (figures exported to PNG)."""
    scenario = results.manifest["scenario"]
    comparison = compare(results.table("summary"), results.baseline, results.policies)
    said = from_results(results)
    valuation = read_valuation(results)
    deck = Deck(scenario["name"])
    deck.slides.append(title_slide(results))
    deck.slides += verdict_slides(said)
    with static_export():
        if valuation is not None:
            deck.slides += business_case_slides(valuation)
        deck.slides += table_slides(results, comparison)
        deck.slides += timeseries_slides(results)
    deck.slides += method_slides(results, said, valuation)
    return deck


def title_slide(results: Results) -> Slide:
    """The scenario's name, its question, the policies and the replications."""
    s, run = results.manifest["scenario"], results.manifest["scenario"]["run"]
    policies = ", ".join(
        f"{p} (baseline)" if p == results.baseline else p for p in results.policies
    )
    lines = (
        f"Policies compared: {policies}.",
        f"{run['replications']} paired replications of {run['years']:g} simulated years each.",
    )
    return Slide(s["name"], subtitle=s.get("description") or "", paragraphs=lines, cover=True)


def verdict_slides(said: Verdict) -> list[Slide]:
    """The verdict's headline and paragraphs, over as many slides as it takes to keep
    BODY-point type; the how-to-read note goes in the speaker notes."""
    body = [p for p in said.paragraphs() if p != said.headline and p not in said.notes]
    pages = paginate(body, TEXT_BUDGET - len(said.headline) * 2)
    notes = "\n\n".join(said.notes)
    out = []
    for i, page in enumerate(pages or [[]]):
        title = "The verdict" + (f" ({i + 1} of {len(pages)})" if len(pages) > 1 else "")
        out.append(
            Slide(
                title, headline=said.headline if i == 0 else "", paragraphs=tuple(page), notes=notes
            )
        )
    return out


def paginate(paragraphs: Sequence[str], first: int, budget: int = TEXT_BUDGET) -> list[list]:
    """Paragraphs split into pages of at most ``budget`` characters (``first`` on page one);
    a paragraph is never split and one longer than a page gets a page of its own."""
    pages: list[list[str]] = []
    page: list[str] = []
    used, room = 0, first
    for p in paragraphs:
        cost = math.ceil(len(p) / 100) * 100 + 50  # whole lines, plus the gap between
        if page and used + cost > room:
            pages.append(page)
            page, used, room = [], 0, budget
        page.append(p)
        used += cost
    if page:
        pages.append(page)
    return pages


def business_case_slides(valuation: Valuation) -> list[Slide]:
    """A waterfall per policy against the baseline: where the money comes and goes."""
    comparison = valuation.comparison()
    currency = valuation.money.currency
    payback = valuation.payback()
    out = []
    for policy in valuation.policies:
        if policy == valuation.baseline:
            continue
        fig = waterfall_figure(comparison, policy, valuation.baseline, currency)
        net = comparison[(comparison["policy"] == policy) & (comparison["measure"] == "net_value")]
        sub = f"Mean per year over the horizon against {valuation.baseline}, in {currency}."
        if len(net):
            r = net.iloc[0]
            ci = money_interval(r.diff_ci_low, r.diff_ci_high, currency, sign=True)
            sub += f" Net value 95% interval {ci}."
        sub += f" Payback: {payback_text(payback.get(policy))}."
        out.append(
            Slide(
                f"Business case: {policy} against {valuation.baseline}",
                subtitle=sub,
                pictures=(picture(fig, CONTENT_W, CONTENT_H - 0.6),),
            )
        )
    return out


def waterfall_figure(
    comparison: pd.DataFrame, policy: str, baseline: str, currency: str = "GBP"
) -> go.Figure:
    """Output value gain, minus each cost's increase, to the net value against the baseline
    (mean paired differences per year; a cost that falls adds to the net value). A step that
    could not be estimated (no events kept to cost) is drawn flat and labelled n/a, not +0."""
    rows = comparison[comparison["policy"] == policy].set_index("measure")["diff"]
    values = [float(rows.get(s, math.nan)) * (1 if s == "output_value" else -1) for s in STEPS]
    values.append(float(rows.get("net_value", math.nan)))
    labels = [STEP_LABELS[s] for s in STEPS] + ["Net value"]
    fig = go.Figure(
        go.Waterfall(
            x=labels,
            y=[0.0 if math.isnan(v) else v for v in values],
            measure=["relative"] * len(STEPS) + ["total"],
            text=[format_money(v, currency, sign=True) for v in values],
            textposition="outside",
            textfont_size=BODY,
            constraintext="none",
            cliponaxis=False,
            connector=dict(line=dict(color="#888", width=1)),
            increasing=dict(marker_color="#1A7F37"),
            decreasing=dict(marker_color="#B42318"),
            totals=dict(marker_color=figures.PALETTE[0]),
        )
    )
    fig.update_yaxes(title_text=f"{currency} a year", tickformat=",.0f", zeroline=True)
    fig.update_xaxes(tickangle=0)
    fig.update_layout(showlegend=False)
    return figures.style(fig, f"{policy} against {baseline}: net value per year")


def table_slides(results: Results, comparison: pd.DataFrame) -> list[Slide]:
    """The key measures: label, unit, each policy's mean and its paired difference from the
    baseline with the 95% interval; split over slides to keep BODY-point type."""
    measures = results.measures
    keys = [k for k in results.key_measures if k in set(comparison["measure"])]
    others = [p for p in results.policies if p != results.baseline]
    groups = [others[i : i + TABLE_POLICIES] for i in range(0, len(others), TABLE_POLICIES)]
    out = []
    for group in groups or [[]]:
        policies = [results.baseline, *group]
        for start in range(0, len(keys), TABLE_ROWS):
            chunk = keys[start : start + TABLE_ROWS]
            header = ("Measure", "Unit", *policies, *(f"{p} vs {results.baseline}" for p in group))
            rows, tones = [], []
            for key in chunk:
                m = measures[key]
                block = comparison[comparison["measure"] == key].set_index("policy")
                means = [fmt(block.loc[p, "mean"], m.unit) for p in policies]
                diffs = [_Row(block.loc[p]) for p in group]
                rows.append((m.label, m.unit, *means, *(diff_text(r, m.unit) for r in diffs)))
                tones.append(
                    (
                        "",
                        "",
                        *[""] * len(policies),
                        *(tone(r.diff_ci_low, r.diff_ci_high, m.better) for r in diffs),
                    )
                )
            fixed = 3.5 + 2.2 + 1.45 * len(policies)
            diff_w = (CONTENT_W - fixed) / max(len(group), 1)
            widths = (3.5, 2.2, *[1.45] * len(policies), *[diff_w] * len(group))
            title = "Key measures at the horizon"
            if len(keys) > TABLE_ROWS or len(groups) > 1:
                title += f" ({start + 1}-{start + len(chunk)} of {len(keys)})"
            sub = (
                "Means over replications; differences are paired with the baseline's "
                "replications, with 95% intervals. Green: clearly better; red: clearly worse."
            )
            table = Table(header, tuple(rows), widths, tuple(tones))
            out.append(Slide(title, subtitle=sub, table=table))
    return out


class _Row:
    """A comparison row read by attribute, as ``diff_text`` expects."""

    def __init__(self, row: pd.Series) -> None:
        self.__dict__.update(row.to_dict())


def timeseries_slides(results: Results) -> list[Slide]:
    """Engagement and voluntary turnover over time, each on its own slide."""
    ts = results.table("timeseries")
    colours = figures.policy_colours(results.policies)
    out = []
    for name in TIMESERIES:
        if name not in ts.columns:
            continue
        m = results.measures[name]
        fig = figures.timeseries_figure(timeseries_bands(ts, name), m, colours)
        out.append(
            Slide(
                f"{m.label} over time",
                subtitle="Line: mean over replications. Shaded: 95% interval.",
                pictures=(picture(fig, CONTENT_W, CONTENT_H - 0.6),),
            )
        )
    return out


def method_slides(results: Results, said: Verdict, valuation: Valuation | None) -> list[Slide]:
    """Replications, years, seed, common random numbers, the orgsim version; then the money
    assumptions when the folder has been valued."""
    m = results.manifest
    run = m["scenario"]["run"]
    ran = m.get("orgsim_versions", {}).get("orgsim", "?")
    lines = [
        f"{len(results.policies)} policies, baseline {results.baseline}; "
        f"{run['replications']} replications each of {run['years']:g} simulated years; "
        f"seed {run['seed']}.",
        "Common random numbers: replication r of every policy draws from the same random "
        "streams, so each difference pairs replication r with the baseline's replication r.",
        *said.notes,
        f"Simulated with orgsim {ran}; slides made with orgsim {__version__}.",
    ]
    if valuation is not None:
        lines.append(
            "Money is valued from the stored results (orgsim value) with the assumptions on the "
            "next slide; changing them never re-runs the simulation."
        )
    out = [Slide("Assumptions and method", paragraphs=tuple(lines))]
    if valuation is not None:
        rows = assumption_rows(valuation.money)
        for start in range(0, len(rows), MONEY_ROWS):
            chunk = rows[start : start + MONEY_ROWS]
            table = Table(("Money assumption", "Value", "Unit"), tuple(chunk), (6.8, 2.5, 3.033))
            out.append(
                Slide(
                    "Money assumptions",
                    subtitle="Defaults are sourced in docs/model.md; "
                    "'set your own' marks the ones a strategist should set.",
                    table=table,
                )
            )
    return out


# --- static export ----------------------------------------------------------------------------
@contextlib.contextmanager
def static_export() -> Iterator[None]:
    """Keep one kaleido browser for every export of a deck (the first takes a few seconds,
    the others a fraction of a second); leaves a server someone else started running. With no
    Chromium kaleido would wait forever, so that is an error first."""
    import kaleido
    from choreographer.browsers.chromium import Chromium

    if Chromium.find_browser(skip_local=False) is None:  # where kaleido itself looks
        raise SlidesError(
            "no Chromium found to draw the figures (install Debian's chromium package)"
        )
    server = getattr(kaleido, "_global_server", None)
    running = server is not None and server.is_running()
    try:
        if not running:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                kaleido.start_sync_server(silence_warnings=True)
    except Exception:  # no server: each export starts its own browser, slower but the same
        running = True
    try:
        yield
    finally:
        if not running:
            kaleido.stop_sync_server(silence_warnings=True)


def picture(fig: go.Figure, width: float, height: float, scale: int = 3) -> Picture:
    """``fig`` as PNG at its slide size (``width`` x ``height`` inches): one pixel a point,
    BODY-point type, so its text reads at projector size."""
    fig = go.Figure(fig)  # a copy: the caller's figure keeps its own look
    fig.update_layout(
        font_size=BODY,
        title=dict(text="", subtitle=dict(text="")),  # the slide says it, in its own type
        legend=dict(
            font_size=BODY, orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"
        ),
        height=None,
        margin=dict(l=30, r=30, t=50, b=30),
    )
    fig.update_xaxes(automargin=True, title_standoff=12)
    fig.update_yaxes(automargin=True, title_standoff=12)
    w, h = round(width * 72), round(height * 72)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "kopts ignored when using a server"
        for attempt in (1, 2):
            try:
                png = fig.to_image(format="png", width=w, height=h, scale=scale)
                break
            except (RuntimeError, OSError, ValueError) as err:
                if attempt == 1 and type(err).__name__ == "JavascriptError":
                    time.sleep(1)  # kaleido's page not ready yet on a loaded machine: again
                    continue
                raise SlidesError(
                    f"cannot export a figure as PNG (is Chromium installed?): {err}"
                ) from err
    return Picture(png, width, height)


# --- PowerPoint -------------------------------------------------------------------------------
def write_pptx(results: Results, out: Path) -> Path:
    """Write the slide deck of ``results`` to ``out`` (a .pptx, 16:9); returns ``out``."""
    return render_pptx(build_deck(results), Path(out))


def render_pptx(deck: Deck, out: Path) -> Path:
    """Lay ``deck`` out with python-pptx and save it to ``out``."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(WIDTH), Inches(HEIGHT)
    prs.core_properties.title = deck.name
    blank = prs.slide_layouts[6]
    for spec in deck.slides:
        slide = prs.slides.add_slide(blank)
        _pptx_slide(slide, spec)
        if spec.notes:
            slide.notes_slide.notes_text_frame.text = spec.notes
    out.parent.mkdir(parents=True, exist_ok=True)
    data = io.BytesIO()
    prs.save(data)
    atomic_write_bytes(out, data.getvalue())  # a failed write leaves the old deck
    return out


def _pptx_slide(slide, spec: Slide) -> None:
    from pptx.util import Inches

    if spec.cover:
        _text(slide, 1.6, 1.6, [(spec.title, 40, True)])
        parts = [(spec.subtitle, HEADLINE, False)] if spec.subtitle else []
        parts += [(p, BODY + 2, False) for p in spec.paragraphs]
        _text(slide, 3.1, 3.6, parts)
        return
    _text(slide, MARGIN * 0.7, 0.8, [(spec.title, TITLE, True)])
    y = TOP
    if spec.subtitle:
        _text(slide, y - 0.15, 0.6, [(spec.subtitle, BODY, False)], italic=True)
        y += 0.6
    parts = [(spec.headline, HEADLINE, True)] if spec.headline else []
    parts += [(p, BODY, False) for p in spec.paragraphs]
    if parts:
        _text(slide, y, HEIGHT - y - 0.3, parts)
    if spec.table is not None:
        _pptx_table(slide, spec.table, y)
    x = MARGIN
    for pic in spec.pictures:
        slide.shapes.add_picture(
            _stream(pic.png), Inches(x), Inches(y), Inches(pic.width), Inches(pic.height)
        )
        x += pic.width


def _stream(png: bytes):
    import io

    return io.BytesIO(png)


def _text(slide, top: float, height: float, parts, italic: bool = False) -> None:
    """A text box across the slide: one paragraph per (text, size, bold)."""
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(MARGIN), Inches(top), Inches(CONTENT_W), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, (text, size, bold) in enumerate(parts):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(10)
        run = para.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic


def _pptx_table(slide, table: Table, top: float) -> None:
    """A native table: a header row, then the cells at BODY points, toned cells coloured."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    n_rows, n_cols = len(table.rows) + 1, len(table.header)
    shape = slide.shapes.add_table(
        n_rows, n_cols, Inches(MARGIN), Inches(top), Inches(CONTENT_W), Inches(0.5 * n_rows)
    )
    grid = shape.table
    for j, w in enumerate(table.widths):
        grid.columns[j].width = Inches(w)
    for i, row in enumerate([table.header, *table.rows]):
        for j, text in enumerate(row):
            cell = grid.cell(i, j)
            cell.text = text
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(BODY)
                    run.font.bold = i == 0
                    t = table.tones[i - 1][j] if i and table.tones else ""
                    if t in TONE_COLOURS:
                        run.font.color.rgb = RGBColor.from_string(TONE_COLOURS[t])
                        run.font.bold = True


# --- PDF ----------------------------------------------------------------------------------------
PAGE_CSS = f"""
@page {{ size: {WIDTH}in {HEIGHT}in; margin: 0; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {figures.FONT}; color: #111; }}
.page {{ width: {WIDTH}in; height: {HEIGHT}in; padding: 0.35in {MARGIN}in; overflow: hidden;
         page-break-after: always; break-after: page; }}
.page:last-child {{ page-break-after: auto; break-after: auto; }}
h1 {{ font-size: 40pt; margin: 1.2in 0 0.4in; }}
h2 {{ font-size: {TITLE}pt; margin: 0 0 0.15in; }}
.sub {{ font-size: {BODY}pt; font-style: italic; margin: 0 0 0.15in; }}
.headline {{ font-size: {HEADLINE}pt; font-weight: bold; }}
p {{ font-size: {BODY}pt; margin: 0 0 0.12in; line-height: 1.25; }}
table {{ border-collapse: collapse; font-size: {BODY}pt; width: 100%; }}
th, td {{ border: 1px solid #bbb; padding: 4pt 6pt; text-align: left; vertical-align: top; }}
th {{ background: #eef2f7; }}
td.better {{ color: #{TONE_COLOURS["better"]}; font-weight: bold; }}
td.worse {{ color: #{TONE_COLOURS["worse"]}; font-weight: bold; }}
img {{ display: block; }}
"""


def write_pdf(results: Results, out: Path) -> Path:
    """Write the deck of ``results`` as a PDF, a page per slide, to ``out``; returns ``out``."""
    return render_pdf(build_deck(results), Path(out))


def render_html(deck: Deck) -> str:
    """The deck as one HTML document, a page per slide, pictures inlined."""
    pages = []
    for s in deck.slides:
        if s.cover:
            body = f"<h1>{escape(s.title)}</h1>"
            body += f"<p class='headline'>{escape(s.subtitle)}</p>" if s.subtitle else ""
        else:
            body = f"<h2>{escape(s.title)}</h2>"
            body += f"<p class='sub'>{escape(s.subtitle)}</p>" if s.subtitle else ""
            body += f"<p class='headline'>{escape(s.headline)}</p>" if s.headline else ""
        body += "".join(f"<p>{escape(p)}</p>" for p in s.paragraphs)
        if s.table is not None:
            body += _html_table(s.table)
        for pic in s.pictures:
            data = base64.b64encode(pic.png).decode("ascii")
            body += (
                f"<img src='data:image/png;base64,{data}' "
                f"style='width:{pic.width}in;height:{pic.height}in'>"
            )
        pages.append(f"<section class='page'>{body}</section>")
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(deck.name)}</title><style>{PAGE_CSS}</style></head>"
        f"<body>{''.join(pages)}</body></html>\n"
    )


def _html_table(table: Table) -> str:
    cols = "".join(f"<col style='width:{w}in'>" for w in table.widths)
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    rows = []
    for i, row in enumerate(table.rows):
        tones = table.tones[i] if table.tones else ("",) * len(row)
        cells = "".join(
            f"<td class='{t}'>{escape(c)}</td>" if t else f"<td>{escape(c)}</td>"
            for c, t in zip(row, tones, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><colgroup>{cols}</colgroup><tr>{head}</tr>{''.join(rows)}</table>"


def chromium() -> str:
    """The path of the system Chromium; SlidesError if there is none."""
    for name in CHROMIUM:
        if path := shutil.which(name):
            return path
    raise SlidesError("no Chromium found for the PDF (install Debian's chromium package)")


def render_pdf(deck: Deck, out: Path, timeout: float = 120) -> Path:
    """Print ``render_html(deck)`` to ``out`` with headless Chromium."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="orgsim-pdf-") as tmp:
        page = Path(tmp) / "deck.html"
        page.write_text(render_html(deck), encoding="utf-8")
        target = Path(tmp) / "deck.pdf"
        cmd = [
            chromium(),
            "--headless",
            "--no-sandbox",  # as root (CI, containers) Chromium refuses to start otherwise
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SlidesError(f"Chromium did not print the PDF within {timeout:g} s") from None
        if not target.is_file() or target.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise SlidesError(f"Chromium did not write the PDF: {' | '.join(tail)}")
        shutil.move(str(target), out)
    return out
