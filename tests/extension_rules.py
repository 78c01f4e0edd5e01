"""Rules written outside orgsim, as a researcher would, for tests of every extension point."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.hierarchy import MANAGER
from orgsim.measures import Measure
from orgsim.parameters import Growth as GrowthParams
from orgsim.rules import PersonRule, Phase, PopulationRule, SelectionRule
from orgsim.rules.growth import Growth
from orgsim.rules.population import Population
from orgsim.rules.promotion import Promotion
from orgsim.rules.selection import best_first


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeenPopulation(Population):
    """Everyone, at the start and when hired, wants to lead."""

    def initial(self, model, rng, grades):
        return super().initial(model, rng, grades) | {"motivation": np.full(len(grades), 0.9)}

    def hire(self, model, rng, grades):
        return super().hire(model, rng, grades) | {"motivation": np.full(len(grades), 0.95)}


class SkillOnlyPopulation(PopulationRule):
    """Supplies skill alone: every other attribute takes the default population's values."""

    def initial(self, model, rng, grades):
        return {"skill": np.full(len(grades), 0.5)}

    def hire(self, model, rng, grades):
        return {"skill": np.full(len(grades), 0.3)}


class WorstFirst(SelectionRule):
    """Selection: promote the worst technical performer (a Pluchino et al. strategy)."""

    def select(self, model, vacancy):
        rows = vacancy.candidates
        return best_first(rows, -vacancy.draws["performance"][rows], vacancy.needed)


class KindRecorder(SelectionRule):
    """Selection that records the kind of every vacancy it is asked about, best first by row."""

    def __init__(self, params=None):
        super().__init__(params)
        self.kinds: set[str] = set()

    def select(self, model, vacancy):
        self.kinds.add(vacancy.kind)
        return vacancy.candidates[: vacancy.needed]


class FreshSkillPromotion(Promotion):
    """A promotion redraws technical skill afresh (competence in the new role is unrelated)."""

    def on_promoted(self, model, rows):
        model.people.skill[rows] = model.stream("fresh-skill").uniform(0, 1, len(rows))


class ThresholdParams(Strict):
    min_skill: float = Field(0.3, ge=0, le=1)
    max_age: float = Field(60.0, gt=0)


class PerformanceThresholdLeaving(Phase):
    """Who leaves: people below a skill threshold are dismissed; at an age limit, retire."""

    Params = ThresholdParams

    def step(self, model):
        p = model.people
        model.remove_people(p.uid[p.active & (p.skill < self.params.min_skill)], "dismissal")
        model.remove_people(p.uid[p.active & (p.age >= self.params.max_age)], "retirement")


class Tenure(Phase):
    """A new phase that counts steps, and a new attribute drawn at hire."""

    slot = "tenure-check"

    def setup(self, model):
        model.add_attribute("ambition", lambda rng, grades, people: rng.uniform(0, 1, len(grades)))
        self.steps = 0

    def step(self, model):
        self.steps += 1


class FloorParams(GrowthParams):
    floor: float = Field(0.2, ge=0, le=1, description="Skill never falls below this.")


class GrowthWithFloor(Growth):
    """A subclass of the default growth rule with a parameter of its own."""

    Params = FloorParams

    def step(self, model):
        super().step(model)
        skill = model.people.skill
        np.maximum(skill, self.params.floor, out=skill, where=~np.isnan(skill))


class PersonGrowth(PersonRule):
    """The default growth equation, written for one person."""

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
    p = model.people
    return float((p.age[p.active] >= 50).mean())


OLD_SHARE = Measure("old_share", "Employees aged 50+", "share", compute=_old_share)


class AgeParams(Strict):
    min_age: float = Field(50.0, ge=16, le=80, description="Age from which someone counts.")


def _share_over(model, params: AgeParams) -> float:
    p = model.people
    return float((p.age[p.active] >= params.min_age).mean())


SHARE_OVER = Measure(
    "share_over", "Employees at or over an age", "share", summary="max", compute=_share_over,
    Params=AgeParams,
)  # fmt: skip
MANAGERS = Measure(
    "managers", "Managers in post", "people",
    compute=lambda m: float((m.people.role == MANAGER).sum()),
)  # fmt: skip
NOT_A_MEASURE = 42


class NotARule:
    def step(self, model):
        pass


def no_starting_staff(model) -> bool:
    """A stopping rule: no one hired before month 0 remains."""
    p = model.people
    return not (p.active & (p.hire_month <= 0)).any()
