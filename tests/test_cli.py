"""The orgsim command line, through typer's runner and through the real entry point."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from scenario_fixtures import write_tiny
from typer.testing import CliRunner

from orgsim.cli import app
from orgsim.results import TABLES, finished_runs

runner = CliRunner()
ORGSIM = [sys.executable, "-m", "orgsim.cli"]
SCENARIOS = Path(__file__).parents[1] / "scenarios"


def orgsim(*args: str, **kw) -> subprocess.CompletedProcess:
    """Run the real command in a subprocess."""
    return subprocess.run([*ORGSIM, *args], capture_output=True, text=True, timeout=300, **kw)


def test_validate_accepts_every_shipped_scenario() -> None:
    result = runner.invoke(app, ["validate", *map(str, sorted(SCENARIOS.glob("*.yaml")))])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok:") == len(list(SCENARIOS.glob("*.yaml")))


def test_a_malformed_scheduler_address_is_refused_before_anything_runs(tmp_path: Path) -> None:
    """Dask would fail on it only after a 40 s wait, with a traceback."""
    scenario = write_tiny(tmp_path)
    for address in ("garbage", "tpc://127.0.0.1:8786", "tcp://host:99999"):
        started = time.monotonic()
        result = orgsim("run", str(scenario), "--scheduler", address, "--out", str(tmp_path / "r"))
        assert result.returncode == 2, result.stderr
        said = " ".join(re.sub("[│╭╮╰╯─]", " ", result.stderr).split())  # typer's box, unwrapped
        assert f"{address!r} is not a Dask scheduler address" in said
        assert "Traceback" not in result.stderr and time.monotonic() - started < 30
        assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\npolcies: []\n", "polcies: unknown field; did you mean policies?"),
        ("name: [x\n", "malformed YAML"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\norganisation: {size: -5}\n",
         "organisation.size: Input should be greater than or equal to 10 (got -5)"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\norganisation: {span: 1}\n",
         "organisation.span"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder, levers: {coaching_reach: 1.5}}\n",
         "policies.0.levers.coaching_reach: Input should be less than or equal to 1 (got 1.5)"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\nrun: {scheduler: 'host:8786x'}\n",
         "line 4: run.scheduler: 'host:8786x' is not a Dask scheduler address"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\nstep_months: 12\n"
         "run:\n  years: 0.4\n",
         "line 6: run.years: 0.4 years is less than one step of 12 month(s)"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\nsweep:\n  parameters:\n"
         "    policy.specialist_stigma: {values: [0.1, 5]}\n",
         "line 6: sweep.parameters.policy.specialist_stigma: value 5.0: Input should be less than "
         "or equal to 1"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\nuncertainties:\n"
         "  workforce.share_wanting_to_lead: {low: 0.1, high: 3}\n",
         "line 5: uncertainties.workforce.share_wanting_to_lead: value 3.0: Input should be less "
         "than 1"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\nsweep:\n  parameters:\n"
         "    rules.competence.months: {values: [6, -3]}\n",
         "sweep.parameters.rules.competence.months: value -3: rules.competence.params.months: "
         "Input should be greater than or equal to 0"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\nuncertainties:\n"
         "  rules.competence.monthz: {low: 3, high: 12}\n",
         "uncertainties.rules.competence.monthz: value 3.0: rules.competence.params.monthz: "
         "unknown field; did you mean months?"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\nphases:\n"
         "  - {use: leaving, before: leavng}\n", "phases[0].before: unknown phase 'leavng'"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\nrecord_after: leavng\n",
         "record_after: no phase 'leavng'; did you mean leaving?"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "uncertainties: {policy.specialist_stigma: {low: 0.1, high: 0.2, steps: 9}}\n",
         "uncertainties.policy.specialist_stigma: 'steps' does nothing for an uncertainty"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "uncertainties: {policy.specialist_stigma: {low: 0.2, high: 0.2}}\n",
         "line 4: uncertainties.policy.specialist_stigma: low and high are both 0.2"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "uncertainties: {organisation.size: {low: 60, high: 70}}\n",
         "uncertainties.organisation.size: value 63.18309886183790"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "uncertainties: {organisation.size: {low: 60, high: 70}}\n",
         "a parameter of whole numbers needs 'integer: true'"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "run: {until: {measure: headcount, above: .inf}}\n",
         "line 4: run.until.above: Input should be a finite number (got Infinity)"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "money: {salary_by_grade: [.nan, 2, 3, 4, 5, 6]}\n",
         "line 4: money.salary_by_grade.0: Input should be a finite number (got NaN)"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "money: {salary_by_grade: [30000, 40000]}\n",
         "line 4: money.salary_by_grade: 2 salaries given, but the organisation has 6 grades"),
        ("name: x\npolicies:\n  - {name: a, base: genuine-dual-track, levers: {hold_pay_bill: "
         "true}}\norganisation: {size: 22, grades: 6, span: 2}\n",
         "organisation.size (17) leaves 2 IC positions for 3 IC grades (hold_pay_bill resizes it "
         "to the pay bill of the chart without a specialist ladder)"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "organisation: {size: 10, grades: 12}\n",
         "policies[a]: the chart of positions cannot be built: organisation.size (10) leaves 1 "
         "IC positions for 3 IC grades"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\norganisation: {grades: 12}\n"
         "sweep:\n  parameters:\n    organisation.size: {values: [100, 10]}\n",
         "sweep.parameters.organisation.size: value 10: policies[a]: the chart of positions"),
        ("name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
         "run: {parameters_from: nothere.parquet}\n",
         "run.parameters_from: {folder}/nothere.parquet: no such posterior file"),
    ],
)  # fmt: skip
def test_validate_reports_bad_files_without_traceback(
    tmp_path: Path, text: str, expected: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = orgsim("validate", str(bad))
    assert result.returncode == 2
    assert expected.format(folder=tmp_path) in result.stderr and str(bad) in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = orgsim("run", str(tmp_path / "none.yaml"))
    assert result.returncode == 2 and "no such scenario file" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_is_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.output)
    assert result.exit_code == 0 and "policies" in schema["properties"]


def test_run_then_summarize_in_every_format(tmp_path: Path) -> None:
    out = tmp_path / "res"
    result = orgsim("run", str(write_tiny(tmp_path)), "--out", str(out), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "Mean engagement" in result.stdout and "diff" in result.stdout
    js = json.loads(orgsim("summarize", str(out), "--format", "json").stdout)
    assert set(js[0]) == {"policy", "measure", "label", "unit", "better", "mean", "ci_low",
                          "ci_high", "diff", "diff_ci_low", "diff_ci_high", "n",
                          "runs"}  # fmt: skip
    assert {r["measure"] for r in js} >= {"engagement", "reluctant_manager_share", "team_output"}
    base = [r for r in js if r["policy"] == "single-ladder"]
    assert all(r["diff"] == 0 or (r["diff"] is None and r["mean"] is None) for r in base)
    csv = orgsim("summarize", str(out), "--format", "csv").stdout
    assert csv.splitlines()[0] == (
        "policy,measure,label,unit,better,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,n,runs"
    )
    assert "| Measure" in orgsim("summarize", str(out), "-f", "markdown").stdout
    table = runner.invoke(app, ["summarize", str(out), "--all"])
    assert table.exit_code == 0 and "Pay bill" in table.output


def test_cli_options_override_the_scenario(tmp_path: Path) -> None:
    out = tmp_path / "res"
    args = ["run", str(write_tiny(tmp_path)), "--out", str(out), "--replications", "2",
            "--years", "0.5", "--seed", "5", "--workers", "1"]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    m = json.loads((out / "manifest.json").read_text())
    assert m["scenario"]["run"] | {"output": None} == {
        "years": 0.5, "replications": 2, "seed": 5, "output": None, "workers": 1,
        "scheduler": None, "events": "all", "until": None, "timeout_s": None,
        "parameters_from": None,
    }  # fmt: skip
    assert pd.read_parquet(out / "timeseries.parquet")["month"].max() == 6


def test_existing_results_need_force(tmp_path: Path) -> None:
    scenario, out = str(write_tiny(tmp_path, replications=1)), str(tmp_path / "res")
    assert orgsim("run", scenario, "--out", out, "--workers", "1").returncode == 0
    again = orgsim("run", scenario, "--out", out, "--workers", "1")
    assert again.returncode == 2 and "--force" in again.stderr
    assert orgsim("run", scenario, "--out", out, "--workers", "1", "--force").returncode == 0


@pytest.mark.parametrize("break_it", ["missing", "corrupt-manifest", "corrupt-table"])
def test_summarize_bad_results_folder(tmp_path: Path, break_it: str) -> None:
    out = tmp_path / "res"
    if break_it != "missing":
        assert runner.invoke(app, ["run", str(write_tiny(tmp_path, replications=1)),
                                   "--out", str(out), "--workers", "1"]).exit_code == 0  # fmt: skip
    if break_it == "corrupt-manifest":
        (out / "manifest.json").write_text("{")
    if break_it == "corrupt-table":
        (out / "summary.parquet").write_bytes(b"oops")
    result = orgsim("summarize", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    expected = {"missing": "no such results folder", "corrupt-manifest": "corrupt manifest",
                "corrupt-table": "summary.parquet: corrupt"}[break_it]  # fmt: skip
    assert expected in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = orgsim("--debug", "summarize", str(tmp_path / "absent"))
    assert result.returncode != 0 and "Traceback" in result.stderr


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_results(tmp_path: Path) -> None:
    scenario = str(write_tiny(tmp_path, size=400, years=3, replications=6))
    out, ref = tmp_path / "killed", tmp_path / "ref"
    proc = subprocess.Popen([*ORGSIM, "run", scenario, "--out", str(out), "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while len(finished_runs(out)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(finished_runs(out))
    assert 2 <= done < 12, "the run finished before it could be killed"
    assert json.loads((out / "manifest.json").read_text())["status"] != "complete"
    assert orgsim("summarize", str(out)).returncode == 2
    resumed = orgsim("run", scenario, "--out", str(out), "--workers", "2", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert orgsim("run", scenario, "--out", str(ref), "--workers", "1").returncode == 0
    for name in TABLES:
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / f"{name}.parquet"), pd.read_parquet(ref / f"{name}.parquet")
        )


def test_sweep_over_choices_prints_its_table(tmp_path: Path) -> None:
    path = tmp_path / "sw.yaml"
    path.write_text(
        "name: sw\norganisation: {size: 60}\n"
        "policies: [{name: a, base: single-ladder}, {name: b, base: genuine-dual-track}]\n"
        "sweep: {parameters: {policy.selection: {values: [top-performer, random]}}}\n"
        "run: {years: 0.5, replications: 2}\n"
    )
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "top-performer" in result.output and "random" in result.output


def test_out_pointing_at_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep")
    result = orgsim("run", str(write_tiny(tmp_path)), "--out", str(target), "--workers", "1")
    assert result.returncode == 2 and "is a file" in result.stderr
    assert target.read_text() == "keep"


def test_messages_keep_bracketed_text(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\npolicies:\n  - {name: a, base: nominal-dual-track}\n"
                   "organisation: {grades: 4}\npolicy: {ic_ceiling_grade: 3}\n")  # fmt: skip
    result = orgsim("validate", str(bad))
    assert result.returncode == 2 and "policies[a]" in result.stderr


def test_a_failing_rule_names_the_run(tmp_path: Path) -> None:
    rule = tmp_path / "boom.py"
    rule.write_text(
        "from orgsim.rules import Phase\n"
        "class Boom(Phase):\n    slot = 'boom'\n"
        "    def step(self, model):\n        if model.month == 3:\n"
        "            raise ValueError('negative headcount in my idea')\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\norganisation: {size: 60}\npolicies: [{name: a, base: single-ladder}]\n"
        "phases: [{use: ./boom.py:Boom, after: growth}]\nrun: {years: 1, replications: 1}\n"
    )
    result = orgsim("run", str(path), "--out", str(tmp_path / "o"), "--workers", "1")
    assert result.returncode == 1 and "Traceback" not in result.stderr  # a failure, not input
    assert "policy 'a', replication 0" in result.stderr and "negative headcount" in result.stderr


def test_report_and_dashboard_commands(tmp_path: Path) -> None:
    out = tmp_path / "res"
    args = ["run", str(write_tiny(tmp_path, replications=2)), "--out", str(out), "--workers", "1"]
    assert runner.invoke(app, args).exit_code == 0
    html = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(out), "--out", str(html)])
    assert result.exit_code == 0 and html.stat().st_size > 1_000_000  # plotly.js inside
    assert "<script" in html.read_text()
    missing = runner.invoke(app, ["report", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no such results folder" in missing.output
    manifest = (out / "manifest.json").read_bytes()
    for where, fmt, said in [
        (out / "manifest.json", "html", "does not end in .html"),
        (tmp_path / "deck.html", "pptx", "does not end in .pptx"),
        (out, "html", "is a folder"),
        (tmp_path / "nodir" / "r.html", "html", "no such folder"),
    ]:
        refused = runner.invoke(app, ["report", str(out), "--out", str(where), "--format", fmt])
        text = " ".join(re.sub("[│╭╮╰╯─]", " ", refused.output).split())
        assert refused.exit_code == 2 and said in text, text
    assert (out / "manifest.json").read_bytes() == manifest and not (
        tmp_path / "deck.html"
    ).exists()
    help_text = runner.invoke(app, ["dashboard", "--help"]).output
    assert "--host" in help_text and "--port" in help_text and "--debug" in help_text


def test_the_dashboard_command_passes_only_the_bounds_given(monkeypatch) -> None:
    import dashboard

    calls = []
    monkeypatch.setattr(dashboard, "serve", lambda root, **kw: calls.append((root, kw)))
    assert runner.invoke(app, ["dashboard", "res", "--max-people", "5000"]).exit_code == 0
    assert runner.invoke(app, ["--debug", "dashboard"]).exit_code == 0
    (root, first), (_, second) = calls
    assert str(root) == "res" and first["max_people"] == 5000 and not first["debug"]
    assert "max_replications" not in first and not second["debug"]  # --debug: tracebacks only
    assert "max_people" not in second


def test_validate_checks_what_it_can_of_a_scenario_that_names_code(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("from orgsim.rules import Phase\nclass Mine(Phase): pass\n")
    head = "name: x\npolicies:\n  - {name: a, base: single-ladder}\n"
    for extra, said in [
        ("rules: {filling: {use: filling, params: {ordr: bottom-up}}}\n"
         "phases: [{use: ./mine.py:Mine, after: engagement}]\n",
         "rules.filling.params.ordr: unknown field; did you mean order?"),
        ("phases: [{use: ./mine.py:Mine, after: engagment}]\n",
         "phases[0].after: unknown phase 'engagment'; did you mean engagement?"),
        ("phases: [{use: ./mine.py:Mine, after: growth}]\norganisation: {size: 10, grades: 12}\n",
         "policies[a]: the chart of positions cannot be built: organisation.size (10) leaves"),
        ("phases: [{use: ./mine.py:Mine, after: engagement}]\nrecord_after: leavng\n", None),
        ("phases: [{use: ./mine.py:Mine, after: engagement}, {use: ./mine.py:Mine, "
         "before: mine}]\n", None),  # the second may name the first's phase: not refused
    ]:  # fmt: skip
        path = tmp_path / "s.yaml"
        path.write_text(head + extra)
        result = orgsim("validate", str(path))
        if said is None:  # could be the added phase's own name: only a run can tell
            assert result.returncode == 0, result.stderr
        else:
            assert result.returncode == 2 and said in result.stderr, result.stderr


def test_validate_estimates_a_sensitivity_analysis_of_the_uncertainties(tmp_path: Path) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(
        "name: u\npolicies:\n  - {name: a, base: single-ladder}\n"
        "  - {name: b, base: genuine-dual-track}\nrun: {replications: 3}\n"
        "uncertainties:\n  policy.specialist_stigma: {low: 0, high: 0.3}\n"
        "  workforce.share_wanting_to_lead: {low: 0.15, high: 0.47}\n"
    )
    said = " ".join(orgsim("validate", str(path)).stdout.split())
    # Morris 10 x (2 + 1) points, Sobol 16 x (2 + 2); each point: 2 policies x 3 replications
    assert "as orgsim sensitivity at its defaults: Morris 30 points, 180 runs, about " in said
    assert "Sobol 64 points, 384 runs" in said
