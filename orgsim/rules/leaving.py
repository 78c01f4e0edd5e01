"""Phase 'leaving': voluntary exits (a hazard of engagement and market value) and retirement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.parameters import Leaving as LeavingParams
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


def skill_percentile(skill: np.ndarray, occupied: np.ndarray) -> np.ndarray:
    """Each occupied row's skill rank among the employed, 0..1 (NaN for empty rows)."""
    out = np.full(len(skill), np.nan)
    rows = np.flatnonzero(occupied)
    ranks = np.argsort(np.argsort(skill[rows], kind="stable"), kind="stable")
    out[rows] = (ranks + 0.5) / max(len(rows), 1)
    return out


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
