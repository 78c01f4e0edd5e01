"""Scenario files: the pydantic schema, YAML loading, and errors a strategist can act on.

A scenario is the whole truth of an experiment: the organisation, the workforce, the model's
parameters, the policies to compare (each a named base policy plus lever overrides), the
baseline, and the run settings. ``orgsim schema`` prints its JSON Schema.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    create_model,
    field_serializer,
    model_validator,
)
from pydantic.fields import FieldInfo

from orgsim.parameters import ModelParams, Policy, Section
from orgsim.policies import NAMED_POLICIES
from orgsim.sweep import Sweep, SweepParameter, apply_point, check_path

PolicyName = Literal["single-ladder", "nominal-dual-track", "genuine-dual-track",
                     "ask-the-question"]  # fmt: skip
assert set(PolicyName.__args__) == set(NAMED_POLICIES)  # one list of names


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file, field and line."""


def _optional(info: FieldInfo) -> tuple[Any, FieldInfo]:
    return (info.annotation | None, FieldInfo.merge_field_infos(info, default=None))


#: Every policy lever, optional: a policy entry sets only the levers it changes.
PolicyLevers = create_model(
    "PolicyLevers",
    __base__=Section,
    __doc__="Lever overrides on top of the base policy; unset levers keep the base's values.",
    **{name: _optional(info) for name, info in Policy.model_fields.items()},
)


class RuleSpec(Section):
    """A rule named in a scenario, with its own parameters."""

    use: str = Field(
        description="A registered rule name, 'package.module:Name', or './file.py:Name' "
        "(relative to the scenario file).",
        min_length=1,
    )
    params: dict[str, Any] = Field(
        default_factory=dict, description="The rule's parameters, checked by its own schema."
    )


#: A slot's rule: a reference, a reference with parameters, or null (remove the phase).
RuleRef = str | RuleSpec | None


class PolicySpec(Section):
    """One policy to compare: a named base policy (optional), the levers it changes, and the
    rules it replaces."""

    name: str = Field(description="Label used in results, tables and figures.", min_length=1)
    base: PolicyName | None = Field(
        None, description="Named policy the levers start from (none: the policy section)."
    )
    levers: PolicyLevers = Field(default_factory=PolicyLevers)  # type: ignore[valid-type]
    rules: dict[str, RuleRef] = Field(
        default_factory=dict,
        description="Rules this policy replaces (on top of the scenario's rules), by slot.",
    )

    @field_serializer("levers")
    def _only_set_levers(self, levers: BaseModel) -> dict[str, Any]:
        return levers.model_dump(include=levers.model_fields_set)

    def overrides(self) -> dict[str, Any]:
        """Only the levers this entry sets."""
        return self.levers.model_dump(include=self.levers.model_fields_set)


class MeasureSpec(Section):
    """An extension measure with parameters (and optionally its own name)."""

    use: str = Field(description="'package.module:NAME' or './file.py:NAME' of a Measure.")
    params: dict[str, Any] = Field(default_factory=dict, description="The measure's parameters.")
    name: str | None = Field(None, description="Name in results (default: the measure's).")


class PhaseSpec(RuleSpec):
    """A new phase inserted before or after a named phase of the monthly cycle."""

    before: str | None = Field(None, description="Run just before this phase.")
    after: str | None = Field(None, description="Run just after this phase.")

    @model_validator(mode="after")
    def _one_anchor(self) -> PhaseSpec:
        if (self.before is None) == (self.after is None):
            raise ValueError("give exactly one of 'before' or 'after' (a phase name)")
        return self


