"""orgsim/cli_fit.py: `orgsim fit` end to end on a tiny organisation, its template, exit
status 2 for bad input, and a start-up that loads no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hr_fixtures import tiny_tables
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.fit.organisation import BURN_IN_YEARS
from orgsim.fit.workbook import write_tables

runner = CliRunner()
QUICK = ["--population", "12", "--max-generations", "1", "--burn-in", "1", "--workers", "1"]


def test_fit_end_to_end_then_run_the_fitted_scenario(tmp_path: Path) -> None:
    data = write_tables(tiny_tables(), tmp_path / "hr.xlsx")
    result = runner.invoke(app, ["fit", str(data), "--out", str(tmp_path / "org"), *QUICK])
    assert result.exit_code == 0, result.output
    for name in ("scenario.yaml", "posterior.parquet", "fit.parquet", "fit.json", "fit.html"):
        assert (tmp_path / "org" / name).is_file(), name
    assert "Posterior (generation limit" in result.output and "fit check p =" in result.output
    run = runner.invoke(app, ["run", str(tmp_path / "org" / "scenario.yaml"), "--years", "1",
                              "--replications", "2", "--workers", "1", "--out",
                              str(tmp_path / "results")])  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "today" in run.output and "ask-the-question" in run.output
    # the fit's check is kept with the results (the dashboard's Fit tab reads it there)
    kept = tmp_path / "results" / "fit.parquet"
    assert kept.read_bytes() == (tmp_path / "org" / "fit.parquet").read_bytes()
    again = runner.invoke(app, ["fit", str(data), "--out", str(tmp_path / "org"), *QUICK])
    assert again.exit_code == 2 and "use --force" in again.output
    summary = json.loads((tmp_path / "org" / "fit.json").read_text())
    assert summary["settings"]["burn_in_years"] == 1.0


def test_template_then_bad_data_exit_2_naming_sheet_row_and_column(tmp_path: Path) -> None:
    made = runner.invoke(app, ["fit", "--template", str(tmp_path / "t.xlsx")])
    assert made.exit_code == 0 and (tmp_path / "t.xlsx").is_file()
    folder = runner.invoke(app, ["fit", "--template", str(tmp_path / "csv")])
    assert folder.exit_code == 0 and (tmp_path / "csv" / "headcount.csv").is_file()
    again = runner.invoke(app, ["fit", "--template", str(tmp_path / "t.xlsx")])
    assert again.exit_code == 2 and "exists" in again.output
    tables = tiny_tables()
    tables["leavers"] = tables["leavers"].assign(leavers=[3, -2, 1])
    bad = write_tables(tables, tmp_path / "bad.xlsx")
    result = runner.invoke(app, ["fit", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "sheet 'leavers', row 3, column 'leavers': a count is 0 or more" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give the HR data and --out"),
        (["--parameters", "leaving.speed"], "leaving.speed cannot be fitted"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    data = write_tables(tiny_tables(), tmp_path / "hr.xlsx")
    where = ["--out", str(tmp_path / "o")] if args else []
    result = runner.invoke(app, ["fit", *([str(data)] if args else []), *where, *args])
    assert result.exit_code == 2 and message in result.output, result.output


def test_burn_in_default_is_the_models() -> None:
    import inspect

    from orgsim.cli_fit import fit

    assert inspect.signature(fit).parameters["burn_in"].default == BURN_IN_YEARS


def test_fit_help_loads_no_heavy_library() -> None:
    code = (
        "import sys\nfrom orgsim.cli import app\ntry:\n    app(['fit', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'pandera', 'pyabc', 'openpyxl', 'mesa') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[]"
