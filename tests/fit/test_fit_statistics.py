"""orgsim/fit/statistics.py: the data and a simulation are measured the same way."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from orgsim.fit.organisation import from_hr_data
from orgsim.fit.statistics import (
    Cells,
    Simulator,
    observed,
    observed_year,
    simulated_cells,
    spec_from,
)
from orgsim.fit.workbook import read_hr_data, write_tables

ACME = Path(__file__).parents[2] / "examples" / "acme"


def make_data():
    """examples/acme/make_data.py as a module (it turns a model into HR tables)."""
    spec = importlib.util.spec_from_file_location("acme_make_data", ACME / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_statistics_of_the_tiny_workbook_by_hand(tiny_xlsx) -> None:
    stats = observed(read_hr_data(tiny_xlsx))
    assert stats["voluntary_rate"] == pytest.approx(4 / 42)
    assert stats["voluntary_rate[grade=1]"] == pytest.approx(3 / 24)
    assert stats["voluntary_rate[role=manager]"] == 0
    assert stats["retirement_rate"] == pytest.approx(1 / 42)
    assert stats["promotion_rate[from_grade=1]"] == pytest.approx(4 / 24)
    assert stats["promotion_rate[to_role=manager]"] == pytest.approx(1 / 6)
    # survey means mapped from 1-5 onto 0..1 and weighted by respondents (20, 10, 6)
    mapped = [(3.4 - 1) / 4, (3.5 - 1) / 4, (3.8 - 1) / 4]
    assert stats["engagement_mean"] == pytest.approx((20 * mapped[0] + 10 * mapped[1]
                                                      + 6 * mapped[2]) / 36)  # fmt: skip
    assert stats["engagement_mean[role=manager]"] == pytest.approx(mapped[2])
    assert stats["engaged_share[grade=2]"] == pytest.approx(0.1)
    assert stats["wanting_to_manage"] == pytest.approx((20 * 0.3 + 10 * 0.4) / 30)
    names = [s.name for s in spec_from(read_hr_data(tiny_xlsx)).statistics()]
    assert sorted(names) == sorted(stats)  # every statistic is listed, and only those


def test_the_data_made_from_a_simulation_have_the_simulations_statistics(tmp_path: Path) -> None:
    """Acme's own way of writing a model's HR tables, read back, gives the statistics the
    simulator computes from the same model (up to the survey's rounding)."""
    acme = make_data()
    org = acme.organisation()
    model = observed_year(org.model_params(acme.TRUTH), seed=5, burn_in_years=1.0)
    data = read_hr_data(write_tables(acme.tables(model, model.events_frame), tmp_path / "x.xlsx"))
    spec = spec_from(data)
    simulated = spec.compute(simulated_cells(model, model.events_frame, spec))
    from_data = observed(data)
    assert simulated.keys() == from_data.keys()
    for name, value in from_data.items():
        assert simulated[name] == pytest.approx(value, abs=0.003), name
    assert from_data["voluntary_rate"] > 0 and from_data["promotion_rate"] > 0


def test_observed_year_keeps_only_the_last_twelve_months_of_events() -> None:
    acme = make_data()
    model = observed_year(acme.organisation().model_params(), seed=1, burn_in_years=2.0)
    events = model.events_frame
    assert model.month == 36 and len(events) > 0
    assert events["month"].min() > 24 and events["month"].max() == 36


def test_simulator_is_deterministic_and_returns_every_statistic(tiny_xlsx) -> None:
    data = read_hr_data(tiny_xlsx)
    org = from_hr_data(data, burn_in_years=1.0)
    simulator = Simulator(org, spec_from(data))
    a = simulator.run({"engagement.baseline": 0.6}, seed=11)
    assert a == simulator.run({"engagement.baseline": 0.6}, seed=11)
    assert a != simulator.run({"engagement.baseline": 0.6}, seed=12)
    assert sorted(a) == sorted(observed(data))
    higher = simulator.run({"engagement.baseline": 0.85}, seed=11)
    assert higher["engagement_mean"] > a["engagement_mean"]


def test_empty_groups_count_as_zero_not_nan(tiny_xlsx) -> None:
    spec = spec_from(read_hr_data(tiny_xlsx))
    stats = spec.compute(Cells())
    assert all(v == 0 for v in stats.values())
