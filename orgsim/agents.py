"""Employee: a Mesa agent that is a view of one person's row in the workforce arrays.

Reading ``agent.engagement`` reads the array; assigning writes it, so per-person code and the
vectorised rules see the same state. The row follows the person when they change position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

from orgsim.hierarchy import ROLE_NAMES

if TYPE_CHECKING:
    from orgsim.model import OrgModel


class Employee(mesa.Agent):
    """One person. Attributes: every workforce column, plus ``grade``, ``role``, ``manager``."""

    def __init__(self, model: OrgModel, person_id: int, row: int) -> None:
        super().__init__(model)
        self.unique_id = person_id
        self.row = row

    def __getattr__(self, name: str) -> Any:
        model = self.__dict__.get("model")
        if model is not None and name in model.workforce.columns:
            return model.workforce.array(name)[self.row].item()
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        model = self.__dict__.get("model")
        if model is not None and name in model.workforce.columns and name != "person_id":
            model.workforce.array(name)[self.row] = value
        else:
            super().__setattr__(name, value)

    @property
    def grade(self) -> int:
        """The grade of the person's position."""
        return int(self.model.hierarchy.grade[self.row])

    @property
    def role(self) -> str:
        """'ic', 'specialist' or 'manager'."""
        return ROLE_NAMES[self.model.hierarchy.role[self.row]]

    @property
    def manager(self) -> Employee | None:
        """The person's manager (None at the top of the organisation)."""
        boss = int(self.model.hierarchy.manager[self.row])
        if boss < 0:
            return None
        return self.model._employees.get(int(self.model.workforce.person_id[boss]))

    def __repr__(self) -> str:
        return f"Employee(id={self.unique_id}, grade={self.grade}, role={self.role})"
