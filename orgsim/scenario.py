"""Scenario files: the pydantic schema, YAML loading, and errors a strategist can act on.

A scenario is the whole truth of an experiment: the organisation, the workforce, the model's
parameters, the policies to compare (each a named base policy plus lever overrides), the
baseline, and the run settings. ``orgsim schema`` prints its JSON Schema.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import stat
import types
import typing
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    create_model,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from orgsim.parameters import ModelParams, Money, Policy, Section
from orgsim.policies import NAMED_POLICIES
from orgsim.sweep import STEPS, Sweep, SweepParameter, apply_point, check_path

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

    @field_validator("name")
    @classmethod
    def _not_a_tag(cls, name: str | None) -> str | None:
        if name in TAG_COLUMNS:
            raise ValueError(f"{name!r} names a column every results table has; choose another")
        return name


#: Columns that tag every run's rows in the results tables (besides the swept parameters).
TAG_COLUMNS = ("month", "policy", "replication", "point")


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


#: A Dask scheduler address: [protocol://]host:port (an IPv6 host in brackets).
SCHEDULER_ADDRESS = re.compile(
    r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})"
)


def check_scheduler(address: str) -> str:
    """``address`` if Dask can read it as a scheduler's, else a ValueError saying the form: a
    malformed one would fail deep inside Dask, after a wait."""
    found = SCHEDULER_ADDRESS.fullmatch(address)
    if found is None or not 0 < int(found[1]) < 65536:
        raise ValueError(
            f"{address!r} is not a Dask scheduler address: give protocol://host:port, "
            "e.g. tcp://10.0.0.5:8786 (protocols tcp, tls, ws, wss, ucx)"
        )
    return address


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
    timeout_s: float | None = Field(
        None, description="Seconds one run may take; a run still going fails, naming the month "
        "and the phase (default: no limit).", gt=0, le=1e7,
    )  # fmt: skip
    events: Literal["all", "summary", "none"] = Field(
        "all",
        description="Events kept: all (one row each), summary (counts per step, kind, and "
        "grade and role moved from and to) or none (measures still see each step's events).",
    )
    parameters_from: str | None = Field(
        None, description="A fit's posterior sample (orgsim fit's posterior.parquet; relative "
        "to the scenario file): replication r of every policy draws its parameters from it.",
    )  # fmt: skip

    @field_validator("scheduler")
    @classmethod
    def _scheduler_address(cls, value: str | None) -> str | None:
        return value if value is None else check_scheduler(value)


class Scenario(ModelParams):
    """An orgsim experiment: one organisation under several promotion policies.

    It has every ModelParams section (shared by all policies; the ``policy`` section holds the
    lever values every policy starts from) plus the fields below.
    """

    name: str = Field(
        description="Short name; the default results folder (results/<name>).",
        min_length=1,
        max_length=200,
    )
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
    money: Money = Field(
        default_factory=Money,
        description="The business case's money assumptions (salaries, costs, output value, "
        "discount rate): post-processing only, never changing a run; `orgsim value` re-values "
        "stored results with another money section.",
    )

    @field_validator("name")
    @classmethod
    def _safe_name(cls, name: str) -> str:
        bad = [c for c in ("/", "\\", "\0", ":") if c in name]
        if bad or name.startswith(".") or name.strip() != name or not name.isprintable():
            raise ValueError(
                f"{name!r} cannot name a results folder: use letters, digits, '-' or '_' (no "
                "path separators, no leading '.', no surrounding spaces)"
            )
        return name

    @model_validator(mode="before")
    @classmethod
    def _no_bools_for_numbers(cls, data: Any) -> Any:
        found = bools_for_numbers(cls, data)
        if found:
            raise ValueError(
                "; ".join(f"{'.'.join(map(str, loc))}: {BOOL_FOR_NUMBER}" for loc in found)
            )
        return data

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
        if round(steps) < 1:
            raise ValueError(
                f"run.years: {self.run.years:g} years is less than one step of "
                f"{self.step_months} month(s); a run needs at least one"
            )
        if steps > 10_000:
            raise ValueError(
                f"run.years: {self.run.years:g} years is {steps:,.0f} steps of {self.step_months} "
                "month(s); at most 10,000 steps (use step_months: 12 for long runs)"
            )
        for path, spec in self.uncertainties.items():
            check_path(path)
            if spec.low is None:
                raise ValueError(f"uncertainties.{path}: give a range (low, high), not values")
            if spec.steps != STEPS:  # the design, not a grid, places its samples
                raise ValueError(
                    f"uncertainties.{path}: 'steps' does nothing for an uncertainty (orgsim "
                    "sensitivity --samples sets how many are drawn)"
                )
            if spec.low == spec.high:
                raise ValueError(
                    f"uncertainties.{path}: low and high are both {spec.low:g}; an uncertainty "
                    "needs a range (set a fixed value in the scenario instead)"
                )
            inside = spec.low + (spec.high - spec.low) / math.pi  # between the ends, not whole
            for end in (spec.low, spec.high, inside):
                try:
                    apply_point(self, {path: round(end) if spec.integer else end})
                except ValidationError as err:
                    whole = "integer" in str(err) and not spec.integer
                    raise ValueError(
                        f"uncertainties.{path}: value {end!r}: {_first_message(err, field=False)}"
                        + ("; a parameter of whole numbers needs 'integer: true'" if whole else "")
                    ) from None
        self._check_money_grades()
        if self.run.output is not None:
            check_output(self.run.output)
        if self.sweep is not None:
            self._check_sweep(self.sweep)
        return self

    def _check_money_grades(self) -> None:
        """A money list per grade has one entry per grade (an extra or missing entry shifts
        every grade's amount), unless the number of grades varies across the experiment."""
        varied = {*(self.sweep.parameters if self.sweep else ()), *self.uncertainties}
        if self.money is None or "organisation.grades" in varied:
            return
        problem = self.money.grade_list_problem(self.organisation.grades)
        if problem:
            raise ValueError(problem)

    def _check_sweep(self, sweep: Sweep) -> None:
        """Every point of a small sweep is checked; in a large one (more than
        FULL_SWEEP_CHECK points) each parameter's ends and distinct values, one at a time, so
        validation never makes a huge grid."""
        for path, parameter in sweep.parameters.items():  # each value alone: the culprit named
            for value in parameter.ends():
                try:
                    apply_point(self, {path: value})
                except ValidationError as err:
                    why = _first_message(err, field=False)
                    raise ValueError(f"sweep.parameters.{path}: value {value!r}: {why}") from None
                except ValueError as err:  # a path apply_point cannot set (e.g. no such phase)
                    raise ValueError(f"sweep.parameters.{path}: {err}") from None
        if sweep.size() <= FULL_SWEEP_CHECK:  # then each combination, where values meet
            for point in sweep.generate(self.run.seed):
                try:
                    apply_point(self, point)
                except ValidationError as err:
                    raise ValueError(f"sweep: point {point}: {_first_message(err)}") from None

    def sweep_points(self) -> list[dict[str, Any]]:
        """Every sweep point ({path: value}); one empty point when nothing is swept."""
        return self.sweep.generate(self.run.seed) if self.sweep is not None else [{}]

    def sweep_size(self) -> int:
        """How many sweep points there are (1 when nothing is swept), without making them."""
        return self.sweep.size() if self.sweep is not None else 1

    def first_sweep_point(self) -> dict[str, Any]:
        """The first sweep point (empty when nothing is swept), without making the others."""
        return self.sweep.first(self.run.seed) if self.sweep is not None else {}

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


#: Sweeps of at most this many points are checked point by point; larger ones by parameter.
FULL_SWEEP_CHECK = 500

BOOL_FOR_NUMBER = "expected a number, got true/false"


def check_output(output: str) -> None:
    """``run.output`` must be a folder under the results root ``results/`` of the working
    directory: relative, no '..'. (A folder elsewhere is given with ``--out``.)"""
    parts = PurePath(output).parts
    if PurePath(output).is_absolute() or ".." in parts or len(parts) < 2 or parts[0] != "results":
        raise ValueError(
            f"run.output: {output!r} is outside the results root; use results/<folder> "
            "(relative to the working directory), or give --out on the command line"
        )


def bools_for_numbers(cls: type[BaseModel], data: Any, loc: tuple = ()) -> list[tuple]:
    """Where ``data`` (to be validated as ``cls``) has true/false for a number field: pydantic
    would read ``replications: true`` as 1."""
    if not isinstance(data, dict):
        return []
    found = []
    for key, value in data.items():
        info = cls.model_fields.get(key) if isinstance(key, str) else None
        if info is not None:
            found += _bools_in(info.annotation, value, (*loc, key))
    return found


def _bools_in(ann: Any, value: Any, loc: tuple) -> list[tuple]:
    origin = typing.get_origin(ann)
    members = typing.get_args(ann) if origin in (typing.Union, types.UnionType) else (ann,)
    if isinstance(value, bool):
        numbers = any(m in (int, float) for m in members)
        return [loc] if numbers and bool not in members and Any not in members else []
    found: list[tuple] = []
    for m in members:
        m_origin, m_args = typing.get_origin(m), typing.get_args(m)
        if isinstance(value, dict) and isinstance(m, type) and issubclass(m, BaseModel):
            return bools_for_numbers(m, value, loc)
        if isinstance(value, dict) and m_origin is dict and len(m_args) == 2:
            for k, v in value.items():
                found += _bools_in(m_args[1], v, (*loc, k))
            return found
        if isinstance(value, list) and m_origin is list and m_args:
            for i, v in enumerate(value):
                found += _bools_in(m_args[0], v, (*loc, i))
            return found
    return found


def _first_message(err: ValidationError, field: bool = True) -> str:
    """The first problem of ``err``, after the field it concerns unless ``field`` is False
    (where that field is where orgsim put the value, not what the user wrote)."""
    e = err.errors()[0]
    msg = e["msg"].removeprefix("Value error, ")
    return f"{'.'.join(map(str, e['loc']))}: {msg}" if e["loc"] and field else msg


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
        info = path.stat()  # never blocks, unlike opening a FIFO
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ScenarioError(f"{path}: cannot read the scenario file ({kind})")
        if info.st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"{path}: {info.st_size:,} bytes; a scenario file is at most "
                f"{MAX_SCENARIO_BYTES:,} bytes"
            )
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            raw = f.read(MAX_SCENARIO_BYTES + 1)
        if len(raw) > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{path}: a scenario file is at most {MAX_SCENARIO_BYTES:,} bytes")
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{path}: cannot read the scenario file ({err})") from None
    return parse_scenario(text, str(path), base_dir=path.parent)


