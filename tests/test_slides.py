"""The slide deck and the PDF of an experiment, read back: slides, pictures, verdict, table."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Emu, Pt
from pypdf import PdfReader
from results_fixtures import make_results

from orgsim import slides
from orgsim.money import value_folder
from orgsim.overview import fmt
from orgsim.results import compare, load
from orgsim.verdict import from_results

pytestmark = pytest.mark.slow  # a tiny experiment, Chromium for the figures and the PDF

TITLES = [
    "tiny",
    "The verdict",  # one slide or more, "(1 of n)" ... as its text needs (see unpaged)
    "Business case: genuine against single-ladder",
    "Key measures at the horizon (1-6 of 10)",
    "Key measures at the horizon (7-10 of 10)",
    "Mean engagement over time",
    "Voluntary turnover over time",
    "Assumptions and method",
    "Money assumptions",
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    """A valued results folder and an unvalued copy of it."""
    root = tmp_path_factory.mktemp("slides")
    folder = make_results(root)
    plain = root / "plain"
    shutil.copytree(folder, plain)
    value_folder(folder)
    return folder, plain


@pytest.fixture(scope="module")
def deck(folders, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    assert slides.write_pptx(load(folders[0]), out) == out
    return out


@pytest.fixture(scope="module")
def pdf(folders, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "sub" / "deck.pdf"
    assert slides.write_pdf(load(folders[0]), out) == out
    return out


def unpaged(titles: list[str]) -> list[str]:
    """The titles with the verdict's numbered slides ("The verdict (1 of 2)", "(2 of 2)") as
    one: how many its text takes depends on the run's numbers (paginate is tested alone)."""
    out: list[str] = []
    for title in titles:
        base = re.sub(r" \(\d+ of \d+\)$", "", title)
        if base != "The verdict" or not out or out[-1] != base:
            out.append(base if base == "The verdict" else title)
    return out


def texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def titled(prs, title: str):
    """The slide with this title."""
    return next(s for s in prs.slides if texts(s)[0] == title)


def test_the_deck_has_every_slide_in_order(deck: Path) -> None:
    prs = Presentation(str(deck))
    assert (prs.slide_width, prs.slide_height) == (Emu(12191695), Emu(6858000))  # 16:9
    assert unpaged([texts(s)[0] for s in prs.slides]) == TITLES
    assert "Policies compared: single-ladder (baseline), genuine." in texts(prs.slides[0])[1]
    method = "\n".join(texts(titled(prs, "Assumptions and method")))
    assert "3 replications each of 2 simulated years; seed 11" in method
    assert "Common random numbers" in method and "orgsim 0.1.0" in method


def test_the_pictures_are_sharp_and_sized_for_the_slide(deck: Path) -> None:
    prs = Presentation(str(deck))
    pics = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pics) == 3  # the waterfall and the two time series
    for pic in pics:
        assert pic.image.content_type == "image/png"
        width_px, _ = pic.image.size
        assert width_px == round(pic.width / 12700) * 3  # one pixel a point, scale 3


def test_the_verdict_headline_is_on_the_verdict_slide(deck: Path, folders) -> None:
    prs = Presentation(str(deck))
    headline = from_results(load(folders[0])).headline
    body = "\n".join(texts(prs.slides[1]))
    assert headline in body and "Net value against the baseline (single-ladder)" in body
    assert "How to read this" in prs.slides[1].notes_slide.notes_text_frame.text


def test_no_type_on_a_slide_is_smaller_than_18_points(deck: Path) -> None:
    prs = Presentation(str(deck))
    sizes = []
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            sizes += [r.font.size for f in frames for p in f.paragraphs for r in p.runs]
    assert sizes and all(s is not None and s >= Pt(18) for s in sizes)


def test_the_key_measures_table_has_label_unit_means_and_differences(deck, folders) -> None:
    results = load(folders[0])
    comparison = compare(results.table("summary"), results.baseline, results.policies)
    prs = Presentation(str(deck))
    key = titled(prs, "Key measures at the horizon (1-6 of 10)")
    (table,) = [s.table for s in key.shapes if s.has_table]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Measure", "Unit", "single-ladder", "genuine", "genuine vs single-ladder"]
    assert len(cells) == 7
    m = results.measures["engagement"]
    row = comparison[comparison["measure"] == "engagement"].set_index("policy")
    expected = [m.label, m.unit, fmt(row.loc["single-ladder", "mean"], m.unit)]
    assert cells[1][:4] == [*expected, fmt(row.loc["genuine", "mean"], m.unit)]
    assert re.fullmatch(r"[+-]\d\.\d{3} \[[+-]\d\.\d{3}, [+-]\d\.\d{3}\]", cells[1][4])
    turnover = next(c for c in cells if c[0] == "Voluntary turnover")
    assert turnover[2].endswith("%") and " pts [" in turnover[4]
    (money,) = [s.table for s in titled(prs, "Money assumptions").shapes if s.has_table]
    assert [c.text for c in money.rows[1].cells] == ["Currency (set your own)", "GBP", "code"]


