"""Phase 'promotion': vacancies filled from the grade below, top grade first.

Manager vacancies are filled every step (a team cannot wait a year for a leader); IC and
specialist vacancies at each review. A person who moves up leaves a vacancy one grade down,
which the same pass fills next: the chain of vacancies runs down the organisation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.parameters import Promotion as PromotionParams
from orgsim.rules.base import Rule, register
from orgsim.rules.selection import best_first

if TYPE_CHECKING:
    from orgsim.model import OrgModel


def accepts_management(
    model: OrgModel,
    status_drive: np.ndarray,
    motivation: np.ndarray,
    grade: np.ndarray,
    noise: np.ndarray,
    can_specialise: np.ndarray | bool = True,
) -> np.ndarray:
    """Whether each candidate accepts a manager role at ``grade``.

    U_manage = w d + (motivation - tau) + noise; U_alternative = w d ratio (1 - stigma) for a
    candidate who could take the specialist ladder instead (not a serving manager) where it
    reaches ``grade``, else 0 (staying put). Accept if U_manage > U_alt.
    """
    p, pol = model.params.promotion, model.params.policy
    u_manage = p.status_weight * status_drive + motivation - p.reluctance_threshold + noise
    u_alt = np.zeros_like(u_manage)
    if pol.specialist_top_grade is not None:
        value = pol.specialist_pay_ratio * (1 - pol.specialist_stigma)
        reaches = (grade <= pol.specialist_top_grade) & can_specialise
        u_alt = np.where(reaches, p.status_weight * status_drive * value, 0.0)
    return u_manage > u_alt


@register("promotion")
class Promotion(Rule):
    """Fill due vacancies in ``vacancy_order``: managers ranked by the 'selection' slot among
    those who accept, specialists and ICs by observed technical performance."""

    phase = "promotion"
    Params = PromotionParams
    section = "promotion"

    def step(self, model: OrgModel) -> None:
        draws = Draws(model, self.params)
        for grade, role in self.vacancy_order(model):
            vacant = model.vacancies(grade, role)
            if vacant.size:
                chosen = self.candidates(model, grade, role, draws, vacant.size)
                model.move_people(chosen, vacant[: chosen.size], "promotion", draws)
                self.on_promoted(model, vacant[: chosen.size])

    def vacancy_order(self, model: OrgModel) -> list[tuple[int, int]]:
        """(grade, role) in the order their vacancies are filled: top grade first, so a chain
        of vacancies runs down; managers, then specialists, then ICs (the last two at reviews)."""
        roles = (MANAGER, SPECIALIST, IC) if model.is_review_step() else (MANAGER,)
        return [(g, role) for g in range(model.hierarchy.grades, 1, -1) for role in roles]

    def on_promoted(self, model: OrgModel, rows: np.ndarray) -> None:
        """What a promotion does to the promoted people's attributes: by default nothing
        (skill, engagement and the rest carry over unchanged)."""

    def candidates(
        self, model: OrgModel, grade: int, role: int, draws: dict, needed: int
    ) -> np.ndarray:
        """Up to ``needed`` people one grade below who would take a ``role`` vacancy at
        ``grade``, best first."""
        wf, h = model.workforce, model.hierarchy
        below = model.rows_of_grade(grade - 1)
        below = below[wf.person_id[below] >= 0]
        if role == MANAGER:
            pool = below[~wf.stepped_back[below]]
            d, m, noise = wf.status_drive[pool], wf.motivation[pool], draws["accept"][pool]
            ok = accepts_management(model, d, m, grade, noise, h.role[pool] != MANAGER)
            return model.components["selection"].rank(model, pool[ok], draws, needed)
        track = h.role[below] == IC
        if role == SPECIALIST:
            track |= h.role[below] == SPECIALIST
        rows = below[track]
        return best_first(rows, draws["performance"][rows], needed)


class Draws(Mapping):
    """This step's random draws for promotion decisions, one array per kind over all rows.

    Each kind is drawn on first use from a stream keyed by (kind, month), so every policy of a
    replication sees the same numbers whether or not it used the kind in an earlier month.
    """

    def __init__(self, model: OrgModel, params: PromotionParams) -> None:
        self._model, self._params = model, params
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, kind: str) -> np.ndarray:
        if kind not in self._cache:
            if kind not in self.KINDS:
                raise KeyError(kind)
            z = self._model.monthly_stream(f"promotion-{kind}").standard_normal(
                len(self._model.workforce)
            )
            if kind == "performance":
                z = self._model.expertise() + self._params.performance_noise * z
            elif kind == "accept":
                z = self._params.acceptance_noise * z
            self._cache[kind] = z
        return self._cache[kind]

    KINDS = ("performance", "assessment", "lottery", "accept")

    def __iter__(self) -> Iterator[str]:
        return iter(self.KINDS)

    def __len__(self) -> int:
        return len(self.KINDS)
