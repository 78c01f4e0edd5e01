"""Phase 'growth': practice builds technical skill; managers' unpractised skill decays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
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
        occ = wf.occupied
        manages = occ & (model.hierarchy.role == MANAGER)
        practises = occ & ~manages
        development = 1 - p.development_weight + 2 * p.development_weight * model.manager_q()
        rate = p.skill_growth * dt * (0.5 + wf.engagement) * development
        wf.skill[practises] += (rate * (1 - wf.skill))[practises]
        wf.skill[manages] *= 1 - p.skill_decay * dt
        wf.firm_expertise[occ] += (dt / p.firm_expertise_years * (1 - wf.firm_expertise))[occ]
        np.clip(wf.skill, 0.0, 1.0, out=wf.skill)
