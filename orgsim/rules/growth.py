"""Phase 'growth': practice builds technical skill; managers' unpractised skill decays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.parameters import Growth as GrowthParams
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("growth")
class Growth(Phase):
    """Practitioners: skill += g dt (0.5 + e) (1 - w + 2 w q_mgr) (1 - skill).

    Managers: skill -= d dt skill. Everyone: firm += dt (1 - firm) / tau_firm.
    """

    Params = GrowthParams
    section = "growth"

    def step(self, model: OrgModel) -> None:
        p, people, dt = self.params, model.people, model.dt_years
        # Free rows hold NaN, which every update below leaves NaN: no masks needed.
        gain = model.manager_q()  # becomes the skill gain, in place (hot path)
        gain *= 2 * p.development_weight
        gain += 1 - p.development_weight
        gain *= p.skill_growth * dt * (0.5 + people.engagement) * (1 - people.skill)
        managers = people.role == MANAGER
        gain[managers] = -p.skill_decay * dt * people.skill[managers]
        people.skill += gain
        np.clip(people.skill, 0.0, 1.0, out=people.skill)
        people.firm_expertise += dt / p.firm_expertise_years * (1 - people.firm_expertise)
