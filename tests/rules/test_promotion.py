"""Phase 'promotion': vacancies filled from the grade below, in the filling slot's order, among
the candidates who accept (the acceptance slot), chosen by the selection slot."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.rules.promotion import Draws, Promotion, hidden_performance

EXACT = {"performance_noise": 0.0, "acceptance_noise": 0.0}


def vacate(model, positions) -> np.ndarray:
    """Make ``positions`` vacant (their holders resign); returns the leavers' ids."""
    ids = model.people.uid[model.holder[np.atleast_1d(positions)]]
    model.remove_people(ids, "voluntary")
    return ids


def test_manager_vacancy_goes_to_the_best_performer_who_accepts(tiny, phase) -> None:
    model = tiny(promotion=EXACT)
    p = model.people
    grade2 = np.flatnonzero(p.active & (p.grade == 2))
    p.firm_expertise[:] = 1.0
    p.skill[grade2] = np.linspace(0.3, 0.6, len(grade2))
    p.status_drive[grade2], p.motivation[grade2] = 0.5, 0.5  # all accept: 0.3 > 0
    best, second = grade2[-1], grade2[-2]
    p.status_drive[best], p.motivation[best] = 0.0, 0.1  # declines: 0 - 0.4 < 0
    pid, old_post = p.uid[second], p.position[second]
    model.month = 3
    vacate(model, 4)
    phase(model, "promotion").step(model)
    # the person keeps their row and now holds the post
    assert model.holder[4] == second and p.uid[second] == pid and p.position[second] == 4
    assert p.grade[second] == 3 and p.role[second] == MANAGER
    assert p.promoted_month[second] == 3 and p.time_in_grade[second] == 0
    assert p.pre_promotion_performance[second] == pytest.approx(0.6 - 0.3 / (len(grade2) - 1))
    # the IC vacancy left behind is filled in the same pass, from grade 1 (a chain)
    assert p.grade[model.holder[old_post]] == 2 and model.holder[old_post] != second
    assert p.position[best] != 4 and p.grade[best] == 2
    ev = model.events_frame.query("event == 'promotion'")
    assert ev["from_grade"].tolist() == [2, 1] and ev["to_grade"].tolist() == [3, 2]
    ev = ev[ev["to_role"] == "manager"]
    assert len(ev) == 1
    assert ev["person_id"].iloc[0] == pid
    assert ev["pre_promotion_performance"].iloc[0] == p.pre_promotion_performance[second]
    model.recorder.record(model)
    assert model.timeseries["promotions_to_manager"].iloc[-1] == 12  # one, per year


def test_with_accept_all_the_best_performer_is_made_manager(tiny, phase) -> None:
    """Who accepts is the acceptance slot's decision: accepting all, the best performer is
    moved even though they do not want the post."""
    from orgsim import OrgModel

    model = OrgModel(
        {"organisation": {"size": 40, "grades": 4, "span": 4}, "policy": {"ic_ceiling_grade": 2},
         "promotion": EXACT},
        rules={"acceptance": "accept-all"},
    )  # fmt: skip
    p = model.people
    grade2 = np.flatnonzero(p.active & (p.grade == 2))
    p.firm_expertise[:] = 1.0
    p.skill[grade2] = np.linspace(0.3, 0.6, len(grade2))
    best = grade2[-1]
    p.status_drive[best], p.motivation[best] = 0.0, 0.1
    model.month = 3
    vacate(model, 4)
    phase(model, "promotion").step(model)
    assert model.holder[4] == best


