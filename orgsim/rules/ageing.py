"""Phase 'ageing': the clock advances for everyone employed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("ageing")
class Ageing(Rule):
    """age += dt; tenure and time in grade += one step (months)."""

    phase = "ageing"

    def step(self, model: OrgModel) -> None:
        wf, occ = model.workforce, model.workforce.occupied
        wf.age[occ] += model.dt_years
        wf.tenure[occ] += model.step_months
        wf.time_in_grade[occ] += model.step_months
