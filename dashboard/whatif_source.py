"""Where a what-if starts: the scenario stored with the experiment picked in the dashboard,
without its extension code, or the built-in policies.

The dashboard never runs extension code (rules, phases, measures, stop functions): a stored
scenario's policies with their own rules are left out, and a scenario whose rules or phases
change every policy gives the built-in start instead, with a note saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dashboard.data import Experiment
from dashboard.paths import UnsafePathError
from orgsim.measures import MEASURES
from orgsim.parameters import ModelParams
from orgsim.policies import NAMED_POLICIES
from orgsim.results import ResultsError
from orgsim.scenario import Scenario

MAX_POLICIES = 4  # policies one what-if compares, so that it answers in seconds
#: The panel's run size: smaller than a full study so that a what-if answers in seconds.
QUICK_RUN = {"years": 10, "replications": 10}


class WhatIfError(ValueError):
    """Form values that do not make a valid scenario; the message says which and why."""


CODE = "extension code, which the dashboard never runs"
RUN_KEPT = ("years", "replications", "seed", "events", "timeout_s", "until")  # not where to run


@dataclass(frozen=True)
class Source:
    """Where a what-if starts: a scenario with no extension code, the experiment it was stored
    with (None: the built-in policies) and notes on what of it was left out."""

    scenario: Scenario
    experiment: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def policies(self) -> list[str]:
        """Its policies' names, the baseline first."""
        base = self.scenario.baseline
        return [base, *(n for n in self.scenario.policy_names if n != base)]

    def params(self, policy: str) -> ModelParams:
        """The model parameters of one of its policies."""
        return self.scenario.model_params(policy)

    def describe(self) -> str:
        """One line on where the form starts, then what was left out."""
        if self.experiment is None:
            head = "Starting from the built-in policies and the parameters' defaults."
        else:
            head = (
                f"Starting from {self.experiment}: its policies (baseline {self.scenario.baseline})"
                f" and its parameter values, with at most {QUICK_RUN['replications']} "
                "replications for a quick answer."
            )
        return " ".join([head, *self.notes])


@lru_cache(maxsize=1)
def default_source() -> Source:
    """The built-in start: the named policies (single ladder the baseline), default parameters
    and the quick run size."""
    policies = [{"name": n, "base": n} for n in NAMED_POLICIES]
    return Source(Scenario(name="what-if", policies=policies, run=QUICK_RUN))


def fallback(note: str) -> Source:
    """The built-in start, with a note on why it replaces the experiment's scenario."""
    return Source(default_source().scenario, None, (note,))


def source_from(experiment: str, stored: Any) -> Source:
    """The start from a scenario stored with ``experiment`` (its manifest's): its built-in parts.

    Policies with their own rules are left out; rules or phases that change every policy, or a
    stop function, give the built-in start instead. A sweep, uncertainties and extension
    measures are left out (a what-if runs the scenario's own values once); the notes say so.
    """
    if not isinstance(stored, dict):
        return fallback(f"No scenario is stored with {experiment}: built-in policies instead.")
    run = stored.get("run") if isinstance(stored.get("run"), dict) else {}
    until = run.get("until") if isinstance(run.get("until"), dict) else {}
    shared = [f"rules.{slot}" for slot in stored.get("rules") or {}]
    shared += ["phases"] * bool(stored.get("phases")) + ["run.until.use"] * bool(until.get("use"))
    if shared:
        return fallback(
            f"The scenario of {experiment} changes the model with {CODE} ({', '.join(shared)}): "
            "the what-if starts from the built-in policies instead."
        )
    policies = [p for p in stored.get("policies") or [] if isinstance(p, dict)]
    kept = [p for p in policies if not p.get("rules")]
    if not kept:
        return fallback(
            f"Every policy of {experiment} has its own rules ({CODE}): the what-if starts from "
            "the built-in policies instead."
        )
    notes = []
    if custom := [str(p.get("name")) for p in policies if p.get("rules")]:
        notes.append(f"Left out: {', '.join(custom)}, each with its own rules ({CODE}).")
    data = {k: v for k, v in stored.items() if k not in ("sweep", "uncertainties")}
    data |= {"policies": kept, "run": {k: v for k, v in run.items() if k in RUN_KEPT}}
    if data.get("baseline") not in [p.get("name") for p in kept]:
        data["baseline"] = kept[0].get("name")
        notes.append(f"{data['baseline']} is the baseline instead.")
    if stored.get("measures"):
        notes.append(f"Its extension measures are not recorded ({CODE}).")
        builtin = stored.get("builtin_measures", "all")
        data |= {"measures": [], "builtin_measures": "all" if builtin == "none" else builtin}
        if until.get("measure") not in MEASURES:
            data["run"].pop("until", None)
    for key, what in (("sweep", "sweep is"), ("uncertainties", "uncertain parameters are")):
        if stored.get(key):
            notes.append(f"Its {what} left out: the what-if runs the scenario's own values once.")
    try:
        return Source(Scenario.model_validate(data), experiment, tuple(notes))
    except (ValidationError, TypeError) as err:
        first = str(err).splitlines()[0][:200]
        return fallback(f"The scenario of {experiment} cannot be read ({first}): built-in "
                        "policies instead.")  # fmt: skip


def load_source(root: Path | None, experiment: Any) -> Source:
    """The start for the experiment picked (None: the built-in policies); WhatIfError if it is
    not a readable experiment under ``root``."""
    if experiment is None:
        return default_source()
    if root is None or not isinstance(experiment, str):
        raise WhatIfError(f"what-if: cannot start from {experiment!r:.80}")
    try:
        return _stored_source(root, experiment, Experiment(root, experiment).version)
    except (UnsafePathError, ResultsError) as err:
        raise WhatIfError(f"what-if: cannot start from {experiment!r:.80}: {err}") from None


@lru_cache(maxsize=16)
def _stored_source(root: Path, experiment: str, version: int) -> Source:
    return source_from(experiment, Experiment(root, experiment).results.manifest.get("scenario"))
