"""Rules written outside orgsim, as a researcher would, for tests of every extension point."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import IC, MANAGER, Hierarchy
from orgsim.measures import Measure
from orgsim.rules import PersonRule, Rule
from orgsim.rules.growth import Growth
from orgsim.rules.population import Population
from orgsim.rules.promotion import Promotion


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeenPopulation(Population):
    """Everyone, at the start and when hired, wants to lead."""

    def initial(self, model, rng, grades):
        return super().initial(model, rng, grades) | {"motivation": np.full(len(grades), 0.9)}

    def hire(self, model, rng, grades):
        return super().hire(model, rng, grades) | {"motivation": np.full(len(grades), 0.95)}


class ShapeParams(Strict):
    ic_positions: list[int] = Field(description="IC positions per grade, from grade 1.")
    managers: list[int] = Field(description="Manager positions per grade above the ICs.")


class ExplicitShape(Rule):
    """An organisation given as positions per grade; each layer reports round-robin upward."""

    phase = "organisation"
    Params = ShapeParams

    def build(self, model) -> Hierarchy:
        ics, mgrs = self.params.ic_positions, self.params.managers
        grade = np.concatenate([np.full(n, g + 1) for g, n in enumerate(ics + mgrs)])
        role = np.where(grade > len(ics), MANAGER, IC).astype(np.int8)
        manager = np.full(len(grade), -1)
        for g in range(len(ics), len(ics) + len(mgrs)):  # layer g reports to grade g + 1
            below = np.flatnonzero(grade <= g) if g == len(ics) else np.flatnonzero(grade == g)
            bosses = np.flatnonzero(grade == g + 1)
            manager[below] = bosses[np.arange(len(below)) % len(bosses)]
        return Hierarchy(grade.astype(np.int16), role, manager, len(ics) + len(mgrs))


class WorstFirst(Rule):
    """Selection: promote the worst technical performer (a Pluchino et al. strategy)."""

    phase = "selection"

    def rank(self, model, rows, draws, needed):
        return rows[np.argsort(draws["performance"][rows], kind="stable")][:needed]


class BottomUpPromotion(Promotion):
    """Fill vacancies from the lowest grade up, so chains are not filled in the same pass."""

    def vacancy_order(self, model):
        return list(reversed(super().vacancy_order(model)))


class FreshSkillPromotion(Promotion):
    """A promotion redraws technical skill afresh (competence in the new role is unrelated)."""

    def on_promoted(self, model, rows):
        model.workforce.skill[rows] = model.stream("fresh-skill").uniform(0, 1, len(rows))


class ThresholdParams(Strict):
    min_skill: float = Field(0.3, ge=0, le=1)
    max_age: float = Field(60.0, gt=0)


class PerformanceThresholdLeaving(Rule):
    """Who leaves: everyone below a skill threshold, and everyone at an age limit."""

    phase = "leaving"
    Params = ThresholdParams

    def step(self, model):
        wf = model.workforce
        out = wf.occupied & ((wf.skill < self.params.min_skill) | (wf.age >= self.params.max_age))
        model.remove_people(np.flatnonzero(out), "retirement")


class Tenure(Rule):
    """A new phase that counts steps, and a new attribute drawn at hire."""

    phase = "tenure-check"

    def setup(self, model):
        model.add_attribute("ambition", lambda rng, grades: rng.uniform(0, 1, len(grades)))
        self.steps = 0

    def step(self, model):
        self.steps += 1


class PersonGrowth(PersonRule):
    """The default growth equation, written for one person."""

    phase = "growth"

    def __init__(self, params=None):
        super().__init__()
        self.vectorised = Growth()

    def step_person(self, model, person):
        p = self.vectorised.params
        if person.role == "manager":
            person.skill *= 1 - p.skill_decay * model.dt_years
        else:
            boss = person.manager
            q = boss.manager_quality if boss is not None else np.nan
            q = 0.5 if np.isnan(q) else q  # as the vectorised rule: neutral when unknown
            dev = 1 - p.development_weight + 2 * p.development_weight * q
            rate = p.skill_growth * model.dt_years * (0.5 + person.engagement) * dev
            person.skill = min(1.0, person.skill + rate * (1 - person.skill))
        person.firm_expertise += (
            model.dt_years / p.firm_expertise_years * (1 - person.firm_expertise)
        )


def _old_share(model) -> float:
    wf = model.workforce
    return float((wf.age[wf.occupied] >= 50).mean())


OLD_SHARE = Measure("old_share", "Employees aged 50+", "share", compute=_old_share)
NOT_A_MEASURE = 42


class NotARule:
    def step(self, model):
        pass
