"""The rule protocols, one per slot, their contexts, and the registry of rules by name.

A rule is one mechanism. Each fills a *slot*: a phase of the step (``step(model)``), or one of
the parts the phases consult: the chart (``organisation``), who people are (``population``),
whether a candidate takes a post (``acceptance``), who is chosen (``selection``) and the order
vacancies are filled (``filling``). Every rule gets its own validated ``Params``; the default
rules register themselves here exactly as a researcher's rules do.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel

if TYPE_CHECKING:
    from orgsim.hierarchy import Hierarchy
    from orgsim.model import OrgModel

RULES: dict[str, type[Rule]] = {}


class Rule:
    """Base of every rule: its slot, its parameters and an optional one-off ``setup``.

    ``Params`` is the pydantic schema of the rule's parameters (None when it has none). A
    default rule's ``section`` names the scenario section whose values are its defaults; a
    subclass may extend its parent's ``Params`` with fields of its own. ``levers`` lists the
    policy levers the rule reads, so a policy cannot set a lever whose rule was replaced;
    ``reads`` lists person attributes it needs that are not built in (checked at set-up).
    """

    slot: ClassVar[str]
    Params: ClassVar[type[BaseModel] | None] = None
    section: ClassVar[str | None] = None
    levers: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[tuple[str, ...]] = ()

    def __init__(self, params: BaseModel | dict[str, Any] | None = None) -> None:
        if self.Params is None:
            if params:
                raise TypeError(f"{type(self).__name__} takes no parameters")
            self.params = None
        elif isinstance(params, self.Params):
            self.params = params
        elif isinstance(params, BaseModel):  # the parent's Params: keep its values
            self.params = self.Params.model_validate(params.model_dump())
        else:
            self.params = self.Params.model_validate(params or {})

    def setup(self, model: OrgModel) -> None:
        """Prepare the model once, before the starting workforce is drawn. Optional."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Phase(Rule):
    """A phase of the step: ``step(model)`` applies the mechanism to everyone at once.

    A phase that can run level by level (see the ``filling`` slot's ``interleave``) also
    implements ``step_level(model, grade)``.
    """

    def step(self, model: OrgModel) -> None:
        """Apply the mechanism to the whole workforce for one time step."""
        raise NotImplementedError(f"{type(self).__name__} defines no step(model)")

    def step_level(self, model: OrgModel, grade: int) -> None:
        """Apply the mechanism to one grade only (for interleaved phases)."""
        raise NotImplementedError(
            f"{type(self).__name__} cannot run level by level (it has no step_level)"
        )


class OrganisationRule(Rule):
    """Slot ``organisation``: the chart of positions, built once before month 0."""

    slot = "organisation"

    def build(self, model: OrgModel) -> Hierarchy:
        """The positions: grade, role and manager position of each."""
        raise NotImplementedError(f"{type(self).__name__} defines no build(model)")


class PopulationRule(Rule):
    """Slot ``population``: who the organisation starts with and whom it hires.

    Both methods return a dict of attribute arrays for people joining at ``grades``; an
    attribute left out takes the default population's value (see ``model.draw_people``).
    """

    slot = "population"

    def initial(self, model: OrgModel, rng: np.random.Generator, grades: np.ndarray) -> dict:
        """Attributes of the starting workforce."""
        raise NotImplementedError(f"{type(self).__name__} defines no initial(model, rng, grades)")

    def hire(self, model: OrgModel, rng: np.random.Generator, grades: np.ndarray) -> dict:
        """Attributes of external hires."""
        raise NotImplementedError(f"{type(self).__name__} defines no hire(model, rng, grades)")


class Candidates(Mapping):
    """Attributes of a group of candidates: rows of the model's people, or drawn outsiders."""

    def __init__(self, model: OrgModel, rows: np.ndarray | None = None, drawn=None) -> None:
        self._model, self.rows, self._drawn = model, rows, drawn

    def __getitem__(self, name: str) -> np.ndarray:
        if self._drawn is not None:
            return self._drawn[name]
        return self._model.people.array(name)[self.rows]

    def __iter__(self):
        return iter(self._drawn if self._drawn is not None else self._model.people.columns)

    def __len__(self) -> int:
        return len(self.rows) if self.rows is not None else len(next(iter(self._drawn.values())))


@dataclass(frozen=True)
class Offer:
    """A post offered to candidates: its grade and role, who they are, their decision noise.

    ``people`` maps attribute names to the candidates' values; ``outside`` is True for external
    hires; ``can_specialise`` marks candidates who could take the specialist ladder instead.
    """

    grade: int
    role: int
    people: Candidates
    noise: np.ndarray
    outside: bool = False
    can_specialise: np.ndarray | bool = True


class AcceptanceRule(Rule):
    """Slot ``acceptance``: which candidates would take the post offered."""

    slot = "acceptance"

    def accepts(self, model: OrgModel, offer: Offer) -> np.ndarray:
        """A boolean mask over ``offer.people``."""
        raise NotImplementedError(f"{type(self).__name__} defines no accepts(model, offer)")


