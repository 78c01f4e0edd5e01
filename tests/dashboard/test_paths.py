"""What the server gives out: only folders inside RESULTS_ROOT, nothing from other sites."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from dashboard import create_app, ids
from dashboard.paths import UnsafePathError, list_experiments, resolve_experiment

CRAFTED = [
    "..",
    "../outside",
    "tiny/../../outside",
    "/etc",
    "/etc/passwd",
    "tiny/../..",
    "..\\outside",
    "tiny\x00",
    "",
    "no-such-experiment",
    "a/b/c/d",
]


@pytest.fixture
def root_with_outside(results_root: Path) -> Path:
    """The results root plus an 'outside' results folder beside it, linked from inside."""
    outside = results_root.parent / "outside"
    shutil.copytree(results_root / "tiny", outside)
    (results_root / "escape").symlink_to(outside, target_is_directory=True)
    return results_root


def test_experiments_inside_the_root_resolve(results_root: Path) -> None:
    assert resolve_experiment(results_root, "tiny") == (results_root / "tiny").resolve()
    assert list_experiments(results_root) == ["tiny"]


@pytest.mark.parametrize("name", [*CRAFTED, None, 3, ["tiny"]])
def test_crafted_names_are_refused(root_with_outside: Path, name: object) -> None:
    with pytest.raises(UnsafePathError, match="refused"):
        resolve_experiment(root_with_outside, name)


def test_a_symlink_leading_outside_is_neither_listed_nor_readable(root_with_outside: Path) -> None:
    assert list_experiments(root_with_outside) == ["tiny"]
    with pytest.raises(UnsafePathError, match="outside the results root"):
        resolve_experiment(root_with_outside, "escape")


def test_an_unfinished_experiment_is_not_listed(results_root: Path) -> None:
    shutil.copytree(results_root / "tiny", results_root / "half-done")
    manifest = results_root / "half-done" / "manifest.json"
    manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"status": "running"}))
    assert list_experiments(results_root) == ["tiny"]


def test_a_missing_root_lists_nothing(tmp_path: Path) -> None:
    assert list_experiments(tmp_path / "nothing-here") == []


def update(client, output: str, inputs: list[dict], state: list[dict]) -> tuple[int, str]:
    """POST one callback request as the browser would; returns (status, body)."""
    oid, prop = output.split(".")
    body = {
        "output": output,
        "outputs": {"id": oid, "property": prop},
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, response.get_data(as_text=True)


def picker(value: str) -> dict:
    return {"id": ids.EXPERIMENT, "property": "value", "value": value}


@pytest.mark.parametrize("name", ["../outside", "escape", "/etc", "tiny/../../outside"])
def test_data_endpoints_refuse_crafted_names(root_with_outside: Path, name: str) -> None:
    client = create_app(root_with_outside).server.test_client()
    assert client.get("/").status_code == 200
    csv = [
        {"id": ids.TABS, "property": "value", "value": ids.TAB_PETER},
        {"id": ids.MEASURE, "property": "value", "value": "engagement"},
        {"id": ids.YEAR, "property": "value", "value": 1},
    ]
    clicks = {"id": ids.DOWNLOAD_CSV, "property": "n_clicks", "value": 1}
    status, body = update(client, f"{ids.DOWNLOAD_CSV_FILE}.data", [clicks], [picker(name), *csv])
    assert status == 204 and "person_id" not in body
    status, body = update(client, f"{ids.PETER_GRAPH}.figure", [picker(name)], [])
    assert status == 204
    status, body = update(client, f"{ids.OVERVIEW_CARDS}.children", [picker(name)], [])
    assert status == 204


def test_data_endpoints_serve_names_inside_the_root(root_with_outside: Path) -> None:
    client = create_app(root_with_outside).server.test_client()
    status, body = update(client, f"{ids.OVERVIEW_CARDS}.children", [picker("tiny")], [])
    assert status == 200 and "single-ladder" in body


def test_the_page_fetches_nothing_from_other_sites(results_root: Path) -> None:
    client = create_app(results_root).server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "/assets/style.css" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "scripts and styles are local"
    assert client.get("/assets/style.css").status_code == 200
