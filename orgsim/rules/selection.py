"""Slot 'selection': who is chosen for a vacancy, for managers, specialists and ICs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import SelectionRule, Vacancy, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("selection")
class PolicySelection(SelectionRule):
    """Specialist and IC posts go to the best observed technical performer. Manager posts
    follow the policy's selection lever: 'top-performer' ranks by the record in the current
    job (track_record: practitioners on technical performance, serving managers on how well
    they lead); 'assessed-aptitude' by aptitude + assessment noise; 'stated-preference' the
    same among those whose stated preference exceeds 0.5; 'random' in random order."""

    levers = ("selection", "assessment_noise")

    def select(self, model: OrgModel, vacancy: Vacancy) -> np.ndarray:
        pol, p, rows, draws = model.params.policy, model.people, vacancy.candidates, vacancy.draws
        if vacancy.role != MANAGER:
            key = draws["performance"][rows]
        elif pol.selection == "top-performer":
            key = track_record(model, rows, draws)
        elif pol.selection == "random":
            key = draws["lottery"][rows]
        else:
            key = p.aptitude[rows] + pol.assessment_noise * draws["assessment"][rows]
            if pol.selection == "stated-preference":
                key = np.where(p.stated_preference[rows] > 0.5, key, -np.inf)
        return best_first(rows, key, vacancy.needed)


def track_record(model: OrgModel, rows: np.ndarray, draws) -> np.ndarray:
    """Each candidate's observed record in their current job, standardised within the job:
    practitioners' technical performance, serving managers' manager quality + assessment
    noise. A senior manager is appointed for leading well, not for the technical skill they
    no longer use."""
    p = model.people
    key = draws["performance"][rows].copy()
    led = p.role[rows] == MANAGER
    quality = p.manager_quality[rows[led]]
    quality += model.params.policy.assessment_noise * draws["assessment"][rows[led]]
    key[led] = quality
    for group in (led, ~led):
        values = key[group]
        unknown = np.isnan(values)  # a manager promoted this step has no quality yet
        known = values[~unknown]
        if known.size > 1:  # mean and sd as np.mean and np.std compute them, without overhead
            mean = np.add.reduce(known) / known.size
            deviation = known - mean
            spread = np.sqrt(np.add.reduce(deviation * deviation) / known.size)
        else:
            mean = spread = 0.0
        z = (values - mean) / spread if spread > 0 else np.zeros_like(values)
        z[unknown] = 0.0
        key[group] = z
    return key


@register("worst")
class WorstFirst(SelectionRule):
    """Every post goes to the worst observed technical performer (a strategy of Pluchino,
    Rapisarda & Garofalo 2010)."""

    def select(self, model: OrgModel, vacancy: Vacancy) -> np.ndarray:
        rows = vacancy.candidates
        return best_first(rows, -vacancy.draws["performance"][rows], vacancy.needed)


def best_first(rows: np.ndarray, key: np.ndarray, needed: int) -> np.ndarray:
    """The ``needed`` rows with the highest finite ``key``, highest first (ties by row order).

    A partial sort: ranking 100,000 candidates for three vacancies costs O(n), not O(n log n).
    """
    if needed <= 0:
        return rows[:0]
    finite = np.isfinite(key)
    rows, key = rows[finite], key[finite]
    if needed < len(rows) // 4:
        cut = np.partition(key, len(key) - needed)[len(key) - needed]
        top = key >= cut
        rows, key = rows[top], key[top]
    return rows[np.argsort(-key, kind="stable")][:needed]
