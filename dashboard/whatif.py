"""The what-if panel's form and the experiment it runs.

A what-if starts from a Source (dashboard.whatif_source): the scenario stored with the
experiment picked in the dashboard, without its extension code, or the built-in policies. Each
lever names a field: a scenario field, whose bounds, default, unit and help text come from its
definition (so nothing here repeats a parameter), or one of the what-if's own choices (the
experiment it starts from, the policies it compares). Form values are only ever placed into
those fields of a Scenario (which validates them): no value from the browser is imported,
evaluated or used as a path.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, Field, ValidationError
from pydantic.fields import FieldInfo

from dashboard.whatif_source import (
    CODE,
    MAX_POLICIES,
    QUICK_RUN,
    Source,
    WhatIfError,
    default_source,
)
from orgsim.experiment import run_experiment
from orgsim.parameters import ModelParams, Organisation, Policy, Workforce
from orgsim.policies import apply_policy
from orgsim.scenario import RunSettings, Scenario, describe_errors

CHANGED = "what-if: "  # put before the name of the policy the levers change
NO_LADDER = "none"  # the dropdown value of specialist_top_grade = None


class Start(BaseModel):
    """The what-if's own choices, beside the scenario's fields."""

    experiment: str | None = Field(
        None,
        description="The experiment picked at the top of the page: the what-if starts from its "
        "stored scenario (none: the built-in policies).",
    )
    compared: list[str] | None = Field(
        None, description=f"The policies to run, at most {MAX_POLICIES}, the baseline first."
    )


SECTIONS: dict[str, type[BaseModel]] = {
    "what-if": Start,
    "policy": Policy,
    "organisation": Organisation,
    "workforce": Workforce,
    "run": RunSettings,
}
SHARED_SECTIONS = ("organisation", "workforce", "run")  # the same for every compared policy


@dataclass(frozen=True)
class Lever:
    """One control of the what-if form: a field, a short label and a control kind."""

    name: str
    label: str
    section: str
    control: Literal["slider", "number", "choice", "multi", "text"]
    step: float = 1

    @property
    def info(self) -> FieldInfo:
        """The field's definition (default, bounds, unit, description)."""
        return SECTIONS[self.section].model_fields[self.name]

    @property
    def help(self) -> str:
        """The field's description and unit, shown under the control."""
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
        """The starting value: the quick run size, else the field's own default."""
        if self.section == "run" and self.name in QUICK_RUN:
            return QUICK_RUN[self.name]
        return self.info.default

    def parse(self, value: Any) -> Any:
        """The form value as the scenario expects it (the no-ladder choice becomes None)."""
        return None if value == NO_LADDER else value


LEVERS = (
    Lever("experiment", "Starting from", "what-if", "text"),
    Lever("compared", f"Policies to compare (up to {MAX_POLICIES})", "what-if", "multi"),
    Lever("specialist_top_grade", "Specialist ladder up to grade", "policy", "choice"),
    Lever("specialist_pay_ratio", "Specialist pay / manager pay", "policy", "slider", 0.05),
    Lever("specialist_stigma", "Stigma of the specialist track", "policy", "slider", 0.05),
    Lever("selection", "How managers are chosen", "policy", "choice"),
    Lever("coaching_reach", "Share coached before each review", "policy", "slider", 0.05),
    Lever("management_training", "Share of new managers trained", "policy", "slider", 0.05),
    Lever("knowledge_transfer", "Share mentoring before retirement", "policy", "slider", 0.05),
    Lever("decline_penalty", "Engagement cost of declining management", "policy", "slider", 0.01),
    Lever("size", "Organisation size", "organisation", "number"),
    Lever("share_wanting_to_lead", "Share who want to manage", "workforce", "slider", 0.01),
    Lever("replications", "Replications per policy", "run", "number"),
    Lever("years", "Years simulated", "run", "number"),
)
LEVERS_BY_NAME = {lv.name: lv for lv in LEVERS}
POLICY_LEVERS = tuple(lv.name for lv in LEVERS if lv.section == "policy")
SHARED_LEVERS = tuple(lv for lv in LEVERS if lv.section in SHARED_SECTIONS)
SLIDERS = tuple(lv for lv in LEVERS if lv.control == "slider")


