"""Slot 'selection': who is chosen for a vacancy. Manager posts follow the policy's selection
lever; specialist and IC posts go to the best observed performer; the partial sort gives the
same leaders as a full sort."""

from __future__ import annotations

import re

import numpy as np
import pytest

from orgsim import OrgModel
from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.rules import SelectionRule, Vacancy
from orgsim.rules.selection import WorstFirst, best_first

ROWS = np.arange(10, 16)


def draws() -> dict[str, np.ndarray]:
    perf = np.zeros(40)
    perf[ROWS] = [0.1, 0.9, 0.5, 0.3, 0.7, 0.2]
    return {"performance": perf, "assessment": np.zeros(40), "lottery": -perf}


def select(model, role: int = MANAGER, needed: int = len(ROWS), rule=None) -> list[int]:
    vacancy = Vacancy(3, role, needed, ROWS, draws())
    rule = rule or model.components["selection"]
    return rule.select(model, vacancy).tolist()


def test_manager_selection_by_the_policy_lever(tiny) -> None:
    assert select(tiny()) == [11, 14, 12, 13, 15, 10]  # top performer
    model = tiny(policy_overrides={"selection": "random"})
    assert select(model) == [10, 15, 13, 12, 14, 11]  # the lottery's order
    model = tiny(policy_overrides={"selection": "assessed-aptitude"})
    model.people.aptitude[ROWS] = [0.5, 0.1, 0.9, 0.3, 0.2, 0.8]
    assert select(model) == [12, 15, 10, 13, 14, 11]
    model = tiny(policy="ask-the-question")
    p = model.people
    p.aptitude[ROWS] = [0.5, 0.1, 0.9, 0.3, 0.2, 0.8]
    p.stated_preference[ROWS] = [0.9, 0.9, 0.2, 0.9, 0.4, 0.6]  # 12 and 14 do not ask to lead
    assert select(model) == [15, 10, 13, 11]


def test_top_performers_are_judged_on_the_record_of_their_current_job(tiny) -> None:
    """Serving managers compete on how well they lead (manager quality + assessment noise),
    practitioners on technical performance, each standardised within its own group: a
    brilliant technician who leads badly is not made a senior manager."""
    model = tiny(policy_overrides={"assessment_noise": 0.0})
    p = model.people
    managers = np.flatnonzero(p.role == MANAGER)[:3]
    ics = np.flatnonzero(p.role == IC)[:3]
    rows = np.concatenate([managers, ics])
    perf = np.zeros(len(p))
    perf[managers] = [5.0, 0.1, 0.2]  # the technical star leads worst
    perf[ics] = [0.3, 0.6, 0.9]
    p.manager_quality[managers] = [0.2, 0.8, 0.5]
    d = {"performance": perf, "assessment": np.zeros(len(p)), "lottery": np.zeros(len(p))}
    chosen = model.components["selection"].select(model, Vacancy(3, MANAGER, 6, rows, d))
    # z-scores: managers -1.22, +1.22, 0 by quality; ICs -1.22, 0, +1.22 by performance
    expected = [managers[1], ics[2], managers[2], ics[1], managers[0], ics[0]]
    assert chosen.tolist() == expected
    # a specialist or IC post still goes by technical performance
    chosen = model.components["selection"].select(model, Vacancy(3, IC, 1, rows, d))
    assert chosen.tolist() == [managers[0]]


def test_assessment_noise_blurs_aptitude(tiny) -> None:
    model = tiny(policy_overrides={"selection": "assessed-aptitude", "assessment_noise": 1.0})
    model.people.aptitude[ROWS] = [0.5, 0.1, 0.9, 0.3, 0.2, 0.8]
    vacancy = Vacancy(3, MANAGER, 6, ROWS, draws() | {"assessment": -np.arange(40.0)})
    # aptitude - row: the earliest rows win
    assert model.components["selection"].select(model, vacancy).tolist() == ROWS.tolist()


def test_practitioner_posts_go_to_the_best_performer_whatever_the_lever(tiny) -> None:
    for overrides in ({}, {"selection": "random"}, {"selection": "assessed-aptitude"}):
        model = tiny(policy_overrides=overrides)
        for role in (IC, SPECIALIST):
            assert select(model, role) == [11, 14, 12, 13, 15, 10]


def test_only_the_posts_needed_are_chosen(tiny) -> None:
    assert select(tiny(), needed=2) == [11, 14]
    assert select(tiny(), needed=1) == [11]
    assert best_first(ROWS[:3], np.array([0.2, 0.1, 0.3]), 0).tolist() == []


def test_nobody_is_chosen_when_none_are_needed() -> None:
    assert best_first(np.arange(8), np.arange(8.0), 0).tolist() == []


def test_worst_first(tiny) -> None:
    """Pluchino et al.'s strategy: every post goes to the worst performer."""
    model = tiny()
    for role in (IC, MANAGER):
        assert select(model, role, needed=3, rule=WorstFirst()) == [10, 15, 13]


def test_vacancy_kind() -> None:
    empty = np.empty(0, dtype=np.int64)
    kinds = [Vacancy(2, r, 1, empty, {}).kind for r in (IC, SPECIALIST, MANAGER)]
    assert kinds == ["ic", "specialist", "manager"]


def test_best_first_matches_a_full_stable_sort() -> None:
    rng = np.random.default_rng(1)
    rows = np.arange(0, 2000, 2)
    key = rng.integers(0, 50, len(rows)).astype(float)  # many ties
    key[::7] = -np.inf  # not considered
    full = rows[np.argsort(-key, kind="stable")]
    full = full[np.isfinite(key[np.argsort(-key, kind="stable")])]
    for needed in (1, 3, 40, 999, 5000):
        assert best_first(rows, key, needed).tolist() == full[:needed].tolist()


class _Returns(SelectionRule):
    """A researcher's selection rule that returns ``make(vacancy)``."""

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def select(self, model, vacancy):
        return self.make(vacancy)


@pytest.mark.parametrize(
    ("make", "error", "said"),
    [
        (lambda v: np.repeat(v.candidates[:1], v.needed), ValueError, "a row more than once"),
        (lambda v: np.array([-1]), ValueError, "not among vacancy.candidates (e.g. row -1)"),
        (lambda v: v.candidates[:1].tolist(), TypeError, "list; return a numpy array"),
        (lambda v: np.ones(v.candidates.size, dtype=bool), TypeError, "1-d bool array; return"),
    ],
)
def test_a_researchers_selection_must_return_distinct_candidate_rows(make, error, said) -> None:
    model = OrgModel({"organisation": {"size": 300}}, rules={"selection": _Returns(make)})
    for pos in np.flatnonzero(model.hierarchy.role == MANAGER)[:3]:
        model.remove_people(model.people.uid[[model.holder[pos]]], "voluntary")
    with pytest.raises(error, match=f"_Returns.select returned .*{re.escape(said)}"):
        model.step()


def test_a_researchers_good_selection_runs() -> None:
    model = OrgModel(
        {"organisation": {"size": 300}}, rules={"selection": _Returns(lambda v: v.candidates)}
    )
    model.run(1)
    assert len(model.events_frame.query("event == 'promotion'")) > 0
