"""Slot 'population': who the organisation starts with and whom it hires."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from orgsim.population import draw_initial_workforce, draw_people
from orgsim.rules.base import PopulationRule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("population")
class Population(PopulationRule):
    """People drawn from the workforce distributions (orgsim.population)."""

    #: The attributes this rule draws; a custom population that leaves one out gets these.
    SUPPLIES: ClassVar[tuple[str, ...]] = (
        "skill", "firm_expertise", "aptitude", "motivation", "status_drive", "preference_z",
        "stated_preference", "engagement", "age", "tenure", "time_in_grade",
    )  # fmt: skip

    def draw(self, model: OrgModel, rng: np.random.Generator, grades: np.ndarray, initial: bool):
        """The starting workforce's attributes (``initial``) or hires'."""
        wf = model.params.workforce
        if initial:
            return draw_initial_workforce(rng, grades, wf, model.params.growth.firm_expertise_years)
        return draw_people(rng, grades, wf)

    def initial(self, model: OrgModel, rng: np.random.Generator, grades: np.ndarray) -> dict:
        """Attributes of the workforce found at month 0, for positions of ``grades``."""
        return self.draw(model, rng, grades, initial=True)

    def hire(self, model: OrgModel, rng: np.random.Generator, grades: np.ndarray) -> dict:
        """Attributes of external hires into positions of ``grades``."""
        return self.draw(model, rng, grades, initial=False)
