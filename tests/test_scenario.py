"""Scenario files: validation, clear errors with file/field/line, JSON Schema, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgsim.scenario import (
    RunSettings,
    Scenario,
    ScenarioError,
    dump_scenario,
    json_schema,
    load_scenario,
    parse_scenario,
)

SCENARIOS = sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))
GOOD = """\
name: ok
policies:
  - name: a
    base: single-ladder
  - name: b
    base: genuine-dual-track
    levers:
      specialist_pay_ratio: 0.9
"""


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_validate_and_state_their_question(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.baseline in scenario.policy_names
    assert path.read_text().startswith("# Question:")


def test_flagship_compares_the_four_named_policies() -> None:
    s = load_scenario(Path(__file__).parents[1] / "scenarios/compare-policies.yaml")
    assert [p.base for p in s.policies] == [
        "single-ladder",
        "nominal-dual-track",
        "genuine-dual-track",
        "ask-the-question",
    ]
    assert s.baseline == "single-ladder"
    assert (s.organisation.size, s.run.replications, s.run.years) == (1000, 30, 20)
    assert s.policy_spec("ask-the-question").overrides()["coaching_reach"] > 0


def test_levers_override_only_what_they_set() -> None:
    s = parse_scenario(GOOD)
    b = s.model_params("b").policy
    assert b.specialist_pay_ratio == 0.9
    assert b.specialist_top_grade == s.organisation.grades  # from the genuine base
    assert s.model_params("a").policy.specialist_top_grade is None
    assert s.baseline == "a"  # the first policy by default


def test_dump_round_trips() -> None:
    s = parse_scenario(GOOD)
    again = parse_scenario(dump_scenario(s))
    assert again == s
    assert again.model_params("b") == s.model_params("b")


def errors_of(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "sc.yaml")
    return str(info.value)


def test_misspelled_key_names_closest_valid_name_and_line() -> None:
    msg = errors_of("name: x\npolcies:\n  - name: a\n    base: single-ladder\n")
    assert "sc.yaml: line 2: polcies: unknown field; did you mean policies?" in msg


def test_misspelled_nested_key() -> None:
    msg = errors_of(GOOD + "organisation:\n  spam: 5\n")
    assert "line 10" in msg and "organisation.spam: unknown field; did you mean span?" in msg


def test_out_of_range_value_names_field_line_and_value() -> None:
    msg = errors_of(GOOD.replace("0.9", "3"))
    assert "line 8: policies.1.levers.specialist_pay_ratio" in msg
    assert "less than or equal to 2" in msg and "(got 3)" in msg


def test_wrong_type() -> None:
    msg = errors_of(GOOD + "organisation:\n  size: many\n")
    assert "organisation.size" in msg and "valid integer" in msg and '"many"' in msg


def test_unknown_policy_name_lists_the_known_ones() -> None:
    msg = errors_of(GOOD.replace("base: single-ladder", "base: singel-ladder"))
    assert "policies.0.base" in msg and "'nominal-dual-track'" in msg
    assert "did you mean single-ladder?" in msg


def test_unknown_baseline() -> None:
    assert "baseline" in errors_of(GOOD + "baseline: c\n")


def test_inconsistent_grades_are_reported() -> None:
    msg = errors_of(GOOD + "organisation:\n  grades: 3\npolicy:\n  ic_ceiling_grade: 3\n")
    assert "ic_ceiling_grade" in msg and "organisation.grades" in msg


def test_malformed_yaml_gives_line() -> None:
    assert "sc.yaml: line 2: malformed YAML" in errors_of("name: [x\npolicies: 3\n")


def test_not_a_mapping() -> None:
    assert "must be a mapping" in errors_of("- a\n- b\n")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path)


def test_json_schema_documents_every_field() -> None:
    schema = json_schema()
    assert set(schema["properties"]) == set(Scenario.model_fields)
    org = schema["$defs"]["Organisation"]["properties"]["size"]
    assert org["description"] and org["unit"] == "people" and org["default"] == 1000


@pytest.mark.parametrize(
    "address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "tls://sched.example.org:8786",
                "tcp://[::1]:8786", "ws://host-1:80"],
)  # fmt: skip
def test_dask_scheduler_addresses_dask_reads_are_accepted(address: str) -> None:
    assert RunSettings(scheduler=address).scheduler == address