class StopCondition(Section):
    """When a run stops before ``run.years``: a recorded measure crossing a value, or a
    function of the model (``'./file.py:name'``, called after each step, true to stop)."""

    measure: str | None = Field(None, description="A recorded measure (not one by category).")
    below: float | None = Field(None, description="Stop once the measure is below this.")
    above: float | None = Field(None, description="Stop once the measure is above this.")
    use: str | None = Field(None, description="'package.module:name' or './file.py:name'.")

    @model_validator(mode="after")
    def _one_condition(self) -> StopCondition:
        if (self.measure is None) == (self.use is None):
            raise ValueError("give either 'measure' (with below or above) or 'use'")
        if self.measure is not None and (self.below is None) == (self.above is None):
            raise ValueError("a measure condition needs exactly one of 'below' or 'above'")
        if self.use is not None and (self.below is not None or self.above is not None):
            raise ValueError("'below' and 'above' go with 'measure', not 'use'")
        return self


class RunSettings(Section):
    """How the experiment is run; CLI options override these."""

    years: float = Field(20, description="Simulated years per run (at most 10,000 steps).",
                         gt=0, le=10_000)  # fmt: skip
    replications: int = Field(30, description="Replications per policy.", ge=1, le=100_000)
    seed: int = Field(0, description="Root seed; replication r of every policy shares it.",
                      ge=0)  # fmt: skip
    output: str | None = Field(None, description="Results folder (default results/<name>).")
    workers: int | None = Field(None, description="Local processes (default: all cores).",
                                ge=1)  # fmt: skip
    scheduler: str | None = Field(
        None, description="Dask scheduler address (tcp://host:port) to run on a cluster."
    )
    until: StopCondition | None = Field(
        None, description="Stop a run early when this holds (run.years is the cap)."
    )
    events: Literal["all", "summary", "none"] = Field(
        "all",
        description="Events kept: all (one row each), summary (counts per step, kind and "
        "grade) or none (measures still see each step's events).",
    )


