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


@dataclass(frozen=True)
class Cells:
    """Sums per (grade, role) cell of the chart for one step: the measures by role and grade
    and the structure table all come from these few bincounts."""

    positions: np.ndarray
    count: np.ndarray
    engagement: np.ndarray
    engaged: np.ndarray
    reluctant: np.ndarray
    skill: np.ndarray

    @staticmethod
    def of(model: OrgModel, cell: np.ndarray, size: int) -> Cells:
        """The cell sums of the model now; ``cell`` maps each position to its cell."""
        wf, p = model.workforce, model.params
        occ = wf.occupied
        c = cell[occ]

        def total(weights: np.ndarray | None = None) -> np.ndarray:
            return np.bincount(c, weights=weights, minlength=size)

        e = wf.engagement[occ]
        return Cells(
            positions=np.bincount(cell, minlength=size),
            count=total(),
            engagement=total(e),
            engaged=total(e >= p.engagement.engaged_threshold),
            reluctant=total(wf.motivation[occ] < p.promotion.reluctance_threshold),
            skill=total(wf.skill[occ]),
        )

    def mean(self, values: np.ndarray, mask: np.ndarray) -> float:
        """Sum of ``values`` over the cells in ``mask``, per person in them."""
        n = self.count[mask].sum()
        return float(values[mask].sum() / n) if n else float("nan")


def core_measures(model: OrgModel, cells: Cells, cell_role: np.ndarray, cell_grade: np.ndarray):
    """Every built-in measure for the current step (flows annualised)."""
    wf, h, p = model.workforce, model.hierarchy, model.params
    n = max(int(cells.count.sum()), 1)
    per_year = 12 / model.step_months
    flows = model.flows
    mgr_cells = cell_role == MANAGER
    mgr = wf.occupied & (h.role == MANAGER)
    recent = mgr & (
        ((wf.promoted_month >= 0) & (wf.promoted_month >= model.month - 24))
        | ((wf.hire_month > 0) & (wf.hire_month >= model.month - 24))
    )
    output = team_output_by_member(model)
    expertise = np.where(wf.occupied & (h.role != MANAGER), model.expertise(), 0.0)
    pay = p.organisation.pay_step ** (cell_grade - 1.0)
    pay = np.where(cell_role == SPECIALIST, pay * p.policy.specialist_pay_ratio, pay)
    practitioner_positions = max(int(cells.positions[~mgr_cells].sum()), 1)
    quality = wf.manager_quality[mgr]
    return {
        "engagement": float(cells.engagement.sum() / n),
        "engaged_share": float(cells.engaged.sum() / n),
        "engagement_ic": cells.mean(cells.engagement, cell_role == IC),
        "engagement_specialist": cells.mean(cells.engagement, cell_role == SPECIALIST),
        "engagement_manager": cells.mean(cells.engagement, mgr_cells),
        "middle_manager_engagement": cells.mean(
            cells.engagement, mgr_cells & (cell_grade < h.grades)
        ),
        "voluntary_turnover": flows["exits"] / n * per_year,
        "regretted_turnover": flows["regretted_exits"] / max(n / 4, 1) * per_year,
        "reluctant_manager_turnover": flows["reluctant_manager_exits"]
        / max(model.reluctant_managers_before, 1)
        * per_year,
        "reluctant_manager_share": float(
            cells.reluctant[mgr_cells].sum() / max(cells.count[mgr_cells].sum(), 1)
        ),
        "new_manager_reluctant_share": _mean(
            wf.motivation < p.promotion.reluctance_threshold, recent
        ),
        "manager_quality": float(np.nanmean(quality)) if np.isfinite(quality).any() else np.nan,
        "expertise_walked_out": flows["expertise_walked_out"] / n * 100 * per_year,
        "expertise_idle_in_management": float(
            cells.skill[mgr_cells].sum() / max(cells.skill.sum(), 1e-12)
        ),
        "technical_capability": float(expertise.sum() / practitioner_positions),
        "team_output": float(output.sum() / practitioner_positions),
        "peter_signature": peter_signature(model, output),
        "headcount": float(cells.count.sum()),
        "vacancies": float(cells.positions.sum() - cells.count.sum()),
        "hires": flows["hires"] * per_year,
        "exits": flows["exits"] * per_year,
        "retirements": flows["retirements"] * per_year,
        "promotions_to_manager": flows["promotions_to_manager"] * per_year,
        "promotions_to_specialist": flows["promotions_to_specialist"] * per_year,
        "step_backs": flows["step_backs"] * per_year,
        "pay_bill": float((pay * cells.count).sum() * 12),
        "coaching_cost": flows["coached"] * p.policy.coaching_cost * per_year,
    }


class Recorder:
    """Collects the measures and the per-cell sums each step; DataFrames on demand."""

    def __init__(self, extra: dict[str, Measure] | None = None) -> None:
        self.extra = extra or {}
        self._rows: list[dict[str, float]] = []
        self._cells: list[tuple[int, Cells]] = []
        self._layout: tuple[np.ndarray, np.ndarray, np.ndarray, int] | None = None

    @property
    def measures(self) -> dict[str, Measure]:
        """All measures recorded: the built-in ones and those added by extensions."""
        return MEASURES | self.extra

    def record(self, model: OrgModel) -> None:
        """Append this step's measures and cell sums."""
        if self._layout is None:  # the chart is fixed for the run
            h = model.hierarchy
            size = h.grades * 3
            cell = (h.grade.astype(np.int64) - 1) * 3 + h.role
            self._layout = (cell, np.arange(size) % 3, np.arange(size) // 3 + 1, size)
        cell, cell_role, cell_grade, size = self._layout
        cells = Cells.of(model, cell, size)
        row = {"month": model.month, **core_measures(model, cells, cell_role, cell_grade)}
        for name, measure in self.extra.items():
            row[name] = float(measure.compute(model))
        self._rows.append(row)
        self._cells.append((model.month, cells))

    def timeseries(self) -> pd.DataFrame:
        """One row per recorded step, one column per measure."""
        return pd.DataFrame(self._rows)

    def structure_frame(self) -> pd.DataFrame:
        """Headcount, mean engagement and reluctant count per step, grade and role."""
        _, cell_role, cell_grade, size = self._layout
        months = np.array([m for m, _ in self._cells], dtype=np.int32)

        def stack(field: str) -> np.ndarray:
            return np.stack([getattr(c, field) for _, c in self._cells])

        positions, count, engagement = stack("positions"), stack("count"), stack("engagement")
        keep = (positions > 0).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_eng = engagement / count
        return pd.DataFrame({
            "month": np.repeat(months, size)[keep],
            "grade": np.tile(cell_grade, len(months))[keep],
            "role": np.tile(np.array(ROLE_NAMES)[cell_role], len(months))[keep],
            "positions": positions.ravel()[keep],
            "headcount": count.ravel()[keep],
            "engagement": mean_eng.ravel()[keep],
            "reluctant": stack("reluctant").ravel()[keep].astype(np.int64),
        })  # fmt: skip

    def summary(self, step_months: int) -> dict[str, float]:
        """Each measure summarised over the final year (or at the horizon)."""
        ts = self.timeseries()
        last_year = ts.tail(max(12 // step_months, 1))
        out = {}
        for name, m in self.measures.items():
            col = ts[name] if m.summary == "final" else last_year[name]
            out[name] = float(col.iloc[-1]) if m.summary == "final" else float(col.mean())
        return out
