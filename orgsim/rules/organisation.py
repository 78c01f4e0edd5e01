"""Slot 'organisation': the chart of positions, built once before month 0."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from orgsim.hierarchy import (
    Hierarchy,
    build_hierarchy,
    chart_from_entries,
    chart_layers,
    chart_pay_bill,
    equal_cost_size,
)
from orgsim.rules.base import OrganisationRule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel
    from orgsim.parameters import ModelParams


@register("organisation")
class SpanShape(OrganisationRule):
    """The scenario's explicit ``organisation.chart`` if it has one; otherwise managers above
    the IC ceiling, as few as keep every span within organisation.span, and specialist
    positions a share of the manager positions at each specialist grade. With
    policy.hold_pay_bill, the organisation has as many positions as the pay bill of the same
    chart without a specialist ladder buys (an equal-cost comparison)."""

    levers = ("ic_ceiling_grade", "specialist_top_grade", "specialist_share", "hold_pay_bill")

    def check(self, params: ModelParams) -> None:
        """ValueError if the chart ``build`` would make cannot be made (what ``orgsim
        validate`` runs): by building it, as a run does (the equal-cost resizing too), up to
        200,000 positions; beyond, by its layer counts alone (cheap at any size, and a large
        organisation never lacks posts for its grades)."""
        org, pol = params.organisation, params.policy
        if org.chart or org.size <= 200_000:
            self.build(SimpleNamespace(params=params))  # type: ignore[arg-type]
        else:
            chart_layers(org.size, org.grades, org.span, pol.ic_ceiling_grade,
                         pol.specialist_top_grade, pol.specialist_share)  # fmt: skip

    def build(self, model: OrgModel) -> Hierarchy:
        """The positions of the organisation."""
        org, pol = model.params.organisation, model.params.policy
        if org.chart:
            return chart_from_entries([(e.grade, e.role, e.positions) for e in org.chart], org.span)

        def chart(size: int, spec_top: int | None = pol.specialist_top_grade) -> Hierarchy:
            return build_hierarchy(
                size, org.grades, org.span, pol.ic_ceiling_grade,
                spec_top, pol.specialist_share, org.ic_grade_ratio,
            )  # fmt: skip

        if not pol.hold_pay_bill or pol.specialist_top_grade is None:
            return chart(org.size)
        # equal cost: as many posts as the budget of the chart without a specialist ladder buys
        budget = chart_pay_bill(chart(org.size, None), org.pay_step, 1.0)

        def cost(size: int) -> float:
            try:
                return chart_pay_bill(chart(size), org.pay_step, pol.specialist_pay_ratio)
            except ValueError:  # too small to build: never the answer
                return 0.0

        return chart(equal_cost_size(org.size, budget, cost))
