"""Phase 'promotion': vacancies filled from the grade below, in the filling slot's order.

For each (grade, role) due, the people one grade below who may take the post are offered it
(the 'acceptance' slot), and the 'selection' slot chooses among those who would accept. Those
who turned down a manager post at a grade go first for that grade's specialist vacancies in the
same step (what they weighed when declining is what happens). With
the default top-down order, a person who moves up leaves a vacancy one grade down that the same
pass fills next: the chain of vacancies runs down the organisation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.parameters import Promotion as PromotionParams
from orgsim.rules.base import Candidates, Offer, Phase, Vacancy, register

if TYPE_CHECKING:
    from orgsim.model import OrgModel


@register("promotion")
class Promotion(Phase):
    """Fill due vacancies from the grade below: manager posts from anyone there who has not
    stepped back, specialist posts from ICs and specialists, IC posts from ICs."""

    Params = PromotionParams
    section = "promotion"

    def step(self, model: OrgModel) -> None:
        for grade, role in model.components["filling"].levels(model):
            self.fill(model, grade, role)

    def step_level(self, model: OrgModel, grade: int) -> None:
        for g, role in model.components["filling"].levels(model):
            if g == grade:
                self.fill(model, g, role)

    def fill(self, model: OrgModel, grade: int, role: int) -> None:
        """Fill the vacancies of one grade and role, if they are due this step."""
        if grade <= 1 or not model.components["filling"].due(model, role):
            return
        vacant = model.vacancies(grade, role)
        if vacant.size == 0:
            return
        draws = self.draws(model)
        pool = self.eligible(model, grade, role)
        people = model.people
        offer = Offer(grade, role, Candidates(model, pool), draws["accept"][pool],
                      can_specialise=people.role[pool] != MANAGER)  # fmt: skip
        accepted = model.components["acceptance"].accepts(model, offer)
        if role == MANAGER:
            turned = self.turned_down(model, Vacancy(grade, role, vacant.size, pool, draws),
                                      accepted)  # fmt: skip
            if turned.size:
                model.emit("declined", people.uid[turned], to_grade=np.full(turned.size, grade))
            can_specialise = people.role[turned] != MANAGER
            self.declined(model)[grade] = people.uid[turned[can_specialise]]
        declined = self.declined(model)
        pool = pool[accepted]
        if role == SPECIALIST and grade in declined:  # those who turned management down first
            first = np.isin(people.uid[pool], declined[grade])
            chosen = self.choose(model, Vacancy(grade, role, vacant.size, pool[first], draws))
            rest = Vacancy(grade, role, vacant.size - chosen.size, pool[~first], draws)
            chosen = np.concatenate([chosen, self.choose(model, rest)])
        elif role == MANAGER:
            extra = vacant.size * self.params.runners_up
            ranked = self.choose(model, Vacancy(grade, role, vacant.size + extra, pool, draws))
            chosen = ranked[: vacant.size]
            if ranked.size > vacant.size:  # every post filled, and others wanted one
                model.emit("passed_over", people.uid[ranked[vacant.size :]])
        else:
            chosen = self.choose(model, Vacancy(grade, role, vacant.size, pool, draws))
        model.move_people(
            people.uid[chosen], vacant[: chosen.size], "promotion", draws["performance"][chosen]
        )
        self.on_promoted(model, chosen)

    def choose(self, model: OrgModel, vacancy: Vacancy) -> np.ndarray:
        """The selection slot's choice for ``vacancy``, at most as many as it needs."""
        rule = model.components["selection"]
        chosen = rule.select(model, vacancy)
        if not type(rule).__module__.startswith("orgsim."):  # orgsim's own are tested
            chosen = checked_choice(rule, chosen, vacancy)
        return chosen[: vacancy.needed]

    def declined(self, model: OrgModel) -> dict[int, np.ndarray]:
        """This step's person ids, per grade, of those who could take the specialist ladder
        and turned down a manager post there: they go first for its specialist vacancies."""
        return model.once_per_step((id(self), "declined"), dict)

    def turned_down(self, model: OrgModel, vacancy: Vacancy, accepts: np.ndarray) -> np.ndarray:
        """Rows of those offered one of the vacancy's posts who turned it down: going down the
        selection's order over everyone eligible, the candidates passed before the last post
        is taken who would not accept (``accepts``: each candidate's decision). Ranks a few
        times the posts at once, more only if too few accept, so a large pool is not sorted."""
        pool, posts = vacancy.candidates, vacancy.needed
        if posts == 0 or accepts.all():
            return pool[:0]
        will = np.zeros(len(model.people), dtype=bool)
        will[pool[accepts]] = True
        k = 4 * posts
        while True:
            ranked = self.choose(model, replace(vacancy, needed=min(k, pool.size)))
            taken = np.cumsum(will[ranked])
            if ranked.size == 0 or taken[-1] >= posts or k >= pool.size:
                break
            k *= 4
        offered = ranked[: np.searchsorted(taken, posts) + 1]  # up to the last post's taker
        return offered[~will[offered]]

    def eligible(self, model: OrgModel, grade: int, role: int) -> np.ndarray:
        """Rows of the people one grade below who may be offered a ``role`` post at ``grade``."""
        p = model.people
        below = model.rows_at_grade(grade - 1)
        if role == MANAGER:
            return below[~p.stepped_back[below]]
        track = p.role[below] == IC
        if role == SPECIALIST:
            track |= p.role[below] == SPECIALIST
        return below[track]

    def on_promoted(self, model: OrgModel, rows: np.ndarray) -> None:
        """What a promotion does to the promoted people (their rows): by default nothing
        (skill, engagement and the rest carry over unchanged)."""

    def draws(self, model: OrgModel) -> Draws:
        """This step's draws (the same for every grade of the step)."""
        return model.once_per_step((id(self), "draws"), lambda: Draws(model, self.params))


