"""The measures of MODEL.md, declared up front and computed from the workforce arrays each step.

Each measure has a unit, a plain-English label, whether higher is better for the organisation,
and how a run is summarised: ``final_year`` (mean over the last 12 months of the run) or
``final`` (value at the horizon).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from orgsim.hierarchy import IC, MANAGER, ROLE_NAMES, SPECIALIST

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@dataclass(frozen=True)
class Measure:
    """Metadata of one measure; ``compute`` is set for measures added by extensions."""

    name: str
    label: str
    unit: str
    better: Literal["higher", "lower", "neither"] = "neither"
    summary: Literal["final_year", "final"] = "final_year"
    compute: Callable[[OrgModel], float] | None = None


_M = Measure
MEASURES: dict[str, Measure] = {
    m.name: m
    for m in [
        _M("engagement", "Mean engagement", "0..1", "higher"),
        _M("engaged_share", "Share engaged (Gallup 'engaged')", "share", "higher"),
        _M("engagement_ic", "Engagement of individual contributors", "0..1", "higher"),
        _M("engagement_specialist", "Engagement of specialists", "0..1", "higher"),
        _M("engagement_manager", "Engagement of managers", "0..1", "higher"),
        _M(
            "middle_manager_engagement",
            "Engagement of managers below the top grade",
            "0..1",
            "higher",
        ),
        _M("voluntary_turnover", "Voluntary turnover", "share per year", "lower"),
        _M("regretted_turnover", "Turnover of the top skill quartile", "share per year", "lower"),
        _M(
            "reluctant_manager_turnover",
            "Turnover of reluctant managers",
            "share per year",
            "neither",
        ),
        _M("reluctant_manager_share", "Managers who do not want to lead", "share", "lower"),
        _M(
            "new_manager_reluctant_share",
            "Managers appointed in the last 2 years who do not want to lead",
            "share",
            "lower",
        ),
        _M("manager_quality", "Mean manager quality", "0..1", "higher"),
        _M(
            "expertise_walked_out",
            "Expertise that walked out",
            "expertise per 100 staff per year",
            "lower",
        ),
        _M(
            "expertise_idle_in_management",
            "Technical skill idled in management roles",
            "share of all skill",
            "lower",
        ),
        _M(
            "technical_capability",
            "Working technical capability",
            "expertise per position",
            "higher",
        ),
        _M("team_output", "Team output", "output per practitioner position", "higher"),
        _M(
            "peter_signature",
            "Pre-promotion performance vs later team output",
            "correlation",
            "neither",
            "final",
        ),
        _M("headcount", "People employed", "people", "neither"),
        _M("vacancies", "Vacant positions", "positions", "lower"),
        _M("hires", "External hires", "people per year"),
        _M("exits", "Voluntary exits", "people per year", "lower"),
        _M("retirements", "Retirements", "people per year"),
        _M("promotions_to_manager", "Promotions into management", "people per year"),
        _M("promotions_to_specialist", "Moves onto the specialist ladder", "people per year"),
        _M("step_backs", "Step-backs from management", "people per year"),
        _M("pay_bill", "Pay bill", "grade-1 monthly salaries per year", "lower"),
        _M("coaching_cost", "Coaching cost", "grade-1 monthly salaries per year", "lower"),
    ]
}

#: The measures a strategist reads first (tables, overview cards, the report).
KEY_MEASURES = (
    "engagement",
    "middle_manager_engagement",
    "voluntary_turnover",
    "regretted_turnover",
    "reluctant_manager_share",
    "expertise_walked_out",
    "expertise_idle_in_management",
    "technical_capability",
    "team_output",
    "peter_signature",
)

#: Flow counters the rules add to during a step, and the measure each feeds (per year).
FLOWS = (
    "hires",
    "exits",
    "retirements",
    "promotions_to_manager",
    "promotions_to_specialist",
    "step_backs",
    "coached",
    "regretted_exits",
    "reluctant_manager_exits",
    "expertise_walked_out",
)


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else float("nan")


def team_output_by_member(model: OrgModel) -> np.ndarray:
    """Output of each practitioner row: expertise (0.5 + 0.5 e) (0.5 + q_manager); 0 if empty."""
    wf, h = model.workforce, model.hierarchy
    practises = wf.occupied & (h.role != MANAGER)
    out = model.expertise() * (0.5 + 0.5 * wf.engagement) * (0.5 + model.manager_q())
    return np.where(practises, out, 0.0)


def practitioner_team_output(model: OrgModel, output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each manager row's team output per practitioner position reporting to it, and the number
    of those positions (0 for a manager whose reports are all managers, who have no output)."""
    h = model.hierarchy
    led = (h.manager >= 0) & (h.role != MANAGER)
    n = len(h.manager)
    team_n = np.bincount(h.manager[led], minlength=n)
    team_sum = np.bincount(h.manager[led], weights=output[led], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return team_sum / team_n, team_n


def peter_signature(model: OrgModel, output: np.ndarray, min_managers: int = 10) -> float:
    """Correlation, over managers promoted in this run and in post 12+ months who lead
    practitioners, of their pre-promotion performance with their team's output per
    practitioner position."""
    wf, h = model.workforce, model.hierarchy
    team_mean, team_n = practitioner_team_output(model, output)
    seasoned = (wf.promoted_month >= 0) & (model.month - wf.promoted_month >= 12)
    rows = np.flatnonzero(seasoned & (h.role == MANAGER) & (team_n > 0))
    if rows.size < min_managers:
        return float("nan")
    return float(np.corrcoef(wf.pre_promotion_performance[rows], team_mean[rows])[0, 1])


def core_measures(model: OrgModel) -> dict[str, float]:
    """Every built-in measure for the current step (flows annualised)."""
    wf, h, p = model.workforce, model.hierarchy, model.params
    occ = wf.occupied
    n = max(int(occ.sum()), 1)
    per_year = 12 / model.step_months
    flows = model.flows
    e = wf.engagement
    mgr = occ & (h.role == MANAGER)
    reluctant = mgr & (wf.motivation < p.promotion.reluctance_threshold)
    recent = mgr & (
        ((wf.promoted_month >= 0) & (wf.promoted_month >= model.month - 24))
        | ((wf.hire_month > 0) & (wf.hire_month >= model.month - 24))
    )
    practises = occ & (h.role != MANAGER)
    expertise = model.expertise()
    skill_total = wf.skill[occ].sum()
    output = team_output_by_member(model)
    pay = p.organisation.pay_step ** (h.grade - 1.0)
    pay = np.where(h.role == SPECIALIST, pay * p.policy.specialist_pay_ratio, pay)
    n_practitioner_positions = max(int((h.role != MANAGER).sum()), 1)
    top_quartile_n = max(n / 4, 1)
    return {
        "engagement": float(e[occ].mean()),
        "engaged_share": float((e[occ] >= p.engagement.engaged_threshold).mean()),
        "engagement_ic": _mean(e, occ & (h.role == IC)),
        "engagement_specialist": _mean(e, occ & (h.role == SPECIALIST)),
        "engagement_manager": _mean(e, mgr),
        "middle_manager_engagement": _mean(e, mgr & (h.grade < h.grades)),
        "voluntary_turnover": flows["exits"] / n * per_year,
        "regretted_turnover": flows["regretted_exits"] / top_quartile_n * per_year,
        "reluctant_manager_turnover": flows["reluctant_manager_exits"]
        / max(model.reluctant_managers_before, 1)
        * per_year,
        "reluctant_manager_share": reluctant.sum() / max(mgr.sum(), 1),
        "new_manager_reluctant_share": _mean(
            wf.motivation < p.promotion.reluctance_threshold, recent
        ),
        "manager_quality": _mean(wf.manager_quality, mgr & ~np.isnan(wf.manager_quality)),
        "expertise_walked_out": flows["expertise_walked_out"] / n * 100 * per_year,
        "expertise_idle_in_management": float(wf.skill[mgr].sum() / skill_total),
        "technical_capability": float(expertise[practises].sum() / n_practitioner_positions),
        "team_output": float(output.sum() / n_practitioner_positions),
        "peter_signature": peter_signature(model, output),
        "headcount": float(occ.sum()),
        "vacancies": float((~occ).sum()),
        "hires": flows["hires"] * per_year,
        "exits": flows["exits"] * per_year,
        "retirements": flows["retirements"] * per_year,
        "promotions_to_manager": flows["promotions_to_manager"] * per_year,
        "promotions_to_specialist": flows["promotions_to_specialist"] * per_year,
        "step_backs": flows["step_backs"] * per_year,
        "pay_bill": float(pay[occ].sum() * 12),
        "coaching_cost": flows["coached"] * p.policy.coaching_cost * per_year,
    }


def structure(model: OrgModel) -> dict[str, np.ndarray]:
    """Headcount, mean engagement and reluctant count per (grade, role) for this step."""
    wf, h = model.workforce, model.hierarchy
    occ = wf.occupied
    cell = (h.grade.astype(np.int64) - 1) * 3 + h.role
    size = h.grades * 3
    count = np.bincount(cell[occ], minlength=size)
    eng = np.bincount(cell[occ], weights=wf.engagement[occ], minlength=size)
    tau = model.params.promotion.reluctance_threshold
    rel = np.bincount(cell[occ], weights=wf.motivation[occ] < tau, minlength=size)
    positions = np.bincount(cell, minlength=size)
    keep = positions > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_eng = eng / count
    return {
        "month": np.full(keep.sum(), model.month, dtype=np.int32),
        "grade": (np.arange(size) // 3 + 1)[keep],
        "role": np.array(ROLE_NAMES)[np.arange(size) % 3][keep],
        "positions": positions[keep],
        "headcount": count[keep],
        "engagement": mean_eng[keep],
        "reluctant": rel[keep].astype(np.int64),
    }


class Recorder:
    """Collects the measures and the structure each step into DataFrames."""

    def __init__(self, extra: dict[str, Measure] | None = None) -> None:
        self.extra = extra or {}
        self._rows: list[dict[str, float]] = []
        self._structure: list[dict[str, np.ndarray]] = []

    @property
    def measures(self) -> dict[str, Measure]:
        """All measures recorded: the built-in ones and those added by extensions."""
        return MEASURES | self.extra

    def record(self, model: OrgModel) -> None:
        """Append this step's measures and structure."""
        row = {"month": model.month, **core_measures(model)}
        for name, measure in self.extra.items():
            row[name] = float(measure.compute(model))
        self._rows.append(row)
        self._structure.append(structure(model))

    def timeseries(self) -> pd.DataFrame:
        """One row per recorded step, one column per measure."""
        return pd.DataFrame(self._rows)

    def structure_frame(self) -> pd.DataFrame:
        """One row per step, grade and role."""
        return pd.concat([pd.DataFrame(s) for s in self._structure], ignore_index=True)

    def summary(self, step_months: int) -> dict[str, float]:
        """Each measure summarised over the final year (or at the horizon)."""
        ts = self.timeseries()
        last_year = ts.tail(max(12 // step_months, 1))
        out = {}
        for name, m in self.measures.items():
            col = ts[name] if m.summary == "final" else last_year[name]
            out[name] = float(col.iloc[-1]) if m.summary == "final" else float(col.mean())
        return out
