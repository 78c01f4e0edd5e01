"""Martell, Lane & Emrich's (1996) glass-ceiling model, as orgsim rules.

An eight-level hierarchy of 1,425 positions. Half the people hired are women. Every cycle 15%
of people leave at random, and vacancies are filled top down by the best-rated person of the
level below. If raters add a small bias in men's favour (about 1% of the variance in ratings),
the top levels end up mostly men.

Joint attributes: ``group`` (1 = woman) is drawn first, and ``rating`` is drawn *given* the
group (here with an optional true gap, 0 by default). A measure by category reports the share
of women at each grade.

Martell, R. F., Lane, D. M. & Emrich, C. (1996). Male-female differences: a computer
simulation. American Psychologist 51(2), 157-158.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.measures import Measure
from orgsim.rules import Phase, SelectionRule
from orgsim.rules.selection import best_first


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReviewParams(Params):
    women_share: float = Field(0.5, ge=0, le=1, description="Share of women among hires.")
    mean: float = Field(50.0, description="Mean performance rating.")
    sd: float = Field(10.0, gt=0, description="Sd of performance ratings.")
    gap: float = Field(0.0, description="True rating difference, women minus men (points).")


class PerformanceReview(Phase):
    """Each cycle everyone gets a new performance rating, N(mean + gap x woman, sd)."""

    slot = "review"
    Params = ReviewParams

    def setup(self, model):
        p = self.params
        model.add_attribute(
            "group",
            lambda rng, grades, people: rng.random(len(grades)) < p.women_share,
            dtype="bool",
            empty=False,
        )
        model.add_attribute("rating", self.draw_rating, depends_on=["group"])

    def draw_rating(self, rng, grades, people):
        """Ratings given each person's group (a joint attribute)."""
        p = self.params
        return rng.normal(p.mean + p.gap * people["group"], p.sd)

    def step(self, model):
        people = model.people
        rows = np.flatnonzero(people.active)
        drawn = {"group": people.group[rows]}
        people.rating[rows] = self.draw_rating(model.stream("review"), people.grade[rows], drawn)


class AttritionParams(Params):
    rate: float = Field(0.15, ge=0, le=1, description="Share of people leaving each cycle.")


class RandomAttrition(Phase):
    """Each person leaves with the same probability every cycle, whoever they are."""

    Params = AttritionParams

    def step(self, model):
        people = model.people
        u = model.stream("attrition").random(len(people))
        model.remove_people(people.uid[people.active & (u < self.params.rate)], "voluntary")


class RaterParams(Params):
    bias: float = Field(0.0, description="Points raters add to men's ratings.")


class RatedSelection(SelectionRule):
    """The best-rated candidates first, men's ratings raised by the raters' ``bias``."""

    Params = RaterParams

    def select(self, model, vacancy):
        rows = vacancy.candidates
        people = model.people
        key = people.rating[rows] + self.params.bias * ~people.group[rows]
        return best_first(rows, key, vacancy.needed)


def women_by_grade(model) -> dict[int, float]:
    """Share of women among the people of each grade."""
    people = model.people
    grades = people.grade[people.active]
    women = np.bincount(grades, weights=people.group[people.active])
    total = np.bincount(grades)
    return {g: float(women[g] / total[g]) for g in range(1, len(total)) if total[g]}


WOMEN_SHARE = Measure("women_share", "Share of women", "share", by="grade", compute=women_by_grade)
