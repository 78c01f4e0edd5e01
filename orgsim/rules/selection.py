"""Slot 'selection': who is considered for a manager vacancy, and in what order."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("selection")
class PolicySelection(Rule):
    """The policy's selection rule: 'top-performer' ranks by observed technical performance;
    'assessed-aptitude' by aptitude + assessment noise; 'stated-preference' the same among
    those whose stated preference exceeds 0.5; 'random' in random order."""

    phase = "selection"

    def rank(self, model: OrgModel, rows: np.ndarray, draws: dict) -> np.ndarray:
        """``rows`` (candidates) best first; candidates not considered are dropped."""
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
