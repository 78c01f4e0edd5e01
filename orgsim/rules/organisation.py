"""Slot 'organisation': the chart of positions, built once before month 0."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orgsim.hierarchy import Hierarchy, build_hierarchy, chart_from_entries
from orgsim.rules.base import OrganisationRule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("organisation")
class SpanShape(OrganisationRule):
    """The scenario's explicit ``organisation.chart`` if it has one; otherwise managers above
    the IC ceiling, as few as keep every span within organisation.span, and specialist
    positions a share of the manager positions at each specialist grade."""

    levers = ("ic_ceiling_grade", "specialist_top_grade", "specialist_share")

    def build(self, model: OrgModel) -> Hierarchy:
        """The positions of the organisation."""
        org, pol = model.params.organisation, model.params.policy
        if org.chart:
            return chart_from_entries([(e.grade, e.role, e.positions) for e in org.chart], org.span)
        return build_hierarchy(
            org.size, org.grades, org.span, pol.ic_ceiling_grade,
            pol.specialist_top_grade, pol.specialist_share, org.ic_grade_ratio,
        )  # fmt: skip
