"""The rules of the monthly cycle, the registry, and the default phase order."""

from __future__ import annotations

from typing import Any

from orgsim.parameters import ModelParams
from orgsim.rules import (  # noqa: F401  (importing registers the default rules)
    ageing,
    coaching,
    engagement,
    growth,
    hiring,
    leaving,
    manager_quality,
    promotion,
    step_back,
)
from orgsim.rules.base import RULES, Rule, register

#: The order of the monthly phases (MODEL.md "Monthly dynamics"), declared once.
DEFAULT_PHASES: tuple[str, ...] = (
    "ageing",
    "growth",
    "manager_quality",
    "engagement",
    "leaving",
    "step_back",
    "coaching",
    "promotion",
    "hiring",
)


def build_phases(params: ModelParams, overrides: dict[str, Any] | None = None) -> list[Rule]:
    """Instantiate the rule of every phase: the registered default unless overridden.

    An override is a Rule instance, a Rule subclass or a registered name.
    """
    overrides = overrides or {}
    unknown = set(overrides) - set(DEFAULT_PHASES)
    if unknown:
        raise ValueError(f"rules: unknown phase(s) {sorted(unknown)}; phases: {DEFAULT_PHASES}")
    phases = []
    for name in DEFAULT_PHASES:
        rule = overrides.get(name, name)
        if isinstance(rule, str):
            rule = RULES[rule]
        if isinstance(rule, type):
            section = getattr(params, rule.section) if rule.section else None
            rule = rule(section)
        phases.append(rule)
    return phases


__all__ = ["DEFAULT_PHASES", "RULES", "Rule", "build_phases", "register"]
