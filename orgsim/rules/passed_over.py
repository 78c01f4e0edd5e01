"""Phase 'passed_over': runners-up for a manager post disengage and are likelier to leave."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


class PassedOverParams(BaseModel):
    """Parameters of the passed-over phase (all modelling assumptions: the direction, that
    missing a wanted promotion lowers commitment and raises quitting, is common ground in
    the promotion and turnover literature; no published size is used)."""

    model_config = ConfigDict(extra="forbid")
    engagement_drop: float = Field(
        0.05, ge=0, le=1, description="Engagement lost at once by a runner-up (0..1 scale)."
    )
    exit_hazard_ratio: float = Field(
        1.5,
        ge=1,
        le=10,
        description="Voluntary exit hazard of a runner-up relative to the base hazard, for "
        "window_months after (the extra is base_monthly_exit x (ratio - 1) a month).",
    )
    window_months: int = Field(
        12, ge=0, le=120, description="Months for which a runner-up is likelier to leave."
    )


@register("passed_over")
class PassedOver(Phase):
    """The promotion rule names, for each manager appointment, the next candidates in the
    selection's order who would have taken the post (promotion.runners_up per post, events
    'passed_over'): they wanted it and saw it go to another. Each loses engagement_drop at
    once and, for window_months, leaves with an extra monthly probability b (ratio - 1)
    (voluntary exits), b = leaving.base_monthly_exit: promotion works as a retention tool,
    and its absence as a push."""

    Params = PassedOverParams

    def setup(self, model: OrgModel) -> None:
        never = lambda rng, grades, people: np.full(len(grades), -1)  # noqa: E731
        model.add_attribute("passed_over_month", never, dtype="int32", empty=-1)

    def step(self, model: OrgModel) -> None:
        people, p = model.people, self.params
        u = model.stream("passed-over").random(len(people))
        rows = model.rows_with_event("passed_over")  # a runner-up may have left since
        people.engagement[rows] = np.maximum(people.engagement[rows] - p.engagement_drop, 0.0)
        people.passed_over_month[rows] = model.month
        since = model.month - people.passed_over_month
        window = people.active & (people.passed_over_month >= 0) & (since < p.window_months)
        extra = model.params.leaving.base_monthly_exit * (p.exit_hazard_ratio - 1)
        hazard = 1 - (1 - min(extra, 1.0)) ** model.step_months
        model.remove_people(people.uid[window & (u < hazard)], "voluntary")
