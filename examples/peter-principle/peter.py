"""The Peter principle model of Pluchino, Rapisarda & Garofalo (2010), as orgsim rules.

A fixed six-level hierarchy of 160 positions, stepped a year at a time. Each person has a
competence of 1..10 (orgsim's ``skill`` x 10) and an age. Every year people age; those whose
competence falls below 4 are dismissed and those over 60 retire; vacancies are filled top down
by promoting someone from the level below (the best, the worst, or at random), and the bottom
level hires from outside. Under the "Peter hypothesis" competence in the new post is unrelated
to competence in the old one (redrawn); under "common sense" it carries over, +/- 1.

Pluchino, A., Rapisarda, A. & Garofalo, C. (2010). The Peter principle revisited: a
computational study. Physica A 389(3), 467-472.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from orgsim.measures import Measure
from orgsim.parameters import Promotion as PromotionSection
from orgsim.rules import Phase, PopulationRule
from orgsim.rules.promotion import Promotion


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


def competence(rng: np.random.Generator, n: int) -> np.ndarray:
    """Competence ~ Normal(7, 2) clipped to 1..10, as orgsim skill (0.1..1)."""
    return np.clip(rng.normal(7.0, 2.0, n), 1.0, 10.0) / 10


class PeterPopulation(PopulationRule):
    """Starting staff aged 18-60 and hires aged 18-35 (uniform), with competence N(7, 2)."""

    def initial(self, model, rng, grades):
        return {"skill": competence(rng, len(grades)), "age": rng.uniform(18, 60, len(grades))}

    def hire(self, model, rng, grades):
        return {"skill": competence(rng, len(grades)), "age": rng.uniform(18, 35, len(grades))}


class ExitParams(Params):
    dismissal_below: float = Field(4.0, ge=1, le=10, description="Competence threshold (1..10).")
    retirement_age: float = Field(60.0, ge=30, le=80, description="Age of retirement, years.")


class CompetenceExits(Phase):
    """Dismissal of the incompetent (competence below the threshold) and retirement by age."""

    Params = ExitParams

    def step(self, model):
        p = model.people
        fired = p.active & (p.skill * 10 < self.params.dismissal_below)
        retired = p.active & ~fired & (p.age > self.params.retirement_age)
        model.remove_people(p.uid[fired], "dismissal")
        model.remove_people(p.uid[retired], "retirement")


class PromotionParams(PromotionSection):
    """orgsim's promotion parameters, plus the hypothesis."""

    hypothesis: Literal["peter", "common-sense"] = Field(
        "peter", description="Competence after a promotion: redrawn (peter) or kept +/- 1."
    )


class PeterPromotion(Promotion):
    """orgsim's promotion phase; what a promotion does to competence follows ``hypothesis``."""

    Params = PromotionParams

    def on_promoted(self, model, rows):
        rng = model.stream("peter-competence")
        skill = model.people.skill
        if self.params.hypothesis == "peter":
            skill[rows] = competence(rng, len(rows))
        else:
            skill[rows] = np.clip(skill[rows] + rng.uniform(-0.1, 0.1, len(rows)), 0.1, 1.0)


class EfficiencyParams(Params):
    top_weight: float = Field(1.0, ge=0, le=10, description="Responsibility of the top level.")
    bottom_weight: float = Field(0.2, ge=0, le=10, description="Responsibility of level 1.")


def efficiency(model, params: EfficiencyParams) -> float:
    """E = (sum_i r_i C_i - E_min) / (E_max - E_min): competence summed per level, weighted by
    responsibility r_i (linear from bottom_weight at level 1 to top_weight at the top), scaled
    between an organisation of all-1 and all-10 competence (Pluchino et al. 2010, eq. 1)."""
    h, p = model.hierarchy, model.people
    top = int(h.grade.max())
    r = np.linspace(params.bottom_weight, params.top_weight, top)
    positions = np.bincount(h.grade, minlength=top + 1)[1:]
    held = np.bincount(p.grade[p.active], weights=p.skill[p.active] * 10, minlength=top + 1)[1:]
    e_min, e_max = (positions * r).sum(), (positions * 10 * r).sum()
    return float(((held * r).sum() - e_min) / (e_max - e_min))


EFFICIENCY = Measure(
    "efficiency",
    "Global efficiency (Pluchino et al. 2010)",
    "0..1",
    "higher",
    summary="mean_last:100",
    compute=efficiency,
    Params=EfficiencyParams,
)