@dataclass(frozen=True)
class Vacancy:
    """Vacant posts of one grade and role, and the candidates who would take them."""

    grade: int
    role: int
    needed: int
    candidates: np.ndarray  # rows of model.people, in chart order of their posts
    draws: Mapping[str, np.ndarray] = field(repr=False)

    @property
    def kind(self) -> str:
        """'ic', 'specialist' or 'manager'."""
        from orgsim.hierarchy import ROLE_NAMES

        return ROLE_NAMES[self.role]


class SelectionRule(Rule):
    """Slot ``selection``: who is chosen for a vacancy, for every kind of post."""

    slot = "selection"

    def select(self, model: OrgModel, vacancy: Vacancy) -> np.ndarray:
        """Up to ``vacancy.needed`` rows of ``vacancy.candidates``, best first."""
        raise NotImplementedError(f"{type(self).__name__} defines no select(model, vacancy)")


class FillingRule(Rule):
    """Slot ``filling``: the order vacancies are filled, when, and which phases interleave."""

    slot = "filling"

    def levels(self, model: OrgModel) -> list[tuple[int, int]]:
        """(grade, role) in the order their vacancies are filled this step."""
        raise NotImplementedError(f"{type(self).__name__} defines no levels(model)")

    def grades(self, model: OrgModel) -> list[int]:
        """The grades in filling order (for phases that interleave level by level)."""
        return list(dict.fromkeys(g for g, _ in self.levels(model)))

    def due(self, model: OrgModel, role: int) -> bool:
        """Whether vacancies of ``role`` are filled this step."""
        return True

    def interleaved(self) -> tuple[str, ...]:
        """Phases run grade by grade, in filling order, instead of one after another."""
        return ()


def register(name: str):
    """Class decorator: make a rule available by ``name`` in scenarios and the Python API."""

    def decorate(cls: type[Rule]) -> type[Rule]:
        taken = RULES.get(name)
        if taken is not None and _origin(taken) != _origin(cls):  # not the same class again
            raise ValueError(
                f"register({name!r}): the name is taken by {taken.__module__}."
                f"{taken.__qualname__} (registering again would replace it in every model); "
                "choose another name"
            )
        RULES[name] = cls
        return cls

    return decorate


def _origin(cls: type) -> tuple[str, str]:
    """Where a class is defined (its file, else its module) and its name: the same for one
    file imported twice, as './my_rules.py:X' by a scenario and as ``import my_rules``."""
    try:
        where = str(Path(inspect.getfile(cls)).resolve())
    except (TypeError, OSError):  # defined in code with no file
        where = cls.__module__
    return where, cls.__qualname__


class SlowRuleWarning(UserWarning):
    """A per-person rule is running: correct, but far slower than a vectorised one."""


class PersonRule(Phase):
    """A phase written for one person: ``step_person`` runs for every employee.

    For trying an idea before making it fast (see docs/extending.md); warns once per class.
    ``agent.step()`` runs every per-person rule of the model on one agent.
    """

    _warned: ClassVar[set[type]] = set()

    def step_person(self, model: OrgModel, person: Any) -> None:
        """Apply the mechanism to one Employee (read and assign its attributes)."""
        raise NotImplementedError(f"{type(self).__name__} defines no step_person(model, person)")

    def step(self, model: OrgModel) -> None:
        if type(self) not in PersonRule._warned:
            PersonRule._warned.add(type(self))
            code = type(self).step_person.__code__  # point at the researcher's rule
            warnings.warn_explicit(
                f"{type(self).__name__} is a per-person rule: it runs one Python call per "
                "employee per step, much slower than a vectorised rule",
                SlowRuleWarning,
                code.co_filename,
                code.co_firstlineno,
            )
        for person in model.employees():
            self.step_person(model, person)


#: The protocol each slot's rule must follow (phases: ``Phase``).
SLOT_PROTOCOLS: dict[str, type[Rule]] = {
    "organisation": OrganisationRule,
    "population": PopulationRule,
    "acceptance": AcceptanceRule,
    "selection": SelectionRule,
    "filling": FillingRule,
}


def undefined_methods(rule: Rule) -> list[str]:
    """The methods its protocol needs that ``rule`` leaves to the base class (a phase with
    run() instead of step(), a selection with choose() instead of select())."""
    needed = [(PersonRule, "step_person"), (Phase, "step"), (OrganisationRule, "build"),
              (PopulationRule, "initial"), (PopulationRule, "hire"), (SelectionRule, "select"),
              (FillingRule, "levels"), (AcceptanceRule, "accepts")]  # fmt: skip
    return [
        f"{name}()"
        for base, name in needed
        if isinstance(rule, base) and getattr(type(rule), name) is getattr(base, name)
    ]
