"""Phase 'competence': new hires and people changing role reach full productivity over months."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel

#: role_since of the starting workforce: settled in their roles before the run.
SETTLED = -(10**6)


class CompetenceParams(BaseModel):
    """Parameters of the competence phase."""

    model_config = ConfigDict(extra="forbid")
    start: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Productivity of a new hire, or of someone who has just moved between "
        "management and practice, as a share of full (modelling assumption: a linear ramp "
        "from half).",
    )
    months: float = Field(
        6.5,
        ge=0,
        le=120,
        description="Months to full productivity in a practitioner role. Source: Oxford "
        "Economics for Unum (2014), 'The Cost of Brain Drain': 28 weeks for a new UK hire.",
    )
    manager_months: float = Field(
        6.0,
        ge=0,
        le=120,
        description="Months for a new manager's quality to reach its full value (modelling "
        "assumption: Hill 2003 describes the first year as managers' hardest transition).",
    )


@register("competence")
class Competence(Phase):
    """c = start + (1 - start) min(1, (month - role_since) / T), role_since the month someone
    was hired or last moved between management and practice (the starting workforce is
    settled: c = 1). Practitioners' effective expertise, and so their output and observed
    performance, is multiplied by c (attribute ``competence``; T = months); a manager's
    quality by c (T = manager_months), after manager_quality and training have set it."""

    Params = CompetenceParams

    def setup(self, model: OrgModel) -> None:
        unknown = lambda rng, grades, people: np.full(len(grades), -1)  # noqa: E731
        model.add_attribute("role_since", unknown, dtype="int32", empty=-1)
        model.add_attribute("last_role", unknown, dtype="int8", empty=-1)

    def step(self, model: OrgModel) -> None:
        p, params = model.people, self.params
        active = p.active
        new = active & (p.last_role < 0)
        p.role_since[new] = np.where(p.hire_month[new] > 0, p.hire_month[new], SETTLED)
        moved = (
            active
            & ~new
            & (p.last_role != p.role)
            & ((p.last_role == MANAGER) | (p.role == MANAGER))
        )
        p.role_since[moved] = model.month - p.time_in_grade[moved]  # a move resets it
        p.last_role[active] = p.role[active]
        since = (model.month - p.role_since).astype(float)
        leads = p.role == MANAGER
        p.competence[:] = np.where(leads, 1.0, ramp(since, params.start, params.months))
        rows = np.flatnonzero(active & leads)
        p.manager_quality[rows] *= ramp(since[rows], params.start, params.manager_months)


def ramp(months: np.ndarray, start: float, length: float) -> np.ndarray:
    """Linear ramp from ``start`` to 1 over ``length`` months (1 at once if length is 0)."""
    if length == 0:
        return np.ones_like(months)
    return start + (1 - start) * np.clip(months / length, 0.0, 1.0)
