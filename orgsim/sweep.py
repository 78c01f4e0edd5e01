"""Sweeps: vary scenario parameters, by dotted path, over a grid or a Latin hypercube.

A path names a scenario section and field (``organisation.size``,
``workforce.share_wanting_to_lead``); a ``policy.<lever>`` path sets that lever on every policy,
after its own levers, so a swept lever always takes effect; ``rules.<slot>.<parameter>`` sets a
rule's parameter and ``phases.<index>.<parameter>`` an inserted phase's. Each sweep point is
crossed with every policy and replication; replication r shares its seed across points and
policies.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from orgsim.parameters import ModelParams, Section

if TYPE_CHECKING:
    from orgsim.scenario import Scenario

Value = bool | int | float | str
#: Defaults of a range's grid points and a hypercube's samples (a value other than these where
#: it does nothing is refused; the default itself cannot be told from one a dump wrote).
STEPS, SAMPLES = 5, 20


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _as_floats_if_any(values: list[Value]) -> list[Value]:
    """Whole numbers as floats when any value is a fraction ([0, 0.25] -> [0.0, 0.25]): a
    results column takes its type from the first run, and 0.25 does not fit an int column."""
    if any(isinstance(v, float) for v in values):
        return [float(v) if _is_number(v) else v for v in values]
    return values


class SweepParameter(Section):
    """The values of one swept parameter: a list, or a range [low, high]."""

    values: list[Value] | None = Field(
        None, min_length=1, description="Explicit values (grid or sampled)."
    )
    low: float | None = Field(None, description="Lower end of a range.")
    high: float | None = Field(None, description="Upper end of a range.")
    steps: int = Field(STEPS, ge=2, le=1000, description="Grid points across a range.")
    integer: bool = Field(False, description="Round sampled values to whole numbers.")

    @field_validator("values")
    @classmethod
    def _one_number_type(cls, values: list[Value] | None) -> list[Value] | None:
        return _as_floats_if_any(values) if values is not None else None

    @model_validator(mode="after")
    def _values_or_range(self) -> SweepParameter:
        has_range = self.low is not None and self.high is not None
        if (self.values is None) == (not has_range):
            raise ValueError("give either 'values' or both 'low' and 'high'")
        if self.values is not None and self.steps != STEPS:  # (a dump writes the default)
            raise ValueError("'steps' spreads a range (low, high); with 'values' it does nothing")
        if has_range and self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self

    def count(self) -> int:
        """How many grid values this parameter has (without making them)."""
        return len(self.values) if self.values is not None else self.steps

    def ends(self) -> list[Value]:
        """The values to check cheaply: a range's ends, or a list's numeric extremes and each
        distinct non-numeric value."""
        if self.values is None:
            return [self._cast(self.low), self._cast(self.high)]
        numbers = [v for v in self.values if _is_number(v)]
        others = {repr(v): v for v in self.values if not _is_number(v)}
        return ([min(numbers), max(numbers)] if numbers else []) + list(others.values())

    def grid(self) -> list[Value]:
        """The grid values of this parameter."""
        if self.values is not None:
            return list(self.values)
        import numpy as np  # not at import: `orgsim --help` starts faster

        return [self._cast(v) for v in np.linspace(self.low, self.high, self.steps)]

    def scale(self, u: float) -> Value:
        """The value at quantile ``u`` in [0, 1) of this parameter's range or list."""
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        return self._cast(self.low + u * (self.high - self.low))

    def _cast(self, v: float) -> Value:
        return round(float(v)) if self.integer else float(v)


