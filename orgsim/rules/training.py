"""Phase 'training': management training for new managers, lifting their quality over months."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


class TrainingParams(BaseModel):
    """Parameters of the management-training phase."""

    model_config = ConfigDict(extra="forbid")
    quality_gain: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Share of the gap to full manager quality (1 - q) a trained manager closes "
        "once the training has taken effect. Source: modelling assumption; direction and rough "
        "size from Lacerenza et al. (2017), a meta-analysis of leadership-training studies: "
        "training improves leadership behaviour and results by about half a standard deviation.",
    )
    months_to_effect: float = Field(
        6.0,
        ge=0,
        le=60,
        description="Months over which the gain builds up linearly after training "
        "(modelling assumption: a programme and its practice take about half a year).",
    )


@register("training")
class Training(Phase):
    """Each manager appointed since the last step (promoted or hired, not yet considered) is
    trained with probability policy.management_training ('training' events, costed by the
    business case). From then on, after manager_quality has set q:

        q <- q + g (1 - q) min(1, months since training / months_to_effect).
    """

    Params = TrainingParams
    levers = ("management_training",)

    def setup(self, model: OrgModel) -> None:
        never = lambda rng, grades, people: np.full(len(grades), -1)  # noqa: E731
        model.add_attribute("trained_month", never, dtype="int32", empty=-1)
        model.add_attribute(
            "training_considered", lambda r, g, p: np.zeros(len(g), bool), "bool", 0
        )

    def step(self, model: OrgModel) -> None:
        people, share = model.people, model.params.policy.management_training
        u = model.stream("training").random(len(people))
        new = np.flatnonzero((people.role == MANAGER) & ~people.training_considered)
        people.training_considered[new] = True
        # The starting managers (neither promoted to manager nor hired during the run) were
        # appointed before it: considered at their first step, never trained.
        new = new[(people.promoted_month[new] >= 0) | (people.hire_month[new] > 0)]
        trained = new[u[new] < share]
        people.trained_month[trained] = model.month
        model.emit("training", people.uid[trained])
        self.lift(model)

    def lift(self, model: OrgModel) -> None:
        """Raise trained managers' quality toward 1 as the training takes effect."""
        p, params = model.people, self.params
        rows = np.flatnonzero((p.role == MANAGER) & (p.trained_month >= 0))
        if rows.size == 0 or params.quality_gain == 0:
            return
        since = (model.month - p.trained_month[rows]).astype(float)
        ramp = (
            1.0 if params.months_to_effect == 0 else np.minimum(since / params.months_to_effect, 1)
        )
        q = p.manager_quality[rows]
        p.manager_quality[rows] = q + params.quality_gain * (1 - q) * ramp