def choices(lever: Lever, params: ModelParams | None = None) -> list[dict[str, Any]]:
    """Options of a choice lever, from the field's type (or the grades of ``params``' organisation
    above its IC ceiling; default: the default organisation's)."""
    if lever.name == "specialist_top_grade":
        p = params or ModelParams()
        grades = range(p.policy.ic_ceiling_grade + 1, p.organisation.grades + 1)
        return [{"label": "No specialist ladder", "value": NO_LADDER}] + [
            {"label": f"Grade {g}", "value": g} for g in grades
        ]
    return [{"label": v, "value": v} for v in get_args(lever.info.annotation)]


def lever_values(params: ModelParams) -> dict[str, Any]:
    """The policy levers' values in ``params`` (the no-ladder choice for None)."""
    levers = params.policy.model_dump()
    return {name: NO_LADDER if levers[name] is None else levers[name] for name in POLICY_LEVERS}


def preset(policy: str) -> dict[str, Any]:
    """The policy levers' values under a named policy (for the default organisation)."""
    return lever_values(apply_policy(ModelParams(), policy))


def start_values(source: Source, limits: Limits) -> dict[str, Any]:
    """The form at ``source``: its first policies (at most MAX_POLICIES, the baseline first),
    the first other one's levers, and its organisation, workforce and run values (replications
    at most the quick run's; each number within this server's bounds)."""
    s, compared = source.scenario, source.policies[:MAX_POLICIES]
    changed = next((p for p in compared if p != s.baseline), s.baseline)
    values: dict[str, Any] = {"experiment": source.experiment, "compared": compared,
                              "baseline": s.baseline, "policy": changed}  # fmt: skip
    for lever in SHARED_LEVERS:
        value = getattr(getattr(s, lever.section), lever.name)
        if lever.name == "replications":
            value = min(value, QUICK_RUN["replications"])
        cap = limits.cap(lever)
        values[lever.name] = value if cap is None else min(value, cap)
    return fit_work(values, len(compared), limits) | lever_values(source.params(changed))


def fit_work(values: dict[str, Any], policies: int, limits: Limits) -> dict[str, Any]:
    """The form's run values shrunk to this server's work bound (employee-months): fewer
    years first (whole years, at least one), then fewer replications, then fewer people; a
    large scenario's what-if then starts within bounds rather than refused as it opens."""
    out = dict(values)

    def work() -> float:
        return policies * 12 * out["size"] * out["replications"] * out["years"]

    for name, least in (("years", 1), ("replications", 1), ("size", 10)):
        if work() <= limits.employee_months:
            break
        room = limits.employee_months * out[name] / work()  # the most of ``name`` that fits
        out[name] = max(least, math.floor(room))
    return out


@dataclass(frozen=True)
class Limits:
    """This server's bounds on one what-if (``orgsim dashboard --max-...``): organisation size,
    replications per policy, years, and employee-months (policies x replications x people x
    years x 12), the measure of its work. The default work bound, 5 x 10^7 employee-months, is
    about a minute on two cores at the measured 0.3-0.5 M employee-months/s per core: a what-if
    answers while its user waits; bigger studies belong to ``orgsim run``."""

    people: int = 100_000
    replications: int = 200
    years: float = 100
    employee_months: int = 50_000_000

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
            if lever.control in ("slider", "number") and values.get(lever.name) is None:
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


def shown(lever: Lever, value: float | None, limits: Limits) -> str:
    """A lever's current value and its range, as shown beside its label."""
    lo, hi = lever.bounds()[0], limits.cap(lever)
    span = f"range {number(lo or 0)} to {number(hi) if hi is not None else 'any'}"
    return f"({span})" if value is None else f"{number(value)} ({span})"


def employee_months(scenario: Scenario) -> float:
    """The work of a what-if: policies x replications x people x years x 12."""
    run = scenario.run
    return len(scenario.policies) * run.replications * scenario.organisation.size * run.years * 12


# --- the scenario a what-if runs --------------------------------------------------------------
def compared_policies(compared: Any, policy: str, baseline: str, source: Source) -> list[str]:
    """The policies to run, in ``source``'s order with the baseline first (no choice: the
    baseline and the changed policy); WhatIfError unless each is one of ``source``'s."""
    compared = [baseline, policy] if compared is None else compared
    if not isinstance(compared, list) or not all(isinstance(p, str) for p in compared):
        raise WhatIfError(f"what-if: the policies to compare must be names, not {compared!r:.80}")
    if len(set(compared)) > MAX_POLICIES:
        raise WhatIfError(f"what-if: compare at most {MAX_POLICIES} policies, not {len(compared)}")
    known = source.policies
    for name in (*compared, policy, baseline):
        if name not in known:
            where = source.experiment or "the built-in policies"
            raise WhatIfError(f"what-if: {name!r:.80} is not one of the policies of {where} "
                              f"({', '.join(known)})")  # fmt: skip
    for what, name in (("baseline", baseline), ("policy the levers change", policy)):
        if name not in compared:
            raise WhatIfError(f"what-if: the {what}, {name}, is not among the compared policies")
    return [baseline, *(p for p in known if p in compared and p != baseline)]


