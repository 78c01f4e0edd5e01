"""Slot 'population': who the organisation starts with and whom it hires."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orgsim.population import draw_initial_workforce, draw_people
from orgsim.rules.base import Rule, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("population")
class Population(Rule):
    """People drawn from the workforce distributions (orgsim.population), plus every
    attribute an extension registered with ``model.add_attribute``."""

    phase = "population"

    def initial(self, model: OrgModel, rng: np.random.Generator, grades: np.ndarray) -> dict:
        """Attributes of the workforce found at month 0, for positions of ``grades``."""
        people = draw_initial_workforce(
            rng, grades, model.params.workforce, model.params.growth.firm_expertise_years
        )
        return people | model.draw_extra_attributes(rng, grades)

    def hire(self, model: OrgModel, rng: np.random.Generator, grades: np.ndarray) -> dict:
        """Attributes of external hires into positions of ``grades``."""
        return draw_people(rng, grades, model.params.workforce) | model.draw_extra_attributes(
            rng, grades
        )