#: Largest scenario file read (a scenario is a page of YAML; this refuses endless devices).
MAX_SCENARIO_BYTES = 10 * 1024 * 1024


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader for which a key given twice in one mapping is an error, not 'later wins'."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                    seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:  # an unhashable key: the base class reports it
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        f"duplicate key {key!r} (first given on line {first})",
                        key_node.start_mark,
                    )  # fmt: skip
        return super().construct_mapping(node, deep=deep)


MAX_VALUES = 1_000_000  # a scenario never needs more; aliases could expand to billions


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values ``node`` stands for once its aliases are expanded."""
    if id(node) not in memo:
        if isinstance(node, yaml.MappingNode):
            size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(_expanded_size(v, memo) for v in node.value)
        else:
            size = 1
        memo[id(node)] = size
    return memo[id(node)]


def _read_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, {}) > MAX_VALUES:
            raise yaml.YAMLError(
                f"the document expands to more than {MAX_VALUES:,} values (through aliases)"
            )
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def parse_scenario(text: str, source: str = "<scenario>", base_dir: Path | None = None) -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages, and file
    references ('./x.py:Name') are taken relative to ``base_dir``."""
    try:
        node, data = _read_yaml(text)
    except RecursionError:
        raise ScenarioError(f"{source}: malformed YAML: nested too deeply") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" line {mark.line + 1}:" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ScenarioError(f"{source}:{line} malformed YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: a scenario must be a mapping of fields (name, policies, ...)"
        )
    bools = bools_for_numbers(Scenario, data)
    if bools:
        raise ScenarioError("\n".join(_at(source, node, loc) + BOOL_FOR_NUMBER for loc in bools))
    if base_dir is not None:
        data = _absolute_file_refs(data, base_dir)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(describe_errors(err, node, source)) from None
    except RecursionError:
        raise ScenarioError(f"{source}: a value is nested too deeply") from None


