"""Phase 'training': each new manager is trained with probability policy.management_training
('training' events); a trained manager's quality closes a share g of the gap to 1, building
up over months_to_effect."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim import OrgModel
from orgsim.hierarchy import MANAGER
from orgsim.rules.training import Training


def test_starting_managers_are_considered_but_not_trained() -> None:
    """Every new manager is trained (share 1.0): over the first year only those promoted or
    hired into a manager post during the run are, none of the starting managers."""
    model = OrgModel({"organisation": {"size": 500}}, rng=2,
                     policy_overrides={"management_training": 1.0})  # fmt: skip
    p = model.people
    starting = p.uid[p.role == MANAGER]
    model.run(1)
    events = model.events_frame
    trained = events.loc[events["event"] == "training", "person_id"].to_numpy()
    appointed = events.loc[events["event"].isin(["promotion", "hire"])
                           & (events["to_role"] == "manager"), "person_id"]  # fmt: skip
    assert trained.size > 0 and set(trained) <= set(appointed)
    assert not np.isin(starting, trained).any()
    still = starting[p.employed(starting)]
    assert p.training_considered[p.row_of(still)].all()


def test_new_managers_are_trained_once_at_the_policy_share() -> None:
    """4,000-person chart, every manager made newly promoted: the share trained is within 0.04 of
    the lever (binomial sd about 0.015 over ~600 managers); a second step trains nobody."""
    for share in (0.0, 0.18, 1.0):
        model = OrgModel({"organisation": {"size": 4000}, "policy": {"management_training": share}})
        p = model.people
        model.month = 5
        managers = np.flatnonzero(p.role == MANAGER)
        p.promoted_month[managers] = 4  # appointed during the run, not before it
        rule = next(r for n, r in model.phases if n == "training")
        rule.step(model)
        trained = (p.trained_month[managers] == 5).mean()
        assert abs(trained - share) < 0.04, (share, trained)
        assert model.events.count("training") == (p.trained_month == 5).sum()
        model.month = 6
        rule.step(model)
        assert (p.trained_month != 6).all()


def test_the_quality_lift(tiny, phase) -> None:
    model = tiny()
    p = model.people
    rule = phase(model, "training")
    assert isinstance(rule, Training)
    managers = np.flatnonzero(p.role == MANAGER)
    p.training_considered[:] = True
    p.manager_quality[managers] = 0.4
    p.trained_month[managers[:2]] = [10, 7]
    model.month = 13  # 3 and 6 months after: half and all of the gain
    rule.step(model)
    gain = 0.2 * (1 - 0.4)
    assert p.manager_quality[managers[0]] == pytest.approx(0.4 + gain * 0.5)
    assert p.manager_quality[managers[1]] == pytest.approx(0.4 + gain)
    assert (p.manager_quality[managers[2:]] == 0.4).all()


def test_training_raises_manager_quality_and_its_cost_is_counted() -> None:
    """Paired runs (6 replications, 500 people, 5 years): training every new manager minus
    none raises mean manager quality in every replication, and each training is an event."""
    diffs = []
    for seed in range(6):
        values = []
        for share in (1.0, 0.0):
            params = {"organisation": {"size": 500}, "policy": {"management_training": share}}
            model = OrgModel(params, rng=seed).run(5)
            values.append(model.summary()["manager_quality"])
            trained = (model.events_frame["event"] == "training").sum()
            assert (trained > 0) == (share > 0)
        diffs.append(values[0] - values[1])
    assert min(diffs) > 0, diffs
