"""Slot 'filling': the order vacancies are filled (top-down, bottom-up or by kind), when
(manager posts every step, others at reviews), and which phases run level by level."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from orgsim import OrgModel
from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.rules.filling import LevelFilling

TINY = {"organisation": {"size": 40, "grades": 4, "span": 4}, "policy": {"ic_ceiling_grade": 2},
        "promotion": {"performance_noise": 0.0, "acceptance_noise": 0.0}}  # fmt: skip
KINDS = (MANAGER, SPECIALIST, IC)


def model_with(filling: LevelFilling | None = None, **rules) -> OrgModel:
    if filling is not None:
        rules["filling"] = filling
    return OrgModel(TINY, rules=rules)


def test_default_is_top_down(tiny) -> None:
    rule = tiny().components["filling"]
    assert isinstance(rule, LevelFilling) and rule.params.order == "top-down"
    assert rule.interleaved() == ()


def test_top_down_order(tiny) -> None:
    model = tiny()
    levels = LevelFilling({"order": "top-down"}).levels(model)
    assert levels == [(g, r) for g in (4, 3, 2, 1) for r in KINDS]
    assert LevelFilling().grades(model) == [4, 3, 2, 1]


def test_bottom_up_order(tiny) -> None:
    model = tiny()
    rule = LevelFilling({"order": "bottom-up"})
    assert rule.levels(model) == [(g, r) for g in (1, 2, 3, 4) for r in KINDS]
    assert rule.grades(model) == [1, 2, 3, 4]


def test_by_kind_order(tiny) -> None:
    """Every manager post top down, then the specialist posts, then the IC posts."""
    model = tiny()
    rule = LevelFilling({"order": "by-kind"})
    assert rule.levels(model) == [(g, r) for r in KINDS for g in (4, 3, 2, 1)]
    assert rule.grades(model) == [4, 3, 2, 1]


def test_levels_cover_the_chart(tiny) -> None:
    model = tiny(organisation={"size": 300, "grades": 6}, policy="genuine-dual-track")
    cells = set(zip(model.hierarchy.grade.tolist(), model.hierarchy.role.tolist(), strict=True))
    for order in ("top-down", "bottom-up", "by-kind"):
        levels = LevelFilling({"order": order}).levels(model)
        assert len(levels) == len(set(levels)) == 6 * 3
        assert cells <= set(levels)


def test_unknown_order_is_rejected() -> None:
    with pytest.raises(ValidationError):
        LevelFilling({"order": "sideways"})
    with pytest.raises(ValidationError):
        LevelFilling({"interleve": ["promotion"]})


def test_every_vacancy_is_due_every_step_by_default(tiny) -> None:
    model = tiny()
    rule = model.components["filling"]
    assert rule.params.at_review == []
    for month in range(0, 25):
        model.month = month
        assert all(rule.due(model, role) for role in KINDS)


def test_kinds_at_review_wait_for_it() -> None:
    model = model_with(LevelFilling({"at_review": ["specialist", "ic"]}))
    rule = model.components["filling"]
    due = {}
    for month in range(0, 25):
        model.month = month
        due[month] = {role: rule.due(model, role) for role in KINDS}
    assert all(d[MANAGER] for d in due.values())
    reviews = [m for m, d in due.items() if d[IC]]
    assert reviews == [0, 12, 24]
    assert all(d[SPECIALIST] == d[IC] for d in due.values())
    with pytest.raises(ValidationError):
        LevelFilling({"at_review": ["ics"]})


def test_reviews_follow_the_review_interval() -> None:
    review = LevelFilling({"at_review": ["ic"]})
    model = OrgModel(TINY | {"promotion": {"review_interval_months": 6}},
                     rules={"filling": review})  # fmt: skip
    rule = model.components["filling"]
    reviews = []
    for month in range(1, 25):
        model.month = month
        if rule.due(model, IC):
            reviews.append(month)
    assert reviews == [6, 12, 18, 24]
    # yearly steps: every step is a review
    yearly = OrgModel({"step_months": 12, "organisation": {"size": 40}}, rules={"filling": review})
    for month in (12, 24, 36):
        yearly.month = month
        assert yearly.components["filling"].due(yearly, IC)


def test_top_down_runs_the_chain_down_in_one_step() -> None:
    model = model_with()
    model.people.status_drive[:], model.people.motivation[:] = 1.0, 0.9
    model.remove_people(model.people.uid[[0]], "voluntary")
    dict(model.phases)["promotion"].step(model)
    ev = model.events.recent("promotion")
    assert ev["to_grade"].tolist() == [4, 3, 2]


def test_bottom_up_leaves_the_new_vacancy_for_the_next_step() -> None:
    model = model_with(LevelFilling({"order": "bottom-up"}))
    model.people.status_drive[:], model.people.motivation[:] = 1.0, 0.9
    model.remove_people(model.people.uid[[0]], "voluntary")
    promotion = dict(model.phases)["promotion"]
    promotion.step(model)
    assert model.events.recent("promotion")["to_grade"].tolist() == [4]
    vacant = np.flatnonzero(model.holder < 0)
    assert len(vacant) == 1 and model.hierarchy.grade[vacant[0]] == 3
    model.month = 1  # a manager post: filled the next step
    promotion.step(model)
    assert model.events.recent("promotion")["to_grade"].tolist() == [4, 3]


def test_by_kind_fills_every_manager_post_before_practitioner_posts() -> None:
    model = model_with(LevelFilling({"order": "by-kind"}))
    model.people.status_drive[:], model.people.motivation[:] = 1.0, 0.9
    model.remove_people(model.people.uid[[0]], "voluntary")
    dict(model.phases)["promotion"].step(model)
    ev = model.events.recent("promotion")
    # managers: 4 from 3, then 3 from 2 (leaving a grade-2 IC post), then ICs: 2 from 1
    assert ev["to_grade"].tolist() == [4, 3, 2]
    assert ev["to_role"].tolist() == [MANAGER, MANAGER, IC]


def test_interleaved_phases_run_level_by_level() -> None:
    """Bottom-up and interleaved, hiring at grade 3 has run before promotion at grade 4 opens
    a grade-3 vacancy: it waits a step. Run one after another, hiring fills it."""
    runs = {}
    for interleave in ([], ["promotion", "hiring"]):
        rule = LevelFilling({"order": "bottom-up", "interleave": interleave})
        model = model_with(rule, leaving=None)  # nobody else leaves
        assert rule.interleaved() == tuple(interleave)
        model.people.status_drive[:], model.people.motivation[:] = 1.0, 0.9
        model.remove_people(model.people.uid[[0]], "voluntary")
        model.month = 11  # the next step is a review
        model.step()
        runs[bool(interleave)] = model
    assert "by grade (promotion, hiring): level by level" in runs[True].plan()
    assert "level by level" not in runs[False].plan()
    assert (runs[False].holder >= 0).all()
    vacant = np.flatnonzero(runs[True].holder < 0)
    assert len(vacant) == 1 and runs[True].hierarchy.grade[vacant[0]] == 3
