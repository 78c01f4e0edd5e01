"""Phase 'hiring': what internal candidates did not fill is hired from outside."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import MANAGER
from orgsim.rules.base import Rule, register
from orgsim.rules.promotion import accepts_management

if TYPE_CHECKING:
    from orgsim.model import OrgModel

MAX_ROUNDS = 20


@register("hiring")
class Hiring(Rule):
    """Due vacancies (managers every step, others at reviews) get external hires drawn from the
    workforce distributions, with no firm-specific expertise. A manager hire is drawn until the
    candidate would accept the role (and, under 'stated-preference', says they want to lead);
    after 20 refusals the last candidate is hired anyway, as a post cannot stay empty."""

    phase = "hiring"

    def step(self, model: OrgModel) -> None:
        h, wf = model.hierarchy, model.workforce
        due = ~wf.occupied & ((h.role == MANAGER) | model.is_review_step())
        rows = np.flatnonzero(due)
        if rows.size == 0:
            return
        rng = model.stream("hiring")
        population = model.components["population"]
        people = population.hire(model, rng, h.grade[rows])
        managers = np.flatnonzero(h.role[rows] == MANAGER)
        for _ in range(MAX_ROUNDS):
            refused = managers[~self.would_join(model, rng, rows[managers], people, managers)]
            if refused.size == 0:
                break
            redrawn = population.hire(model, rng, h.grade[rows[refused]])
            for name, values in redrawn.items():
                people[name][refused] = values
            managers = refused
        model.hire(rows, people)

    def would_join(
        self, model: OrgModel, rng: np.random.Generator, rows: np.ndarray, people: dict, idx
    ) -> np.ndarray:
        """Whether the external candidates ``people[idx]`` for manager ``rows`` would join."""
        noise = model.params.promotion.acceptance_noise * rng.standard_normal(len(rows))
        ok = accepts_management(
            model,
            people["status_drive"][idx],
            people["motivation"][idx],
            model.hierarchy.grade[rows],
            noise,
        )
        if model.params.policy.selection == "stated-preference":
            ok &= people["stated_preference"][idx] > 0.5
        return ok
