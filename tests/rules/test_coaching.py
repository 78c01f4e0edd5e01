"""Phase 'coaching': a development conversation before reviews shrinks the noise in the
stated wish to lead, lifts engagement for a while, and costs money."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import MANAGER


def feeders(model) -> np.ndarray:
    """Non-managers who could be offered a manager role (at or above the IC ceiling)."""
    h, ceiling = model.hierarchy, model.params.policy.ic_ceiling_grade
    return (h.role != MANAGER) & (h.grade >= ceiling) & (h.grade < h.grades)


def test_coaching_shrinks_the_stated_preference_error(tiny, phase) -> None:
    model = tiny(policy_overrides={"coaching_reach": 1.0, "coaching_noise_reduction": 0.6})
    wf = model.workforce
    error = wf.stated_preference - wf.motivation
    np.testing.assert_allclose(error, 0.25 * wf.preference_z)
    assert model.is_review_step()
    phase(model, "coaching").step(model)
    after = wf.stated_preference - wf.motivation
    coached = feeders(model)
    np.testing.assert_allclose(after[coached], 0.4 * error[coached])
    np.testing.assert_array_equal(after[~coached], error[~coached])
    assert (np.abs(after[coached]) <= np.abs(error[coached])).all()
    assert (wf.coached_month[coached] == model.month).all()
    assert model.flows["coached"] == coached.sum() > 0


def test_coaching_twice_does_not_compound(tiny, phase) -> None:
    model = tiny(policy_overrides={"coaching_reach": 1.0})
    rule = phase(model, "coaching")
    rule.step(model)
    once = model.workforce.stated_preference.copy()
    rule.step(model)
    np.testing.assert_array_equal(model.workforce.stated_preference, once)


def test_no_coaching_off_review_or_without_reach(tiny, phase) -> None:
    model = tiny(policy_overrides={"coaching_reach": 1.0})
    model.month = 5  # not a review month (reviews are yearly)
    stated = model.workforce.stated_preference.copy()
    phase(model, "coaching").step(model)
    np.testing.assert_array_equal(model.workforce.stated_preference, stated)
    model = tiny(policy_overrides={"coaching_reach": 0.0})
    phase(model, "coaching").step(model)
    np.testing.assert_array_equal(model.workforce.stated_preference, stated)
    assert model.flows["coached"] == 0


def test_reach_is_the_share_coached(tiny, phase) -> None:
    model = tiny(organisation={"size": 5000}, policy_overrides={"coaching_reach": 0.3})
    phase(model, "coaching").step(model)
    assert model.flows["coached"] / feeders(model).sum() == pytest.approx(0.3, abs=0.04)


def test_coaching_cost_is_reported_per_year() -> None:
    from orgsim import OrgModel

    overrides = {"coaching_reach": 1.0, "coaching_cost": 2.0}
    model = OrgModel({"organisation": {"size": 200}}, rng=1, policy_overrides=overrides)
    model.run(years=1)  # month 12 is a review
    ts = model.timeseries.set_index("month")
    coached = model.flows["coached"]
    assert coached > 0
    assert ts.loc[12, "coaching_cost"] == coached * 2.0 * 12
    assert (ts.loc[1:11, "coaching_cost"] == 0).all()
