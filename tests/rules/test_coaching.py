"""Phase 'coaching': a development conversation before reviews shrinks the noise in the
stated wish to lead, lifts engagement for a while, and costs money."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import MANAGER


def feeders(model) -> np.ndarray:
    """Rows of non-managers who could be offered a manager role (at or above the IC ceiling,
    below the top grade)."""
    p, ceiling = model.people, model.params.policy.ic_ceiling_grade
    return (
        p.active & (p.role != MANAGER) & (p.grade >= ceiling) & (p.grade < model.hierarchy.grades)
    )


def test_coaching_shrinks_the_stated_preference_error(tiny, phase) -> None:
    model = tiny(policy_overrides={"coaching_reach": 1.0, "coaching_noise_reduction": 0.6})
    people = model.people
    error = people.stated_preference - people.motivation
    np.testing.assert_allclose(error, 0.25 * people.preference_z)
    assert model.is_review_step()
    phase(model, "coaching").step(model)
    after = people.stated_preference - people.motivation
    coached = feeders(model)
    np.testing.assert_allclose(after[coached], 0.4 * error[coached])
    np.testing.assert_array_equal(after[~coached], error[~coached])
    assert (np.abs(after[coached]) <= np.abs(error[coached])).all()
    assert (people.coached_month[coached] == model.month).all()
    assert (people.coached_month[~coached] < 0).all()
    # each conversation is a 'coached' event about the person coached
    assert model.events.count("coached") == coached.sum() > 0
    ev = model.events.recent("coached")
    assert sorted(ev["person_id"].tolist()) == sorted(people.uid[coached].tolist())


def test_coaching_follows_the_person_not_the_row(tiny, phase) -> None:
    """A free row is never coached, and a hire into a coached leaver's row starts uncoached."""
    model = tiny(policy_overrides={"coaching_reach": 1.0})
    people = model.people
    first, second = np.flatnonzero(feeders(model))[:2]
    gone = people.uid[[first]]
    model.remove_people(gone, "voluntary")
    phase(model, "coaching").step(model)
    assert people.coached_month[first] < 0 and np.isnan(people.stated_preference[first])
    assert gone[0] not in model.events.recent("coached")["person_id"]
    assert people.coached_month[second] == model.month
    position = people.position[second]
    model.remove_people(people.uid[[second]], "voluntary")
    (pid,) = model.hire(
        np.array([position]), model.draw_people(model.stream("t"), np.array([2]), False)
    )
    assert people.row_of([pid])[0] == first  # the lowest free row is reused
    assert people.coached_month[first] < 0 and people.coached_month[second] < 0


def test_coaching_twice_does_not_compound(tiny, phase) -> None:
    model = tiny(policy_overrides={"coaching_reach": 1.0})
    rule = phase(model, "coaching")
    rule.step(model)
    once = model.people.stated_preference.copy()
    rule.step(model)
    np.testing.assert_array_equal(model.people.stated_preference, once)


def test_no_coaching_off_review_or_without_reach(tiny, phase) -> None:
    model = tiny(policy_overrides={"coaching_reach": 1.0})
    model.month = 5  # not a review month (reviews are yearly)
    stated = model.people.stated_preference.copy()
    phase(model, "coaching").step(model)
    np.testing.assert_array_equal(model.people.stated_preference, stated)
    assert model.events.count("coached") == 0
    model = tiny(policy_overrides={"coaching_reach": 0.0})
    phase(model, "coaching").step(model)
    np.testing.assert_array_equal(model.people.stated_preference, stated)
    assert model.events.count("coached") == 0


def test_coaching_draws_every_step(tiny, phase) -> None:
    """Common random numbers: the stream advances whether or not anyone is coached."""
    a = tiny(policy_overrides={"coaching_reach": 0.5})
    b = tiny(policy_overrides={"coaching_reach": 0.0})
    b.month = 5
    phase(a, "coaching").step(a)
    phase(b, "coaching").step(b)
    assert a.stream("coaching").random() == b.stream("coaching").random()


def test_reach_is_the_share_coached(tiny, phase) -> None:
    model = tiny(organisation={"size": 5000}, policy_overrides={"coaching_reach": 0.3})
    phase(model, "coaching").step(model)
    assert model.events.count("coached") / feeders(model).sum() == pytest.approx(0.3, abs=0.04)


def test_coaching_cost_is_reported_per_year() -> None:
    from orgsim import OrgModel

    overrides = {"coaching_reach": 1.0, "coaching_cost": 2.0}
    model = OrgModel({"organisation": {"size": 200}}, rng=1, policy_overrides=overrides)
    model.run(years=1)  # month 12 is a review
    ts = model.timeseries.set_index("month")
    ev = model.events_frame
    coached = int(((ev["event"] == "coached") & (ev["month"] == 12)).sum())
    assert coached > 0
    assert (ev.loc[ev["event"] == "coached", "month"] == 12).all()
    assert ts.loc[12, "coaching_cost"] == coached * 2.0 * 12
    assert (ts.loc[1:11, "coaching_cost"] == 0).all()
