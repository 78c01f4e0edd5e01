"""Phase 'manager_quality': how well each manager leads, from aptitude AND motivation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.parameters import ManagerQuality as ManagerQualityParams
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("manager_quality")
class ManagerQuality(Phase):
    """q = aptitude^(1 - w_m) * motivation^w_m * (1 - w_e + w_e * engagement), managers only.

    Geometric in aptitude and motivation: a reluctant manager with high aptitude still
    micromanages and avoids hard conversations, so both must be present.
    """

    Params = ManagerQualityParams
    section = "manager_quality"

    def step(self, model: OrgModel) -> None:
        p, people = self.params, model.people
        q = (
            people.aptitude ** (1 - p.motivation_weight)
            * people.motivation**p.motivation_weight
            * (1 - p.engagement_weight + p.engagement_weight * people.engagement)
        )
        people.manager_quality[:] = np.where(people.role == MANAGER, q, np.nan)
