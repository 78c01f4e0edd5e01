"""Slot 'acceptance': whether a candidate takes the post offered."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.parameters import Policy
from orgsim.parameters import Promotion as PromotionParams
from orgsim.rules.base import AcceptanceRule, Offer, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("acceptance")
class WeighedAcceptance(AcceptanceRule):
    """A manager post is taken if U_manage > U_alt, with

    U_manage = w d + (motivation - tau) + sigma z, and U_alt = P w d ratio (1 - stigma) for a
    candidate who could take the specialist ladder instead (not a serving manager or an
    outsider) where it reaches the post's grade, else 0 (staying put), less
    policy.decline_penalty for an insider (what saying no costs, phase declined). P is the
    chance of a specialist post at that grade within the acceptance horizon
    (specialist_chance): what a candidate weighs is what would happen if they declined.
    Specialist and IC posts are always taken.
    """

    Params = PromotionParams
    section = "promotion"
    levers = (
        "specialist_top_grade",
        "specialist_pay_ratio",
        "specialist_stigma",
        "decline_penalty",
    )

    def accepts(self, model: OrgModel, offer: Offer) -> np.ndarray:
        p, pol, who = self.params, model.params.policy, offer.people
        if offer.role != MANAGER:
            return np.ones(len(who), dtype=bool)
        d = who["status_drive"]
        u_manage = utility_of_managing(p, d, who["motivation"])
        u_manage += p.acceptance_noise * offer.noise
        u_alt = np.zeros_like(u_manage)
        if pol.specialist_top_grade is not None and not offer.outside:
            chance = specialist_chance(model, offer.grade, p.acceptance_horizon_months)
            reaches = (offer.grade <= pol.specialist_top_grade) & offer.can_specialise
            u_alt = np.where(reaches, specialist_worth(p, pol, d, chance), 0.0)
        if not offer.outside:  # what saying no costs an insider (phase declined)
            u_alt -= pol.decline_penalty
        return u_manage > u_alt


def utility_of_managing(
    p: PromotionParams, status_drive: np.ndarray, motivation: np.ndarray
) -> np.ndarray:
    """U_manage without the noise of the moment: w d + (motivation - tau)."""
    return p.status_weight * status_drive + motivation - p.reluctance_threshold


def specialist_worth(
    p: PromotionParams, pol: Policy, status_drive: np.ndarray, chance: float = 1.0
) -> np.ndarray:
    """U_alt of the specialist ladder before any decline penalty: P w d ratio (1 - stigma),
    P the chance of a specialist post (1: a sure one)."""
    value = pol.specialist_pay_ratio * (1 - pol.specialist_stigma)
    value *= chance
    return p.status_weight * status_drive * value


def specialist_chance(model: OrgModel, grade: int, horizon_months: float) -> float:
    """The chance that a specialist post at ``grade`` is open to a contender within the
    horizon: (posts vacant now + posts expected to open) / contenders, at most 1, where posts
    open at the voluntary exit rate and contenders are the ICs and specialists one grade below.
    """
    posts = model.positions(grade, SPECIALIST)
    if posts.size == 0:
        return 0.0
    vacant = int((model.holder[posts] < 0).sum())
    monthly = model.params.leaving.base_monthly_exit
    opening = (posts.size - vacant) * (1 - (1 - monthly) ** horizon_months)
    below = model.rows_at_grade(grade - 1)
    contenders = int(np.isin(model.people.role[below], (IC, SPECIALIST)).sum())
    return min(1.0, (vacant + opening) / max(contenders, 1))


@register("accept-all")
class AcceptAll(AcceptanceRule):
    """Every candidate takes every post offered (as in models where people are simply moved)."""

    def accepts(self, model: OrgModel, offer: Offer) -> np.ndarray:
        return np.ones(len(offer.people), dtype=bool)
