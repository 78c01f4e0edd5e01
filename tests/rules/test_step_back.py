"""Phase 'step_back': where the policy allows, reluctant, disengaged managers return to the
IC or specialist track."""

from __future__ import annotations

import copy

import numpy as np

from orgsim.hierarchy import IC, MANAGER, SPECIALIST

ALWAYS = {"engagement_threshold": 0.5, "monthly_probability": 1.0}


def setup(model) -> tuple[int, int, int]:
    """A reluctant disengaged, a reluctant engaged and a motivated disengaged manager (their
    rows), and two vacant IC positions (12 at grade 2, 30 at grade 1)."""
    p = model.people
    p.motivation[2], p.engagement[2] = 0.2, 0.1
    p.motivation[3], p.engagement[3] = 0.2, 0.9
    p.motivation[4], p.engagement[4] = 0.9, 0.1
    p.motivation[[0, 1, 5, 6, 7, 8, 9]] = 0.9
    model.remove_people(p.uid[model.holder[[12, 30]]], "retirement")
    return 2, 3, 4


def test_only_reluctant_disengaged_managers_step_back(tiny, phase) -> None:
    model = tiny(step_back=ALWAYS, policy_overrides={"step_back_allowed": True})
    p, h = model.people, model.hierarchy
    mover, engaged, motivated = setup(model)
    pid, post = p.uid[mover], p.position[mover]
    phase(model, "step_back").step(model)
    assert model.holder[post] == -1  # the manager post is vacant
    assert model.holder[p.position[engaged]] == engaged and p.role[engaged] == MANAGER
    assert model.holder[p.position[motivated]] == motivated and p.role[motivated] == MANAGER
    # into the highest vacant practitioner position at or below their grade, keeping their row
    assert model.holder[12] == mover and p.uid[mover] == pid and p.position[mover] == 12
    assert p.stepped_back[mover] and not p.stepped_back[[engaged, motivated]].any()
    assert p.role[mover] != MANAGER and p.grade[mover] == 2 and h.grade[12] == 2
    assert np.isnan(p.manager_quality[mover])  # no longer leads a team
    ev = model.events_frame
    back = ev[ev["event"] == "step_back"]
    assert list(back["person_id"]) == [pid]
    assert back["from_role"].iloc[0] == "manager" and back["to_grade"].iloc[0] == 2
    assert model.events.count("step_back") == 1
    assert p.time_in_grade[mover] == 0


def test_a_specialist_post_at_their_own_grade_comes_first(tiny, phase) -> None:
    model = tiny(
        policy="genuine-dual-track", step_back=ALWAYS, policy_overrides={"step_back_allowed": True}
    )
    p, h = model.people, model.hierarchy
    p.motivation[:] = 0.9
    mover = np.flatnonzero((p.role == MANAGER) & (p.grade == 3))[0]
    p.motivation[mover], p.engagement[mover] = 0.2, 0.1
    spec3 = np.flatnonzero((h.role == SPECIALIST) & (h.grade == 3))[0]
    ic2 = np.flatnonzero((h.role == IC) & (h.grade == 2))[0]
    model.remove_people(p.uid[model.holder[[ic2, spec3]]], "retirement")
    phase(model, "step_back").step(model)
    assert model.holder[spec3] == mover and model.holder[ic2] == -1
    assert p.role[mover] == SPECIALIST and p.grade[mover] == 3


def test_no_step_back_when_not_allowed(tiny, phase) -> None:
    model = tiny(step_back=ALWAYS, policy_overrides={"step_back_allowed": False})
    setup(model)
    holder = model.holder.copy()
    phase(model, "step_back").step(model)
    np.testing.assert_array_equal(model.holder, holder)
    assert model.events.count("step_back") == 0


def test_step_back_draws_even_when_not_allowed(tiny, phase) -> None:
    """Common random numbers: the stream advances whatever the policy."""
    a = tiny(policy_overrides={"step_back_allowed": True})
    b = tiny(policy_overrides={"step_back_allowed": False})
    phase(a, "step_back").step(a)
    phase(b, "step_back").step(b)
    assert a.stream("step_back").random() == b.stream("step_back").random()


def test_without_a_vacancy_they_wait(tiny, phase) -> None:
    model = tiny(step_back=ALWAYS, policy_overrides={"step_back_allowed": True})
    p = model.people
    p.motivation[:] = 0.9
    p.motivation[2], p.engagement[2] = 0.2, 0.1
    phase(model, "step_back").step(model)
    assert p.active.all() and (model.holder >= 0).all()
    assert model.events.count("step_back") == 0 and p.role[2] == MANAGER


def test_step_back_probability(tiny, phase) -> None:
    model = tiny(
        organisation={"size": 3000},
        step_back={"engagement_threshold": 0.5, "monthly_probability": 0.3},
        policy_overrides={"step_back_allowed": True},
    )
    p = model.people
    mgr = np.flatnonzero(p.role == MANAGER)
    p.motivation[:] = 0.9
    p.motivation[mgr], p.engagement[mgr] = 0.1, 0.1
    model.remove_people(p.uid[np.flatnonzero(p.role != MANAGER)[: len(mgr)]], "retirement")
    u = copy.deepcopy(model.stream("step_back")).random(len(p))
    phase(model, "step_back").step(model)
    movers = model.events.recent("step_back")["person_id"]
    share = len(movers) / len(mgr)
    assert 0.25 < share < 0.35  # 0.3, n ~ 600 managers
    assert sorted(movers.tolist()) == sorted(p.uid[mgr[u[mgr] < 0.3]].tolist())


def test_stepped_back_people_are_not_made_managers_again(tiny, phase) -> None:
    model = tiny(
        step_back=ALWAYS,
        promotion={"performance_noise": 0.0, "acceptance_noise": 0.0},
        policy_overrides={"step_back_allowed": True},
    )
    p = model.people
    mover, _, _ = setup(model)
    phase(model, "step_back").step(model)
    assert p.grade[mover] == 2 and model.holder[2] == -1
    grade2 = (p.grade == 2) & p.active
    p.skill[grade2] = 0.3
    p.skill[mover] = 1.0  # the best performer by far
    p.status_drive[grade2], p.motivation[grade2] = 1.0, 0.9  # everyone would accept
    phase(model, "promotion").step(model)
    assert model.holder[2] >= 0 and model.holder[2] != mover
    assert p.grade[mover] == 2 and p.role[mover] != MANAGER
