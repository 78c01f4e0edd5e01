"""Phase 'declined': what turning down a manager post costs, which depends on the policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("declined")
class Declined(Phase):
    """Everyone who turned down a manager post this step (events 'declined', from the
    promotion phase) loses ``policy.decline_penalty`` engagement at once: where management is
    the only way up, saying no reads as a lack of ambition and closes the route; where a real
    specialist ladder exists, or the organisation asked first, it costs nothing."""

    levers = ("decline_penalty",)

    def step(self, model: OrgModel) -> None:
        penalty = model.params.policy.decline_penalty
        if penalty == 0:
            return
        people, rows = model.people, model.rows_with_event("declined")
        people.engagement[rows] = np.maximum(people.engagement[rows] - penalty, 0.0)
