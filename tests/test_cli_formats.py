"""Every output format of ``orgsim summarize`` (and ``orgsim run``'s) carries each measure's
label, unit and direction, prints shares as percentages and differences as points, never
uses scientific notation in text, and is not wrapped or truncated when piped."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from results_fixtures import make_results
from typer.testing import CliRunner

from orgsim import cli
from orgsim.cli import app, display_frame, print_comparison
from orgsim.measures import MEASURES
from orgsim.results import load
from orgsim.verdict import from_results

runner = CliRunner()
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return make_results(tmp_path_factory.mktemp("formats"))


def summarize(folder: Path, *args: str) -> str:
    result = runner.invoke(app, ["summarize", str(folder), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt", ["table", "markdown", "text"])
def test_text_formats_carry_label_unit_direction_without_scientific_notation(
    tiny: Path, fmt: str
) -> None:
    text = summarize(tiny, "--all", "--format", fmt)
    results = load(tiny)
    for key in results.key_measures:
        m = results.measures[key]
        assert m.label in text and m.unit in text, (key, fmt)
    assert "higher is better" in text and "lower is better" in text
    assert re.search(r"\d+\.\d%", text), "shares as percentages"
    assert re.search(r"[+-]\d+\.\d pts", text), "differences of shares as points"
    assert not SCIENTIFIC.search(text), SCIENTIFIC.search(text)
    assert "e+" not in text


def test_machine_formats_add_label_unit_and_better_and_keep_numbers(tiny: Path) -> None:
    records = json.loads(summarize(tiny, "--format", "json"))
    assert list(records[0]) == ["policy", "measure", "label", "unit", "better", "mean", "ci_low",
                                "ci_high", "diff", "diff_ci_low", "diff_ci_high", "n",
                                "runs"]  # fmt: skip
    turnover = next(r for r in records if r["measure"] == "voluntary_turnover")
    assert turnover["label"] == "Voluntary turnover" and turnover["unit"] == "share per year"
    assert turnover["better"] == "lower" and isinstance(turnover["mean"], float)
    assert 0 < turnover["mean"] < 1, "csv and json keep shares as fractions"
    csv = pd.read_csv(io.StringIO(summarize(tiny, "--format", "csv")))
    assert list(csv.columns[:5]) == ["policy", "measure", "label", "unit", "better"]
    assert csv["mean"].dtype.kind == "f"
    assert set(csv["better"]) <= {"higher", "lower", "neither"}


def test_text_format_prints_the_verdict_then_a_plain_table(tiny: Path) -> None:
    text = summarize(tiny, "--format", "text")
    verdict = from_results(load(tiny))
    assert text.startswith("VERDICT\n\n" + verdict.headline)
    assert text.index(verdict.headline) < text.index("KEY MEASURES") < text.index("Measure")
    assert "genuine vs single-ladder [95% CI]" in text
    assert "│" not in text and "┃" not in text, "plain text, no box drawing"


def test_markdown_is_a_table_with_a_row_per_measure(tiny: Path) -> None:
    lines = summarize(tiny, "-f", "markdown").splitlines()
    assert lines[0].startswith("| Measure") and "| Unit" in lines[0] and "| Better" in lines[0]
    assert len(lines) == 2 + len(load(tiny).key_measures)


def test_display_frame_formats_shares_money_and_small_numbers() -> None:
    table = pd.DataFrame([
        dict(policy="a", measure="voluntary_turnover", mean=0.183, ci_low=0.17, ci_high=0.2,
             diff=0.0, diff_ci_low=0.0, diff_ci_high=0.0),
        dict(policy="b", measure="voluntary_turnover", mean=0.147, ci_low=0.13, ci_high=0.16,
             diff=-0.036, diff_ci_low=-0.0403, diff_ci_high=-0.0317),
        dict(policy="a", measure="pay_bill", mean=1234567.0, ci_low=1200000.0, ci_high=1270000.0,
             diff=0.0, diff_ci_low=0.0, diff_ci_high=0.0),
        dict(policy="b", measure="pay_bill", mean=1334567.0, ci_low=1300000.0, ci_high=1370000.0,
             diff=100000.0, diff_ci_low=90000.0, diff_ci_high=110000.0),
        dict(policy="a", measure="engagement", mean=1.2e-7, ci_low=1e-7, ci_high=1.4e-7,
             diff=0.0, diff_ci_low=0.0, diff_ci_high=0.0),
        dict(policy="b", measure="engagement", mean=1.3e-7, ci_low=1.1e-7, ci_high=1.5e-7,
             diff=1e-8, diff_ci_low=5e-9, diff_ci_high=1.5e-8),
    ])  # fmt: skip
    frame = display_frame(table, "a", MEASURES).set_index("Measure")
    turnover = frame.loc["Voluntary turnover"]
    assert turnover["Better"] == "lower is better" and turnover["Unit"] == "share per year"
    assert turnover["b mean [95% CI]"] == "14.7% [13.0, 16.0]"
    assert turnover["b vs a [95% CI]"] == "-3.6 pts [-4.0, -3.2]"
    pay = frame.loc["Pay bill"]
    assert pay["a mean [95% CI]"] == "1,234,567 [1,200,000, 1,270,000]"
    assert pay["b vs a [95% CI]"] == "+100,000 [+90,000, +110,000]"
    assert not SCIENTIFIC.search(frame.to_string())


def test_a_mean_over_fewer_than_every_replication_says_so(monkeypatch) -> None:
    nan = float("nan")
    table = pd.DataFrame([
        dict(policy="a", measure="peter_signature", mean=0.566, ci_low=nan, ci_high=nan,
             diff=0.0, diff_ci_low=nan, diff_ci_high=nan, n=1, runs=3),
        dict(policy="b", measure="peter_signature", mean=0.1, ci_low=-0.2, ci_high=0.4,
             diff=-0.4, diff_ci_low=nan, diff_ci_high=nan, n=3, runs=3),
    ])  # fmt: skip
    frame = display_frame(table, "a", MEASURES)
    assert frame.iloc[0]["a mean [95% CI]"].endswith(" (1 of 3 runs)")
    assert "runs" not in frame.iloc[0]["b mean [95% CI]"]
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)
    print_comparison(table, "a", MEASURES)
    assert "(1 of 3 runs)" in buffer.getvalue()


def test_piped_tables_are_not_wrapped_or_truncated(monkeypatch) -> None:
    long = "A measure with a very long label " * 6
    meta = MEASURES | {"x": MEASURES["engagement"].__class__("x", long.strip(), "0..1", "higher")}
    table = pd.DataFrame([
        dict(policy=p, measure="x", mean=0.5, ci_low=0.4, ci_high=0.6, diff=d, diff_ci_low=d,
             diff_ci_high=d) for p, d in (("a", 0.0), ("b-with-a-long-policy-name", 0.1))
    ])  # fmt: skip
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)
    print_comparison(table, "a", meta)
    text = buffer.getvalue()
    assert long.strip() in text, "the label is on one line, whole"
    assert "b-with-a-long-policy-name" in text and "…" not in text
    assert cli.table_console().width == cli.PIPE_WIDTH


def test_run_prints_the_verdict_after_the_table_through_a_pipe(tmp_path: Path) -> None:
    from scenario_fixtures import write_tiny

    out = tmp_path / "res"
    result = subprocess.run(
        [sys.executable, "-m", "orgsim.cli", "run", str(write_tiny(tmp_path)), "--out", str(out),
         "--workers", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = result.stdout
    headline = from_results(load(out)).headline
    assert text.index("Mean engagement") < text.index("Verdict") < text.index(headline)
    assert "Technical skill idled in management roles" in text, "a long label, unwrapped"
    assert not SCIENTIFIC.search(text)


def test_a_sweep_in_text_keeps_a_measures_points_together(tmp_path: Path) -> None:
    from results_fixtures import make_sweep_results

    text = summarize(make_sweep_results(tmp_path), "--format", "text")
    assert "the verdict pools its 3 points" in text
    rows = [line.split("  ")[0] for line in text.split("KEY MEASURES")[1].splitlines()[4:]]
    firsts = list(dict.fromkeys(rows))
    assert rows == [r for r in firsts for _ in range(3)], "each measure's 3 points in a block"
    assert not SCIENTIFIC.search(text)
