"""Paired direction tests of a mechanism: the same seeds run with it strong and switched off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from orgsim import OrgModel


def differences(run: Callable[[int, Any], float], arms: tuple[Any, Any], seeds: int) -> np.ndarray:
    """``run(seed, arm)`` of the first arm minus the second, per seed (common random numbers)."""
    return np.array([run(seed, arms[0]) - run(seed, arms[1]) for seed in range(seeds)])


def rule_effect(slot: str, rule: type, arms: tuple[dict, dict], measure: str, seeds: int,
                size: int = 500, years: float = 5) -> np.ndarray:  # fmt: skip
    """Per seed: the summary ``measure`` with the rule in ``slot`` given the first arm's
    parameters minus with the second's."""

    def run(seed: int, params: dict) -> float:
        model = OrgModel({"organisation": {"size": size}}, rng=seed, rules={slot: rule(params)})
        return model.run(years).summary()[measure]

    return differences(run, arms, seeds)


def assert_clearly(diffs: np.ndarray, sign: int) -> None:
    """The mean difference has ``sign`` (+1 or -1) and lies more than two standard errors
    from zero."""
    d = np.asarray(diffs, dtype=float)
    assert sign * d.mean() > 2 * d.std(ddof=1) / np.sqrt(len(d)), d
