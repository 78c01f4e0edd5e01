"""The organisation an HR workbook describes: its chart and policy levers, taken from the data.

The chart is the headcount table (people employed now, taken as the positions: vacancies are
not known), the span of control the largest team size (or the smallest span the chart needs),
and the policy levers follow from which roles exist at which grades. None of it is fitted.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orgsim.fit.errors import FitInputError
from orgsim.fit.workbook import HRData
from orgsim.hierarchy import chart_from_entries
from orgsim.parameters import ModelParams

#: Years the organisation is assumed to have run under its present policy before the data
#: were taken (the model starts from an unselected workforce; see docs/fitting.md).
BURN_IN_YEARS = 8.0
MAX_SPAN = 100  # organisation.span's upper bound


@dataclass(frozen=True)
class FittedOrganisation:
    """The fixed part of the fitted model: name, chart, span and policy levers."""

    name: str
    chart: list[dict[str, Any]]
    span: int
    levers: dict[str, Any]
    burn_in_years: float = BURN_IN_YEARS
    base: dict[str, Any] = field(default_factory=dict)

    def params_dict(self, values: dict[str, float] | None = None) -> dict[str, Any]:
        """ModelParams as a dict: the chart, span and levers, then ``values`` (dotted paths)."""
        data: dict[str, Any] = {k: dict(v) for k, v in self.base.items()}
        data.setdefault("organisation", {}).update(
            {"chart": [dict(e) for e in self.chart], "span": self.span}
        )
        data.setdefault("policy", {}).update(self.levers)
        for path, value in (values or {}).items():
            section, _, name = path.partition(".")
            data.setdefault(section, {})[name] = float(value)
        return data

    def model_params(self, values: dict[str, float] | None = None) -> ModelParams:
        """The model parameters of one simulation with these fitted values."""
        return ModelParams.model_validate(self.params_dict(values))


def scenario_name(text: str) -> str:
    """A scenario name (a results folder name) made from an organisation's name."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", text.strip()).strip("-")
    return name[:60] or "my-organisation"


def needed_span(chart: list[dict[str, Any]]) -> int:
    """The smallest span of control the chart can be built with: the largest team
    ``hierarchy.chart_from_entries`` makes when no span limits it (at least 2)."""
    entries = [(e["grade"], e["role"], e["positions"]) for e in chart]
    try:
        h = chart_from_entries(entries, span=sys.maxsize)
    except ValueError:  # a grade with no manager above: building the chart says so later
        return 2
    teams = np.bincount(h.manager[h.manager >= 0], minlength=h.size)
    return max(2, int(teams.max(initial=0)))


def from_hr_data(data: HRData, burn_in_years: float = BURN_IN_YEARS) -> FittedOrganisation:
    """The organisation of an HR workbook: chart from headcount, span from team sizes, levers
    from the roles at each grade (ICs up to the ceiling; a specialist ladder if any)."""
    hc = data.headcount[data.headcount["headcount"] > 0]
    chart = [
        {"grade": int(g), "role": str(r), "positions": int(n)}
        for g, r, n in hc.sort_values(["grade", "role"])[["grade", "role", "headcount"]].itertuples(
            index=False
        )
    ]
    grades = max(e["grade"] for e in chart)
    span = needed_span(chart)
    if data.teams is not None and len(data.teams):
        used = data.teams[data.teams["managers"] > 0]["team_size"]
        span = max(span, int(used.max()) if len(used) else span)
    if span > MAX_SPAN:
        raise FitInputError(
            f"{data.source}, sheet 'headcount': the chart needs teams of {span} direct reports "
            f"(at most {MAX_SPAN}); are managers missing from the headcount table?"
        )
    ic_grades = [e["grade"] for e in chart if e["role"] == "ic"]
    ceiling = min(max(ic_grades) if ic_grades else 1, grades - 1)
    levers: dict[str, Any] = {"ic_ceiling_grade": ceiling, "specialist_top_grade": None}
    specialist = [e["grade"] for e in chart if e["role"] == "specialist"]
    if specialist:
        levers["specialist_top_grade"] = min(max(max(specialist), ceiling + 1), grades)
    if "specialist_pay_ratio" in data.settings:
        levers["specialist_pay_ratio"] = float(data.settings["specialist_pay_ratio"])
    name = scenario_name(str(data.settings.get("organisation", "my-organisation")))
    org = FittedOrganisation(name, chart, span, levers, burn_in_years)
    try:
        org.model_params()
    except ValueError as exc:  # a chart the model cannot build: say so in the data's terms
        raise FitInputError(f"{data.source}, sheet 'headcount': {exc}") from None
    return org
