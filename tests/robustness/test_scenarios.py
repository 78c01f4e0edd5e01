"""Malformed and hostile scenarios: `orgsim validate` answers each with exit status 0 or 2, a
message naming the field or line, no traceback, no code run and nothing written.

The fixed corpus has one file per class of problem (its first line says the expected status
and a text the output must contain); a hypothesis strategy mutates the shipped scenarios.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from orgsim.cli import app

CORPUS = Path(__file__).parent / "corpus"
SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
runner = CliRunner()

#: Python files the hostile scenarios name: each would leave a trace if it ran.
HOSTILE_FILES = {
    "hostile_marker.py": (
        "from pathlib import Path\n"
        "Path(__file__).with_name('PWNED_BY_VALIDATE').write_text('ran')\n"
        "from orgsim.rules import Phase\n"
        "class Mentoring(Phase):\n    slot = 'mentoring'\n"
        "    def step(self, model):\n        pass\n"
    ),
    "hostile_exit.py": (
        "import sys\nsys.exit(0)\n"
        "from orgsim.rules import Phase\n"
        "class Mentoring(Phase):\n    slot = 'mentoring'\n"
        "    def step(self, model):\n        pass\n"
    ),
}


def expectation(path: Path) -> tuple[int, str]:
    """'# expect: STATUS | TEXT' on a corpus file's first line."""
    first = path.read_text().splitlines()[0]
    status, _, text = first.removeprefix("# expect:").partition("|")
    return int(status), text.strip()


def workdir(tmp_path: Path) -> Path:
    """The corpus and the hostile files in a fresh folder (the working directory of a test)."""
    folder = tmp_path / "work"
    shutil.copytree(CORPUS, folder)
    (folder / "sub").mkdir()
    for name, text in HOSTILE_FILES.items():
        (folder / name).write_text(text)
    return folder


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.stem)
def test_corpus(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, text = expectation(path)
    folder = workdir(tmp_path)
    before = listing(folder)
    monkeypatch.chdir(folder)
    result = runner.invoke(app, ["validate", path.name])
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception)
    assert text in result.output, result.output
    assert path.name in result.output  # the file is named
    assert listing(folder) == before  # no code ran, nothing was written
    assert not (folder / "PWNED_BY_VALIDATE").exists()


def test_validate_lists_the_code_a_run_would_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workdir(tmp_path)
    monkeypatch.chdir(folder)
    result = runner.invoke(app, ["validate", "hostile-import-marker.yaml", "hostile-sys-exit.yaml"])
    assert result.exit_code == 0, result.output
    assert f"a run would import (and run) file {folder / 'hostile_marker.py'}" in result.output
    assert str(folder / "hostile_exit.py") in result.output
    assert not (folder / "PWNED_BY_VALIDATE").exists()


@pytest.mark.parametrize("name", ["huge-sweep.yaml", "huge-organisation.yaml"])
def test_huge_scenarios_validate_fast_and_small(name: str) -> None:
    runner.invoke(app, ["validate", str(CORPUS / "huge-organisation.yaml")])  # warm imports
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = runner.invoke(app, ["validate", str(CORPUS / name)])
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    assert seconds < 1.0 and peak < 200 * 2**20, (seconds, peak)
    assert "employee-months" in result.output and "warning" in result.output


# --- mutations of the shipped scenarios ------------------------------------------------------
def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside nested dicts and lists."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


OTHER_VALUES = st.sampled_from(
    [True, False, None, 0, -1, 1e308, float("nan"), "", "x" * 300, "../..", "/etc",
     "./nowhere.py:Rule", [], {}, [1, 2], {"use": "leaving"}, 10_000_000, 1000]
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A shipped scenario with one or two mutations, as YAML text."""
    path = draw(st.sampled_from(SCENARIOS))
    data = yaml.safe_load(path.read_text())
    nested = 0
    for _ in range(draw(st.integers(1, 2))):
        paths = _paths(data)
        where = draw(st.sampled_from(paths))
        parent, key = _parent(data, where), where[-1]
        kind = draw(st.sampled_from(["delete", "retype", "misspell", "nest"]))
        if kind == "delete":
            del parent[key]
        elif kind == "retype":
            parent[key] = copy.deepcopy(draw(OTHER_VALUES))
        elif kind == "misspell" and isinstance(key, str) and key:
            i = draw(st.integers(0, len(key) - 1))
            typo = key[:i] + draw(st.sampled_from(["", "x", key[i] * 2])) + key[i + 1 :]
            parent[typo] = parent.pop(key)
        elif kind == "nest":
            nested = draw(st.sampled_from([50, 3000]))
            parent[key] = "NESTED_HERE"
    text = yaml.safe_dump(data, sort_keys=False)
    if nested:  # deep nesting written as text: safe_dump itself would recurse
        text = text.replace("NESTED_HERE", "[" * nested + "1" + "]" * nested, 1)
    return text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=mutated())
def test_mutated_shipped_scenarios(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("mutant")
    scenario = folder / "mutant.yaml"
    scenario.write_text(text)
    shipped = {p: p.read_bytes() for p in SCENARIOS}
    with contextlib.chdir(folder):
        result = runner.invoke(app, ["validate", "mutant.yaml"])
    assert result.exit_code in (0, 2), (result.exit_code, result.output, text[:2000])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception), repr(result.exception)
    if result.exit_code == 2:
        assert "invalid: mutant.yaml" in result.output, result.output
    else:
        assert "ok: mutant.yaml" in result.output
    assert os.listdir(folder) == ["mutant.yaml"]  # nothing written
    assert {p: p.read_bytes() for p in SCENARIOS} == shipped
