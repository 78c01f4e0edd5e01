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

    def rank(self, model: OrgModel, rows: np.ndarray, draws: dict, needed: int) -> np.ndarray:
        """The best ``needed`` of ``rows`` (candidates who would accept), best first; fewer if
        fewer are considered. Only the order of the first ``needed`` matters."""
        pol, wf = model.params.policy, model.workforce
        if pol.selection == "top-performer":
            key = draws["performance"][rows]
        elif pol.selection == "random":
            key = draws["lottery"][rows]
        else:
            key = wf.aptitude[rows] + pol.assessment_noise * draws["assessment"][rows]
            if pol.selection == "stated-preference":
                key = np.where(wf.stated_preference[rows] > 0.5, key, -np.inf)
        return best_first(rows, key, needed)


def best_first(rows: np.ndarray, key: np.ndarray, needed: int) -> np.ndarray:
    """The ``needed`` rows with the highest finite ``key``, highest first (ties by row order).

    A partial sort: ranking 100,000 candidates for three vacancies costs O(n), not O(n log n).
    """
    finite = np.isfinite(key)
    rows, key = rows[finite], key[finite]
    if needed < len(rows) // 4:
        cut = np.partition(key, len(key) - needed)[len(key) - needed]
        top = key >= cut
        rows, key = rows[top], key[top]
    return rows[np.argsort(-key, kind="stable")][:needed]