class Scenario(ModelParams):
    """An orgsim experiment: one organisation under several promotion policies.

    It has every ModelParams section (shared by all policies; the ``policy`` section holds the
    lever values every policy starts from) plus the fields below.
    """

    name: str = Field(description="Short name; the default results folder.", min_length=1)
    description: str = Field("", description="The strategist's question, in a sentence.")
    rules: dict[str, RuleRef] = Field(
        default_factory=dict,
        description="Replacement rules by slot (a phase such as 'leaving', or 'organisation', "
        "'population', 'acceptance', 'selection', 'filling'): a rule reference, {use, params}, "
        "or null to remove a phase.",
    )
    phases: list[PhaseSpec] = Field(
        default_factory=list, description="New phases, each inserted before or after a phase."
    )
    measures: list[str | MeasureSpec] = Field(
        default_factory=list,
        description="Extension measures: references to orgsim.measures.Measure objects, or "
        "{use, params, name}.",
    )
    builtin_measures: Literal["all", "none"] | list[str] = Field(
        "all", description="Built-in measures recorded: all, none, or a list of names."
    )
    record_after: str | None = Field(
        None, description="Record the measures after this phase (default: after the last)."
    )
    policies: list[PolicySpec] = Field(min_length=1, description="The policies to compare.")
    baseline: str | None = Field(None, description="Name of the baseline policy (default: first).")
    run: RunSettings = Field(default_factory=RunSettings)
    sweep: Sweep | None = Field(None, description="Parameters to vary across the experiment.")
    uncertainties: dict[str, SweepParameter] = Field(
        default_factory=dict,
        description="Uncertain parameters (dotted path -> low/high) for `orgsim sensitivity`.",
    )

    @model_validator(mode="after")
    def _check_policies(self) -> Scenario:
        names = [p.name for p in self.policies]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"policies: duplicate policy name(s) {dupes}")
        if self.baseline is None:
            self.baseline = names[0]
        elif self.baseline not in names:
            raise ValueError(f"baseline: {self.baseline!r} is not one of the policies {names}")
        for spec in self.policies:
            self.model_params(spec.name)  # every policy's full parameter set must be valid
        from orgsim.measures import MEASURES
        from orgsim.rules import REQUIRED, SLOTS

        for where, rules in [("rules", self.rules)] + [
            (f"policies[{p.name}].rules", p.rules) for p in self.policies
        ]:
            for slot, ref in rules.items():
                if slot not in SLOTS:
                    hint = difflib.get_close_matches(slot, SLOTS, n=1)
                    also = f"; did you mean {hint[0]}?" if hint else f"; slots: {', '.join(SLOTS)}"
                    raise ValueError(f"{where}.{slot}: unknown rule slot{also}")
                if ref is None and slot in REQUIRED:
                    raise ValueError(f"{where}.{slot}: this slot cannot be removed, only replaced")
        if isinstance(self.builtin_measures, list):
            for name in self.builtin_measures:
                if name not in MEASURES:
                    hint = difflib.get_close_matches(name, MEASURES, n=1)
                    also = f"; did you mean {hint[0]}?" if hint else ""
                    raise ValueError(f"builtin_measures: unknown measure {name!r}{also}")
        steps = self.run.years * 12 / self.step_months
        if steps > 10_000:
            raise ValueError(
                f"run.years: {self.run.years:g} years is {steps:,.0f} steps of {self.step_months} "
                "month(s); at most 10,000 steps (use step_months: 12 for long runs)"
            )
        for path, spec in self.uncertainties.items():
            check_path(path)
            if spec.low is None:
                raise ValueError(f"uncertainties.{path}: give a range (low, high), not values")
            for end in (spec.low, spec.high):
                try:
                    apply_point(self, {path: round(end) if spec.integer else end})
                except ValidationError as err:
                    raise ValueError(f"uncertainties.{path}: {_first_message(err)}") from None
        if self.sweep is not None:
            for point in self.sweep_points():
                try:
                    apply_point(self, point)
                except ValidationError as err:
                    raise ValueError(f"sweep point {point}: {_first_message(err)}") from None
        return self

    def sweep_points(self) -> list[dict[str, Any]]:
        """Every sweep point ({path: value}); one empty point when nothing is swept."""
        return self.sweep.generate(self.run.seed) if self.sweep is not None else [{}]

    def model_params(self, policy: str | None = None) -> ModelParams:
        """The model parameters of one policy (or the shared ones when ``policy`` is None)."""
        from orgsim.policies import apply_policy

        shared = ModelParams.model_validate(self.model_dump(include=set(ModelParams.model_fields)))
        if policy is None:
            return shared
        spec = self.policy_spec(policy)
        try:
            return apply_policy(shared, spec.base, spec.overrides())
        except ValidationError as err:
            where = f"policies[{policy}]"
            raise ValueError(f"{where}: {_first_message(err)}") from None

    def policy_spec(self, name: str) -> PolicySpec:
        """The policy entry called ``name``."""
        for spec in self.policies:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def policy_names(self) -> list[str]:
        """Policy labels in scenario order."""
        return [p.name for p in self.policies]


def _first_message(err: ValidationError) -> str:
    e = err.errors()[0]
    msg = e["msg"].removeprefix("Value error, ")
    return f"{'.'.join(map(str, e['loc']))}: {msg}" if e["loc"] else msg


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editors' autocompletion and checking)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "orgsim scenario"
    return schema


# --- loading with clear errors ---------------------------------------------------------------
def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raises ScenarioError with file, field and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{path}: cannot read the scenario file ({err})") from None
    return parse_scenario(text, str(path), base_dir=path.parent)


def parse_scenario(text: str, source: str = "<scenario>", base_dir: Path | None = None) -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages, and file
    references ('./x.py:Name') are taken relative to ``base_dir``."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" line {mark.line + 1}:" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ScenarioError(f"{source}:{line} malformed YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: a scenario must be a mapping of fields (name, policies, ...)"
        )
    if base_dir is not None:
        data = _absolute_file_refs(data, base_dir)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(describe_errors(err, node, source)) from None


