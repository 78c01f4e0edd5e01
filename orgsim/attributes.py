"""Drawing new people's attributes: the population rule, the defaults, and added attributes.

A population rule may supply only the attributes it cares about; the default population fills
in the rest. Attributes added by extensions are drawn afterwards, each seeing what was already
drawn for the same people, in the order their declared dependencies require.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING

import numpy as np

from orgsim.people import COLUMNS

if TYPE_CHECKING:
    from orgsim.model import OrgModel


class AttributeDrawers:
    """The drawers of attributes added with ``model.add_attribute``, in dependency order."""

    def __init__(self) -> None:
        self._draw: dict[str, Callable[..., np.ndarray]] = {}
        self._checked: set[str] = set()  # drawers checked at every draw: researchers', not ours
        self._needs: dict[str, tuple[str, ...]] = {}
        self._order: list[str] | None = None

    def add(self, name: str, draw: Callable[..., np.ndarray], depends_on: Iterable[str]) -> None:
        """Register the drawer of an added attribute and what it depends on."""
        self._draw[name] = draw
        if not getattr(draw, "__module__", "").startswith("orgsim."):  # orgsim's are tested
            self._checked.add(name)
        self._needs[name] = tuple(depends_on)
        self._order = None

    def order(self) -> list[str]:
        """Added attributes in an order where each comes after what it depends on."""
        if self._order is None:
            for name, needs in self._needs.items():
                unknown = [n for n in needs if n not in self._draw and n not in COLUMNS]
                if unknown:
                    raise ValueError(
                        f"attribute {name!r} depends on {unknown}, which no population rule or "
                        "added attribute supplies"
                    )
            graph = {n: [d for d in needs if d in self._draw] for n, needs in self._needs.items()}
            try:
                self._order = list(TopologicalSorter(graph).static_order())
            except CycleError as err:
                cycle = " -> ".join(err.args[1])
                raise ValueError(f"attributes depend on each other in a cycle: {cycle}") from None
        return self._order

    def draw(
        self, model: OrgModel, rng: np.random.Generator, grades: np.ndarray, initial: bool
    ) -> dict[str, np.ndarray]:
        """Every attribute of people joining at ``grades``."""
        from orgsim.rules.population import Population

        rule = model.components["population"]
        people = dict(
            rule.initial(model, rng, grades) if initial else rule.hire(model, rng, grades)
        )
        unknown = [c for c in people if c not in model.people.columns]
        if unknown:  # a misspelled attribute was dropped, silently
            close = difflib.get_close_matches(unknown[0], model.people.columns, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ValueError(
                f"{type(rule).__name__}.{'initial' if initial else 'hire'} returned unknown "
                f"attribute(s) {', '.join(map(repr, unknown))}{hint} (add a new one with "
                "model.add_attribute)"
            )
        missing = [c for c in Population.SUPPLIES if c not in people]
        if missing:  # what a custom population leaves out takes the default's values
            default = Population().draw(model, rng, grades, initial)
            people |= {c: default[c] for c in missing}
        for name in self.order():
            if name not in people:
                values = np.asarray(self._draw[name](rng, grades, people))
                if name in self._checked:
                    dtype = model.people.columns[name].dtype
                    values = _checked(name, values, dtype, grades)
                people[name] = values
        return people


def _checked(name: str, values: np.ndarray, dtype: str, grades: np.ndarray) -> np.ndarray:
    """An added attribute's drawn values, refused if they do not fit its column: one per
    person, and no fractions or numbers where it holds integers or booleans (they were cast
    silently: 0.3 became True, 2.7 became 2)."""
    if values.shape != grades.shape:
        raise ValueError(
            f"person attribute {name!r}: its draw returned shape {values.shape} for "
            f"{len(grades)} people; return one value per person"
        )
    kind = np.dtype(dtype).kind
    if kind == "b" and values.dtype.kind != "b" and not np.isin(values, (0, 1)).all():
        raise ValueError(
            f"person attribute {name!r} is bool: its draw returned {values.dtype} values other "
            "than 0 and 1"
        )
    if kind in "iu" and values.dtype.kind == "f" and not np.all(values == np.round(values)):
        raise ValueError(f"person attribute {name!r} is {dtype}: its draw returned fractions")
    return values
