"""Phase 'promotion': vacancies filled from the grade below, top grade first.

Manager vacancies are filled every step (a team cannot wait a year for a leader); IC and
specialist vacancies at each review. A person who moves up leaves a vacancy one grade down,
which the same pass fills next: the chain of vacancies runs down the organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.parameters import Promotion as PromotionParams
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


def accepts_management(
    model: OrgModel,
    status_drive: np.ndarray,
    motivation: np.ndarray,
    grade: np.ndarray,
    noise: np.ndarray,
) -> np.ndarray:
    """Whether each candidate accepts a manager role at ``grade``.

    U_manage = w d + (motivation - tau) + noise; U_alternative = w d ratio (1 - stigma) where
    the specialist ladder reaches ``grade``, else 0 (staying put). Accept if U_manage > U_alt.
    """
    p, pol = model.params.promotion, model.params.policy
    u_manage = p.status_weight * status_drive + motivation - p.reluctance_threshold + noise
    u_alt = np.zeros_like(u_manage)
    if pol.specialist_top_grade is not None:
        value = pol.specialist_pay_ratio * (1 - pol.specialist_stigma)
        reaches = grade <= pol.specialist_top_grade
        u_alt = np.where(reaches, p.status_weight * status_drive * value, 0.0)
    return u_manage > u_alt


def manager_ranking(model: OrgModel, rows: np.ndarray, draws: dict) -> np.ndarray:
    """Candidates for a manager role in the order the policy's selection rule prefers them."""
    pol, wf = model.params.policy, model.workforce
    if pol.selection == "top-performer":
        key = draws["performance"][rows]
    elif pol.selection == "random":
        key = draws["lottery"][rows]
    else:
        key = wf.aptitude[rows] + pol.assessment_noise * draws["assessment"][rows]
        if pol.selection == "stated-preference":
            key = np.where(wf.stated_preference[rows] > 0.5, key, -np.inf)
    order = np.argsort(-key, kind="stable")
    return rows[order][np.isfinite(key[order])]


@register("promotion")
class Promotion(Rule):
    """Fill due vacancies, grade by grade from the top: managers by the policy's selection rule
    among those who accept, specialists and ICs by observed technical performance."""

    phase = "promotion"
    Params = PromotionParams
    section = "promotion"

    def step(self, model: OrgModel) -> None:
        wf, h = model.workforce, model.hierarchy
        rng = model.stream("promotion")
        z_perf, z_assess, z_accept, lottery = rng.standard_normal((4, len(wf)))
        draws = {
            "performance": model.expertise() + self.params.performance_noise * z_perf,
            "assessment": z_assess,
            "lottery": lottery,
            "accept": self.params.acceptance_noise * z_accept,
        }
        roles = (MANAGER, SPECIALIST, IC) if model.is_review_step() else (MANAGER,)
        for g in range(h.grades, 1, -1):
            for role in roles:
                vacant = model.vacancies(g, role)
                if vacant.size:
                    chosen = self.candidates(model, g, role, draws)[: vacant.size]
                    model.move_people(chosen, vacant[: chosen.size], "promotion", draws)

    def candidates(self, model: OrgModel, grade: int, role: int, draws: dict) -> np.ndarray:
        """People one grade below who would take a ``role`` vacancy at ``grade``, best first."""
        wf, h = model.workforce, model.hierarchy
        below = wf.occupied & (h.grade == grade - 1)
        if role == MANAGER:
            rows = manager_ranking(model, np.flatnonzero(below & ~wf.stepped_back), draws)
            ok = accepts_management(
                model, wf.status_drive[rows], wf.motivation[rows], grade, draws["accept"][rows]
            )
            return rows[ok]
        track = (h.role == IC) | (h.role == SPECIALIST) if role == SPECIALIST else h.role == IC
        rows = np.flatnonzero(below & track)
        return rows[np.argsort(-draws["performance"][rows], kind="stable")]
