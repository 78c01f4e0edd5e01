"""Phase 'hiring': what internal candidates do not fill is hired from outside, with no
firm-specific expertise, after a time to hire (a geometric wait with the stated mean); kinds
of post filled at reviews wait for them. Most tests hire at once (time_to_hire_months 0)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from orgsim.hierarchy import IC, MANAGER
from orgsim.rules.filling import LevelFilling
from orgsim.rules.hiring import MAX_ROUNDS

AT_ONCE = {"time_to_hire_months": 0}


def vacate(model, positions) -> np.ndarray:
    """Make ``positions`` vacant (their holders resign); returns the leavers' ids."""
    ids = model.people.uid[model.holder[positions]]
    model.remove_people(ids, "voluntary")
    return ids


def test_vacancies_hired_from_outside(tiny, phase) -> None:
    model = tiny(promotion=AT_ONCE)
    p = model.people
    positions = np.array([3, 12, 30])
    vacate(model, positions)
    ids_before = p.ids_issued
    phase(model, "hiring").step(model)
    assert p.active.all() and (model.holder >= 0).all()
    rows = model.holder[positions]
    np.testing.assert_array_equal(rows, positions)  # the freed rows are reused
    np.testing.assert_array_equal(p.position[rows], positions)
    assert (p.uid[rows] >= ids_before).all() and p.ids_issued == ids_before + 3
    assert (p.firm_expertise[rows] == 0).all()
    assert (p.tenure[rows] == 0).all() and (p.hire_month[rows] == model.month).all()
    assert model.events.count("hire") == 3
    ev = model.events_frame.query("event == 'hire'")
    assert sorted(ev["to_grade"]) == [1, 2, 3]
    assert sorted(ev["person_id"]) == sorted(p.uid[rows])
    assert ev["from_grade"].isna().all()


def test_off_review_only_manager_vacancies_are_hired(phase) -> None:
    from orgsim import OrgModel

    params = {"organisation": {"size": 40, "grades": 4, "span": 4},
              "policy": {"ic_ceiling_grade": 2}, "promotion": AT_ONCE}  # fmt: skip
    model = OrgModel(params, rules={"filling": LevelFilling({"at_review": ["specialist", "ic"]})})
    model.month = 7
    vacate(model, np.array([3, 12, 30]))
    rule = phase(model, "hiring")
    np.testing.assert_array_equal(rule.due(model), [3])
    rule.step(model)
    h = model.hierarchy
    assert model.holder[3] >= 0 and h.role[3] == MANAGER
    assert model.holder[12] < 0 and model.holder[30] < 0 and h.role[12] == IC
    model.month = 12
    np.testing.assert_array_equal(rule.due(model), [12, 30])


def test_hire_into_one_level(tiny, phase) -> None:
    model = tiny(promotion=AT_ONCE)
    vacate(model, np.array([3, 12, 30]))
    phase(model, "hiring").step_level(model, 2)
    np.testing.assert_array_equal(np.flatnonzero(model.holder < 0), [3, 30])


def test_hiring_needs_vacant_positions(tiny) -> None:
    model = tiny()
    people = model.draw_people(model.stream("test"), np.array([1]), initial=False)
    with pytest.raises(ValueError, match="vacant"):
        model.hire(np.array([30]), people)


def test_ask_the_question_hires_managers_who_say_they_want_to_lead(tiny, phase) -> None:
    model = tiny(organisation={"size": 2000}, policy="ask-the-question", promotion=AT_ONCE)
    h, p = model.hierarchy, model.people
    mgr = np.flatnonzero(h.role == MANAGER)
    positions = mgr[h.grade[mgr] < h.grades]
    vacate(model, positions)
    phase(model, "hiring").step(model)
    hired = model.holder[positions]
    assert len(hired) > 100 and (hired >= 0).all()
    # candidates are redrawn until they say yes, up to MAX_ROUNDS (20) draws; about 36% of
    # people say yes, so the odds that 20 draws all fail are ~1e-3 per vacancy
    assert MAX_ROUNDS == 20
    assert (p.stated_preference[hired] > 0.5).mean() >= 0.99


