"""Phase 'expert_leaders': a manager's own expertise helps their team's skill grow."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


class ExpertLeadersParams(BaseModel):
    """Parameters of the expert-leaders phase."""

    model_config = ConfigDict(extra="forbid")
    strength: float = Field(
        0.1,
        ge=0,
        le=2,
        description="Yearly extra skill growth toward 1 of a practitioner led by a manager of "
        "expertise 1 who is fully motivated to develop people (per year). Source: modelling "
        "assumption; direction from Goodall, Kahn & Oswald (2011) and Artz, Goodall & Oswald "
        "(2017): workers led by technically expert bosses are more satisfied and perform "
        "better.",
    )


@register("expert_leaders")
class ExpertLeaders(Phase):
    """Practitioners: skill += s dt x_boss m_boss (1 - skill), with x_boss the expertise of
    their manager and m_boss that manager's motivation to lead (develop people).

    A team whose expert manager leaves loses the boost until a successor arrives (none under a
    vacant post). A top technical performer promoted brings expertise that fades as their
    unpractised skill decays, so whether promoting experts pays emerges from the run rather
    than being assumed.
    """

    Params = ExpertLeadersParams

    def step(self, model: OrgModel) -> None:
        people, boss = model.people, model.boss
        led = np.flatnonzero((boss >= 0) & (people.role != MANAGER))
        if led.size == 0 or self.params.strength == 0:
            return
        bosses = boss[led]
        push = model.expertise(bosses) * people.motivation[bosses]
        gain = self.params.strength * model.dt_years * push * (1 - people.skill[led])
        people.skill[led] = np.minimum(people.skill[led] + gain, 1.0)
