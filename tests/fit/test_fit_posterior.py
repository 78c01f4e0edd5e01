"""orgsim/fit/posterior.py and run.parameters_from: replication r draws the same posterior
row in every policy, whatever the number of workers; bad posterior files fail before a run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim.experiment import run_experiment
from orgsim.fit.errors import FitInputError
from orgsim.fit.posterior import (
    check_parameters_from,
    draw_for_replication,
    posterior_row,
    read_posterior,
)
from orgsim.scenario import load_scenario, parse_scenario

SCENARIO = """\
name: drawn
organisation: {size: 60}
policies: [{name: a, base: single-ladder}, {name: b, base: ask-the-question}]
run: {years: 1, replications: 4, seed: 9, parameters_from: posterior.parquet}
builtin_measures: [voluntary_turnover, engagement]
"""


def write_posterior(folder: Path, frame: pd.DataFrame) -> Path:
    path = folder / "posterior.parquet"
    frame.to_parquet(path, index=False)
    return path


@pytest.fixture
def two_worlds(tmp_path: Path) -> Path:
    """A posterior of two very different worlds, and a scenario drawing from it."""
    write_posterior(tmp_path, pd.DataFrame({"leaving.base_monthly_exit": [0.002, 0.03],
                                            "engagement.baseline": [0.5, 0.8],
                                            "weight": [0.5, 0.5]}))  # fmt: skip
    (tmp_path / "scenario.yaml").write_text(SCENARIO)
    return tmp_path / "scenario.yaml"


def test_the_row_depends_on_seed_and_replication_only_and_follows_the_weights() -> None:
    w = np.array([0.25, 0.25, 0.5])
    rows = [posterior_row(1, r, w) for r in range(400)]
    assert rows == [posterior_row(1, r, w) for r in range(400)]
    assert rows != [posterior_row(2, r, w) for r in range(400)]
    assert 0.4 < np.mean(np.array(rows) == 2) < 0.6
    assert {posterior_row(1, r, np.array([0.0, 1.0, 0.0])) for r in range(50)} == {1}


def test_the_path_is_relative_to_the_scenario_file(two_worlds: Path, monkeypatch) -> None:
    monkeypatch.chdir("/")
    scenario = load_scenario(two_worlds)
    assert scenario.run.parameters_from == str(two_worlds.parent / "posterior.parquet")
    drawn = draw_for_replication(scenario, 0)
    _, values, _ = read_posterior(scenario.run.parameters_from)
    row = values[posterior_row(9, 0, np.array([0.5, 0.5]))]
    assert drawn.leaving.base_monthly_exit == row[0] and drawn.engagement.baseline == row[1]


def test_replications_draw_from_the_posterior_and_workers_do_not_matter(two_worlds, tmp_path):
    scenario = load_scenario(two_worlds)
    one = run_experiment(scenario, tmp_path / "one", workers=1).table("summary")
    two = run_experiment(scenario, tmp_path / "two", workers=2).table("summary")
    pd.testing.assert_frame_equal(one, two)
    engagement = one[one["measure"] == "engagement"].pivot(
        index="replication", columns="policy", values="value"
    )
    rows = [posterior_row(9, r, np.array([0.5, 0.5])) for r in range(4)]
    assert len(set(rows)) == 2  # both worlds are drawn
    high = engagement["a"][[r for r in range(4) if rows[r] == 1]]
    low = engagement["a"][[r for r in range(4) if rows[r] == 0]]
    assert high.min() > low.max()  # baseline 0.8 vs 0.5: the draw reached the model


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (None, "no such posterior file"),
        (pd.DataFrame({"leaving.base_monthly_exit": [0.01]}), "has a 'weight' column"),
        (pd.DataFrame({"leaving.speed": [0.01], "weight": [1.0]}), "column 'leaving.speed'"),
        (pd.DataFrame({"leaving.base_monthly_exit": [2.0], "weight": [1.0]}),
         "column 'leaving.base_monthly_exit': Input should be less than or equal to 1"),
        (pd.DataFrame({"engagement.baseline": [0.5], "weight": [0.0]}), "add up to 0"),
    ],
)  # fmt: skip
def test_bad_posteriors_fail_before_any_run(tmp_path, frame, message) -> None:
    if frame is not None:
        write_posterior(tmp_path, frame)
    scenario = parse_scenario(SCENARIO, base_dir=tmp_path)
    with pytest.raises(FitInputError, match=message):
        check_parameters_from(scenario)
    with pytest.raises(FitInputError, match=message):
        run_experiment(scenario, tmp_path / "results", workers=1)
    assert not (tmp_path / "results").exists()
