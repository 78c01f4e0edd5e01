"""Shared fixtures: tiny hand-built organisations for the rule and model tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings

from orgsim.events import EVENT_KINDS
from orgsim.model import OrgModel
from orgsim.rules import Rule


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) for k, v in base.items()}
    for section, values in extra.items():
        out.setdefault(section, {}).update(values)
    return out


@pytest.fixture
def tiny() -> Callable[..., OrgModel]:
    """Factory of a small organisation (40 people, 4 grades, span 4, IC ceiling 2).

    Keyword arguments are parameter sections merged over that base, plus ``policy``, ``rng``
    and ``policy_overrides`` passed to OrgModel.
    """

    def make(
        policy: str = "single-ladder",
        rng: int = 0,
        policy_overrides: dict[str, Any] | None = None,
        **sections: dict[str, Any],
    ) -> OrgModel:
        base = {
            "organisation": {"size": 40, "grades": 4, "span": 4},
            "policy": {"ic_ceiling_grade": 2},
        }
        return OrgModel(
            _merge(base, sections), policy=policy, rng=rng, policy_overrides=policy_overrides
        )

    return make


def rule_of(model: OrgModel, phase: str) -> Rule:
    """The rule instance that runs ``phase`` in ``model``."""
    (rule,) = [r for name, r in model.phases if name == phase]
    return rule


@pytest.fixture
def phase() -> Callable[[OrgModel, str], Rule]:
    """``phase(model, name)``: the rule instance of a phase, to step it on its own."""
    return rule_of


@pytest.fixture(autouse=True)
def _event_kinds_restored():
    """Event kinds a test registers do not outlive it (the registry is per process)."""
    saved = dict(EVENT_KINDS)
    yield
    EVENT_KINDS.clear()
    EVENT_KINDS.update(saved)


# Hypothesis explores the same examples on every run, so a CI failure reproduces locally.
settings.register_profile("orgsim", derandomize=True, deadline=None)
settings.load_profile("orgsim")
