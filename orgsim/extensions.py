"""Turning a scenario's rule, phase and measure references into objects, with clear errors.

Called by the CLI and the experiment runner before any run starts (and again in each worker
process); never by the dashboard, which only reads results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from orgsim.metrics import MEASURES, Measure
from orgsim.rules import RULES, ExtraPhase, Rule, make_rule
from orgsim.rules.loading import RuleReferenceError, import_object
from orgsim.scenario import RuleSpec, Scenario


@dataclass
class Extensions:
    """What a scenario adds to or replaces in the default model."""

    rules: dict[str, Rule] = field(default_factory=dict)
    phases: list[ExtraPhase] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)

    def model_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for OrgModel."""
        return {"rules": self.rules, "phases": self.phases, "measures": self.measures}


def instantiate(spec: str | RuleSpec, field_path: str, scenario: Scenario) -> Rule:
    """A rule object from a reference (registered name or import path) and its parameters."""
    ref, params = (spec, None) if isinstance(spec, str) else (spec.use, spec.params)
    target = import_object(ref, field_path) if ":" in ref else RULES.get(ref, ref)
    try:
        if params is not None and isinstance(target, type):
            if issubclass(target, Rule) and target.Params is None and params:
                raise RuleReferenceError(f"{field_path}.params: {ref} takes no parameters")
            target = target(params) if issubclass(target, Rule) else target
        return make_rule(target, scenario.model_params(), field_path)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise RuleReferenceError(f"{field_path}.params.{where}: {first['msg']}") from None
    except (TypeError, ValueError) as err:
        if isinstance(err, RuleReferenceError):
            raise
        raise RuleReferenceError(str(err)) from None


def resolve_extensions(scenario: Scenario) -> Extensions:
    """Import and check everything the scenario names; raises RuleReferenceError."""
    rules = {slot: instantiate(s, f"rules.{slot}", scenario) for slot, s in scenario.rules.items()}
    phases = []
    for i, spec in enumerate(scenario.phases):
        rule = instantiate(spec, f"phases[{i}].use", scenario)
        where = "before" if spec.before else "after"
        phases.append(ExtraPhase(rule, where, spec.before or spec.after))
    measures = []
    for i, ref in enumerate(scenario.measures):
        if ":" not in ref:
            raise RuleReferenceError(
                f"measures[{i}]: {ref!r} is not an import path ('package.module:NAME' or "
                "'./file.py:NAME' naming an orgsim.metrics.Measure); built-in measures are "
                "always recorded"
            )
        measure = import_object(ref, f"measures[{i}]")
        if not isinstance(measure, Measure) or measure.compute is None:
            raise RuleReferenceError(
                f"measures[{i}]: {ref} is not an orgsim.metrics.Measure with a compute function"
            )
        if measure.name in MEASURES:
            raise RuleReferenceError(f"measures[{i}]: {measure.name!r} is a built-in measure")
        measures.append(measure)
    return Extensions(rules, phases, measures)


def check_extensions(scenario: Scenario) -> Extensions:
    """Resolve, then build one small model so a rule that breaks at set-up fails now."""
    ext = resolve_extensions(scenario)
    from orgsim.model import OrgModel

    params = scenario.model_params()
    spec = scenario.policies[0]
    try:
        OrgModel(params, policy=spec.base, policy_overrides=spec.overrides(), **ext.model_kwargs())
    except ValueError as err:
        raise RuleReferenceError(str(err)) from None
    return ext


__all__ = ["Extensions", "RuleReferenceError", "check_extensions", "resolve_extensions"]
