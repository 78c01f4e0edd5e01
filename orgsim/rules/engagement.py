"""Phase 'engagement': engagement moves toward a target set by the manager, fit and career."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.parameters import Engagement as EngagementParams
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("engagement")
class Engagement(Rule):
    """e += a (e* - e) + noise, clipped to 0..1, with the target

    e* = baseline + w_q (q_mgr - 0.5) + w_fit fit - w_stall t/(t + T) - w_ceil d stuck
         - w_par d gap + boost,

    fit = motivation - 0.5 for managers (0 otherwise); stuck = 1 for a specialist at a track
    top below the top grade, 1 - motivation for an IC at the ceiling with no specialist ladder;
    gap = (1 - pay ratio) + stigma for specialists, + step-back stigma for those who stepped back.
    """

    phase = "engagement"
    Params = EngagementParams
    section = "engagement"

    def step(self, model: OrgModel) -> None:
        p, wf = self.params, model.workforce
        target = self.target(model)
        keep = (1 - p.adjustment) ** model.step_months
        z = model.stream("engagement").standard_normal(len(wf))
        new = target + keep * (wf.engagement - target) + p.noise * np.sqrt(model.step_months) * z
        occ = wf.occupied
        wf.engagement[occ] = np.clip(new[occ], 0.0, 1.0)

    def target(self, model: OrgModel) -> np.ndarray:
        """The engagement each row moves toward this step."""
        p, wf, pol = self.params, model.workforce, model.params.policy
        role, grade = model.hierarchy.role, model.hierarchy.grade
        years_in_grade = wf.time_in_grade / 12
        fit = np.where(role == MANAGER, wf.motivation - 0.5, 0.0)
        spec_top = pol.specialist_top_grade
        stuck = np.zeros(len(wf))
        if spec_top is None:
            stuck = np.where((role == IC) & (grade == pol.ic_ceiling_grade), 1 - wf.motivation, 0)
        elif spec_top < model.hierarchy.grades:
            stuck = np.where((role == SPECIALIST) & (grade == spec_top), 1.0, 0.0)
        gap = np.where(role == SPECIALIST, 1 - pol.specialist_pay_ratio + pol.specialist_stigma, 0)
        gap = gap + np.where(wf.stepped_back, pol.step_back_stigma, 0.0)
        since = model.month - wf.coached_month  # coaching runs after this phase
        coached = (since > 0) & (since <= p.coaching_boost_months)
        return (
            p.baseline
            + p.manager_weight * (model.manager_q() - 0.5)
            + p.fit_weight * fit
            - p.stall_weight * years_in_grade / (years_in_grade + p.stall_years)
            - wf.status_drive * (p.ceiling_weight * stuck + p.parity_weight * gap)
            + p.coaching_boost * coached
        )
