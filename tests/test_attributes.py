"""Attributes drawn jointly: dependency order, cycles and unknown dependencies are errors."""

from __future__ import annotations

import re

import numpy as np
import pytest

from orgsim import OrgModel
from orgsim.rules import ExtraPhase, Phase

SMALL = {"organisation": {"size": 200}}


class Joint(Phase):
    """Adds 'b' (depends on 'a') before 'a' itself: drawing must follow the dependencies."""

    slot = "joint"

    def __init__(self, needs_a=("a",), needs_b=()):
        super().__init__()
        self.needs_a, self.needs_b = needs_a, needs_b

    def setup(self, model):
        model.add_attribute("b", lambda rng, grades, people: people["a"] * 2 + people["skill"],
                            depends_on=self.needs_a)  # fmt: skip
        model.add_attribute("a", lambda rng, grades, people: rng.random(len(grades)),
                            depends_on=self.needs_b)  # fmt: skip

    def step(self, model):
        pass


def test_an_attribute_sees_those_it_depends_on() -> None:
    model = OrgModel(SMALL, rng=1, phases=[ExtraPhase(Joint(), "after", "growth")])
    p = model.people
    np.testing.assert_allclose(p.b[p.active], 2 * p.a[p.active] + p.skill[p.active])
    model.run(2)  # hires too (their skill is drawn first, then a, then b)
    hired = p.active & (p.hire_month > 0)
    assert hired.any()
    assert (p.b[hired] >= 2 * p.a[hired]).all()


def test_a_cycle_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"cycle: (a -> b -> a|b -> a -> b)"):
        OrgModel(SMALL, phases=[ExtraPhase(Joint(needs_b=("b",)), "after", "growth")])


def test_an_unknown_dependency_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"'b' depends on \['rating'\], which no population"):
        OrgModel(SMALL, phases=[ExtraPhase(Joint(needs_a=("rating",)), "after", "growth")])


def test_a_population_rule_returning_an_unknown_attribute_is_refused() -> None:
    from orgsim.rules import PopulationRule

    class Typo(PopulationRule):
        def initial(self, model, rng, grades):
            return {"skil": np.full(len(grades), 0.5)}

        def hire(self, model, rng, grades):
            return {}

    with pytest.raises(ValueError, match=r"Typo.initial returned unknown attribute\(s\) 'skil'; "
                       r"did you mean skill\?"):  # fmt: skip
        OrgModel({"organisation": {"size": 60}}, rules={"population": Typo()})


@pytest.mark.parametrize(
    ("dtype", "empty", "draw", "said"),
    [
        ("int64", np.nan, lambda r, g, p: np.zeros(len(g), int), "empty=nan is not a int64"),
        ("bool", np.nan, lambda r, g, p: np.zeros(len(g), bool), "empty=nan is not a bool"),
        ("bool", 0, lambda r, g, p: np.full(len(g), 0.3), "returned float64 values other than"),
        ("int32", -1, lambda r, g, p: np.full(len(g), 2.7), "is int32: its draw returned frac"),
        ("float64", np.nan, lambda r, g, p: np.zeros(3), "returned shape (3,) for"),
    ],
)
def test_an_added_attribute_must_fit_its_column(dtype, empty, draw, said) -> None:
    class Adds(Phase):
        slot = "adds"

        def setup(self, model) -> None:
            model.add_attribute("extra", draw, dtype=dtype, empty=empty)

        def step(self, model) -> None:
            pass

    with pytest.raises(ValueError, match=re.escape(said)):
        OrgModel({"organisation": {"size": 60}}, phases=[ExtraPhase(Adds(), "after", "growth")])
