"""Mentoring: senior specialists mentor junior ICs and speed their growth.

An orgsim extension in one file: a rule with its own parameters, inserted as a new phase after
'growth'; a new employee attribute (months mentored); and a new measure (share mentored).
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import IC, SPECIALIST
from orgsim.measures import Measure
from orgsim.rules import Phase

JUNIOR_MAX_GRADE = 2  # the grades that count as junior, for the rule and the measure


class MentoringParams(BaseModel):
    """Parameters of the mentoring rule."""

    model_config = ConfigDict(extra="forbid")
    mentees_per_mentor: int = Field(3, ge=0, le=20, description="Juniors per mentor.")
    extra_growth: float = Field(0.15, ge=0, le=2, description="Extra skill growth, per year.")


class Mentoring(Phase):
    """Each step, every specialist mentors up to ``mentees_per_mentor`` junior ICs chosen at
    random; a mentee's skill grows by extra_growth * dt * (1 - skill)."""

    slot = "mentoring"
    Params = MentoringParams

    def setup(self, model) -> None:
        model.add_attribute("mentored_months", lambda rng, grades, people: np.zeros(len(grades)))

    def step(self, model) -> None:
        p, people = self.params, model.people
        u = model.stream("mentoring").random(len(people))  # one draw per row: runs stay paired
        mentors = np.count_nonzero(people.role == SPECIALIST)
        juniors = np.flatnonzero((people.role == IC) & (people.grade <= JUNIOR_MAX_GRADE))
        k = min(mentors * p.mentees_per_mentor, juniors.size)
        mentees = juniors[np.argsort(u[juniors])[:k]]
        people.skill[mentees] += p.extra_growth * model.dt_years * (1 - people.skill[mentees])
        people.mentored_months[mentees] += model.step_months


def mentored_share(model) -> float:
    """Share of employed junior ICs mentored at some point."""
    people = model.people
    juniors = (people.role == IC) & (people.grade <= JUNIOR_MAX_GRADE)
    return float((people.mentored_months[juniors] > 0).mean()) if juniors.any() else float("nan")


MENTORED_SHARE = Measure(
    "mentored_share", "Junior ICs ever mentored", "share", "higher", compute=mentored_share
)
