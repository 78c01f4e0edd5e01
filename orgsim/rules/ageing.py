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
        # Every row at once (no mask: faster): free rows hold NaN or values a hire overwrites.
        people = model.people
        people.age += model.dt_years
        people.tenure += model.step_months
        people.time_in_grade += model.step_months
