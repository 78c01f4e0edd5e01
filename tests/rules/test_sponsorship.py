"""Phase 'sponsorship': b = max(0, 0.5 - min(q, m)) / 0.5 under a reluctant or weak manager;
skill -= drag dt b (1 - skill), and observed performance loses visibility_weight b."""

from __future__ import annotations

import numpy as np
from paired import assert_clearly, rule_effect

from orgsim.hierarchy import MANAGER
from orgsim.rules.sponsorship import Sponsorship


def test_the_equation(tiny, phase) -> None:
    model = tiny()
    p, boss = model.people, model.boss
    rule = phase(model, "sponsorship")
    assert isinstance(rule, Sponsorship)
    managers = np.flatnonzero(p.active & (p.role == MANAGER))
    p.manager_quality[managers] = np.linspace(0.1, 0.9, managers.size)
    p.motivation[managers] = np.linspace(0.9, 0.2, managers.size)
    led = np.flatnonzero((boss >= 0) & (p.role != MANAGER))
    q, m = p.manager_quality[boss[led]], p.motivation[boss[led]]
    b = np.maximum(0, 0.5 - np.minimum(q, m)) / 0.5
    assert (b == 0).any() and (b > 0.3).any()  # both kinds of manager lead someone
    before = p.skill.copy()
    rule.step(model)
    np.testing.assert_allclose(p.blocked[led], b)
    expected = before[led] - 0.03 / 12 * b * (1 - before[led])
    np.testing.assert_allclose(p.skill[led], expected)
    np.testing.assert_array_equal(p.blocked[managers], 0.0)
    np.testing.assert_allclose(rule.visibility_loss(model), 0.05 * p.blocked)


def test_blocked_people_look_weaker_to_those_who_promote(tiny, phase) -> None:
    """The promotion draws subtract the visibility loss from observed performance."""
    model = tiny(promotion={"performance_noise": 0.0})
    p = model.people
    managers = np.flatnonzero(p.active & (p.role == MANAGER))
    p.motivation[managers] = 0.0  # every manager a full blocker
    phase(model, "sponsorship").step(model)
    led = np.flatnonzero(p.blocked > 0)
    np.testing.assert_array_equal(p.blocked[led], 1.0)
    seen = phase(model, "promotion").draws(model)["performance"]
    np.testing.assert_allclose(seen[led], model.expertise(led) - 0.05)


def test_accidental_blockers_cost_capability() -> None:
    """Paired runs (8 replications, 500 people, 5 years): strong blocking (drag 0.3, weight
    0.2) minus none lowers working technical capability by more than two standard errors."""
    strong = {"growth_drag": 0.3, "visibility_weight": 0.2}
    off = {"growth_drag": 0.0, "visibility_weight": 0.0}
    diffs = rule_effect("sponsorship", Sponsorship, (strong, off), "technical_capability", 8)
    assert_clearly(diffs, -1)
