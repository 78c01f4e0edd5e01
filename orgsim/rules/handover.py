"""Phase 'handover': people close to retirement pass firm knowledge to their team."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


class HandoverParams(BaseModel):
    """Parameters of the handover phase (modelling assumptions; the lever that switches it
    on is policy.knowledge_transfer)."""

    model_config = ConfigDict(extra="forbid")
    months_before: float = Field(
        12.0,
        ge=0,
        le=600,
        description="Months before the retirement age in which a mentor hands over.",
    )
    rate: float = Field(
        0.5,
        ge=0,
        le=12,
        description="Yearly share of the gap between a mentor's firm-specific expertise and a "
        "colleague's that the colleague closes (per year).",
    )


@register("handover")
class Handover(Phase):
    """A practitioner within months_before of retiring mentors, if their own uniform (drawn
    at hire) is below policy.knowledge_transfer: each practitioner colleague under the same
    manager gains firm expertise toward the best mentor's in the team,
    f += rate dt max(0, f_mentor - f). Retirement is foreseen, so what a retiree knows of the
    firm need not all walk out with them; resignations come at short notice and hand nothing."""

    Params = HandoverParams
    levers = ("knowledge_transfer",)

    def setup(self, model: OrgModel) -> None:
        model.add_attribute("mentor_u", lambda rng, grades, people: rng.random(len(grades)))

    def step(self, model: OrgModel) -> None:
        share, p = model.params.policy.knowledge_transfer, model.people
        if share == 0 or self.params.rate == 0:
            return
        boss, retire_at = model.boss, model.params.leaving.retirement_age
        practises = p.active & (p.role != MANAGER) & (boss >= 0)
        soon = retire_at - p.age <= self.params.months_before / 12
        mentors = np.flatnonzero(practises & soon & (p.mentor_u < share))
        if mentors.size == 0:
            return
        best = np.full(len(p), -1.0)  # per manager row: the best mentor's firm expertise
        np.maximum.at(best, boss[mentors], p.firm_expertise[mentors])
        team = np.flatnonzero(practises)
        level = best[boss[team]]
        gap = np.maximum(level - p.firm_expertise[team], 0.0)
        p.firm_expertise[team] += self.params.rate * model.dt_years * gap
