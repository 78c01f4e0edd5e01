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
    at_review: list[Literal["manager", "specialist", "ic"]] = Field(
        default_factory=list,
        description="Kinds of post filled only at the promotion review (every "
        "promotion.review_interval_months); the others are filled every step, internally "
        "first and then from outside after the time to hire. [] (default): every vacancy as "
        "it arises; [specialist, ic] is orgsim 0.1's yearly review.",
    )
    interleave: list[str] = Field(
        default_factory=list,
        description="Consecutive phases (e.g. [leaving, promotion, hiring]) run grade by grade "
        "in filling order instead of one after another.",
    )


KINDS = {MANAGER: "manager", SPECIALIST: "specialist", IC: "ic"}


@register("filling")
class LevelFilling(FillingRule):
    """Vacancies are filled as they arise (a UK employer runs near 3 vacancies per 100 jobs,
    ONS 2019), except the kinds listed in ``at_review``, filled at each review."""

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
        return KINDS[role] not in self.params.at_review or model.is_review_step()

    def interleaved(self) -> tuple[str, ...]:
        return tuple(self.params.interleave)