def changed_name(policy: str, baseline: str, compared: list[str]) -> str:
    """The name of the changed policy: 'what-if: <policy>', unless another one has it."""
    stem = policy.removeprefix(CHANGED)
    taken = set(compared) - ({policy} if policy != baseline else set())  # the stored ones run
    name, n = f"{CHANGED}{stem}", 2
    while name in taken:
        name, n = f"what-if {n}: {stem}", n + 1
    return name


def changed_policy(
    policy: str, baseline: str, values: dict[str, Any], source: Source | None = None
) -> str:
    """The name ``build_scenario`` gives ``policy`` changed by the form's levers."""
    source = source or default_source()
    compared = compared_policies(values.get("compared"), policy, baseline, source)
    return changed_name(policy, baseline, compared)


def build_scenario(
    name: str, policy: str, baseline: str, values: dict[str, Any], source: Source | None = None
) -> Scenario:
    """The what-if scenario: ``source``'s compared policies as stored (default: the built-in
    ones), with ``policy`` changed by the form's policy levers and run as 'what-if: <policy>'
    (beside the stored one when it is the baseline), and the form's organisation, workforce
    and run values for every policy."""
    source = source or default_source()
    for what, value in (("policy to change", policy), ("baseline", baseline)):
        if not isinstance(value, str):
            raise WhatIfError(f"what-if: the {what} must be a policy name, not {value!r:.80}")
    if not isinstance(values, dict):
        raise WhatIfError("what-if: the form's values are missing")
    compared = compared_policies(values.get("compared"), policy, baseline, source)
    data = source.scenario.model_dump(mode="json")
    levers = {n: LEVERS_BY_NAME[n].parse(values.get(n)) for n in POLICY_LEVERS}
    for lever in SHARED_LEVERS:
        data[lever.section][lever.name] = values.get(lever.name)
    specs = []
    for p in compared:
        spec = source.scenario.policy_spec(p).model_dump(mode="json")
        if p != policy or p == baseline:
            specs.append(spec)
        if p == policy:
            changed = changed_name(policy, baseline, compared)
            specs.append(spec | {"name": changed, "levers": spec["levers"] | levers})
    if len(specs) > MAX_POLICIES:
        raise WhatIfError(
            f"what-if: the levers change the baseline, which then runs twice (as stored and "
            f"changed): compare at most {MAX_POLICIES - 1} policies"
        )
    start = source.experiment or "the built-in policies"
    data |= {
        "name": name,
        "description": f"What-if from the dashboard, starting from {start}: {policy} with "
        f"chosen levers, compared with {baseline}.",
        "policies": specs,
        "baseline": baseline,
    }
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise WhatIfError(describe_errors(err, None, "what-if")) from None
    if uses_code(scenario):  # never: a Source holds none; checked so that it stays so
        raise WhatIfError(f"what-if: this scenario names {CODE}")
    return scenario


def uses_code(scenario: Scenario) -> bool:
    """Whether ``scenario`` names extension code: rules, phases, measures or a stop function."""
    until = scenario.run.until
    return bool(scenario.rules or scenario.phases or scenario.measures
                or any(p.rules for p in scenario.policies)
                or (until is not None and until.use is not None))  # fmt: skip


def new_folder(root: Path) -> Path:
    """A fresh RESULTS_ROOT/whatif-<timestamp> folder name (not yet created)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder, n = root / f"whatif-{stamp}", 1
    while folder.exists():
        folder, n = root / f"whatif-{stamp}-{n}", n + 1
    return folder


def run_whatif(scenario: Scenario, folder: Path, progress: Callable[[int, int], None]) -> Path:
    """Run the what-if into ``folder`` like any CLI run, on every core the runs can use. Its
    workers are forked from the job's process, which has orgsim imported already (about 1 s
    less than starting a forkserver that imports it afresh for every what-if)."""
    runs = len(scenario.policies) * scenario.run.replications
    folder.parent.mkdir(parents=True, exist_ok=True)
    workers = min(os.cpu_count() or 1, runs)
    run_experiment(scenario, folder, workers=workers, progress=progress, start="fork")
    return folder