def test_the_waterfall_adds_up_to_the_net_value() -> None:
    rows = [
        ("output_value", 500.0),
        ("pay_bill", 200.0),
        ("replacement_cost", 10.0),
        ("vacancy_cost", -30.0),
        ("ramp_up_cost", 20.0),
        ("development_cost", 0.0),
        ("net_value", 300.0),
    ]
    comparison = pd.DataFrame(
        [dict(policy="genuine", measure=k, diff=v) for k, v in rows]
        + [dict(policy="single-ladder", measure=k, diff=0.0) for k, _ in rows]
    )
    fig = slides.waterfall_figure(comparison, "genuine", "single-ladder")
    (bar,) = fig.data
    assert list(bar.y) == [500.0, -200.0, -10.0, 30.0, -20.0, 0.0, 300.0]
    assert sum(bar.y[:-1]) == bar.y[-1] and bar.measure[-1] == "total"
    assert list(bar.text[:2]) == ["+£500", "-£200"]
    unknown = comparison.assign(  # no events kept: the event costs and the net value unknown
        diff=comparison["diff"].where(~comparison["measure"].isin(
            ["replacement_cost", "vacancy_cost", "ramp_up_cost", "net_value"])))  # fmt: skip
    (bar,) = slides.waterfall_figure(unknown, "genuine", "single-ladder").data
    assert list(bar.text) == ["+£500", "-£200", "n/a", "n/a", "n/a", "+£0", "n/a"]


def test_long_text_is_split_over_slides() -> None:
    pages = slides.paginate(["a" * 600, "b" * 600, "c" * 600, "d" * 10], first=1500)
    assert [len(p) for p in pages] == [2, 2]
    assert slides.paginate([], first=100) == []


def test_without_a_business_case_there_is_no_waterfall(folders, tmp_path: Path) -> None:
    out = slides.write_pptx(load(folders[1]), tmp_path / "plain.pptx")
    titles = [texts(s)[0] for s in Presentation(str(out)).slides]
    unvalued = [t for t in TITLES if not t.startswith(("The verdict", "Business case", "Money"))]
    assert titles == [unvalued[0], "The verdict", *unvalued[1:]]  # no money text: one slide


# --- the PDF ------------------------------------------------------------------------------------
def pdf_texts(path: Path) -> list[str]:
    """The text of each page of a PDF."""
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def page_count(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def test_the_pdf_has_a_page_per_slide_and_the_verdict(pdf: Path, deck: Path, folders) -> None:
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert page_count(pdf) == len(Presentation(str(deck)).slides)
    headline = from_results(load(folders[0])).headline
    # NFKC: the PDF sets "fi" as a ligature, which pypdf returns as one character
    flat = ["".join(unicodedata.normalize("NFKC", t).split()) for t in pdf_texts(pdf)]
    assert any("".join(headline.split()) in t for t in flat)
    assert any("Keymeasuresatthehorizon" in t for t in flat)
    assert any("Currency(setyourown)" in t for t in flat)


def test_the_pdf_html_has_a_page_per_slide() -> None:
    deck = slides.Deck(
        "x", [slides.Slide("A table", table=slides.Table(("a", "b"), (("1", "2"),), (1.0, 1.0)))]
    )
    html = slides.render_html(deck)
    assert html.count("class='page'") == 1 and "<td>1</td>" in html
    assert html.startswith("<!DOCTYPE html>")


def test_no_chromium_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(slides.shutil, "which", lambda name: None)
    with pytest.raises(slides.SlidesError, match="no Chromium"):
        slides.chromium()


def test_no_chromium_for_the_figures_is_an_error_not_a_wait(folders, tmp_path, monkeypatch):
    """kaleido, finding no browser, would wait forever for its server."""
    from choreographer.browsers.chromium import Chromium

    monkeypatch.setattr(Chromium, "find_browser", classmethod(lambda cls, **kw: None))
    with pytest.raises(slides.SlidesError, match="no Chromium found to draw the figures"):
        slides.write_pptx(load(folders[0]), tmp_path / "deck.pptx")
    assert not (tmp_path / "deck.pptx").exists()


def test_orgsim_report_writes_each_format(folders, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from orgsim.cli import app

    runner = CliRunner()
    for kind, magic in (("pptx", b"PK"), ("pdf", b"%PDF-"), ("html", b"<!DOCTYPE html>")):
        out = tmp_path / f"deck.{kind}"
        args = ["report", str(folders[0]), "--format", kind, "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
    bad = runner.invoke(app, ["report", str(folders[0]), "--format", "docx"])
    assert bad.exit_code == 2 and "docx" in bad.output
