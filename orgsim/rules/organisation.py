"""Slot 'organisation': the shape of the organisation chart, built once before month 1."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orgsim.hierarchy import Hierarchy, build_hierarchy
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("organisation")
class SpanShape(Rule):
    """Managers above the IC ceiling, as few as keep every span within organisation.span;
    specialist positions a share of the manager positions at each specialist grade."""

    phase = "organisation"

    def build(self, model: OrgModel) -> Hierarchy:
        """The positions of the organisation."""
        org, pol = model.params.organisation, model.params.policy
        return build_hierarchy(
            org.size, org.grades, org.span, pol.ic_ceiling_grade,
            pol.specialist_top_grade, pol.specialist_share, org.ic_grade_ratio,
        )  # fmt: skip
