"""Phase 'step_back': where allowed, reluctant, disengaged managers return to practice."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.parameters import StepBack as StepBackParams
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("step_back")
class StepBack(Rule):
    """A manager with motivation < reluctance threshold and engagement < threshold steps back
    with the given monthly probability, into the highest vacant IC or specialist position at or
    below their grade (none vacant: they wait)."""

    phase = "step_back"
    Params = StepBackParams
    section = "step_back"

    def step(self, model: OrgModel) -> None:
        p, wf, h = self.params, model.workforce, model.hierarchy
        u = model.stream("step_back").random(len(wf))
        if not model.params.policy.step_back_allowed:
            return
        prob = 1 - (1 - p.monthly_probability) ** model.step_months
        tau = model.params.promotion.reluctance_threshold
        eligible = wf.occupied & (h.role == MANAGER) & (wf.motivation < tau)
        movers = np.flatnonzero(eligible & (wf.engagement < p.engagement_threshold) & (u < prob))
        for row in movers[np.argsort(-h.grade[movers], kind="stable")]:
            free = np.flatnonzero(~wf.occupied & (h.role != MANAGER) & (h.grade <= h.grade[row]))
            if free.size == 0:
                continue
            dst = free[np.argmax(h.grade[free])]
            model.move_people(np.array([row]), np.array([dst]), "step_back")
            wf.stepped_back[dst] = True
