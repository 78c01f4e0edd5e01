"""The rules of the model, the registry, the default phase order and the rule slots.

Phases run every step in ``DEFAULT_PHASES`` order; components (``COMPONENTS``) are consulted
by the phases: the chart, who people are, whether a candidate accepts, who is selected, and the
order vacancies are filled. Any slot can be replaced, a phase removed (``None``), and new
phases inserted, without editing orgsim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from orgsim.parameters import ModelParams
from orgsim.rules import (  # noqa: F401  (importing registers the default rules)
    acceptance,
    ageing,
    coaching,
    competence,
    declined,
    engagement,
    expert_leaders,
    filling,
    growth,
    handover,
    hiring,
    leaving,
    manager_quality,
    organisation,
    passed_over,
    population,
    promotion,
    selection,
    sponsorship,
    step_back,
    training,
)
from orgsim.rules.base import (
    RULES,
    SLOT_PROTOCOLS,
    AcceptanceRule,
    Candidates,
    FillingRule,
    Offer,
    OrganisationRule,
    PersonRule,
    Phase,
    PopulationRule,
    Rule,
    SelectionRule,
    Vacancy,
    register,
)
from orgsim.rules.resolve import RuleReferenceError, resolve_rule

#: The order of the phases of one step, declared once.
DEFAULT_PHASES: tuple[str, ...] = (
    "ageing",
    "growth",
    "expert_leaders",
    "handover",
    "manager_quality",
    "training",
    "competence",
    "sponsorship",
    "engagement",
    "leaving",
    "step_back",
    "coaching",
    "promotion",
    "hiring",
    "passed_over",
    "declined",
)
#: Rules that are not phases but are consulted by them (``acceptance`` may be None: accept all).
COMPONENTS: tuple[str, ...] = tuple(SLOT_PROTOCOLS)
SLOTS: tuple[str, ...] = DEFAULT_PHASES + COMPONENTS
REQUIRED: tuple[str, ...] = ("organisation", "population", "selection", "filling")


@dataclass(frozen=True)
class ExtraPhase:
    """A new phase inserted before or after a named phase."""

    rule: Any
    where: Literal["before", "after"]
    anchor: str
    params: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.where not in ("before", "after"):  # 'After' went before the anchor, silently
            raise ValueError(f"ExtraPhase.where: {self.where!r}; give 'before' or 'after'")


def unread_levers(rules: Iterable[Any], levers: Iterable[str]) -> list[str]:
    """The ``levers`` no rule among ``rules`` reads (its ``levers``): a lever whose rule was
    replaced or removed, which would silently do nothing."""
    read = {lever for rule in rules if rule is not None for lever in getattr(rule, "levers", ())}
    return sorted(set(levers) - read)


def build_rules(
    params: ModelParams,
    overrides: dict[str, Any] | None = None,
    extra_phases: list[ExtraPhase] | None = None,
) -> tuple[dict[str, Rule], list[tuple[str, Phase]]]:
    """The components by slot and the (name, rule) of each phase in order: defaults unless
    overridden, a phase overridden with None removed."""
    overrides = overrides or {}
    unknown = sorted(set(overrides) - set(SLOTS))
    if unknown:
        raise RuleReferenceError(f"rules: unknown slot(s) {unknown}; slots: {', '.join(SLOTS)}")
    rules: dict[str, Rule | None] = {}
    for slot in SLOTS:
        ref = overrides.get(slot, slot)
        if ref is None:
            if slot in REQUIRED:
                raise RuleReferenceError(
                    f"rules.{slot}: this slot cannot be removed, only replaced"
                )
            rules[slot] = RULES["accept-all"]() if slot == "acceptance" else None
            continue
        rules[slot] = resolve_rule(ref, slot, f"rules.{slot}", params)
    phases = [(s, rules[s]) for s in DEFAULT_PHASES if rules[s] is not None]
    for i, extra in enumerate(extra_phases or []):
        names = [n for n, _ in phases]
        if extra.anchor not in names:
            raise RuleReferenceError(
                f"phases[{i}].{extra.where}: unknown phase {extra.anchor!r}; "
                f"phases: {', '.join(names)}"
            )
        rule = resolve_rule(extra.rule, "phase", f"phases[{i}].use", params, extra.params)
        name = getattr(rule, "slot", None)
        if not isinstance(name, str) or name in names:
            raise RuleReferenceError(
                f"phases[{i}].use: {type(rule).__name__} needs a phase name of its own "
                f"(a class attribute slot = 'my-phase'; taken: {', '.join(names)})"
            )
        at = names.index(extra.anchor) + (extra.where == "after")
        phases.insert(at, (name, rule))
    return {s: rules[s] for s in COMPONENTS}, phases


__all__ = ["COMPONENTS", "DEFAULT_PHASES", "RULES", "SLOTS", "AcceptanceRule", "Candidates",
           "ExtraPhase", "FillingRule", "Offer", "OrganisationRule", "PersonRule", "Phase",
           "PopulationRule", "Rule", "RuleReferenceError", "SelectionRule", "Vacancy",
           "build_rules", "register", "resolve_rule", "unread_levers"]  # fmt: skip
