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
    """h = 1 - (1 - b)^(months), b = base exp(s_e (e_ref - e) - s_p (pct - 0.5) + s_k u pull),
    pull = max(0, 2 pct - 1) and u = y / (y + unrewarded_years), y years in grade: weaker
    performers leave more, and strong ones more the longer they go without a move up.

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
        years = people.time_in_grade / 12
        unrewarded = years / (years + p.unrewarded_years)
        monthly = p.base_monthly_exit * np.exp(
            p.engagement_sensitivity * (p.reference_engagement - people.engagement)
            - p.performance_slope * (pct - 0.5)
            + p.skill_sensitivity * unrewarded * np.maximum(0.0, 2 * pct - 1)
        )
        hazard = 1 - (1 - np.minimum(monthly, 1.0)) ** model.step_months
        among = among & people.active
        retire = among & (people.age >= p.retirement_age)
        quit_ = among & ~retire & (u < hazard)
        model.remove_people(people.uid[quit_], "voluntary")
        model.remove_people(people.uid[retire], "retirement")