def test_review_runs_the_vacancy_chain_down(tiny, phase) -> None:
    model = tiny(promotion=EXACT)
    p, h = model.people, model.hierarchy
    p.status_drive[:], p.motivation[:] = 1.0, 0.9
    vacate(model, 0)  # top grade
    assert model.is_review_step()
    phase(model, "promotion").step(model)
    ev = model.events_frame.query("event == 'promotion'")
    assert list(ev["from_grade"]) == [3, 2, 1]
    assert list(ev["to_grade"]) == [4, 3, 2]
    assert list(ev["to_role"]) == ["manager", "manager", "ic"]
    # each mover keeps their row, which now holds their new post
    rows = p.row_of(ev["person_id"].to_numpy())
    np.testing.assert_array_equal(p.grade[rows], [4, 3, 2])
    np.testing.assert_array_equal(model.holder[p.position[rows]], rows)
    # the chain ends with a grade-1 vacancy, left to hiring
    vacant = np.flatnonzero(model.holder < 0)
    assert len(vacant) == 1 and h.grade[vacant[0]] == 1 and h.role[vacant[0]] == IC
    assert p.count == 39


def test_ic_vacancies_go_to_the_best_performer_below(tiny, phase) -> None:
    model = tiny(promotion=EXACT)
    p = model.people
    grade1 = np.flatnonzero(p.grade == 1)
    p.firm_expertise[:] = 1.0
    p.skill[grade1] = np.linspace(0.2, 0.5, len(grade1))
    vacate(model, 10)  # a grade-2 IC
    best = p.uid[grade1[-1]]
    phase(model, "promotion").step(model)
    assert model.holder[10] == p.row_of([best])[0] == grade1[-1]
    assert p.role[grade1[-1]] == IC and p.grade[grade1[-1]] == 2


def test_specialist_vacancy_filled_from_practitioners(tiny, phase) -> None:
    model = tiny(policy="genuine-dual-track", promotion=EXACT)
    h = model.hierarchy
    spec3 = np.flatnonzero((h.role == SPECIALIST) & (h.grade == 3))[0]
    vacate(model, spec3)
    phase(model, "promotion").step(model)
    ev = model.events_frame.query("event == 'promotion' and to_role == 'specialist'")
    assert len(ev) == 1 and ev["from_role"].iloc[0] == "ic" and ev["from_grade"].iloc[0] == 2
    assert h.role[spec3] != MANAGER and model.holder[spec3] >= 0
    assert model.people.role[model.holder[spec3]] == SPECIALIST
    model.recorder.record(model)
    assert model.timeseries["promotions_to_specialist"].iloc[-1] == 12


def test_who_is_eligible(tiny, phase) -> None:
    """Manager posts: anyone one grade below who has not stepped back; specialist posts: ICs
    and specialists; IC posts: ICs."""
    model = tiny(policy="genuine-dual-track")
    p, rule = model.people, phase(model, "promotion")
    below3 = np.flatnonzero(p.grade == 2)  # ICs only
    p.stepped_back[below3[0]] = True
    np.testing.assert_array_equal(rule.eligible(model, 3, MANAGER), below3[1:])
    np.testing.assert_array_equal(rule.eligible(model, 3, SPECIALIST), below3)
    np.testing.assert_array_equal(rule.eligible(model, 3, IC), below3)
    below4 = np.flatnonzero(p.grade == 3)  # managers and specialists
    assert set(p.role[below4].tolist()) == {SPECIALIST, MANAGER}
    specialists = below4[p.role[below4] == SPECIALIST]
    p.stepped_back[specialists[0]] = True
    np.testing.assert_array_equal(
        rule.eligible(model, 4, MANAGER), below4[below4 != specialists[0]]
    )
    np.testing.assert_array_equal(rule.eligible(model, 4, SPECIALIST), specialists)
    assert rule.eligible(model, 4, IC).size == 0


