"""docs/model.md must describe the code as it is: parameters, phase order, measures, tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orgsim.docs_tables import (
    BEGIN,
    END,
    MONEY_BEGIN,
    MONEY_END,
    extract_block,
    generated_block,
    is_structured,
    money_table_markdown,
    parameter_table_markdown,
    scalar_fields,
    section_table_markdown,
    structured_fields,
)
from orgsim.measures import MEASURES
from orgsim.parameters import ModelParams, Money, iter_fields
from orgsim.rules import DEFAULT_PHASES

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_parameter_path_is_documented(doc: str) -> None:
    missing = [path for path, _ in iter_fields(ModelParams) if f"`{path}`" not in doc]
    assert not missing, f"parameters missing from docs/model.md: {missing}"


def test_schedule_lists_the_phases_in_order(doc: str) -> None:
    listed = re.findall(r"^\d+\. \*\*`([a-z_]+)`\*\*", doc, flags=re.MULTILINE)
    assert listed == list(DEFAULT_PHASES)


def test_submodel_sections_follow_the_phase_order(doc: str) -> None:
    positions = []
    for phase in DEFAULT_PHASES:
        match = re.search(rf"^### 7\.\d+ Phase `{phase}`", doc, flags=re.MULTILINE)
        assert match, f"no submodel section for phase {phase!r}"
        positions.append(match.start())
    assert positions == sorted(positions)


def test_every_measure_is_documented(doc: str) -> None:
    missing = [name for name in MEASURES if f"`{name}`" not in doc]
    assert not missing, f"measures missing from docs/model.md: {missing}"


def test_parameter_tables_match_the_code(doc: str) -> None:
    assert doc.count(BEGIN) == 1 and doc.count(END) == 1
    assert extract_block(doc) == generated_block(), (
        "docs/model.md parameter tables are stale: run "
        "`python -m orgsim.docs_tables --write docs/model.md`"
    )
    assert parameter_table_markdown() in doc


def test_the_money_table_matches_the_code(doc: str) -> None:
    """Defaults, units and sources of ``money.*`` as the code has them (a hand-kept table
    once listed ramp-up defaults the code had set to 0)."""
    assert doc.count(MONEY_BEGIN) == 1 and doc.count(MONEY_END) == 1
    assert extract_block(doc, money=True) == generated_block(money=True), (
        "docs/model.md money table is stale: run `python -m orgsim.docs_tables --write "
        "docs/model.md`"
    )
    rows = re.findall(r"^\| `money\.([a-z0-9_]+)` \|", money_table_markdown(), flags=re.M)
    assert rows == list(Money.model_fields)


def test_generated_tables_cover_every_parameter_once() -> None:
    """Scalar parameters get a table row each; structured ones (organisation.chart) a
    description below their section's table instead."""
    tables = parameter_table_markdown()
    rows = re.findall(r"^\| `([a-z_.]+)` \|", tables, flags=re.MULTILINE)
    assert rows == [path for path, _ in scalar_fields(ModelParams)]
    structured = [path for path, _ in structured_fields(ModelParams)]
    assert structured == ["organisation.chart"]
    described = re.findall(r"^`([a-z_.]+)` \(structured, ", tables, flags=re.MULTILINE)
    assert described == structured
    every = [path for path, _ in iter_fields(ModelParams)]
    assert sorted(rows + described) == sorted(every)


def test_structured_parameters_are_described_with_their_entries() -> None:
    info = dict(iter_fields(ModelParams))["organisation.chart"]
    assert is_structured(info)
    assert not is_structured(dict(iter_fields(ModelParams))["organisation.size"])
    section = section_table_markdown("organisation")
    table, _, below = section.partition("\n\n")
    assert "`organisation.chart`" not in table and "`organisation.size`" in table
    assert below.startswith("`organisation.chart` (structured, default `null`): An explicit chart")
    for line in (
        "- `grade` (integer): Grade of the positions (1 = entry).",
        "- `role` (one of `ic`, `specialist`, `manager`): Role of the positions.",
        "- `positions` (integer): Number of positions.",
    ):
        assert line in below.splitlines()


def test_section_table_has_the_documented_columns() -> None:
    lines = section_table_markdown("engagement").splitlines()
    assert lines[0] == "| parameter | meaning | unit | default | source |"
    threshold = next(line for line in lines if "`engagement.engaged_threshold`" in line)
    assert threshold.count(" | ") == 4 and "`0.77`" in threshold
