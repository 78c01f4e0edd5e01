"""Phase 'step_back': where the policy allows, reluctant, disengaged managers return to the
IC or specialist track."""

from __future__ import annotations

import numpy as np

from orgsim.hierarchy import MANAGER

ALWAYS = {"engagement_threshold": 0.5, "monthly_probability": 1.0}


def setup(model) -> tuple[int, int, int]:
    """A reluctant disengaged, a reluctant engaged and a motivated disengaged manager, and
    two vacant IC positions."""
    wf = model.workforce
    wf.motivation[2], wf.engagement[2] = 0.2, 0.1
    wf.motivation[3], wf.engagement[3] = 0.2, 0.9
    wf.motivation[4], wf.engagement[4] = 0.9, 0.1
    wf.motivation[[0, 1, 5, 6, 7, 8, 9]] = 0.9
    model.remove_people(np.array([12, 30]), "retirement")  # a grade-2 and a grade-1 IC
    return 2, 3, 4


def test_only_reluctant_disengaged_managers_step_back(tiny, phase) -> None:
    model = tiny(step_back=ALWAYS, policy_overrides={"step_back_allowed": True})
    wf, h = model.workforce, model.hierarchy
    mover, engaged, motivated = setup(model)
    pid = wf.person_id[mover]
    phase(model, "step_back").step(model)
    assert not wf.occupied[mover]
    assert wf.occupied[engaged] and wf.occupied[motivated]
    # into the highest vacant practitioner position at or below their grade
    assert wf.person_id[12] == pid and wf.stepped_back[12]
    assert h.role[12] != MANAGER and h.grade[12] == 2
    ev = model.events_frame
    back = ev[ev["event"] == "step_back"]
    assert list(back["person_id"]) == [pid]
    assert back["from_role"].iloc[0] == "manager" and back["to_grade"].iloc[0] == 2
    assert model.flows["step_backs"] == 1
    assert wf.time_in_grade[12] == 0


def test_no_step_back_when_not_allowed(tiny, phase) -> None:
    model = tiny(step_back=ALWAYS, policy_overrides={"step_back_allowed": False})
    setup(model)
    occupied = model.workforce.occupied.copy()
    phase(model, "step_back").step(model)
    np.testing.assert_array_equal(model.workforce.occupied, occupied)
    assert model.flows["step_backs"] == 0


def test_without_a_vacancy_they_wait(tiny, phase) -> None:
    model = tiny(step_back=ALWAYS, policy_overrides={"step_back_allowed": True})
    wf = model.workforce
    wf.motivation[:] = 0.9
    wf.motivation[2], wf.engagement[2] = 0.2, 0.1
    phase(model, "step_back").step(model)
    assert wf.occupied.all() and model.flows["step_backs"] == 0


def test_step_back_probability(tiny, phase) -> None:
    model = tiny(
        organisation={"size": 3000},
        step_back={"engagement_threshold": 0.5, "monthly_probability": 0.3},
        policy_overrides={"step_back_allowed": True},
    )
    wf, h = model.workforce, model.hierarchy
    mgr = np.flatnonzero(h.role == MANAGER)
    wf.motivation[:] = 0.9
    wf.motivation[mgr], wf.engagement[mgr] = 0.1, 0.1
    model.remove_people(np.flatnonzero(h.role != MANAGER)[: len(mgr)], "retirement")
    phase(model, "step_back").step(model)
    share = model.flows["step_backs"] / len(mgr)
    assert 0.25 < share < 0.35  # 0.3, n ~ 600 managers


def test_stepped_back_people_are_not_made_managers_again(tiny, phase) -> None:
    model = tiny(
        step_back=ALWAYS,
        promotion={"performance_noise": 0.0, "acceptance_noise": 0.0},
        policy_overrides={"step_back_allowed": True},
    )
    wf, h = model.workforce, model.hierarchy
    setup(model)
    phase(model, "step_back").step(model)
    back = 12
    grade2 = (h.grade == 2) & wf.occupied
    wf.skill[grade2] = 0.3
    wf.skill[back] = 1.0  # the best performer by far
    wf.status_drive[grade2], wf.motivation[grade2] = 1.0, 0.9  # everyone would accept
    pid = wf.person_id[back]
    phase(model, "promotion").step(model)
    assert wf.person_id[2] >= 0 and wf.person_id[2] != pid
