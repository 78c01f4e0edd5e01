"""Phase 'coaching': a development conversation for part of the feeder grades."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("coaching")
class Coaching(Phase):
    """On review steps each non-manager at or above the IC ceiling grade (those who can be
    offered a manager role) is coached with probability = reach. Coaching shrinks the noise of
    their stated preference: stated = motivation + (1 - r) * sd * z, and lifts engagement for a
    while (see the engagement rule). Each conversation is a 'coached' event (its cost is the
    coaching_cost measure)."""

    levers = ("coaching_reach", "coaching_noise_reduction", "coaching_cost")  # cost: its measure

    def step(self, model: OrgModel) -> None:
        people, pol = model.people, model.params.policy
        u = model.stream("coaching").random(len(people))
        if not model.is_review_step() or pol.coaching_reach == 0:
            return
        top = int(model.hierarchy.grade.max())
        feeder = (people.role >= 0) & (people.role != MANAGER)
        feeder &= (people.grade >= pol.ic_ceiling_grade) & (people.grade < top)
        rows = np.flatnonzero(feeder & (u < pol.coaching_reach))
        sd = model.params.workforce.preference_noise * (1 - pol.coaching_noise_reduction)
        people.stated_preference[rows] = people.motivation[rows] + sd * people.preference_z[rows]
        people.coached_month[rows] = model.month
        model.emit("coached", people.uid[rows])
