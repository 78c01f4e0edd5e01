"""Measures as data: summaries, parameters, by-category values, and what is not a number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgsim import OrgModel
from orgsim.measures import MEASURES, Measure, normalise_summary, split_name
from orgsim.rules import ExtraPhase, Phase

SMALL = {"organisation": {"size": 150}}


@pytest.mark.parametrize(
    ("summary", "expected"),
    [("final", 4.0), ("max", 9.0), ("final_year_mean", 4.0), ({"mean_last": 2}, 2.5),
     ("mean_last:3", 14 / 3), ("final_year", 4.0)],
)  # fmt: skip
def test_summaries(summary, expected) -> None:
    m = Measure("x", "x", "unit", summary=summary, compute=lambda model: 0.0)
    values = pd.Series([1.0, 9.0, 1.0, 4.0])
    assert m.summarise(values, step_months=12) == pytest.approx(expected)


def test_a_monthly_final_year_mean_is_twelve_steps() -> None:
    m = Measure("x", "x", "unit", compute=lambda model: 0.0)
    values = pd.Series(np.r_[np.zeros(12), np.ones(12)])
    assert m.summarise(values, step_months=1) == 1.0


def test_summaries_skip_nan_to_the_same_bits_as_pandas() -> None:
    """Summaries are computed on arrays, without a DataFrame per run, and agree exactly with
    pandas' (a measure that may be undefined has NaN months, skipped)."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        values = rng.normal(size=int(rng.integers(1, 40))) * 10 ** rng.uniform(-3, 3)
        values[rng.random(values.size) < 0.3] = np.nan
        series = pd.Series(values)
        for summary, expected in [("final", series.iloc[-1]), ("max", series.max()),
                                  ("final_year_mean", series.tail(12).mean()),
                                  ("mean_last:20", series.tail(20).mean())]:  # fmt: skip
            got = Measure("x", "x", "unit", summary=summary).summarise(values, step_months=1)
            assert got == expected or (np.isnan(got) and np.isnan(expected)), summary


@pytest.mark.parametrize("bad", ["last", "mean_last:0", {"mean_lst": 3}, 5])
def test_an_unknown_summary_is_refused(bad) -> None:
    with pytest.raises(ValueError, match="use one of final, final_year_mean, max"):
        normalise_summary(bad)


def test_names_of_categories() -> None:
    assert split_name("share[3]") == ("share", "3")
    assert split_name("engagement") == ("engagement", None)


class Poison(Phase):
    """Writes NaN into some people's engagement (a broken rule)."""

    slot = "poison"

    def step(self, model):
        p = model.people
        p.engagement[np.flatnonzero(p.active)[:3]] = np.nan


def test_nan_written_by_a_rule_is_an_error_naming_the_attribute() -> None:
    model = OrgModel(SMALL, rng=1, phases=[ExtraPhase(Poison(), "after", "engagement")],
                     builtin_measures=["engagement"])  # fmt: skip
    with pytest.raises(ValueError, match=r"'engagement' is NaN in month 1; NaN in engagement "
                       r"\(3 people\)"):  # fmt: skip
        model.step()


def test_a_measure_that_may_be_undefined_says_so() -> None:
    assert MEASURES["engagement_specialist"].nan_ok  # no specialists on a single ladder
    model = OrgModel(SMALL, rng=1).run(0.25)
    assert model.timeseries["engagement_specialist"].isna().all()
    undefined = Measure("nothing", "Nothing", "unit", compute=lambda m: float("nan"))
    with pytest.raises(ValueError, match="the measure itself gave NaN"):
        OrgModel(SMALL, measures=[undefined])
    OrgModel(SMALL, measures=[Measure("nothing", "Nothing", "unit", nan_ok=True,
                                      compute=lambda m: float("nan"))])  # fmt: skip


@pytest.mark.parametrize("value", [[1.0], "0.5", True, None])
def test_a_measure_must_return_a_number(value) -> None:
    bad = Measure("bad", "Bad", "unit", compute=lambda m: value)
    with pytest.raises(TypeError, match="measure 'bad' returned"):
        OrgModel(SMALL, measures=[bad])


def test_a_measure_by_category_must_return_a_mapping() -> None:
    by_grade = Measure("g", "G", "unit", by="grade", compute=lambda m: 1.0)
    with pytest.raises(TypeError, match="'g' is by grade and must return"):
        OrgModel(SMALL, measures=[by_grade])


def _promoted_managers(seed: int):
    """A 3,000-person model whose managers leading practitioners were all promoted in the
    run, with the outputs of their teams' practitioners to be set."""
    from orgsim import OrgModel
    from orgsim.hierarchy import MANAGER

    model = OrgModel({"organisation": {"size": 3000}}, rng=seed)
    p = model.people
    model.month = 60
    rows = np.flatnonzero(p.active & (p.role == MANAGER))
    p.promoted_month[rows] = np.random.default_rng(seed).integers(0, 48, rows.size)
    return model, rows


def test_the_peter_signature_is_within_grade_and_promotion_date() -> None:
    """Pre-promotion performance and team output that both rise with grade and with the
    promotion date, but are unrelated within them, correlate strongly when pooled; the
    partial correlation is about zero (|r| < 0.2, its sd about 0.05 over ~400 managers).
    A real within-grade link (team output = performance + noise) is found (r > 0.5)."""
    from orgsim.measures import peter_signature

    rng = np.random.default_rng(1)
    for linked in (False, True):
        model, rows = _promoted_managers(1)
        p = model.people
        trend = p.grade[rows] + p.promoted_month[rows] / 24
        own = rng.standard_normal(rows.size)
        p.pre_promotion_performance[rows] = trend + own
        team = 2 * trend + (own if linked else rng.standard_normal(rows.size))
        by_boss = np.full(len(p), np.nan)
        by_boss[rows] = team
        output = np.where(model.boss >= 0, by_boss[model.boss], 0.0)
        r = peter_signature(model, output)
        if linked:
            assert r > 0.5
        else:
            pooled = np.corrcoef(p.pre_promotion_performance[rows], team)[0, 1]
            assert pooled > 0.4 and abs(r) < 0.2, (pooled, r)


def test_the_peter_signature_is_unknown_when_a_performance_is() -> None:
    """A manager made by a rule that records no pre-promotion performance (NaN) makes the
    signature NaN, not -1 (a clip by min and max turns NaN into its lower bound)."""
    from orgsim.measures import peter_signature

    model, rows = _promoted_managers(2)
    p = model.people
    p.pre_promotion_performance[rows] = np.random.default_rng(2).standard_normal(rows.size)
    output = np.random.default_rng(3).standard_normal(len(p))
    assert np.isfinite(peter_signature(model, output))
    team_n = model.recorder.layout.team_n
    counted = rows[(team_n[p.position[rows]] > 0) & (model.month - p.promoted_month[rows] >= 12)]
    p.pre_promotion_performance[counted[0]] = np.nan
    assert np.isnan(peter_signature(model, output))
