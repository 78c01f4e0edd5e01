"""The what-if form: levers derived from the parameters, and the YAML `orgsim run` accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard import create_app, ids
from dashboard.whatif import (
    LEVERS,
    NO_LADDER,
    WhatIfError,
    build_scenario,
    choices,
    new_folder,
    preset,
)
from orgsim.cli import app as cli
from orgsim.parameters import Organisation, Policy, Workforce
from orgsim.results import load
from orgsim.scenario import parse_scenario

LEVER = {lv.name: lv for lv in LEVERS}


def form(**changes: object) -> dict[str, object]:
    """The form's starting values (genuine dual track, a quick tiny run) with ``changes``."""
    values = {lv.name: lv.default() for lv in LEVERS} | preset("genuine-dual-track")
    return values | {"size": 50, "years": 1, "replications": 1} | changes


def test_levers_take_ranges_and_defaults_from_the_parameters() -> None:
    assert LEVER["specialist_stigma"].bounds() == (0, 1)
    assert LEVER["size"].bounds() == (10, 10_000_000)
    assert LEVER["share_wanting_to_lead"].default() == Workforce().share_wanting_to_lead
    assert LEVER["size"].default() == Organisation().size
    assert LEVER["coaching_reach"].help.startswith(
        Policy.model_fields["coaching_reach"].description
    )
    selection = [o["value"] for o in choices(LEVER["selection"])]
    assert "stated-preference" in selection and "top-performer" in selection


def test_presets_are_the_named_policies_levers() -> None:
    assert preset("single-ladder")["specialist_top_grade"] == NO_LADDER
    assert preset("nominal-dual-track")["specialist_pay_ratio"] == 0.85
    assert preset("ask-the-question")["selection"] == "stated-preference"


def test_the_form_builds_the_baseline_beside_the_tried_policy() -> None:
    s = build_scenario("w", "genuine-dual-track", "single-ladder", form(specialist_stigma=0.4))
    assert s.policy_names == ["single-ladder", "what-if: genuine-dual-track"]
    assert s.baseline == "single-ladder"
    assert s.policy_spec("what-if: genuine-dual-track").overrides()["specialist_stigma"] == 0.4
    assert s.policy_spec("single-ladder").overrides() == {}
    assert s.organisation.size == 50


@pytest.mark.parametrize(
    "changes",
    [
        {"selection": "os:system"},
        {"size": "1000; rm -rf /"},
        {"specialist_stigma": 7},
        {"replications": None},
        {"specialist_top_grade": 2},
    ],
)
def test_values_outside_the_schema_are_refused(changes: dict) -> None:
    with pytest.raises(WhatIfError, match="what-if"):
        build_scenario("w", "genuine-dual-track", "single-ladder", form(**changes))


def test_unknown_policies_are_refused() -> None:
    with pytest.raises(WhatIfError):
        build_scenario("w", "orgsim.model:OrgModel", "single-ladder", form())


def test_new_folders_do_not_collide(tmp_path: Path) -> None:
    first = new_folder(tmp_path)
    first.mkdir()
    assert new_folder(tmp_path) != first and first.name.startswith("whatif-")


def download_yaml(values: dict[str, object], tmp_path: Path) -> str:
    """The YAML the 'Download as scenario' button sends, through the app's HTTP endpoint."""
    client = create_app(tmp_path / "results").server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    (output,) = [d["output"] for d in deps if f"{ids.WHATIF_YAML_FILE}.data" in d["output"]]
    names = ["policy", "baseline", *(lv.name for lv in LEVERS)]
    body = {
        "output": output,
        "outputs": [
            {"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
            for part in output.strip(".").split("...")
        ],
        "inputs": [{"id": ids.WHATIF_YAML, "property": "n_clicks", "value": 1}],
        "state": [{"id": ids.lever(n), "property": "value", "value": values[n]} for n in names],
        "changedPropIds": [f"{ids.WHATIF_YAML}.n_clicks"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"][ids.WHATIF_YAML_FILE]["data"]["content"]


def test_the_downloaded_yaml_round_trips_through_orgsim_run(tmp_path: Path) -> None:
    values = form(policy="nominal-dual-track", baseline="single-ladder", coaching_reach=0.3)
    text = download_yaml(values, tmp_path)
    expected = build_scenario("what-if", "nominal-dual-track", "single-ladder", values)
    assert parse_scenario(text) == expected
    path = tmp_path / "what-if.yaml"
    path.write_text(text)
    result = CliRunner().invoke(
        cli, ["run", str(path), "--out", str(tmp_path / "out"), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert load(tmp_path / "out").policies == expected.policy_names


def test_form_fields_never_name_code() -> None:
    values = form() | {"rules": {"leaving": "os:system"}, "phases": ["x:y"], "measures": ["a:b"]}
    s = build_scenario("w", "genuine-dual-track", "single-ladder", values)
    assert s.rules == {} and s.phases == [] and s.measures == []
