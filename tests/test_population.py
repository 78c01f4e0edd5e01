"""Drawing people: the workforce distributions at hire and at month 0."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.model import OrgModel
from orgsim.parameters import Workforce as WorkforceParams
from orgsim.population import draw_initial_workforce, draw_people, motivation_from_latent

N = 40_000


@pytest.fixture(scope="module")
def hires() -> dict[str, np.ndarray]:
    return draw_people(np.random.default_rng(1), np.ones(N, dtype=int), WorkforceParams())


@pytest.mark.parametrize("share", [0.15, 0.34, 0.6])
def test_share_wanting_to_lead_is_the_parameter(share: float) -> None:
    z = np.random.default_rng(2).standard_normal(N)
    mot = motivation_from_latent(z, WorkforceParams(share_wanting_to_lead=share))
    assert ((mot >= 0) & (mot <= 1)).all()
    assert (mot > 0.5).mean() == pytest.approx(share, abs=0.01)  # 4 sd at n = 40,000


def test_minority_wants_to_lead_by_default(hires) -> None:
    assert (hires["motivation"] > 0.5).mean() == pytest.approx(0.34, abs=0.01)


def test_aptitude_is_weakly_linked_to_skill(hires) -> None:
    r = np.corrcoef(hires["aptitude"], hires["skill"])[0, 1]
    assert 0.05 < r < 0.15  # default correlation 0.1 (latent), se ~ 0.005
    # aptitude is a percentile: one person in ten is in the top decile of talent to manage
    assert (hires["aptitude"] > 0.9).mean() == pytest.approx(0.1, abs=0.01)


def test_strong_correlation_parameter_is_honoured() -> None:
    wf = WorkforceParams(aptitude_skill_correlation=0.9, skill_sd=0.05)
    p = draw_people(np.random.default_rng(3), np.ones(N, dtype=int), wf)
    assert np.corrcoef(p["aptitude"], p["skill"])[0, 1] > 0.8


def test_stated_preference_is_motivation_plus_noise(hires) -> None:
    np.testing.assert_allclose(
        hires["stated_preference"], hires["motivation"] + 0.25 * hires["preference_z"]
    )


def test_hires_have_no_firm_expertise_and_bounded_attributes(hires) -> None:
    assert (hires["firm_expertise"] == 0).all()
    for name in ("skill", "aptitude", "motivation", "status_drive", "engagement"):
        v = hires[name]
        assert ((v >= 0) & (v <= 1)).all(), name
    assert hires["status_drive"].mean() == pytest.approx(0.5, abs=0.01)


def test_higher_grades_are_hired_older_and_more_skilled() -> None:
    grades = np.repeat([1, 4], N // 2)
    p = draw_people(np.random.default_rng(4), grades, WorkforceParams())
    lo, hi = grades == 1, grades == 4
    assert p["skill"][hi].mean() - p["skill"][lo].mean() == pytest.approx(0.3, abs=0.01)
    assert p["age"][hi].mean() - p["age"][lo].mean() == pytest.approx(15, abs=0.5)


def test_initial_workforce_has_served_tenure() -> None:
    grades = np.ones(N, dtype=int)
    p = draw_initial_workforce(np.random.default_rng(5), grades, WorkforceParams(), 3)
    assert (p["tenure"] >= 0).all() and p["tenure"].mean() > 12
    assert (p["time_in_grade"] <= p["tenure"] + 1).all()
    years = p["tenure"] / 12
    # firm expertise built over the tenure served (tenure is rounded down to months)
    assert (p["firm_expertise"] >= 1 - np.exp(-years / 3) - 1e-12).all()
    assert (p["firm_expertise"] <= 1 - np.exp(-(years + 1 / 12) / 3) + 1e-12).all()
    np.testing.assert_array_equal(p["hire_month"], -p["tenure"])


def test_the_model_draws_people_with_the_default_population() -> None:
    """model.draw_people is the default population's draw, for hires and the starting staff."""
    model = OrgModel({"organisation": {"size": 60}}, rng=1)
    grades = np.repeat([1, 2, 4], 200)
    wf = model.params.workforce
    hired = model.draw_people(np.random.default_rng(6), grades, initial=False)
    expected = draw_people(np.random.default_rng(6), grades, wf)
    # plus the attributes the default rules add (training, passed over, competence,
    # sponsorship, handover)
    added = {"trained_month", "training_considered", "passed_over_month", "role_since",
             "last_role", "blocked", "mentor_u"}  # fmt: skip
    assert set(hired) == set(expected) | added
    for name, values in expected.items():
        np.testing.assert_array_equal(hired[name], values, err_msg=name)
    found = model.draw_people(np.random.default_rng(7), grades, initial=True)
    firm_years = model.params.growth.firm_expertise_years
    expected = draw_initial_workforce(np.random.default_rng(7), grades, wf, firm_years)
    assert set(found) == set(expected) | added
    for name, values in expected.items():
        np.testing.assert_array_equal(found[name], values, err_msg=name)


def test_starting_staff_served_tenure_and_hires_start_fresh() -> None:
    model = OrgModel({"organisation": {"size": 300}}, rng=2)
    p = model.people
    assert (p.tenure > 0).mean() > 0.9
    np.testing.assert_array_equal(p.hire_month, -p.tenure)
    assert (p.firm_expertise > 0).mean() > 0.9
    hires = 0
    for _ in range(13):  # the hiring phase is last: this step's hires have no tenure yet
        model.step()
        new = p.active & (p.hire_month == model.month)
        assert (p.firm_expertise[new] == 0).all() and (p.tenure[new] == 0).all()
        assert (p.time_in_grade[new] == 0).all()
        hires += int(new.sum())
    assert hires > 10
