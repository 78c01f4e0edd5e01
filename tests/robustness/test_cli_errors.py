"""Bad input and failures at the command line: one clear message, exit status 2 (bad input) or
1 (failure), no traceback; messages that do not mislead."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from scenario_fixtures import write_tiny
from typer.testing import CliRunner

from orgsim.cli import app, interrupted_message

runner = CliRunner()
ORGSIM = [sys.executable, "-m", "orgsim.cli"]
HEAD = "name: t\norganisation: {size: 60}\npolicies: [{name: a, base: single-ladder}]\n"
RUN = "run: {years: 1, replications: 1}\n"
CODE = """\
import sys
from pathlib import Path
from orgsim.measures import Measure
from orgsim.rules import Phase

LISTY = Measure(name="listy", label="Listy", unit="x", compute=lambda model: [1, 2])
WORDY = Measure(name="wordy", label="Wordy", unit="x", compute=lambda model: "high")


class BadSetup(Phase):
    slot = "bad"

    def setup(self, model):
        raise RuntimeError("no budget table")

    def step(self, model):
        pass
"""


def orgsim(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*ORGSIM, *args], capture_output=True, text=True, timeout=120, **kw)


def scenario(folder: Path, extra: str, name: str = "s.yaml") -> Path:
    (folder / "code.py").write_text(CODE)
    path = folder / name
    path.write_text(HEAD + extra + RUN)
    return path


def clean(result, status: int) -> str:
    """The output of a command that must have failed cleanly with ``status``."""
    text = result.output if hasattr(result, "output") else result.stdout + result.stderr
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert code == status, text
    assert "Traceback" not in text
    return text


# --- item 4: no code runs on validate; run says what it imports ----------------------------
def test_a_module_calling_sys_exit_on_import_is_reported_by_run(tmp_path: Path) -> None:
    (tmp_path / "quits.py").write_text("import sys\nsys.exit(0)\nclass Rule: pass\n")
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + "phases: [{use: ./quits.py:Rule, after: growth}]\n" + RUN)
    checked = orgsim("validate", str(path))
    assert checked.returncode == 0 and str(tmp_path / "quits.py") in checked.stdout
    ran = orgsim("run", str(path), "--out", str(tmp_path / "o"), "--workers", "1")
    text = clean(ran, 2)
    assert "importing" in text and "quits.py" in text and "SystemExit" in text
    assert text.index("imports (runs the code of) file") < text.index("error:")
    assert not (tmp_path / "o").exists()


def test_validate_checks_references_without_importing(tmp_path: Path) -> None:
    (tmp_path / "mark.py").write_text(
        "from pathlib import Path\nPath(__file__).with_name('PWNED_BY_VALIDATE').touch()\n"
        "if True:\n    class Inside: pass\nelse:\n    Other = 1\n"
    )
    for ref, ok in [("./mark.py:Inside", True), ("./mark.py:Other", True),
                    ("./mark.py:Missing", False), ("orgsim.rules.leaving:Leaving", False),
                    ("json.decoder:Nope", False), ("email.mime.text:MIMEText", True),
                    ("orgsim.rules.nothere:X", False)]:  # fmt: skip
        path = tmp_path / "s.yaml"
        path.write_text(HEAD + f"phases: [{{use: '{ref}', after: growth}}]\n")
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code == (0 if ok else 2), (ref, result.output)
        assert "Traceback" not in result.output
        if ref.endswith(":Leaving"):  # resolves, but its phase name 'leaving' is taken
            assert "Leaving needs a phase name of its own" in result.output
        if ref.startswith("email."):  # a submodule's packages run their __init__ first
            assert "first the __init__ of email, email.mime;" in result.output
    assert not (tmp_path / "PWNED_BY_VALIDATE").exists()


# --- item 9: failures of a rule or a measure, named ---------------------------------------
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("phases: [{use: ./code.py:BadSetup, after: growth}]\n", "rule BadSetup.setup"),
        ("measures: [./code.py:LISTY]\n", "measure 'listy' returned list"),
        ("measures: [./code.py:WORDY]\n", "measure 'wordy' returned str"),
    ],
)
def test_a_failing_rule_or_measure_is_named(tmp_path: Path, extra: str, expected: str) -> None:
    path = scenario(tmp_path, extra)
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert expected in clean(result, 2)


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"), tmp_path):
        result = orgsim("validate", str(path))
        assert "cannot read the scenario file" in clean(result, 2)


def test_a_scenario_file_too_large_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (11 * 2**20))
    assert "at most" in clean(runner.invoke(app, ["validate", str(big)]), 2)


# --- item 6: a run beyond the limits needs --yes --------------------------------------------
def test_a_huge_run_needs_yes(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("name: huge\norganisation: {size: 10000000}\n"
                    "policies: [{name: a, base: single-ladder}]\n")  # fmt: skip
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "o")])
    text = clean(result, 2)
    assert "--yes" in text and "employee-months" in text
    assert not (tmp_path / "o").exists()


# --- item 10: messages that do not mislead --------------------------------------------------
def test_resume_and_force_together_is_an_error(tmp_path: Path) -> None:
    args = ["run", str(write_tiny(tmp_path)), "--resume", "--force", "--out", str(tmp_path / "o")]
    assert "choose one" in clean(runner.invoke(app, args), 2)


def test_a_complete_folder_is_not_offered_resume(tmp_path: Path) -> None:
    out = tmp_path / "o"
    args = ["run", str(write_tiny(tmp_path, replications=1)), "--out", str(out), "--workers", "1"]
    assert runner.invoke(app, args).exit_code == 0
    text = clean(runner.invoke(app, args), 2)
    assert "complete results exist" in text and "--resume" not in text


def test_interrupt_message_offers_resume_only_after_finished_runs(tmp_path: Path) -> None:
    assert "--resume" not in interrupted_message(None)
    folder = tmp_path / "o"
    folder.mkdir()
    (folder / "manifest.json").write_text(
        json.dumps({"status": "running", "runs": {"0": "pending"}})
    )
    assert "--resume" not in interrupted_message(folder)
    (folder / "parts" / "0").mkdir(parents=True)
    assert "complete them with --resume" in interrupted_message(folder)


def test_an_interrupt_during_import_does_not_offer_resume(tmp_path: Path) -> None:
    (tmp_path / "slow.py").write_text("raise KeyboardInterrupt\nclass Rule: pass\n")
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + "phases: [{use: ./slow.py:Rule, after: growth}]\n" + RUN)
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "o"), "--workers", "1"])
    assert result.exit_code == 130 and "--resume" not in result.output


# --- item 9: corrupt results folders, unwritable paths ------------------------------------
@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("finished")
    out = folder / "o"
    args = ["run", str(write_tiny(folder, replications=2)), "--out", str(out), "--workers", "1"]
    assert runner.invoke(app, args).exit_code == 0
    return out


@pytest.mark.parametrize(
    "damage",
    [
        lambda m: m["scenario"].update(baseline="nobody"),
        lambda m: m["scenario"].update(policies=5),
        lambda m: m["scenario"].update(policies=[{"nom": "x"}]),
        lambda m: m.update(measures=[1, 2]),
        lambda m: m.update(recorded=7),
    ],
)
@pytest.mark.parametrize("command", ["summarize", "report"])
def test_a_corrupt_manifest_is_one_message(
    finished: Path, tmp_path: Path, damage, command: str
) -> None:
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(finished, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    damage(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    args = [command, str(folder)] + (
        ["--out", str(tmp_path / "r.html")] if command == "report" else []
    )
    result = runner.invoke(app, args)
    text = result.output
    assert result.exit_code in (0, 2), text
    assert "Traceback" not in text and not isinstance(result.exception, Exception), text
    if result.exit_code == 2:
        assert "manifest.json" in text


def test_an_unwritable_report_path_is_one_message(
    finished: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import orgsim.report

    def refuse(folder, out_file):
        raise PermissionError(13, "Permission denied", str(out_file))

    monkeypatch.setattr(orgsim.report, "write_report", refuse)
    out = finished.parent / "r.html"
    result = runner.invoke(app, ["report", str(finished), "--out", str(out)])
    assert f"{out}: Permission denied" in clean(result, 1)


def test_global_debug_does_not_turn_on_the_dashboard_debugger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dashboard

    seen = {}
    monkeypatch.setattr(dashboard, "serve", lambda root, **kw: seen.update(kw))
    assert runner.invoke(app, ["--debug", "dashboard"]).exit_code == 0
    assert seen["debug"] is False
    assert threading.active_count() >= 1


# --- item 8 and 9: a rule that quits, a full disk ------------------------------------------
def test_a_rule_calling_sys_exit_mid_run_is_a_failed_run(tmp_path: Path) -> None:
    (tmp_path / "quitter.py").write_text(
        "import sys\nfrom orgsim.rules import Phase\n"
        "class Quit(Phase):\n    slot = 'quit'\n"
        "    def step(self, model):\n        if model.month == 6:\n            sys.exit(0)\n"
    )
    path = tmp_path / "q.yaml"
    path.write_text(HEAD + "phases: [{use: ./quitter.py:Quit, after: growth}]\n" + RUN)
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        result = orgsim("run", str(path), "--out", str(out), "--workers", workers)
        text = clean(result, 1)
        assert "replication 0 failed: SystemExit" in text
        assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


def _small_files(limit: int):
    def preexec() -> None:  # Python ignores SIGXFSZ: writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_a_full_disk_is_one_message_and_loses_no_results(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + RUN)
    out = tmp_path / "out"
    assert orgsim("run", str(path), "--out", str(out), "--workers", "1").returncode == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    result = orgsim("run", str(path), "--out", str(out), "--workers", "1", "--force",
                    preexec_fn=_small_files(20_000))  # fmt: skip
    text = clean(result, 1)
    assert "File too large" in text
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before  # intact
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
