"""Phase 'coaching': a development conversation for part of the feeder grades."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("coaching")
class Coaching(Rule):
    """On review steps each non-manager at or above the IC ceiling grade (those who can be
    offered a manager role) is coached with probability = reach. Coaching shrinks the noise of
    their stated preference: stated = motivation + (1 - r) * sd * z, and lifts engagement for a
    while (see the engagement rule). Cost: coaching_cost per person."""

    phase = "coaching"

    def step(self, model: OrgModel) -> None:
        wf, h, pol = model.workforce, model.hierarchy, model.params.policy
        u = model.stream("coaching").random(len(wf))
        if not model.is_review_step() or pol.coaching_reach == 0:
            return
        feeder = wf.occupied & (h.role != MANAGER) & (h.grade >= pol.ic_ceiling_grade)
        rows = np.flatnonzero(feeder & (h.grade < h.grades) & (u < pol.coaching_reach))
        sd = model.params.workforce.preference_noise * (1 - pol.coaching_noise_reduction)
        wf.stated_preference[rows] = wf.motivation[rows] + sd * wf.preference_z[rows]
        wf.coached_month[rows] = model.month
        model.flows["coached"] += len(rows)