def _at(source: str, node: yaml.Node | None, loc: tuple) -> str:
    line = _line_of(node, loc)
    return f"{source}:{f' line {line}:' if line else ''} {'.'.join(map(str, loc))}: "


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
        data["run"] = run = run | {"until": fix(run["until"])}
    if isinstance(run, dict) and isinstance(run.get("parameters_from"), str):
        data["run"] = run | {"parameters_from": str((base_dir / run["parameters_from"]).resolve())}
    return data


def describe_errors(err: ValidationError, node: yaml.Node | None, source: str) -> str:
    """One paragraph per problem: file, line, field path, what was expected, a suggestion."""
    lines = []
    for e in map(_located, _without_union_noise(err.errors())):
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


_FIELD_FIRST = re.compile(r"(?:Value error, )?([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*): (.+)", re.S)


def _located(e: dict) -> dict:
    """A whole-scenario check's error ("run.years: ...") placed at the field its message
    starts with, so it is reported with that field's line."""
    found = _FIELD_FIRST.fullmatch(e["msg"]) if not e["loc"] else None
    if found is None:
        return e
    loc = tuple(int(p) if p.isdigit() else p for p in found[1].split("."))
    return e | {"loc": loc, "msg": found[2]}


_TAG = re.compile(r"^(str|int|float|bool|none|(list|dict|literal|function-\w+)\[.*\]|[A-Z]\w*)$")