class Sweep(Section):
    """Parameters to vary, crossed with the policies and replications."""

    method: Literal["grid", "latin-hypercube", "points"] = Field(
        "grid", description="How points are made ('points': the explicit list in 'points')."
    )
    samples: int = Field(SAMPLES, ge=1, le=100_000, description="Points of a Latin hypercube.")
    parameters: dict[str, SweepParameter] = Field(
        min_length=1, description="Dotted scenario path -> values or range."
    )
    points: list[dict[str, Value]] | None = Field(
        None,
        min_length=1,
        description="Explicit points (method 'points'), e.g. a sensitivity design.",
    )

    @field_validator("points")
    @classmethod
    def _one_number_type_per_path(
        cls, points: list[dict[str, Value]] | None
    ) -> list[dict[str, Value]] | None:
        floats = {p for point in points or () for p, v in point.items() if isinstance(v, float)}
        return [{p: float(v) if p in floats and _is_number(v) else v for p, v in point.items()}
                for point in points] if points else points  # fmt: skip

    @model_validator(mode="after")
    def _known_paths(self) -> Sweep:
        for path in self.parameters:
            check_path(path)
        if (self.method == "points") != (self.points is not None):
            raise ValueError("method 'points' goes with a 'points' list, and only with it")
        if self.method != "latin-hypercube" and self.samples != SAMPLES:
            raise ValueError(f"'samples' sizes a latin-hypercube; with method {self.method!r} "
                             "it does nothing")  # fmt: skip
        for i, point in enumerate(self.points or []):
            if not point:
                raise ValueError(f"sweep.points[{i}]: an empty point; give path: value pairs")
            for path in point:
                try:
                    check_path(path)
                except ValueError as err:
                    raise ValueError(f"sweep.points[{i}]: {err}") from None
            if set(point) != set(self.parameters):  # every point is a row of the same columns
                raise ValueError(
                    f"sweep.points[{i}]: sets {', '.join(sorted(point))}; every point sets "
                    f"exactly the parameters listed in sweep.parameters "
                    f"({', '.join(sorted(self.parameters))})"
                )
        return self

    def size(self) -> int:
        """How many points ``generate`` makes, computed without making them."""
        if self.method == "points":
            return len(self.points or [])
        if self.method == "grid":
            return math.prod(s.count() for s in self.parameters.values())
        return self.samples

    def first(self, seed: int) -> dict[str, Value]:
        """The first point ``generate`` makes, without making the others."""
        if self.method == "points":
            return dict(self.points[0])
        if self.method == "grid":
            return {n: s.grid()[0] for n, s in self.parameters.items()}
        return self.generate(seed)[0]

    def generate(self, seed: int) -> list[dict[str, Value]]:
        """Every sweep point as {path: value}; a hypercube is seeded by the run seed."""
        names = list(self.parameters)
        specs = [self.parameters[n] for n in names]
        if self.method == "points":
            return [dict(p) for p in self.points]
        if self.method == "grid":
            combos = itertools.product(*(s.grid() for s in specs))
            return [dict(zip(names, c, strict=True)) for c in combos]
        import numpy as np
        from scipy.stats import qmc  # scipy only when a Latin hypercube is drawn

        unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(seed)).random(
            self.samples
        )
        return [{n: s.scale(u) for n, s, u in zip(names, specs, row, strict=True)} for row in unit]


def check_path(path: str) -> None:
    """Raise ValueError unless ``path`` is section.field of the model parameters, or
    rules.<slot>.<parameter> (checked by the rule's own schema when the run starts)."""
    if path.startswith("rules."):
        from orgsim.rules import SLOTS

        parts = path.split(".")
        if len(parts) != 3 or parts[1] not in SLOTS or not parts[2]:
            raise ValueError(
                f"sweep.parameters.{path}: use rules.<slot>.<parameter> with a slot of "
                f"{', '.join(SLOTS)}"
            )
        return
    if path.startswith("phases."):
        parts = path.split(".")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2]:
            raise ValueError(
                f"sweep.parameters.{path}: use phases.<index>.<parameter> for an inserted phase "
                "(its index in the scenario's phases list, from 0)"
            )
        return
    section, _, field = path.partition(".")
    info = ModelParams.model_fields.get(section)
    if field not in getattr(info.annotation if info else None, "model_fields", {}):
        raise ValueError(
            f"sweep.parameters.{path}: not a parameter path (use section.field, e.g. "
            "policy.specialist_pay_ratio or organisation.size)"
        )


def apply_point(scenario: Scenario, point: dict[str, Any]) -> Scenario:
    """The scenario of one run: the point's values set, no sweep or uncertainties of its own
    (left out of the copy: copying a design's thousands of points made each call O(points))."""
    data = scenario.model_dump(mode="json", exclude={"sweep", "uncertainties"})
    data["sweep"], data["uncertainties"] = None, {}
    for path, value in point.items():
        section, _, field = path.partition(".")
        if section == "rules":
            _set_rule_param(data, *field.split("."), value)
        elif section == "phases":
            index, name = field.split(".")
            if int(index) >= len(data["phases"]):
                raise ValueError(f"{path}: the scenario has {len(data['phases'])} phase(s)")
            phase = data["phases"][int(index)]
            phase["params"] = {**phase.get("params", {}), name: value}
        elif section == "policy":
            for policy in data["policies"]:
                policy["levers"] = {**policy.get("levers", {}), field: value}
        else:
            data[section] = {**data[section], field: value}
    return type(scenario).model_validate(data)


def _set_rule_param(data: dict, slot: str, name: str, value: Any) -> None:
    """Set a rule parameter on the scenario's rule for ``slot`` (the default rule if none is
    named) and on every policy that replaces that slot."""

    def with_param(ref: Any) -> dict:
        spec = {"use": ref} if isinstance(ref, str) else dict(ref or {"use": slot})
        return spec | {"params": {**spec.get("params", {}), name: value}}

    data["rules"] = {**data.get("rules", {}), slot: with_param(data.get("rules", {}).get(slot))}
    for policy in data["policies"]:
        if policy.get("rules", {}).get(slot) is not None:
            policy["rules"] = {**policy["rules"], slot: with_param(policy["rules"][slot])}