def test_serving_managers_weigh_no_specialist_ladder(tiny, phase) -> None:
    """Under a genuine dual track a reluctant practitioner declines a manager post, while a
    serving manager, who cannot take the specialist ladder instead, accepts it."""
    model = tiny(policy="genuine-dual-track", promotion=EXACT)
    p = model.people
    below = np.flatnonzero(p.grade == 3)
    mgr, spec = below[p.role[below] == MANAGER][0], below[p.role[below] == SPECIALIST][0]
    p.status_drive[below], p.motivation[below] = 0.0, 0.0  # nobody accepts...
    p.status_drive[[mgr, spec]], p.motivation[[mgr, spec]] = 1.0, 0.4  # ...but these two?
    p.firm_expertise[:] = 1.0
    p.skill[below] = 0.1
    p.skill[spec] = 0.9  # the specialist performs best
    vacate(model, 0)
    model.month = 3
    phase(model, "promotion").fill(model, 4, MANAGER)
    # U_manage = 0.6 + 0.4 - 0.5 = 0.5; U_specialist = 0.6 for the specialist, 0 for the manager
    assert model.holder[0] == mgr


def test_step_level_fills_one_grade(tiny, phase) -> None:
    model = tiny(promotion=EXACT)
    model.people.status_drive[:], model.people.motivation[:] = 1.0, 0.9
    vacate(model, [0, 10])  # a grade-4 manager, a grade-2 IC
    rule = phase(model, "promotion")
    rule.step_level(model, 2)
    ev = model.events.recent("promotion")
    assert ev["to_grade"].tolist() == [2]
    assert model.holder[0] == -1 and model.holder[10] >= 0


def test_on_promoted_gets_the_promoted_rows(tiny) -> None:
    from orgsim import OrgModel

    seen = []

    class Recording(Promotion):
        def on_promoted(self, model, rows):
            seen.append((rows.copy(), model.people.grade[rows].copy()))

    model = OrgModel(
        {"organisation": {"size": 40, "grades": 4, "span": 4}, "policy": {"ic_ceiling_grade": 2}},
        rules={"promotion": Recording},
    )
    p = model.people
    p.status_drive[:], p.motivation[:] = 1.0, 0.9
    vacate(model, 0)
    dict(model.phases)["promotion"].step(model)
    moved = p.row_of(model.events.recent("promotion")["person_id"])
    assert [r.tolist() for r, _ in seen] == [[m] for m in moved]
    assert [g.tolist() for _, g in seen] == [[4], [3], [2]]  # called after the move


def test_draws(tiny, phase) -> None:
    """One array per kind over every row; 'accept' is a raw standard normal (the acceptance
    rule scales it); the same numbers for every policy and acceptance noise; cached for the
    step and new the next month."""
    a = tiny(organisation={"size": 4000}, promotion={"acceptance_noise": 0.0})
    b = tiny(organisation={"size": 4000}, policy="genuine-dual-track",
             promotion={"acceptance_noise": 2.0})  # fmt: skip
    da, db = phase(a, "promotion").draws(a), phase(b, "promotion").draws(b)
    assert set(da) == {"performance", "assessment", "lottery", "accept"} and len(da) == 4
    for kind in ("accept", "assessment", "lottery"):
        assert len(da[kind]) == len(a.people)
        np.testing.assert_array_equal(da[kind], db[kind])
    assert abs(da["accept"].std() - 1) < 0.05 and abs(da["accept"].mean()) < 0.05
    assert phase(a, "promotion").draws(a) is da
    z = (da["performance"] - a.expertise()) / 0.1  # performance = expertise + noise
    assert abs(z.std() - 1) < 0.05
    assert not np.allclose(z, da["accept"])
    with pytest.raises(KeyError):
        da["mood"]
    a.step()
    assert not np.array_equal(phase(a, "promotion").draws(a)["accept"], da["accept"])
    assert isinstance(da, Draws)


