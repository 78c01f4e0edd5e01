"""Employee: a Mesa agent that is a view of one person, found by person id.

Reading ``agent.engagement`` reads the person's row of the arrays; assigning writes it, so
per-person code and the vectorised rules see the same state. Once the person has left, any
read or write raises ``PersonLeft``; assigning an attribute no person has raises
``AttributeError`` with the nearest valid name.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

import mesa

from orgsim.hierarchy import ROLE_NAMES
from orgsim.people import PersonLeft

if TYPE_CHECKING:
    from orgsim.model import OrgModel

#: Attributes Mesa itself sets on an agent.
_MESA = frozenset({"model", "unique_id", "pos"})


class Employee(mesa.Agent):
    """One person: every person attribute, plus ``grade``, ``role``, ``position`` and
    ``manager`` (their manager's Employee, or None)."""

    __slots__ = ("person_id",)

    def __init__(self, model: OrgModel, person_id: int) -> None:
        object.__setattr__(self, "person_id", person_id)
        super().__init__(model)
        self.unique_id = person_id

    @property
    def row(self) -> int:
        """The person's row of the arrays now; raises PersonLeft once they have left."""
        return int(self.model.people.row_of([self.person_id])[0])

    def __getattr__(self, name: str) -> Any:
        model = self.__dict__.get("model")
        if model is not None and name in model.people.columns:
            return model.people.array(name)[self.row].item()
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}{_hint(self, name)}")

    def __setattr__(self, name: str, value: Any) -> None:
        model = self.__dict__.get("model")
        if model is not None and name in model.people.columns:
            model.people.array(name)[self.row] = value
        elif name in _MESA or model is None:
            object.__setattr__(self, name, value)
        elif name in _FROM_THE_POST:
            raise AttributeError(
                f"{type(self).__name__}.{name} is read-only: it follows the post the person holds; "
                "move people with model.move_people (or hire and remove_people)"
            )
        elif isinstance(getattr(type(self), name, None), property):
            raise AttributeError(f"{type(self).__name__}.{name} is read-only")
        else:
            raise AttributeError(
                f"{type(self).__name__} has no attribute {name!r}{_hint(self, name)}; add person "
                "attributes with model.add_attribute"
            )

    @property
    def alive(self) -> bool:
        """Whether the person is still employed."""
        return self.model.people.is_employed(self.person_id)

    @property
    def grade(self) -> int:
        """The grade of the person's position."""
        return int(self.model.people.grade[self.row])

    @property
    def role(self) -> str:
        """'ic', 'specialist' or 'manager'."""
        return ROLE_NAMES[self.model.people.role[self.row]]

    @property
    def position(self) -> int:
        """The position the person holds."""
        return int(self.model.people.position[self.row])

    @property
    def manager(self) -> Employee | None:
        """The person's manager (None at the top, or while the manager's post is vacant)."""
        boss = int(self.model.boss[self.row])
        if boss < 0:
            return None
        self.model.agents  # noqa: B018  (materialises the agents)
        return self.model._employees.get(int(self.model.people.uid[boss]))

    def step(self) -> None:
        """Run every per-person rule of the model on this person (Mesa's ``agent.step``)."""
        for rule in self.model.person_rules():
            rule.step_person(self.model, self)

    def __repr__(self) -> str:
        try:
            return f"Employee(id={self.person_id}, grade={self.grade}, role={self.role})"
        except PersonLeft:
            return f"Employee(id={self.person_id}, left)"


def _hint(agent: Employee, name: str) -> str:
    model = agent.__dict__.get("model")
    names = [*model.people.columns, "grade", "role", "position", "manager"] if model else []
    match = difflib.get_close_matches(name, names, n=1)
    return f"; did you mean {match[0]}?" if match else ""


#: What an agent reads from the post it holds: moved with the person, never assigned.
_FROM_THE_POST = frozenset({"grade", "role", "position", "manager"})