def _model_tag(part: Any) -> str | None:
    """The class a pydantic union tag in an error location names ('RuleSpec',
    'function-after[_one_anchor(), PhaseSpec]'), or None."""
    if not isinstance(part, str) or not _TAG.match(part):
        return None
    name = part.rstrip("]").rpartition(", ")[2].rpartition("[")[2]
    return name if name[:1].isupper() else None


def _without_union_noise(errors: list[dict]) -> list[dict]:
    """Errors without pydantic's union member tags in their locations; where a value was
    meant to be one of the schema's objects ({use, params}), drop the 'not a string' noise of
    the other members."""
    tagged = {}
    for e in errors:
        for i, part in enumerate(e["loc"]):
            if isinstance(part, str) and _TAG.match(part):
                tagged.setdefault(tuple(e["loc"][:i]), set()).add(_model_tag(part))
    kept = []
    for e in errors:
        loc, drop = [], False
        for i, part in enumerate(e["loc"]):
            if isinstance(part, str) and _TAG.match(part) and tuple(e["loc"][:i]) in tagged:
                if _model_tag(part) is None and tagged[tuple(e["loc"][:i])] - {None}:
                    drop = True
                continue
            loc.append(part)
        if not drop:
            kept.append(e | {"loc": tuple(loc), "tags": tuple(e["loc"])})
    return kept or errors


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
    """The valid field names of the schema object at ``loc`` (through lists, dicts and
    unions such as a rule slot's 'name or {use, params}')."""
    ann: Any = Scenario
    for part in loc:
        ann = _object_type(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            info = ann.model_fields.get(part)
            if info is None:
                return []
            ann = info.annotation
        elif typing.get_origin(ann) in (dict, list):
            ann = typing.get_args(ann)[-1]
        else:
            return []
    ann = _object_type(ann)
    return list(ann.model_fields) if isinstance(ann, type) and issubclass(ann, BaseModel) else []


def _object_type(ann: Any) -> Any:
    """Of a union, the member that is a schema object or a container (else the first)."""
    if typing.get_origin(ann) not in (typing.Union, types.UnionType):
        return ann
    members = typing.get_args(ann)
    for m in members:
        if isinstance(m, type) and issubclass(m, BaseModel):
            return m
    return next((m for m in members if typing.get_origin(m) in (dict, list)), members[0])


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """1-based line of the field at ``loc``: its key's line, or the deepest part that exists."""
    best, i = node, 0
    while i < len(loc):
        part = loc[i]
        if isinstance(best, yaml.MappingNode):
            # a key may be a dotted path itself (sweep.parameters.policy.specialist_stigma)
            rest = ".".join(map(str, loc[i:]))
            pair, used = next(
                (((k, v), k.value.count(".") + 1) for k, v in best.value
                 if isinstance(k.value, str) and (rest + ".").startswith(k.value + ".")),
                (None, 0),
            )  # fmt: skip
            if pair is None:
                break
            i += used
            best = pair[0] if i == len(loc) else pair[1]
        elif (
            isinstance(best, yaml.SequenceNode) and isinstance(part, int) and part < len(best.value)
        ):
            best, i = best.value[part], i + 1
        else:
            break
    return best.start_mark.line + 1 if best is not None else None


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML that ``load_scenario`` reads back to an equal scenario."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data["policies"] = [p.model_dump(mode="json") for p in scenario.policies]
    first = {k: data.pop(k) for k in ("name", "description") if k in data}
    return yaml.safe_dump(first | data, sort_keys=False)


# --- what a run will cost, estimated without running it --------------------------------------
#: Employee-months simulated and stored per second by one process: the slowest measured on
#: the project's machine kind, so time is not underestimated (benchmarks/README.md: the
#: flagship's 28.8 M in 54-64 s on 2 processes, 0.22-0.27 M/s each; 0.41 M/s on a faster
#: machine of the same kind, where this estimate is about 1.6x long).
EMPLOYEE_MONTHS_PER_S = 0.22e6
#: Memory of one worker process: a fixed part plus a part per person (benchmarks/README.md:
#: 161 MiB at 1,000 people, 1,225 MiB at 1,000,000, rounded up to 2 KB a person).
PROCESS_BYTES = 160 * 2**20
PERSON_BYTES = 2048
#: Above these, `orgsim validate` warns and `orgsim run` asks for --yes.
MAX_EMPLOYEE_MONTHS = 1e10
MAX_PEAK_BYTES = 8 * 2**30


@dataclass(frozen=True)
class RunEstimate:
    """An estimate (not a measurement) of a scenario's runs, work, peak memory and time."""

    runs: int
    points: int
    people: int
    employee_months: float
    processes: int
    peak_bytes: float
    seconds: float

    @property
    def warnings(self) -> list[str]:
        """Why the run is beyond the thresholds (none: within them)."""
        out = []
        if self.employee_months > MAX_EMPLOYEE_MONTHS:
            out.append(
                f"{self.employee_months:,.0f} employee-months is above {MAX_EMPLOYEE_MONTHS:,.0f}"
            )
        if self.peak_bytes > MAX_PEAK_BYTES:
            out.append(
                f"an estimated {_size(self.peak_bytes)} of memory is above {_size(MAX_PEAK_BYTES)}"
            )
        return out

    def describe(self) -> str:
        """One line: runs, work, memory and time."""
        points = f", {self.points:,} sweep points" if self.points > 1 else ""
        return (
            f"estimate: {self.runs:,} runs{points}, {self.people:,} people, "
            f"{self.employee_months:,.0f} employee-months; about {_size(self.peak_bytes)} peak "
            f"memory on {self.processes} process(es) and {_duration(self.seconds)} "
            "(an estimate from benchmarks/README.md, not a measurement)"
        )


def estimate_run(scenario: Scenario, workers: int | None = None) -> RunEstimate:
    """Runs (policies x replications x sweep points, counted, not made), employee-months at
    the starting headcount, peak memory and time, from the benchmark figures."""
    points = scenario.sweep_size()
    runs = len(scenario.policies) * scenario.run.replications * points
    org = scenario.organisation
    people = sum(e.positions for e in org.chart) if org.chart else org.size
    employee_months = float(runs) * people * scenario.run.years * 12
    processes = max(1, min(workers or scenario.run.workers or os.cpu_count() or 1, runs))
    peak = processes * (PROCESS_BYTES + people * PERSON_BYTES)
    seconds = employee_months / (EMPLOYEE_MONTHS_PER_S * processes)
    return RunEstimate(runs, points, people, employee_months, processes, peak, seconds)


#: ``orgsim sensitivity``'s default design size: Morris trajectories, Sobol base samples.
SENSITIVITY_SAMPLES = {"morris": 10, "sobol": 16}


def sensitivity_estimate(scenario: Scenario, workers: int | None = None) -> str | None:
    """For a scenario with uncertainties (and no sweep): what ``orgsim sensitivity`` would run
    at its defaults (Morris, 10 trajectories; Sobol, 16 base samples; every policy), as one
    line; None otherwise. Points: Morris r(D + 1), Sobol N(D + 2) (SALib, first order)."""
    if not scenario.uncertainties or scenario.sweep is not None:
        return None
    plain = estimate_run(scenario, workers)
    d = len(scenario.uncertainties)
    parts = []
    r, n = SENSITIVITY_SAMPLES["morris"], SENSITIVITY_SAMPLES["sobol"]
    for method, points in (("Morris", r * (d + 1)), ("Sobol", n * (d + 2))):
        runs = plain.runs * points
        parts.append(f"{method} {points:,} points, {runs:,} runs, about "
                     f"{_duration(plain.seconds * points)}")  # fmt: skip
    return f"as orgsim sensitivity at its defaults: {'; '.join(parts)} (estimates)"


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit in ("B", "KiB") else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


def _duration(s: float) -> str:
    if not math.isfinite(s):
        return "forever"
    if s < 1:
        return "under a second"
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:,.0f} days"
