"""orgsim/fit/abc.py: budgets and stop rules, the same fit whatever the workers, parameter
recovery on examples/acme, and a poor fit flagged for data from another mechanism."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim.fit.abc import BUDGETS, FitSettings, fit
from orgsim.fit.diagnostics import parameter_table
from orgsim.fit.errors import FitInputError
from orgsim.fit.output import check
from orgsim.fit.workbook import read_hr_data

ACME = Path(__file__).parents[2] / "examples" / "acme"
QUICK = {"population": 12, "generations": 1, "predictive": 12, "burn_in_years": 1.0}


def test_budgets_and_overrides() -> None:
    assert FitSettings().resolved() == BUDGETS["small"]
    full = FitSettings(budget="full", population=50, max_minutes=1).resolved()
    assert (full.population, full.generations, full.max_minutes) == (50, 8, 1)
    with pytest.raises(FitInputError, match="--budget: 'huge'; use small or full"):
        FitSettings(budget="huge").resolved()


def test_the_generation_limit_stops_a_fit(tiny_fit) -> None:
    result, _, _ = tiny_fit
    assert result.stop_reason == "generation limit (1 generations)"
    assert list(result.generations["generation"]) == [0]
    assert result.posterior["weight"].sum() == pytest.approx(1)
    assert len(result.predictive) == len(result.check_sample) == 12


def test_the_wall_time_stops_a_fit(tiny_xlsx, tmp_path) -> None:
    data = read_hr_data(tiny_xlsx)
    settings = FitSettings(workers=1, **(QUICK | {"generations": 5, "max_minutes": 1e-4}))
    result = fit(data, settings, tmp_path / "abc.db")
    assert result.stop_reason == "wall time (0.0001 minutes)"
    assert len(result.generations) == 1


@pytest.mark.slow
def test_same_data_and_seed_give_the_same_fit_on_one_or_two_workers(tiny_xlsx, tmp_path) -> None:
    data = read_hr_data(tiny_xlsx)
    settings = {**QUICK, "generations": 2, "seed": 5}
    one = fit(data, FitSettings(workers=1, **settings), tmp_path / "one.db")
    two = fit(data, FitSettings(workers=2, **settings), tmp_path / "two.db")
    pd.testing.assert_frame_equal(one.posterior, two.posterior)
    pd.testing.assert_frame_equal(one.predictive, two.predictive)
    pd.testing.assert_frame_equal(one.generations, two.generations)


@pytest.mark.slow
def test_parameter_recovery_on_acme(tmp_path) -> None:
    """examples/acme/hr.xlsx was made by the model from known parameters: each lies inside
    its posterior's 90% interval after a fit with the small budget, the well-identified ones
    are narrowed, and the fit is not flagged as poor."""
    truth = json.loads((ACME / "truth.json").read_text())["parameters"]
    data = read_hr_data(ACME / "hr.xlsx")
    result = fit(data, FitSettings(budget="small", workers=2, seed=0), tmp_path / "abc.db")
    table = parameter_table(result.posterior, result.priors).set_index("parameter")
    assert sorted(table.index) == sorted(truth)
    for path, value in truth.items():
        assert table.loc[path, "q05"] <= value <= table.loc[path, "q95"], (path, table)
    assert table.loc["engagement.baseline", "shrinkage"] > 0.4
    assert table.loc["leaving.base_monthly_exit", "shrinkage"] > 0.2
    assert not check(result).poor


@pytest.mark.slow
def test_data_from_another_mechanism_is_flagged_as_a_poor_fit(tmp_path) -> None:
    """examples/acme/hr-grade-turnover.xlsx: people leave by grade, whatever their
    engagement, which the model cannot do. Flagged even by the small budget cut to two
    generations (to keep the suite short: a cruder fit makes a misfit no harder to see)."""
    data = read_hr_data(ACME / "hr-grade-turnover.xlsx")
    settings = FitSettings(budget="small", generations=2, workers=2, seed=0)
    result = fit(data, settings, tmp_path / "abc.db")
    verdict = check(result)
    assert verdict.poor and verdict.p_value < 0.05
    assert verdict.text().startswith("POOR FIT")
    assert np.isfinite(verdict.discrepancy)


def test_the_simulations_after_the_fit_report_their_progress() -> None:
    from orgsim.fit.abc import Counted

    class Serial:
        def map_unordered(self, fn, tasks):
            return (fn(t) for t in tasks)

    seen: list[tuple[int, int]] = []
    counted = Counted(Serial(), lambda done, total: seen.append((done, total)))
    assert sorted(counted.map_unordered(lambda x: x * x, iter([3, 1, 2]))) == [1, 4, 9]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert list(Counted(Serial(), None).map_unordered(abs, [-1])) == [1]