def test_a_row_taken_by_a_hire_within_the_step_is_observed_afresh(tiny, phase) -> None:
    """When phases run level by level a freed row can be hired into after the step's draws:
    its observed performance is the newcomer's expertise plus the row's own noise."""
    model = tiny(organisation={"size": 400})  # month 0: every row is taken
    rule = phase(model, "promotion")
    draws = rule.draws(model)
    before = draws["performance"].copy()
    p = model.people
    row = int(np.flatnonzero(p.active & (p.role == 0))[0])
    z = (before[row] - model.expertise()[row]) / rule.params.performance_noise
    position = int(p.position[row])
    model.remove_people(p.uid[[row]], "voluntary")
    model.hire(np.array([position]), {"skill": np.array([0.99]), "firm_expertise": np.zeros(1)})
    assert p.position[row] == position  # the only free row: the one just freed
    after = draws["performance"]
    expected = model.expertise()[row] + rule.params.performance_noise * z
    assert after[row] == pytest.approx(expected) and after[row] != pytest.approx(before[row])
    others = np.arange(len(before)) != row
    np.testing.assert_array_equal(after[others], before[others])


def test_a_hire_in_a_blocked_leavers_row_does_not_inherit_the_hidden_performance(
    tiny, phase
) -> None:
    """The part of performance a blocking manager hides belongs to the person: a newcomer in
    the row is observed without the leaver's."""
    model = tiny(organisation={"size": 400})
    p = model.people
    p.blocked[:] = 0.0
    row = int(np.flatnonzero(p.active & (p.role == 0))[0])
    p.blocked[row] = 0.8  # the leaver's manager hid part of their work
    rule = phase(model, "promotion")
    draws = rule.draws(model)
    hidden = model.expertise()[row] - draws["performance"][row]
    noise = hidden - hidden_performance(model)[row]
    assert hidden_performance(model)[row] > 0
    position = int(p.position[row])
    model.remove_people(p.uid[[row]], "voluntary")
    model.hire(np.array([position]), {"skill": np.array([0.5]), "firm_expertise": np.zeros(1)})
    assert p.position[row] == position and p.blocked[row] == 0
    assert draws["performance"][row] == pytest.approx(model.expertise()[row] - noise)


def test_who_turns_management_down_takes_the_specialist_post_first(tiny, phase) -> None:
    """What a candidate weighs when declining is what happens: under a genuine dual track,
    the candidate offered a manager post who declines it (the most apt, ranked first for the
    manager post on assessed aptitude) goes first for a specialist vacancy at that grade in
    the same step, ahead of better technical performers; a 'declined' event records it."""
    aptitude = {"selection": "assessed-aptitude", "assessment_noise": 0.0}

    def setup(decliner_motivation: float):
        model = tiny(policy="genuine-dual-track", promotion=EXACT, policy_overrides=aptitude)
        p = model.people
        ics = np.flatnonzero(p.active & (p.grade == 2) & (p.role == IC))
        p.firm_expertise[:] = 1.0
        p.skill[ics] = np.linspace(0.3, 0.6, len(ics))
        p.aptitude[ics] = np.linspace(0.9, 0.1, len(ics))  # the weakest performer most apt
        p.status_drive[ics], p.motivation[ics] = 0.5, 0.9  # everyone accepts: 0.7 > P x 0.3
        p.motivation[ics[0]] = decliner_motivation  # 0.3 + 0.1 - 0.5 < 0: declines
        posts = model.positions(3, MANAGER)[0], model.positions(3, SPECIALIST)[0]
        vacate(model, list(posts))
        phase(model, "promotion").step(model)
        return model, ics, posts

    model, ics, (manager_post, specialist_post) = setup(0.1)
    assert model.holder[manager_post] == ics[1]  # the next most apt, who accepts
    assert model.holder[specialist_post] == ics[0]  # ahead of ics[-1], the best performer
    declined = model.events_frame.query("event == 'declined'")
    assert declined["person_id"].tolist() == [model.people.uid[ics[0]]]
    # without the decline, the specialist post goes to the best performer left
    model, ics, (manager_post, specialist_post) = setup(0.9)
    assert model.holder[manager_post] == ics[0]
    assert model.holder[specialist_post] == ics[-1]
    assert not (model.events_frame["event"] == "declined").any()
