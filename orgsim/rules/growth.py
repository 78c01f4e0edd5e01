"""Phase 'growth': practice builds technical skill; managers' unpractised skill decays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.parameters import Growth as GrowthParams
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("growth")
class Growth(Rule):
    """Practitioners: skill += g dt (0.5 + e) (1 - w + 2 w q_mgr) (1 - skill).

    Managers: skill -= d dt skill. Everyone: firm += dt (1 - firm) / tau_firm.
    """

    phase = "growth"
    Params = GrowthParams
    section = "growth"

    def step(self, model: OrgModel) -> None:
        p, wf, dt = self.params, model.workforce, model.dt_years
        # Vacant rows hold NaN, which every update below leaves NaN: no masks needed.
        gain = model.manager_q()  # becomes the skill gain, in place (hot path)
        gain *= 2 * p.development_weight
        gain += 1 - p.development_weight
        gain *= p.skill_growth * dt * (0.5 + wf.engagement) * (1 - wf.skill)
        gain[model.hierarchy.is_manager] = (
            -p.skill_decay * dt * wf.skill[model.hierarchy.is_manager]
        )
        wf.skill += gain
        np.clip(wf.skill, 0.0, 1.0, out=wf.skill)
        wf.firm_expertise += dt / p.firm_expertise_years * (1 - wf.firm_expertise)
