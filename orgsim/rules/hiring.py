"""Phase 'hiring': what internal candidates did not fill is hired from outside."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import IC, MANAGER, ROLE_NAMES, SPECIALIST
from orgsim.parameters import Promotion as PromotionParams
from orgsim.rules.base import Candidates, Offer, Phase, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel

MAX_ROUNDS = 20


@register("hiring")
class Hiring(Phase):
    """Due vacancies get external hires drawn by the population slot, with no firm-specific
    expertise, after a time to hire: each step a due vacancy is filled with probability
    1 - exp(-step / promotion.time_to_hire_months) (a geometric wait with that mean). A manager
    hire is drawn until the candidate would accept the post (the acceptance slot; under
    'stated-preference' they must also say they want to lead); after 20 refusals the last
    candidate is hired anyway, as a post cannot stay empty."""

    Params = PromotionParams
    section = "promotion"

    # It also reads the 'selection' lever, only to ask outsiders the question under
    # 'stated-preference': the selection slot owns that lever, so it is not declared here.

    def step(self, model: OrgModel) -> None:
        self.hire_into(model, self.due(model))

    def step_level(self, model: OrgModel, grade: int) -> None:
        due = self.due(model)
        self.hire_into(model, due[model.hierarchy.grade[due] == grade])

    def due(self, model: OrgModel) -> np.ndarray:
        """Vacant positions whose kind is due to be filled this step and whose hire arrives
        now. One uniform per position per step, so policies share their waits position by
        position (common random numbers)."""
        filling, role = model.components["filling"], model.hierarchy.role
        vacant = np.flatnonzero(model.holder < 0)
        kinds = role[vacant]
        due = np.zeros(len(ROLE_NAMES), dtype=bool)
        for r in (IC, MANAGER, SPECIALIST):
            due[r] = filling.due(model, r)
        vacant = vacant[due[kinds]]
        mean = self.params.time_to_hire_months
        if mean == 0 or vacant.size == 0:
            return vacant
        u = model.once_per_step(
            (id(self), "u", len(role)),  # the chart may have grown since an earlier level
            lambda: model.monthly_stream("hiring-wait").random(len(role)),
        )
        return vacant[u[vacant] < -np.expm1(-model.step_months / mean)]

    def hire_into(self, model: OrgModel, positions: np.ndarray) -> None:
        """Draw and hire one person for each of ``positions``."""
        if positions.size == 0:
            return
        h, rng = model.hierarchy, model.stream("hiring")
        people = model.draw_people(rng, h.grade[positions], initial=False)
        managers = np.flatnonzero(h.role[positions] == MANAGER)
        for _ in range(MAX_ROUNDS):
            refused = managers[~self.would_join(model, rng, positions[managers], people, managers)]
            if refused.size == 0:
                break
            redrawn = model.draw_people(rng, h.grade[positions[refused]], initial=False)
            for name, values in redrawn.items():
                people[name][refused] = values
            managers = refused
        model.hire(positions, people)

    def would_join(
        self, model: OrgModel, rng: np.random.Generator, positions: np.ndarray, people: dict, idx
    ) -> np.ndarray:
        """Whether the outside candidates ``people[idx]`` for manager ``positions`` would join
        (one offer per grade, as an offer is for one grade)."""
        noise = rng.standard_normal(len(idx))
        grades = model.hierarchy.grade[positions]
        acceptance = model.components["acceptance"]
        ok = np.empty(len(idx), dtype=bool)
        for g in np.unique(grades).tolist():
            at = grades == g
            drawn = {k: np.asarray(v)[idx[at]] for k, v in people.items()}
            offer = Offer(g, MANAGER, Candidates(model, drawn=drawn), noise[at], outside=True)
            ok[at] = acceptance.accepts(model, offer)
        if model.params.policy.selection == "stated-preference":
            ok &= people["stated_preference"][idx] > 0.5
        return ok
