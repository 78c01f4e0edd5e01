"""The rule protocol and the registry of rules by name.

A rule is one mechanism of the monthly cycle: it reads and writes the workforce arrays of the
model it is given, all rows at once. The default rules register themselves here exactly as a
researcher's rules do.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from orgsim.model import OrgModel

RULES: dict[str, type[Rule]] = {}


class Rule:
    """A mechanism of the monthly cycle.

    ``Params`` is the pydantic schema of the rule's parameters (None when it has none);
    ``section`` names the ModelParams section that holds them for a default rule.
    """

    phase: ClassVar[str]
    Params: ClassVar[type[BaseModel] | None] = None
    section: ClassVar[str | None] = None

    def __init__(self, params: BaseModel | dict[str, Any] | None = None) -> None:
        if self.Params is None:
            self.params = None
        elif isinstance(params, self.Params):
            self.params = params
        else:
            self.params = self.Params.model_validate(params or {})

    def setup(self, model: OrgModel) -> None:
        """Prepare the model once before month 1 (add columns, caches). Optional."""

    def step(self, model: OrgModel) -> None:
        """Apply the mechanism to the whole workforce for one time step."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def register(name: str):
    """Class decorator: make a rule available by ``name`` in scenarios and the Python API."""

    def decorate(cls: type[Rule]) -> type[Rule]:
        RULES[name] = cls
        return cls

    return decorate


class SlowRuleWarning(UserWarning):
    """A per-person rule is running: correct, but far slower than a vectorised one."""


class PersonRule(Rule):
    """A rule written for one person: orgsim calls ``step_person`` for every employee.

    For trying an idea before making it fast (see docs/extending.md); warns once per class.
    """

    _warned: ClassVar[set[type]] = set()

    def step_person(self, model: OrgModel, person: Any) -> None:
        """Apply the mechanism to one Employee (read and assign its attributes)."""
        raise NotImplementedError

    def step(self, model: OrgModel) -> None:
        if type(self) not in PersonRule._warned:
            PersonRule._warned.add(type(self))
            warnings.warn(
                f"{type(self).__name__} is a per-person rule: it runs one Python call per "
                "employee per step, much slower than a vectorised rule",
                SlowRuleWarning,
                stacklevel=2,
            )
        for person in model.employees():
            self.step_person(model, person)