def test_external_managers_must_accept_the_role(tiny, phase) -> None:
    """A manager hire is redrawn until U_manage = 0.6 d + (m - 0.5) > 0 (no acceptance noise
    here): status alone can tip a reluctant outsider, and, as an outsider has no specialist
    ladder to weigh, the same holds under a genuine dual track."""
    for policy in ("single-ladder", "genuine-dual-track"):
        model = tiny(
            organisation={"size": 2000}, policy=policy, promotion={"acceptance_noise": 0} | AT_ONCE
        )
        h, p = model.hierarchy, model.people
        positions = np.flatnonzero((h.role == MANAGER) & (h.grade < h.grades))
        vacate(model, positions)
        phase(model, "hiring").step(model)
        rows = model.holder[positions]
        u_manage = 0.6 * p.status_drive[rows] + p.motivation[rows] - 0.5
        assert (u_manage <= 0).mean() < 0.01, policy  # 0 but for the 20-draw cap
        assert (p.motivation[rows] < 0.5).mean() > 0.2, policy


def test_outsiders_weigh_no_specialist_ladder(tiny, phase) -> None:
    """Outsiders are offered the post with outside=True: under a genuine dual track they
    decide as under a single ladder, so would_join is the single-ladder equation."""
    model = tiny(policy="genuine-dual-track", promotion={"acceptance_noise": 0})
    rule = phase(model, "hiring")
    d = np.array([0.9, 0.9, 0.1, 0.1])
    m = np.array([0.2, 0.8, 0.2, 0.8])
    people = {"status_drive": d, "motivation": m, "stated_preference": m}
    ok = rule.would_join(model, model.stream("t"), np.array([2, 3, 0, 1]), people, np.arange(4))
    np.testing.assert_array_equal(ok, 0.6 * d + m - 0.5 > 0)
    np.testing.assert_array_equal(ok, [True, True, False, True])


def test_with_accept_all_managers_are_hired_on_the_first_draw(tiny, phase) -> None:
    """The acceptance slot decides: when it accepts all, no candidate is redrawn."""
    from orgsim import OrgModel

    hired = {}
    for acceptance in (None, "accept-all", "acceptance"):
        params = {"organisation": {"size": 400}, "promotion": AT_ONCE}
        model = OrgModel(params, rules={"acceptance": acceptance})
        h, p = model.hierarchy, model.people
        positions = np.flatnonzero((h.role == MANAGER) & (h.grade < h.grades))
        vacate(model, positions)
        first = model.draw_people(
            copy.deepcopy(model.stream("hiring")), h.grade[positions], initial=False
        )
        phase(model, "hiring").step(model)
        hired[acceptance] = p.motivation[model.holder[positions]]
        redrawn = hired[acceptance] != first["motivation"]
        if acceptance == "acceptance":
            assert redrawn.any()  # the reluctant refused and others were drawn
        else:
            assert not redrawn.any()
    np.testing.assert_array_equal(hired[None], hired["accept-all"])


def test_the_time_to_hire_is_a_geometric_wait_shared_by_policies(tiny, phase) -> None:
    """Each step a due vacancy is filled from outside with probability 1 - exp(-1 / mean):
    over 4,000-person charts with every grade-1 post vacant (1,500-1,900), the share hired in
    one step is within 0.04 of it (binomial sd at most 0.013: over 3 sd), and the same posts
    wait under every policy (one uniform per position per step)."""
    waits = {}
    for policy in ("single-ladder", "genuine-dual-track"):
        model = tiny(organisation={"size": 4000}, policy=policy)
        positions = np.flatnonzero(model.hierarchy.grade == 1)
        assert positions.size > 1500
        vacate(model, positions)
        phase(model, "hiring").step(model)
        hired = model.holder[positions] >= 0
        mean = model.params.promotion.time_to_hire_months
        assert abs(hired.mean() - (1 - np.exp(-1 / mean))) < 0.04, policy
        waits[policy] = dict(zip(positions.tolist(), hired.tolist(), strict=True))
    shared = waits["single-ladder"].keys() & waits["genuine-dual-track"].keys()
    assert len(shared) > 1000
    assert all(waits["single-ladder"][k] == waits["genuine-dual-track"][k] for k in shared)
    # a yearly step waits twelve months' worth: 1 - exp(-12 / 12) with a 12-month mean
    from orgsim import OrgModel

    params = {"organisation": {"size": 4000}, "promotion": {"time_to_hire_months": 12}}
    model = OrgModel(params | {"step_months": 12})
    positions = np.flatnonzero(model.hierarchy.grade == 1)
    vacate(model, positions)
    phase(model, "hiring").step(model)
    hired = (model.holder[positions] >= 0).mean()
    assert abs(hired - (1 - np.exp(-1.0))) < 0.04
