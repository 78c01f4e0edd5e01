"""The what-if panel's levers, derived from orgsim.parameters, and the experiment they run.

Each lever names a scenario field; its bounds, default, unit and help text come from that
field's definition, so nothing here repeats a parameter. Form values are only ever placed into
those fields of a Scenario (which validates them): no value from the browser is imported,
evaluated or used as a path.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from orgsim.experiment import run_experiment
from orgsim.parameters import ModelParams, Organisation, Policy, Workforce
from orgsim.policies import NAMED_POLICIES, apply_policy
from orgsim.scenario import PolicySpec, RunSettings, Scenario, describe_errors

SECTIONS: dict[str, type[BaseModel]] = {
    "policy": Policy,
    "organisation": Organisation,
    "workforce": Workforce,
    "run": RunSettings,
}
NO_LADDER = "none"  # the dropdown value of specialist_top_grade = None
#: The panel's run size: smaller than a full study so that a what-if answers in seconds.
QUICK_RUN = {"years": 10, "replications": 10}


@dataclass(frozen=True)
class Lever:
    """One control of the what-if form: a scenario field, a short label and a control kind."""

    name: str
    label: str
    section: str
    control: Literal["slider", "number", "choice"]
    step: float = 1

    @property
    def info(self) -> FieldInfo:
        """The parameter's definition (default, bounds, unit, description)."""
        return SECTIONS[self.section].model_fields[self.name]

    @property
    def help(self) -> str:
        """The parameter's description and unit, shown under the control."""
        unit = (self.info.json_schema_extra or {}).get("unit")
        return f"{self.info.description}{f' ({unit})' if unit else ''}"

    def bounds(self) -> tuple[float | None, float | None]:
        """The control's range from the field's bounds (exclusive bounds moved in one step)."""
        lo = hi = None
        for m in self.info.metadata:
            lo = m.ge if isinstance(m, Ge) else m.gt + self.step if isinstance(m, Gt) else lo
            hi = m.le if isinstance(m, Le) else m.lt - self.step if isinstance(m, Lt) else hi
        return lo, hi

    def default(self) -> Any:
        """The starting value: the quick run size, else the parameter's own default."""
        if self.section == "run" and self.name in QUICK_RUN:
            return QUICK_RUN[self.name]
        return self.info.default

    def parse(self, value: Any) -> Any:
        """The form value as the scenario expects it (the no-ladder choice becomes None)."""
        return None if value == NO_LADDER else value


LEVERS = (
    Lever("specialist_top_grade", "Specialist ladder up to grade", "policy", "choice"),
    Lever("specialist_pay_ratio", "Specialist pay / manager pay", "policy", "slider", 0.05),
    Lever("specialist_stigma", "Stigma of the specialist track", "policy", "slider", 0.05),
    Lever("selection", "How managers are chosen", "policy", "choice"),
    Lever("coaching_reach", "Share coached before each review", "policy", "slider", 0.05),
    Lever("size", "Organisation size", "organisation", "number", 10),
    Lever("share_wanting_to_lead", "Share who want to manage", "workforce", "slider", 0.01),
    Lever("replications", "Replications per policy", "run", "number"),
    Lever("years", "Years simulated", "run", "number"),
)
POLICY_LEVERS = tuple(lv.name for lv in LEVERS if lv.section == "policy")


def policy_names() -> list[str]:
    """The named policies a what-if can start from (baseline first)."""
    return list(NAMED_POLICIES)


def choices(lever: Lever) -> list[dict[str, Any]]:
    """Options of a choice lever, from the field's type (or the organisation's grades)."""
    if lever.name == "specialist_top_grade":
        p = ModelParams()
        grades = range(p.policy.ic_ceiling_grade + 1, p.organisation.grades + 1)
        return [{"label": "No specialist ladder", "value": NO_LADDER}] + [
            {"label": f"Grade {g}", "value": g} for g in grades
        ]
    return [{"label": v, "value": v} for v in get_args(lever.info.annotation)]


def preset(policy: str) -> dict[str, Any]:
    """The policy levers' values under a named policy (for the default organisation)."""
    levers = apply_policy(ModelParams(), policy).policy.model_dump()
    return {name: NO_LADDER if levers[name] is None else levers[name] for name in POLICY_LEVERS}


class WhatIfError(ValueError):
    """Form values that do not make a valid scenario; the message says which and why."""


