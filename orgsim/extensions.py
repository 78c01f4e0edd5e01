"""Turning a scenario's rules, phases and measures into objects for one policy, with clear errors.

Called by the CLI and the experiment runner when a run starts (and in each worker process);
never by the dashboard, which only reads results.
"""

from __future__ import annotations

import difflib
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from orgsim.measures import Measure, select_measures
from orgsim.parameters import ModelParams
from orgsim.rules import DEFAULT_PHASES, RULES, ExtraPhase, build_rules, unread_levers
from orgsim.rules.base import Rule
from orgsim.rules.organisation import SpanShape
from orgsim.rules.resolve import (
    RuleReferenceError,
    check_reference,
    check_rule_reference,
    import_object,
    resolve_rule,
)
from orgsim.scenario import TAG_COLUMNS, MeasureSpec, RuleSpec, Scenario, StopCondition
from orgsim.sweep import apply_point

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@dataclass
class Extensions:
    """What a scenario adds to, removes from or replaces in the default model, for a policy."""

    rules: dict[str, Any] = field(default_factory=dict)
    phases: list[ExtraPhase] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    builtin_measures: str | list[str] = "all"
    record_after: str | None = None
    events: str = "all"
    until: Callable[[Any], bool] | None = None

    def model_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for OrgModel."""
        return {"rules": self.rules, "phases": self.phases, "measures": self.measures,
                "builtin_measures": self.builtin_measures, "record_after": self.record_after,
                "events": self.events}  # fmt: skip


def _rule(spec: str | RuleSpec | None, slot: str, where: str, scenario: Scenario, policy):
    if spec is None:
        return None
    ref, params = (spec, None) if isinstance(spec, str) else (spec.use, spec.params)
    return resolve_rule(ref, slot, where, scenario.model_params(policy), params)


def resolve_measure(spec: str | MeasureSpec, where: str) -> Measure:
    """A Measure from a reference (with parameters and a name, if given)."""
    ref = spec if isinstance(spec, str) else spec.use
    if ":" not in ref:
        raise RuleReferenceError(
            f"{where}: {ref!r} is not an import path ('package.module:NAME' or './file.py:NAME' "
            "naming an orgsim.measures.Measure); choose built-in measures with builtin_measures"
        )
    measure = import_object(ref, where)
    if not isinstance(measure, Measure) or measure.compute is None:
        raise RuleReferenceError(
            f"{where}: {ref} is not an orgsim.measures.Measure with a compute function"
        )
    if isinstance(spec, MeasureSpec) and (spec.params or spec.name):
        try:
            measure = (
                measure.with_params(spec.params, spec.name)
                if measure.Params is not None
                else _renamed(measure, spec, where)
            )
        except ValidationError as err:
            e = err.errors()[0]
            loc = ".".join(map(str, e["loc"]))
            raise RuleReferenceError(f"{where}.params.{loc}: {e['msg']}") from None
    return measure


def _renamed(measure: Measure, spec: MeasureSpec, where: str) -> Measure:
    from dataclasses import replace

    if spec.params:
        raise RuleReferenceError(f"{where}.params: measure {measure.name!r} takes no parameters")
    return replace(measure, name=spec.name)


def resolve_extensions(scenario: Scenario, policy: str | None = None) -> Extensions:
    """Import and check everything the scenario names for ``policy`` (default: the first);
    raises RuleReferenceError naming the scenario field."""
    policy = policy or scenario.policies[0].name
    spec = scenario.policy_spec(policy)
    rules = {s: _rule(r, s, f"rules.{s}", scenario, policy) for s, r in scenario.rules.items()}
    for slot, ref in spec.rules.items():
        rules[slot] = _rule(ref, slot, f"policies[{policy}].rules.{slot}", scenario, policy)
    phases = []
    for i, ph in enumerate(scenario.phases):
        rule = _rule(ph, "phase", f"phases[{i}].use", scenario, policy)
        phases.append(ExtraPhase(rule, "before" if ph.before else "after", ph.before or ph.after))
    measures = [resolve_measure(m, f"measures[{i}]") for i, m in enumerate(scenario.measures)]
    names = [m.name for m in measures]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise RuleReferenceError(f"measures: {dupes} named twice; give each a 'name'")
    swept = set(scenario.sweep.parameters) if scenario.sweep else set()
    for i, name in enumerate(names):
        if name in {*TAG_COLUMNS, *swept, *scenario.uncertainties}:
            raise RuleReferenceError(
                f"measures[{i}]: {name!r} names a column of the results tables (month, policy, "
                "replication, point and the swept parameters); give the measure another 'name'"
            )
    ext = Extensions(rules, phases, measures, scenario.builtin_measures, scenario.record_after,
                     scenario.run.events)  # fmt: skip
    check_shadowing(scenario, policy, ext)
    if scenario.run.until is not None:
        ext.until = stop_condition(scenario.run.until, ext)
    return ext


def stop_condition(cond: StopCondition, ext: Extensions) -> Callable[[Any], bool]:
    """``until(model)`` for ``run.until``: a recorded measure crossing a value, or a function."""
    if cond.use is not None:
        fn = import_object(cond.use, "run.until.use")
        if not callable(fn):
            raise RuleReferenceError(f"run.until.use: {cond.use} is not a function of the model")
        return fn
    recorded = [m.name for m in select_measures(ext.builtin_measures, ext.measures) if not m.by]
    if cond.measure not in recorded:
        raise RuleReferenceError(
            f"run.until.measure: {cond.measure!r} is not recorded; recorded: {', '.join(recorded)}"
        )
    name, below, above = cond.measure, cond.below, cond.above

    def until(model: Any) -> bool:
        value = model.recorder.last(name)
        return value < below if below is not None else value > above

    return until


def check_shadowing(scenario: Scenario, policy: str, ext: Extensions) -> None:
    """A lever the policy sets must be read by some rule of its model: one whose rule was
    replaced would silently do nothing."""
    spec = scenario.policy_spec(policy)
    levers = set(spec.overrides())
    if not levers:
        return
    components, phases = build_rules(scenario.model_params(policy), ext.rules, ext.phases)
    replaced = [s for s, r in ext.rules.items()]
    for lever in unread_levers([*components.values(), *(r for _, r in phases)], levers):
        raise RuleReferenceError(
            f"policies[{policy}].levers.{lever}: no rule of this policy reads it (replaced or "
            f"removed: {', '.join(replaced) or 'none'}); set the replacement rule's parameters "
            "instead"
        )


def build_model(scenario: Scenario, policy: str | None = None, rng: int | None = 0) -> OrgModel:
    """One policy's model of a scenario (default: the first policy), with everything the
    scenario names resolved: what ``orgsim run`` builds for each replication."""
    from orgsim.model import OrgModel

    spec = scenario.policy_spec(policy or scenario.policies[0].name)
    ext = resolve_extensions(scenario, spec.name)
    return OrgModel(scenario.model_params(), policy=spec.base, rng=rng,
                    policy_overrides=spec.overrides(), **ext.model_kwargs())  # fmt: skip


def check_plan(scenario: Scenario) -> None:
    """Every policy's phases put together as a model would (slots, where added phases go, the
    phase record_after names), without making a model: for ``orgsim validate``."""
    for spec in scenario.policies:
        ext = resolve_extensions(scenario, spec.name)
        params = scenario.model_params(spec.name)
        components, phases = build_rules(params, ext.rules, ext.phases)
        _check_chart(components["organisation"], params, f"policies[{spec.name}]")
        names = [name for name, _ in phases]
        if ext.record_after is not None and ext.record_after not in names:
            hint = difflib.get_close_matches(ext.record_after, names, n=1)
            also = f"; did you mean {hint[0]}?" if hint else f"; phases: {', '.join(names)}"
            raise RuleReferenceError(f"record_after: no phase {ext.record_after!r}{also}")


def check_points(scenario: Scenario) -> None:
    """Resolve every policy's rules at the first sweep point, at each swept value and at each
    uncertainty's ends (one parameter at a time): a rule parameter out of range at a later
    point fails before the experiment starts, not hours into it."""
    points = [("sweep", scenario.first_sweep_point())] if scenario.sweep is not None else []
    for path, parameter in (scenario.sweep.parameters if scenario.sweep else {}).items():
        points += [(f"sweep.parameters.{path}: value {v!r}", {path: v}) for v in parameter.ends()]
    for path, spec in scenario.uncertainties.items():
        ends = [round(end) if spec.integer else end for end in (spec.low, spec.high)]
        points += [(f"uncertainties.{path}: value {end!r}", {path: end}) for end in ends]
    for where, point in points:
        at_point = apply_point(scenario, point)
        for spec in scenario.policies:
            try:
                ext = resolve_extensions(at_point, spec.name)
                params = at_point.model_params(spec.name)
                components, _ = build_rules(params, ext.rules, ext.phases)
                _check_chart(components["organisation"], params, f"policies[{spec.name}]")
            except RuleReferenceError as err:
                raise RuleReferenceError(f"{where}: {err}") from None


def _check_chart(rule: object, params: ModelParams, where: str) -> None:
    """Check orgsim's own chart of positions can be made (its layer counts, no arrays), so a
    size too small for its grades fails validation rather than the run's set-up. Another
    organisation rule is not run."""
    if type(rule) is not SpanShape:
        return
    try:
        rule.check(params)
    except ValueError as err:
        pol = params.policy
        resized = pol.hold_pay_bill and pol.specialist_top_grade is not None
        why = (" (hold_pay_bill resizes it to the pay bill of the chart without a specialist "
               "ladder)") if resized else ""  # fmt: skip
        message = f"{where}: the chart of positions cannot be built: {err}{why}"
        raise RuleReferenceError(message) from None


def check_extensions(scenario: Scenario) -> dict[str, Extensions]:
    """Resolve every policy's extensions (also where swept values and uncertainties meet the
    rules: check_points), then build one small model per distinct set of rules so a rule that
    breaks at set-up fails now."""
    out, built = {}, set()
    check_points(scenario)
    for spec in scenario.policies:
        out[spec.name] = resolve_extensions(scenario, spec.name)
        key = repr(sorted(spec.rules.items(), key=str))
        if key in built:
            continue
        built.add(key)
        try:
            build_model(scenario, spec.name)
        except RuleReferenceError:
            raise
        except KeyboardInterrupt:
            raise
        except BaseException as err:  # any failure of a rule's set-up, named
            raise RuleReferenceError(
                f"policies[{spec.name}]: setting up the model failed{_culprit(err)}: {err!r}"
            ) from None
    return out


def _culprit(err: BaseException) -> str:
    """' in rule Name.method (file:line)' for the innermost rule method in the traceback."""
    found = ""
    for frame, line in traceback.walk_tb(err.__traceback__):
        owner = frame.f_locals.get("self")
        if isinstance(owner, Rule):
            where = f"{frame.f_code.co_filename}:{line}"
            found = f" in rule {type(owner).__name__}.{frame.f_code.co_name} ({where})"
    return found


def check_without_imports(scenario: Scenario) -> None:
    """What validation can check of a scenario that names code, without importing it: the
    parameters of orgsim's own rules, and the phase names that added phases and record_after
    refer to when no added phase of unknown name could supply them."""
    for spec in scenario.policies:
        given = {**scenario.rules, **spec.rules}  # the policy's own replace the scenario's
        registered = {}  # slot -> orgsim's rule: resolved (parameters checked), no code run
        for slot, ref in given.items():
            use = ref if ref is None or isinstance(ref, str) else ref.use
            if use is not None and ":" not in use:
                where = f"policies[{spec.name}].rules" if slot in spec.rules else "rules"
                registered[slot] = _rule(ref, slot, f"{where}.{slot}", scenario, spec.name)
        if "organisation" not in given:  # the default chart
            registered["organisation"] = _rule(
                "organisation", "organisation", "rules.organisation", scenario, spec.name
            )
        if "organisation" in registered:  # orgsim's own chart (not a file's): can it be built?
            params = scenario.model_params(spec.name)
            _check_chart(registered["organisation"], params, f"policies[{spec.name}]")
    removed = {s for s, r in scenario.rules.items() if r is None}
    names = [n for n in DEFAULT_PHASES if n not in removed]
    unknown = []  # added phases whose name only their code knows
    for i, ph in enumerate(scenario.phases):
        if ":" in ph.use:
            unknown.append(i)
        elif ph.use in RULES:
            names.append(RULES[ph.use].slot)

    def check(name: str, where: str, others: list[int]) -> None:
        if name in names or others:
            return
        hint = difflib.get_close_matches(name, names, n=1)
        also = f"; did you mean {hint[0]}?" if hint else f"; phases: {', '.join(names)}"
        raise RuleReferenceError(f"{where}: unknown phase {name!r}{also}")

    for i, ph in enumerate(scenario.phases):
        where = "before" if ph.before else "after"
        check(ph.before or ph.after, f"phases[{i}].{where}", [j for j in unknown if j != i])
    if scenario.record_after is not None:
        check(scenario.record_after, "record_after", unknown)


def scenario_imports(scenario: Scenario) -> list[str]:
    """Check every rule, phase, measure and stop-condition reference WITHOUT running any code
    (files exist and define the name, modules can be found, registered names are registered);
    returns the files and modules a run would import. Raises RuleReferenceError naming the
    field."""
    found: list[str | None] = []
    rule_sets = [("rules", scenario.rules)]
    rule_sets += [(f"policies[{p.name}].rules", p.rules) for p in scenario.policies]
    for where, rules in rule_sets:
        for slot, ref in rules.items():
            if ref is not None:
                use = ref if isinstance(ref, str) else ref.use
                found.append(check_rule_reference(use, f"{where}.{slot}"))
    for i, phase in enumerate(scenario.phases):
        found.append(check_rule_reference(phase.use, f"phases[{i}].use"))
    for i, m in enumerate(scenario.measures):
        ref = m if isinstance(m, str) else m.use
        if ":" not in ref:
            raise RuleReferenceError(
                f"measures[{i}]: {ref!r} is not an import path ('package.module:NAME' or "
                "'./file.py:NAME' naming an orgsim.measures.Measure); choose built-in measures "
                "with builtin_measures"
            )
        found.append(check_reference(ref, f"measures[{i}]"))
    if scenario.run.until is not None and scenario.run.until.use is not None:
        found.append(check_reference(scenario.run.until.use, "run.until.use"))
    fields: dict[str, list[str]] = {}  # one line per file or module, naming every field
    for item in filter(None, found):
        target, _, field = item.rpartition(" (")
        fields.setdefault(target, []).append(field.removesuffix(")"))
    return [f"{target} ({', '.join(names)})" for target, names in fields.items()]


__all__ = ["Extensions", "RuleReferenceError", "build_model", "check_extensions", "check_plan",
           "check_points", "check_without_imports", "resolve_extensions",
           "scenario_imports"]  # fmt: skip