def checked_choice(rule: object, chosen: object, vacancy: Vacancy) -> np.ndarray:
    """A researcher's selection result, refused unless it is distinct rows of the vacancy's
    candidates: a repeat would seat one person in two posts, an outsider skip acceptance."""
    what = f"{type(rule).__name__}.select"
    if not isinstance(chosen, np.ndarray):
        raise TypeError(f"{what} returned {type(chosen).__name__}; return a numpy array of rows")
    if chosen.size and (chosen.ndim != 1 or chosen.dtype.kind not in "iu"):
        raise TypeError(
            f"{what} returned a {chosen.ndim}-d {chosen.dtype} array; return a 1-d integer array "
            "of rows of vacancy.candidates (not a mask or positions within it)"
        )
    chosen = chosen.astype(np.int64, copy=False)
    outside = chosen[~np.isin(chosen, vacancy.candidates)]
    if outside.size:
        raise ValueError(
            f"{what} returned {outside.size} row(s) that are not among vacancy.candidates (e.g. "
            f"row {outside[0]}); choose only among the candidates"
        )
    if np.unique(chosen).size != chosen.size:
        raise ValueError(f"{what} returned a row more than once; each person fills one post")
    return chosen


def hidden_performance(model: OrgModel) -> np.ndarray:
    """Per row, the performance those who rank candidates do not see: the sum of every phase's
    ``visibility_loss(model)`` (phase 'sponsorship': a blocking manager), 0 with none."""
    losses = [r.visibility_loss(model) for _, r in model.phases if hasattr(r, "visibility_loss")]
    return sum(losses, np.zeros(len(model.people)))


class Draws(Mapping):
    """This step's random draws for promotion decisions, one array per kind over all rows:
    ``performance`` (observed: expertise + noise - hidden_performance), ``assessment``,
    ``lottery`` and ``accept`` (standard normal).

    Each kind is drawn on first use from a stream keyed by (kind, month), so every policy of a
    replication sees the same numbers whether or not it used the kind in an earlier month.
    """

    KINDS = ("performance", "assessment", "lottery", "accept")

    def __init__(self, model: OrgModel, params: PromotionParams) -> None:
        self._model, self._params = model, params
        self._cache: dict[str, np.ndarray] = {}
        self._noise = self._seen = self._hidden = np.empty(0)
        self._admissions = -1

    def __getitem__(self, kind: str) -> np.ndarray:
        if kind not in self._cache:
            if kind not in self.KINDS:
                raise KeyError(kind)
            people = self._model.people
            self._cache[kind] = self._model.monthly_stream(f"promotion-{kind}").standard_normal(
                len(people)
            )
            if kind == "performance":
                self._noise, self._seen = self._cache[kind].copy(), people.uid.copy()
                self._admissions = people.admissions
                self._hidden = hidden_performance(self._model)
                self._cache[kind] = (
                    self._model.expertise()
                    + self._params.performance_noise * self._noise
                    - self._hidden
                )
        if kind == "performance":
            self._refresh_performance()
        return self._cache[kind]

    def _refresh_performance(self) -> None:
        """A row taken by someone new since the draw (a hire, when phases run level by level)
        is observed afresh: the new person's expertise and hidden performance, the row's
        noise."""
        people = self._model.people
        if people.admissions == self._admissions:  # nobody new since the last look
            return
        self._admissions = people.admissions
        uid = people.uid
        stale = np.flatnonzero(uid != self._seen)
        if stale.size:
            expertise = self._model.expertise(stale)
            self._hidden[stale] = hidden_performance(self._model)[stale]
            self._cache["performance"][stale] = (
                expertise
                + self._params.performance_noise * self._noise[stale]
                - self._hidden[stale]
            )
            self._seen[stale] = uid[stale]

    def __iter__(self) -> Iterator[str]:
        return iter(self.KINDS)

    def __len__(self) -> int:
        return len(self.KINDS)
