"""orgsim/fit/diagnostics.py: weighted intervals, warnings for parameters the data cannot pin
down, observed against simulated, and the fit check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgsim.fit.diagnostics import (
    POOR_FIT_P,
    fit_check,
    parameter_table,
    statistic_table,
    weighted_quantiles,
)
from orgsim.fit.priors import PRIORS
from orgsim.fit.statistics import Statistic


def test_weighted_quantiles_follow_the_weights() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0])
    assert list(weighted_quantiles(values, np.ones(4), [0.25, 0.5, 1.0])) == [1.0, 2.0, 4.0]
    assert list(weighted_quantiles(values, np.array([0, 0, 0, 1.0]), [0.05, 0.95])) == [4.0, 4.0]


def posterior(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"engagement.baseline": values, "weight": 1 / len(values)})


def test_a_posterior_like_its_prior_is_flagged_and_a_narrow_one_is_not() -> None:
    prior = PRIORS["engagement.baseline"]
    rng = np.random.default_rng(0)
    flat = parameter_table(posterior(rng.uniform(prior.low, prior.high, 2000)), [prior])
    assert not flat["pinned"][0] and "cannot pin down engagement.baseline" in flat["warning"][0]
    assert flat["shrinkage"][0] == pytest.approx(0, abs=0.05)
    narrow = parameter_table(posterior(rng.normal(0.65, 0.01, 2000)), [prior])
    assert narrow["pinned"][0] and narrow["warning"][0] == ""
    assert narrow["median"][0] == pytest.approx(0.65, abs=0.002)
    assert narrow["q05"][0] < 0.65 < narrow["q95"][0]
    edge = parameter_table(posterior(rng.normal(0.451, 0.001, 2000).clip(0.45)), [prior])
    assert "presses against its prior's bound" in edge["warning"][0] and not edge["pinned"][0]


def test_statistic_table_marks_observations_outside_the_interval_and_uses_the_scale() -> None:
    rng = np.random.default_rng(1)
    sims = pd.DataFrame({"voluntary_rate": rng.normal(0.1, 0.01, 200),
                         "engagement_mean": rng.normal(0.5, 0.02, 200)})  # fmt: skip
    stats = [Statistic("voluntary_rate", "Voluntary", "share per year", "leavers"),
             Statistic("engagement_mean", "Engagement", "0..1", "engagement")]  # fmt: skip
    table = statistic_table({"voluntary_rate": 0.2, "engagement_mean": 0.5}, sims, stats, (1, 5))
    rate, eng = table.iloc[0], table.iloc[1]
    assert not rate["inside"] and rate["tail_probability"] == 0
    assert eng["inside"] and eng["unit"] == "score (1-5)"
    assert eng["observed"] == pytest.approx(3.0) and eng["simulated_median"] == pytest.approx(
        3.0, abs=0.02
    )


def test_fit_check_passes_typical_data_and_flags_a_pattern_the_model_cannot_make() -> None:
    rng = np.random.default_rng(2)
    names = [f"s{i}" for i in range(20)]
    sample = pd.DataFrame(rng.normal(0.5, 0.05, (60, 20)), columns=names)
    typical = dict(zip(names, rng.normal(0.5, 0.05, 20), strict=True))
    check = fit_check(typical, sample, names)
    assert not check.poor and check.p_value > 0.1 and check.text().startswith("Adequate fit")
    odd = typical | {"s0": 0.8, "s1": 0.2, "s2": 0.75}
    bad = fit_check(odd, sample, names)
    assert bad.poor and bad.p_value < POOR_FIT_P and bad.text().startswith("POOR FIT")
    assert bad.p_value == pytest.approx(1 / 61)  # no simulation is as far out
