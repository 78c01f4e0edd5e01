"""The rules of the model, the registry, the default phase order and the rule slots.

Phases run every step in ``DEFAULT_PHASES`` order; components (``COMPONENTS``) are consulted
by the phases: the organisation's shape, who the people are, how managers are selected.
Any of them can be replaced, and new phases inserted, without editing orgsim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from orgsim.parameters import ModelParams
from orgsim.rules import (  # noqa: F401  (importing registers the default rules)
    ageing,
    coaching,
    engagement,
    growth,
    hiring,
    leaving,
    manager_quality,
    organisation,
    population,
    promotion,
    selection,
    step_back,
)
from orgsim.rules.base import RULES, PersonRule, Rule, register

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
#: Rules that are not phases but are consulted by them.
COMPONENTS: tuple[str, ...] = ("organisation", "population", "selection")


@dataclass(frozen=True)
class ExtraPhase:
    """A new phase inserted before or after a named phase."""

    rule: Any
    where: Literal["before", "after"]
    anchor: str


def make_rule(rule: Any, params: ModelParams, field: str) -> Rule:
    """A Rule instance from an instance, a Rule subclass or a registered name."""
    if isinstance(rule, str) and ":" in rule:
        from orgsim.rules.loading import import_object

        rule = import_object(rule, field)
    if isinstance(rule, str):
        if rule not in RULES:
            raise ValueError(f"{field}: unknown rule {rule!r}; registered: {sorted(RULES)}")
        rule = RULES[rule]
    if isinstance(rule, type) and issubclass(rule, Rule):
        rule = rule(getattr(params, rule.section) if rule.section else None)
    if not isinstance(rule, Rule) or not isinstance(getattr(rule, "phase", None), str):
        raise TypeError(
            f"{field}: {rule!r} does not follow the rule protocol (subclass orgsim.rules.Rule "
            "with a 'phase' name and step(model), or PersonRule with step_person)"
        )
    return rule


def build_rules(
    params: ModelParams,
    overrides: dict[str, Any] | None = None,
    extra_phases: list[ExtraPhase] | None = None,
) -> tuple[dict[str, Rule], list[Rule]]:
    """The components by slot and the phases in order, defaults unless overridden."""
    overrides = overrides or {}
    slots = DEFAULT_PHASES + COMPONENTS
    unknown = sorted(set(overrides) - set(slots))
    if unknown:
        raise ValueError(f"rules: unknown slot(s) {unknown}; slots: {', '.join(slots)}")
    rules = {s: make_rule(overrides.get(s, s), params, f"rules.{s}") for s in slots}
    phases = [rules[s] for s in DEFAULT_PHASES]
    names = list(DEFAULT_PHASES)
    for i, extra in enumerate(extra_phases or []):
        if extra.anchor not in names:
            raise ValueError(f"phases[{i}].{extra.where}: unknown phase {extra.anchor!r}; "
                             f"phases: {', '.join(names)}")  # fmt: skip
        at = names.index(extra.anchor) + (extra.where == "after")
        rule = make_rule(extra.rule, params, f"phases[{i}]")
        phases.insert(at, rule)
        names.insert(at, rule.phase)
    return {s: rules[s] for s in COMPONENTS}, phases


__all__ = ["COMPONENTS", "DEFAULT_PHASES", "RULES", "ExtraPhase", "PersonRule", "Rule",
           "build_rules", "make_rule", "register"]  # fmt: skip
