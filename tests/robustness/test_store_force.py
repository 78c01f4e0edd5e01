"""--force replaces results only once the new ones are complete, and never through a link."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from scenario_fixtures import write_tiny

from orgsim.experiment import RunError, run_experiment
from orgsim.results import TABLES, ResultsError, load
from orgsim.scenario import load_scenario

BOOM = '''\
from orgsim.rules import Phase


class Boom(Phase):
    """Fails in month 12."""

    slot = "boom"

    def step(self, model):
        if model.month == 12:
            raise RuntimeError("boom in month 12")
'''


def failing_scenario(tmp_path: Path):
    (tmp_path / "boom.py").write_text(BOOM)
    path = write_tiny(tmp_path, replications=2)
    path.write_text(path.read_text() + "phases:\n  - {use: ./boom.py:Boom, after: growth}\n")
    return load_scenario(path)


def test_a_failing_forced_run_leaves_the_old_results_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "s").mkdir()
    run_experiment(load_scenario(write_tiny(tmp_path / "s", replications=1)), out, workers=1)
    before = {t: load(out).table(t) for t in TABLES}
    with pytest.raises(RunError, match=rf"boom in month 12 \(the previous results in {out}"):
        run_experiment(failing_scenario(tmp_path), out, workers=1, force=True)
    results = load(out)
    assert results.manifest["status"] == "complete"
    for name in TABLES:
        pd.testing.assert_frame_equal(results.table(name), before[name], obj=name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boom.py", "out", "s", "tiny.yaml"]


def test_a_forced_run_swaps_in_a_folder_like_any_other(tmp_path: Path) -> None:
    scenario = load_scenario(write_tiny(tmp_path, replications=1))
    run_experiment(scenario, tmp_path / "plain", workers=1)
    out = tmp_path / "out"
    run_experiment(scenario, out, workers=1)
    (out / "rules.json").write_text("{}")  # an old analysis's file: orgsim's, so replaced
    run_experiment(scenario, out, workers=1, force=True)
    assert not (out / "rules.json").exists()  # a new folder, not the old one patched
    assert out.stat().st_mode == (tmp_path / "plain").stat().st_mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "plain", "tiny.yaml"]
    for name in TABLES:
        pd.testing.assert_frame_equal(load(out).table(name), load(tmp_path / "plain").table(name))


def test_force_refuses_a_symlinked_out_and_keeps_its_target(tmp_path: Path) -> None:
    scenario = load_scenario(write_tiny(tmp_path, replications=1))
    real = tmp_path / "real"
    run_experiment(scenario, real, workers=1)
    link = tmp_path / "link"
    os.symlink(real, link)
    with pytest.raises(ResultsError, match="symbolic link; --force will not replace it"):
        run_experiment(scenario, link, workers=1, force=True)
    assert link.is_symlink() and load(real).manifest["status"] == "complete"
    assert (real / "events.parquet").is_file()