@dataclass(frozen=True)
class Limits:
    """This server's bounds on one what-if (``orgsim dashboard --max-...``): organisation size,
    replications per policy, years, and employee-months (policies x replications x people x
    years x 12), the measure of its work."""

    people: int = 100_000
    replications: int = 200
    years: float = 100
    employee_months: int = 2_000_000_000

    def cap(self, lever: Lever) -> float | None:
        """The lever's upper bound: the parameter's own, lowered to this server's."""
        hi = lever.bounds()[1]
        mine = {"size": self.people, "replications": self.replications, "years": self.years}
        if lever.name not in mine:
            return hi
        return mine[lever.name] if hi is None else min(hi, mine[lever.name])

    def check_form(self, values: dict[str, Any]) -> None:
        """WhatIfError naming the range of a number lever left empty (the browser sends an
        empty value for a number outside the field's min and max)."""
        for lever in LEVERS:
            if lever.control != "choice" and values.get(lever.name) is None:
                lo, hi = lever.bounds()[0], self.cap(lever)
                raise WhatIfError(
                    f"{lever.label} is empty or outside its range, {number(lo or 0)} to "
                    f"{number(hi) if hi is not None else 'any'} on this server"
                )

    def check(self, scenario: Scenario) -> None:
        """WhatIfError naming the bound if ``scenario`` exceeds one of them."""
        size, run = scenario.organisation.size, scenario.run
        for what, value, bound, unit, option in (
            ("organisation size", size, self.people, "people", "people"),
            ("replications", run.replications, self.replications, "per policy", "replications"),
            ("years simulated", run.years, self.years, "years", "years"),
        ):
            if value > bound:
                raise WhatIfError(
                    f"{what} {number(value)} {unit} is above this server's limit of "
                    f"{number(bound)} {unit} (orgsim dashboard --max-{option})"
                )
        work = employee_months(scenario)
        if work > self.employee_months:
            raise WhatIfError(
                f"{len(scenario.policies)} policies x {run.replications:,} replications x "
                f"{size:,} people x {run.years:g} years x 12 months = {work:,.0f} "
                f"employee-months is above this server's limit of {self.employee_months:,} "
                "employee-months (orgsim dashboard --max-employee-months): make the "
                "organisation, the years or the replications smaller"
            )


def number(value: float) -> str:
    """A count with thousands separators (1e7 as 10,000,000)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def employee_months(scenario: Scenario) -> float:
    """The work of a what-if: policies x replications x people x years x 12."""
    run = scenario.run
    return len(scenario.policies) * run.replications * scenario.organisation.size * run.years * 12


def build_scenario(name: str, policy: str, baseline: str, values: dict[str, Any]) -> Scenario:
    """The what-if scenario: the baseline policy beside ``policy`` with the form's levers."""
    for what, value in (("policy to try", policy), ("baseline", baseline)):
        if not isinstance(value, str):
            raise WhatIfError(f"what-if: the {what} must be a policy name, not {value!r:.80}")
    if not isinstance(values, dict):
        raise WhatIfError("what-if: the form's values are missing")
    data: dict[str, Any] = {s: {} for s in SECTIONS if s != "policy"}
    levers = {}
    for lever in LEVERS:
        target = levers if lever.section == "policy" else data[lever.section]
        target[lever.name] = lever.parse(values.get(lever.name))
    data |= {
        "name": name,
        "description": f"What-if from the dashboard: {policy} with chosen levers vs {baseline}.",
        "policies": [
            None,  # the baseline's spec, validated below
            {"name": f"what-if: {policy}", "base": policy, "levers": levers},
        ],
        "baseline": baseline,
    }
    try:
        data["policies"][0] = PolicySpec(name=baseline, base=baseline).model_dump()
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise WhatIfError(describe_errors(err, None, "what-if")) from None


def new_folder(root: Path) -> Path:
    """A fresh RESULTS_ROOT/whatif-<timestamp> folder name (not yet created)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder, n = root / f"whatif-{stamp}", 1
    while folder.exists():
        folder, n = root / f"whatif-{stamp}-{n}", n + 1
    return folder


def run_whatif(scenario: Scenario, folder: Path, progress: Callable[[int, int], None]) -> Path:
    """Run the what-if into ``folder`` like any CLI run, on every core the runs can use."""
    runs = len(scenario.policies) * scenario.run.replications
    folder.parent.mkdir(parents=True, exist_ok=True)
    run_experiment(scenario, folder, workers=min(os.cpu_count() or 1, runs), progress=progress)
    return folder