def _absolute_file_refs(data: dict, base_dir: Path) -> dict:
    """Rewrite './file.py:Name' references as absolute paths (so workers can import them)."""

    def fix(ref: Any) -> Any:
        if isinstance(ref, str) and ".py:" in ref and not Path(ref).is_absolute():
            return str((base_dir / ref).resolve())
        if isinstance(ref, dict) and "use" in ref:
            return ref | {"use": fix(ref["use"])}
        return ref

    def fix_rules(rules: Any) -> Any:
        return {k: fix(v) for k, v in rules.items()} if isinstance(rules, dict) else rules

    data = dict(data)
    data["rules"] = fix_rules(data.get("rules", {}))
    if isinstance(data.get("policies"), list):
        data["policies"] = [
            p | {"rules": fix_rules(p["rules"])} if isinstance(p, dict) and "rules" in p else p
            for p in data["policies"]
        ]
    for key in ("phases", "measures"):
        if isinstance(data.get(key), list):
            data[key] = [fix(v) for v in data[key]]
    run = data.get("run")
    if isinstance(run, dict) and isinstance(run.get("until"), dict) and "use" in run["until"]:
        data["run"] = run | {"until": fix(run["until"])}
    return data


def describe_errors(err: ValidationError, node: yaml.Node | None, source: str) -> str:
    """One paragraph per problem: file, line, field path, what was expected, a suggestion."""
    lines = []
    for e in err.errors():
        loc = [str(p) for p in e["loc"]]
        field = ".".join(loc) or "(top level)"
        line = _line_of(node, e["loc"])
        where = f"{source}:{f' line {line}:' if line else ''}"
        if e["type"] == "extra_forbidden":
            hint = _suggest(loc)
            lines.append(f"{where} {field}: unknown field{hint}")
        elif e["type"] == "missing":
            lines.append(f"{where} {field}: required field is missing")
        else:
            got = e.get("input")
            scalar = isinstance(got, str | int | float | bool) or got is None
            shown = f" (got {json.dumps(got)})" if scalar and "input" in e else ""
            msg = e["msg"].removeprefix("Value error, ")
            lines.append(f"{where} {field}: {msg}{shown}{_suggest_value(e)}")
    return "\n".join(lines)


def _suggest_value(error: dict) -> str:
    """For a misspelled choice (e.g. a policy name), the closest valid one."""
    if error["type"] != "literal_error" or not isinstance(error.get("input"), str):
        return ""
    choices = re.findall(r"'([^']*)'", error["ctx"]["expected"])
    match = difflib.get_close_matches(error["input"], choices, n=1, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else ""


def _suggest(loc: list[str]) -> str:
    names = _field_names_at(loc[:-1])
    match = difflib.get_close_matches(loc[-1], names, n=1, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else f"; valid fields: {', '.join(names)}"


def _field_names_at(loc: list[str]) -> list[str]:
    """The valid field names of the schema object at ``loc``."""
    cls: type[BaseModel] = Scenario
    for part in loc:
        if part.isdigit():
            continue
        info = cls.model_fields.get(part)
        ann = getattr(info, "annotation", None)
        inner = [a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type)]
        models = [a for a in inner if issubclass(a, BaseModel)]
        if not models:
            return []
        cls = models[0]
    return list(cls.model_fields)


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """1-based line of the field at ``loc``: its key's line, or the deepest part that exists."""
    best = node
    for i, part in enumerate(loc):
        if isinstance(best, yaml.MappingNode):
            pair = next(((k, v) for k, v in best.value if k.value == part), None)
            if pair is None:
                break
            best = pair[0] if i == len(loc) - 1 else pair[1]
        elif (
            isinstance(best, yaml.SequenceNode) and isinstance(part, int) and part < len(best.value)
        ):
            best = best.value[part]
        else:
            break
    return best.start_mark.line + 1 if best is not None else None


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML that ``load_scenario`` reads back to an equal scenario."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data["policies"] = [p.model_dump(mode="json") for p in scenario.policies]
    first = {k: data.pop(k) for k in ("name", "description") if k in data}
    return yaml.safe_dump(first | data, sort_keys=False)
