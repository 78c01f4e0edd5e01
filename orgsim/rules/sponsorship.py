"""Phase 'sponsorship': reluctant or weak managers are accidental blockers of their people."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel

#: Sponsorship below which a manager starts to block: an average manager who wants to lead.
FULL_SPONSOR = 0.5


class SponsorshipParams(BaseModel):
    """Parameters of the sponsorship phase. Sizes are modelling assumptions; the direction,
    that a sponsor's advocacy drives promotion, is from Ibarra, Carter & Silva (2010) and
    Hewlett (2013)."""

    model_config = ConfigDict(extra="forbid")
    visibility_weight: float = Field(
        0.05,
        ge=0,
        le=2,
        description="Observed technical performance lost, when candidates are ranked for "
        "promotion, by someone whose manager blocks fully (in skill units; the observation "
        "noise is promotion.performance_noise = 0.1).",
    )
    growth_drag: float = Field(
        0.03,
        ge=0,
        le=1,
        description="Yearly skill growth toward 1 lost under a full blocker (per year; a "
        "fifth of growth.skill_growth).",
    )


@register("sponsorship")
class Sponsorship(Phase):
    """Each practitioner's blocking b = max(0, 0.5 - min(q, m)) / 0.5, with q this step's
    quality and m the motivation to lead of their manager: 0 under a manager at least of
    average quality who wants to lead, up to 1 under a weak or reluctant one (none at the top
    or under a vacant post). Skill then grows more slowly, skill -= drag dt b (1 - skill),
    and the person is less visible: promotion ranks them on observed performance minus
    visibility_weight b (attribute ``blocked``)."""

    Params = SponsorshipParams

    def setup(self, model: OrgModel) -> None:
        none = lambda rng, grades, people: np.zeros(len(grades))  # noqa: E731
        model.add_attribute("blocked", none, empty=0.0)

    def step(self, model: OrgModel) -> None:
        people, boss = model.people, model.boss
        people.blocked[:] = 0.0
        led = np.flatnonzero((boss >= 0) & (people.role != MANAGER))
        if led.size == 0:
            return
        bosses = boss[led]
        quality = np.nan_to_num(people.manager_quality[bosses], nan=FULL_SPONSOR)
        sponsor = np.minimum(quality, people.motivation[bosses])
        b = np.maximum(0.0, FULL_SPONSOR - sponsor) / FULL_SPONSOR
        people.blocked[led] = b
        drag = self.params.growth_drag * model.dt_years * b * (1 - people.skill[led])
        people.skill[led] = np.maximum(people.skill[led] - drag, 0.0)

    def visibility_loss(self, model: OrgModel) -> np.ndarray:
        """What each row's observed performance loses to their manager's blocking."""
        return self.params.visibility_weight * model.people.blocked
