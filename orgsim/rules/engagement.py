"""Phase 'engagement': engagement moves toward a target set by the manager, fit and career."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.parameters import Engagement as EngagementParams
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("engagement")
class Engagement(Phase):
    """e <- e* + (1 - a)^m (e - e*) + noise sqrt((1 - (1 - a)^2m) / (1 - (1 - a)^2)) z, clipped to
    0..1 (for a monthly step, m = 1: e += a (e* - e) + noise z), with the target

    e* = baseline + w_q (q_mgr - 0.5) + w_fit fit - w_stall t/(t + T) - w_ceil d stuck
         - w_par d gap + boost,

    fit = motivation - 0.5 for managers (0 otherwise); stuck = 1 - motivation for anyone whose
    only way up is management: a specialist at a track top below the top grade, an IC at the
    ceiling with no specialist ladder (the more they would like to lead, the less stuck);
    gap = (1 - pay ratio) + stigma for specialists, + step-back stigma for those who stepped back.
    """

    Params = EngagementParams
    section = "engagement"
    levers = ("ic_ceiling_grade", "specialist_top_grade", "specialist_pay_ratio",
              "specialist_stigma", "step_back_stigma")  # fmt: skip

    def step(self, model: OrgModel) -> None:
        p, wf = self.params, model.people
        target = self.target(model)
        keep = (1 - p.adjustment) ** model.step_months
        new = model.stream("engagement").standard_normal(len(wf))
        # The noise of step_months monthly updates, compounded (the AR(1) sum), so a yearly
        # step has the same spread as twelve monthly ones.
        new *= p.noise * np.sqrt((1 - keep**2) / (1 - (1 - p.adjustment) ** 2))
        new += keep * wf.engagement  # vacant rows hold NaN, and keep it
        target *= 1 - keep
        new += target
        np.clip(new, 0.0, 1.0, out=wf.engagement)

    def target(self, model: OrgModel) -> np.ndarray:
        """The engagement each row moves toward this step (in place on one buffer: hot path)."""
        p, wf, pol = self.params, model.people, model.params.policy
        t = model.manager_q()
        t -= 0.5
        t *= p.manager_weight
        t += p.baseline
        years = wf.time_in_grade / 12.0
        t -= p.stall_weight * years / (years + p.stall_years)
        mgr = np.flatnonzero(wf.role == MANAGER)
        t[mgr] += p.fit_weight * (wf.motivation[mgr] - 0.5)
        d = wf.status_drive
        spec = np.flatnonzero(wf.role == SPECIALIST)
        if pol.specialist_top_grade is None:
            stuck = np.flatnonzero((wf.role == IC) & (wf.grade == pol.ic_ceiling_grade))
            t[stuck] -= p.ceiling_weight * d[stuck] * (1 - wf.motivation[stuck])
        elif pol.specialist_top_grade < model.hierarchy.grades:
            stuck = spec[wf.grade[spec] == pol.specialist_top_grade]
            t[stuck] -= p.ceiling_weight * d[stuck] * (1 - wf.motivation[stuck])
        gap = 1 - pol.specialist_pay_ratio + pol.specialist_stigma
        t[spec] -= p.parity_weight * gap * d[spec]
        back = np.flatnonzero(wf.stepped_back)
        t[back] -= p.parity_weight * pol.step_back_stigma * d[back]
        since = model.month - wf.coached_month  # coaching runs after this phase
        t[(since > 0) & (since <= p.coaching_boost_months)] += p.coaching_boost
        return t
