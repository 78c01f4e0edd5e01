"""orgsim/fit/output.py: scenario.yaml runs, the tables have their documented layout, and
nothing but counts and rates leaves the data."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from orgsim.fit.errors import FitInputError
from orgsim.fit.output import prepare_folder, write_outputs
from orgsim.scenario import load_scenario

FIT_COLUMNS = ["statistic", "label", "group", "unit", "fitted", "observed", "simulated_median",
               "simulated_low", "simulated_high", "inside", "tail_probability"]  # fmt: skip


@pytest.fixture(scope="module")
def written(tiny_fit, tmp_path_factory):
    result, data, _ = tiny_fit
    folder = tmp_path_factory.mktemp("out")
    return write_outputs(result, folder, str(data.source), data.scale), result, data, folder


def test_scenario_is_runnable_and_draws_from_the_posterior(written) -> None:
    paths, result, _, folder = written
    scenario = load_scenario(paths["scenario"])
    assert scenario.name == "Tiny-Ltd" and scenario.baseline == "today"
    assert scenario.run.parameters_from == str((folder / "posterior.parquet").resolve())
    assert [e.positions for e in scenario.organisation.chart] == [24, 12, 6]
    assert scenario.organisation.span == 6 and scenario.policy.ic_ceiling_grade == 2
    medians = result.posterior.drop(columns="weight").median()
    assert scenario.engagement.baseline == pytest.approx(medians["engagement.baseline"], rel=0.2)
    assert [p.name for p in scenario.policies] == ["today", "ask-the-question",
                                                   "coaching-and-step-back"]  # fmt: skip
    assert "# Tiny-Ltd: fitted by orgsim fit" in paths["scenario"].read_text()


def test_posterior_and_fit_tables_layout(written) -> None:
    paths, result, data, folder = written
    posterior = pd.read_parquet(paths["posterior"])
    assert list(posterior.columns) == [p.path for p in result.priors] + ["weight"]
    assert posterior["weight"].sum() == pytest.approx(1)
    table = pd.read_parquet(folder / "fit.parquet")
    assert list(table.columns) == FIT_COLUMNS
    assert set(table["statistic"]) == {s.name for s in result.statistics}
    mean = table.set_index("statistic").loc["engagement_mean"]
    assert mean["unit"] == "score (1-5)" and 1 <= mean["observed"] <= 5
    summary = json.loads((folder / "fit.json").read_text())
    assert summary["counts"] == data.counts()
    assert summary["check"]["replicates"] == 12 and "p_value" in summary["check"]
    assert [p["parameter"] for p in summary["parameters"]] == [p.path for p in result.priors]
    assert summary["stop_reason"] == "generation limit (1 generations)"


def test_outputs_hold_no_row_of_the_data(written) -> None:
    """Only aggregates leave the workbook: no output mentions a row number or an index."""
    _, _, _, folder = written
    summary = (folder / "fit.json").read_text()
    assert "row" not in summary.lower().replace("rows", "").replace("arrow", "")
    assert "index" not in pd.read_parquet(folder / "fit.parquet").columns


def test_prepare_folder_refuses_a_non_empty_folder_and_force_removes_only_fit_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "out"
    prepare_folder(folder, force=False)
    (folder / "fit.json").write_text("{}")
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(FitInputError, match="exists and is not empty; use --force"):
        prepare_folder(folder, force=False)
    prepare_folder(folder, force=True)
    assert not (folder / "fit.json").exists() and (folder / "notes.txt").read_text() == "mine"
    (tmp_path / "file").write_text("x")
    with pytest.raises(FitInputError, match="is a file"):
        prepare_folder(tmp_path / "file", force=True)
