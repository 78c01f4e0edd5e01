"""Slot 'filling': the order vacancies are filled, when, and which phases run level by level."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.rules.base import FillingRule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


class FillingParams(BaseModel):
    """Parameters of the default filling rule."""

    model_config = ConfigDict(extra="forbid")
    order: Literal["top-down", "bottom-up", "by-kind"] = Field(
        "top-down",
        description="top-down: the top grade first, so a chain of vacancies runs down within "
        "one step; bottom-up: the lowest grade first; by-kind: every manager post (top down), "
        "then specialist, then IC posts. Within a grade: managers, specialists, ICs.",
    )
    interleave: list[str] = Field(
        default_factory=list,
        description="Consecutive phases (e.g. [leaving, promotion, hiring]) run grade by grade "
        "in filling order instead of one after another.",
    )


@register("filling")
class LevelFilling(FillingRule):
    """Manager vacancies are filled every step (a team cannot wait a year for a leader); IC and
    specialist vacancies at each review (promotion.review_interval_months)."""

    Params = FillingParams

    def levels(self, model: OrgModel) -> list[tuple[int, int]]:
        top = int(model.hierarchy.grade.max())
        roles = (MANAGER, SPECIALIST, IC)
        down = range(top, 0, -1)
        if self.params.order == "by-kind":
            return [(g, r) for r in roles for g in down]
        grades = down if self.params.order == "top-down" else range(1, top + 1)
        return [(g, r) for g in grades for r in roles]

    def due(self, model: OrgModel, role: int) -> bool:
        return role == MANAGER or model.is_review_step()

    def interleaved(self) -> tuple[str, ...]:
        return tuple(self.params.interleave)
