"""Phase 'declined': those who turned a manager post down lose policy.decline_penalty
engagement; the presets make it 0 where no is a legitimate answer."""

from __future__ import annotations

import numpy as np
import pytest
from paired import assert_clearly, differences

from orgsim import OrgModel
from orgsim.parameters import ModelParams
from orgsim.policies import policy_levers


def test_the_penalty_falls_on_this_steps_decliners(tiny, phase) -> None:
    model = tiny()
    p = model.people
    rows = np.flatnonzero(p.active)[:3]
    p.engagement[rows] = [0.5, 0.02, 0.5]
    model.month = 1
    model.emit("declined", p.uid[rows[:2]])
    before = p.engagement.copy()
    phase(model, "declined").step(model)
    assert p.engagement[rows[0]] == pytest.approx(0.45)
    assert p.engagement[rows[1]] == 0.0  # floored
    others = np.ones(len(p), dtype=bool)
    others[rows[:2]] = False
    np.testing.assert_array_equal(p.engagement[others], before[others])


def test_the_presets() -> None:
    default = ModelParams().policy.decline_penalty
    assert default == 0.05
    for name in ("genuine-dual-track", "ask-the-question"):
        assert policy_levers(name, 6)["decline_penalty"] == 0.0
    for name in ("single-ladder", "nominal-dual-track"):
        assert "decline_penalty" not in policy_levers(name, 6)


def test_candidates_weigh_the_cost_of_saying_no() -> None:
    """Paired runs (8 replications, 1,000 people, 5 years, single ladder), a penalty of 0.15
    against none: fewer turn a manager post down, since candidates weigh what declining costs
    (acceptance), by more than two standard errors of the paired differences. (What it costs
    those who still decline is the equation above.)"""

    def declines(seed: int, penalty: float) -> float:
        overrides = {"decline_penalty": penalty}
        model = OrgModel({"organisation": {"size": 1000}}, rng=seed, policy_overrides=overrides)
        return (model.run(5).events_frame["event"] == "declined").sum()

    assert_clearly(differences(declines, (0.15, 0.0), 8), -1)
