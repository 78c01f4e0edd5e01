"""No HTTP 500 from bad input: hostile names, wrongly typed values and broken results folders
each give a message in the page."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_bounds import NAMES, find, form, post, run_whatif, status
from test_bounds import started as started

from dashboard import create_app, ids
from orgsim.results import MANIFEST

HUGE = "x" * (1 << 20)  # a 1 MB experiment name


def info(app: Any, name: Any) -> str:
    """The experiment line shown for ``name``."""
    response = post(app, f"{ids.EXPERIMENT_INFO}.children", [(ids.EXPERIMENT, "value", name)])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"][ids.EXPERIMENT_INFO]["children"]


def page_error(response: Any) -> str:
    """The message a callback put in the page's error line."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["sideUpdate"][ids.PAGE_ERROR]["children"]


@pytest.mark.parametrize("name", [HUGE, ["tiny"], {"a": 1}, 7, "tiny/" + "y" * 300])
def test_hostile_experiment_names_are_refused_in_the_page(results_root: Path, name: Any) -> None:
    app = create_app(results_root)
    text = info(app, name)
    assert text.startswith("refused:") and len(text) < 500
    for output in (f"{ids.OVERVIEW_CARDS}.children", f"{ids.PETER_GRAPH}.figure"):
        assert post(app, output, [(ids.EXPERIMENT, "value", name)]).status_code == 204


@pytest.mark.parametrize(
    ("output", "inputs"),
    [
        (f"{ids.TIMESERIES_GRAPH}.figure", [(ids.MEASURE, "value", ["engagement"])]),
        (f"{ids.HEATMAP_GRAPH}.figure", [(ids.YEAR, "value", "two")]),
        (f"{ids.HEATMAP_GRAPH}.figure", [(ids.YEAR, "value", [1])]),
        (f"{ids.HEATMAP_GRAPH}.figure", [(ids.YEAR, "value", 1e308)]),
        (f"{ids.FLOWS_GRAPH}.figure", [(ids.FLOW_POLICY, "value", {"name": "x"})]),
        (f"{ids.PROFILE_GRAPH}.figure", [(ids.PROFILE_MEASURE, "value", [1, 2])]),
        (f"{ids.SENSITIVITY_GRAPH}.figure", [(ids.SENSITIVITY_MEASURE, "value", {})]),
    ],
)
def test_wrongly_typed_values_give_a_message_in_the_page(
    results_root: Path, output: str, inputs: list
) -> None:
    app = create_app(results_root)
    text = page_error(post(app, output, [(ids.EXPERIMENT, "value", "tiny"), *inputs]))
    assert text.startswith("Could not update the page: ignored a ")


def test_a_wrongly_typed_csv_request_gives_a_message(results_root: Path) -> None:
    app = create_app(results_root)
    state = [
        (ids.EXPERIMENT, "value", "tiny"),
        (ids.TABS, "value", ids.TAB_TIMESERIES),
        (ids.MEASURE, "value", ["engagement"]),
        (ids.YEAR, "value", 1),
    ]
    response = post(
        app, f"{ids.DOWNLOAD_CSV_FILE}.data", [(ids.DOWNLOAD_CSV, "n_clicks", 1)], state
    )
    assert "ignored a measure" in page_error(response)


@pytest.mark.parametrize(
    "changes",
    [
        {"policy": ["genuine-dual-track"]},
        {"baseline": {"name": "single-ladder"}},
        {"baseline": "b" * (1 << 20)},
        {"size": "1000 people"},
        {"size": [1000]},
        {"years": "ten"},
        {"specialist_stigma": {"x": 1}},
    ],
)
def test_a_wrongly_typed_whatif_is_refused_in_the_page(
    tmp_path: Path, started: list, changes: dict
) -> None:
    app = create_app(tmp_path)
    text = status(run_whatif(app, form(**changes)))
    assert text.startswith("Cannot run this what-if") and len(text) < 600
    yaml = post(
        app,
        f"{ids.WHATIF_YAML_FILE}.data",
        [(ids.WHATIF_YAML, "n_clicks", 1)],
        [(ids.lever(n), "value", form(**changes)[n]) for n in NAMES],
    )
    assert yaml.status_code == 200, yaml.get_data(as_text=True)[:500]
    saved = yaml.get_json()["response"][ids.WHATIF_STATUS]["children"]
    assert saved.startswith("Cannot save this what-if")
    assert started == []


def test_a_preset_of_a_wrongly_typed_policy_gives_a_message(tmp_path: Path) -> None:
    app = create_app(tmp_path)
    response = post(app, '"specialist_stigma"', [(ids.lever("policy"), "value", [1])])
    assert "ignored a policy" in page_error(response)


def edit(manifest: dict) -> None:
    manifest["scenario"]["baseline"] = "nobody"


BROKEN: dict[str, Callable[[Path], None]] = {
    "corrupt-json": lambda p: p.write_text("{not json"),
    "a-list": lambda p: p.write_text("[1, 2]"),
    "a-string": lambda p: p.write_text('"scenario runs status"'),
    "policies-a-number": lambda p: change(p, lambda m: m["scenario"].update(policies=5)),
    "policy-without-name": lambda p: change(p, lambda m: m["scenario"].update(policies=[{}])),
    "baseline-elsewhere": lambda p: change(p, edit),
    "years-text": lambda p: change(p, lambda m: m["scenario"]["run"].update(replications="3")),
    "run-a-list": lambda p: change(p, lambda m: m["scenario"].update(run=[])),
    "measures-a-list": lambda p: change(p, lambda m: m.update(measures=["x"])),
    "measure-bad-field": lambda p: change(p, lambda m: m.update(measures={"x": {"colour": 1}})),
    "scenario-a-number": lambda p: change(p, lambda m: m.update(scenario=3)),
}


def change(path: Path, how: Callable[[dict], None]) -> None:
    manifest = json.loads(path.read_text())
    how(manifest)
    path.write_text(json.dumps(manifest))


@pytest.fixture
def broken_root(results_root: Path) -> Path:
    """'tiny' beside one copy of it per broken manifest in BROKEN (named after it)."""
    for name, breaks in BROKEN.items():
        shutil.copytree(results_root / "tiny", results_root / name)
        breaks(results_root / name / MANIFEST)
    return results_root


def test_the_page_loads_beside_broken_manifests(broken_root: Path) -> None:
    client = create_app(broken_root).server.test_client()
    assert client.get("/").status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    listed = find(layout.get_json(), ids.EXPERIMENT)["options"]
    assert "tiny" in listed and "corrupt-json" not in listed  # others say what is wrong


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_manifest_gives_a_message_in_the_page(broken_root: Path, name: str) -> None:
    app = create_app(broken_root)
    text = info(app, name)
    assert "manifest" in text, text
    for output, state in (
        (f"{ids.OVERVIEW_CARDS}.children", []),
        (f"{ids.PETER_GRAPH}.figure", []),
        (f"{ids.MEASURE}.options", [(ids.MEASURE, "value", None)]),
        (f"{ids.YEAR}.max", []),
        (f"{ids.FLOW_POLICY}.options", []),
        (f"{ids.TAB_SWEEP}.style", [(ids.TABS, "value", ids.TAB_SWEEP)]),
    ):
        response = post(app, output, [(ids.EXPERIMENT, "value", name)], state)
        assert response.status_code in (200, 204), (output, response.get_data(as_text=True))


def test_an_unreadable_results_root_still_loads_the_page(tmp_path: Path) -> None:
    root = tmp_path / "results"
    root.write_text("not a folder")
    client = create_app(root).server.test_client()
    assert client.get("/_dash-layout").status_code == 200
