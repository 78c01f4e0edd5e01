"""Phase 'leaving': voluntary exits (a hazard of engagement and market value) and retirement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.parameters import Leaving as LeavingParams
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


def skill_percentile(skill: np.ndarray, occupied: np.ndarray, bins: int = 1000) -> np.ndarray:
    """Each row's skill rank among the employed, 0..1, from a 1,000-bin histogram (O(n))."""
    idx = np.minimum((np.nan_to_num(skill) * bins).astype(np.int64), bins - 1)
    counts = np.bincount(idx[occupied], minlength=bins)
    below = np.cumsum(counts) - counts / 2  # mid-rank within the bin
    return below[idx] / max(int(occupied.sum()), 1)


@register("leaving")
class Leaving(Rule):
    """h = 1 - (1 - b)^(months) with b = base * exp(s_e (e_ref - e)) * exp(s_k (pct - 0.5)).

    Retirement at the age limit. Every position draws a uniform each step, vacant or not, so
    replications of different policies share their random numbers row by row.
    """

    phase = "leaving"
    Params = LeavingParams
    section = "leaving"

    def step(self, model: OrgModel) -> None:
        p, wf = self.params, model.workforce
        occ = wf.occupied
        u = model.stream("leaving").random(len(wf))
        pct = skill_percentile(wf.skill, occ)
        monthly = p.base_monthly_exit * np.exp(
            p.engagement_sensitivity * (p.reference_engagement - wf.engagement)
            + p.skill_sensitivity * (pct - 0.5)
        )
        hazard = 1 - (1 - np.minimum(monthly, 1.0)) ** model.step_months
        retire = occ & (wf.age >= p.retirement_age)
        quit_ = occ & ~retire & (u < hazard)
        model.remove_people(np.flatnonzero(quit_), "exit", top_quartile=pct >= 0.75)
        model.remove_people(np.flatnonzero(retire), "retirement")
