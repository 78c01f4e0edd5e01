"""Phase 'step_back': where allowed, reluctant, disengaged managers return to practice."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.parameters import StepBack as StepBackParams
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("step_back")
class StepBack(Phase):
    """A manager with motivation < reluctance threshold and engagement < threshold steps back
    with the given monthly probability, into the highest vacant IC or specialist position at or
    below their grade (none vacant: they wait)."""

    Params = StepBackParams
    section = "step_back"
    levers = ("step_back_allowed", "step_back_stigma")

    def step(self, model: OrgModel) -> None:
        p, people, h = self.params, model.people, model.hierarchy
        u = model.stream("step_back").random(len(people))
        if not model.params.policy.step_back_allowed:
            return
        prob = 1 - (1 - p.monthly_probability) ** model.step_months
        tau = model.params.promotion.reluctance_threshold
        eligible = (people.role == MANAGER) & (people.motivation < tau)
        movers = np.flatnonzero(
            eligible & (people.engagement < p.engagement_threshold) & (u < prob)
        )
        practice = h.role != MANAGER
        for row in movers[np.argsort(-people.grade[movers], kind="stable")]:
            free = np.flatnonzero((model.holder < 0) & practice & (h.grade <= people.grade[row]))
            if free.size == 0:
                continue
            dst = free[np.argmax(h.grade[free])]
            model.move_people(people.uid[[row]], np.array([dst]), "step_back")
            people.stepped_back[row] = True
