"""Phase 'leaving': voluntary exits (a hazard of engagement and market value) and retirement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.measures import skill_percentile
from orgsim.parameters import Leaving as LeavingParams
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("leaving")
class Leaving(Phase):
    """h = 1 - (1 - b)^(months) with b = base * exp(s_e (e_ref - e)) * exp(s_k (pct - 0.5)).

    Retirement at the age limit. Every row draws a uniform each step, free or not, so
    replications of different policies share their random numbers row by row.
    """

    Params = LeavingParams
    section = "leaving"

    def step(self, model: OrgModel) -> None:
        self.leave(model, model.people.active)

    def step_level(self, model: OrgModel, grade: int) -> None:
        self.leave(model, model.people.grade == grade)

    def leave(self, model: OrgModel, among: np.ndarray) -> None:
        """Exits and retirements among the rows in the mask ``among``."""
        p, people = self.params, model.people
        u = model.once_per_step(  # one draw per row per step, however many levels ask
            (id(self), "u"), lambda: model.stream("leaving").random(len(people))
        )
        pct = skill_percentile(people.skill, people.active)
        monthly = p.base_monthly_exit * np.exp(
            p.engagement_sensitivity * (p.reference_engagement - people.engagement)
            + p.skill_sensitivity * (pct - 0.5)
        )
        hazard = 1 - (1 - np.minimum(monthly, 1.0)) ** model.step_months
        among = among & people.active
        retire = among & (people.age >= p.retirement_age)
        quit_ = among & ~retire & (u < hazard)
        model.remove_people(people.uid[quit_], "voluntary")
        model.remove_people(people.uid[retire], "retirement")
