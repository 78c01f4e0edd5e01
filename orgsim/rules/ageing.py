"""Phase 'ageing': the clock advances for everyone employed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("ageing")
class Ageing(Phase):
    """age += dt; tenure and time in grade += one step (months)."""

    def step(self, model: OrgModel) -> None:
        people = model.people
        active = people.active
        people.age[active] += model.dt_years
        people.tenure[active] += model.step_months
        people.time_in_grade[active] += model.step_months
