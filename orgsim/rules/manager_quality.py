"""Phase 'manager_quality': how well each manager leads, from aptitude AND motivation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.parameters import ManagerQuality as ManagerQualityParams
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("manager_quality")
class ManagerQuality(Rule):
    """q = aptitude^(1 - w_m) * motivation^w_m * (1 - w_e + w_e * engagement), managers only.

    Geometric in aptitude and motivation: a reluctant manager with high aptitude still
    micromanages and avoids hard conversations, so both must be present.
    """

    phase = "manager_quality"
    Params = ManagerQualityParams
    section = "manager_quality"

    def step(self, model: OrgModel) -> None:
        p, wf = self.params, model.workforce
        manages = wf.occupied & (model.hierarchy.role == MANAGER)
        q = (
            wf.aptitude ** (1 - p.motivation_weight)
            * wf.motivation**p.motivation_weight
            * (1 - p.engagement_weight + p.engagement_weight * wf.engagement)
        )
        wf.manager_quality[:] = np.where(manages, q, np.nan)
