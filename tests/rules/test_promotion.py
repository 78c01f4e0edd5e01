"""Phase 'promotion': vacancies filled from the grade below by the policy's selection rule;
candidates accept a manager role by weighing status against reluctance and, under a dual
track, against the specialist ladder."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.rules.promotion import accepts_management

EXACT = {"performance_noise": 0.0, "acceptance_noise": 0.0}


def test_acceptance_equation(tiny) -> None:
    d = np.array([0.9, 0.9, 0.1, 0.1, 0.5])
    m = np.array([0.2, 0.8, 0.2, 0.8, 0.45])
    grade = np.full(5, 3)
    zero = np.zeros(5)
    single = accepts_management(tiny(), d, m, grade, zero)
    # single ladder: 0.6 d + (m - 0.5) > 0 (the alternative is staying put)
    np.testing.assert_array_equal(single, 0.6 * d + m - 0.5 > 0)
    np.testing.assert_array_equal(single, [True, True, False, True, True])
    # genuine dual track: the specialist ladder offers the same status, so only m > 0.5 accepts
    genuine = accepts_management(tiny(policy="genuine-dual-track"), d, m, grade, zero)
    np.testing.assert_array_equal(genuine, m > 0.5)


def test_nominal_ladder_is_a_weaker_alternative_and_ends_early() -> None:
    from orgsim import OrgModel

    model = OrgModel({"organisation": {"size": 200}}, policy="nominal-dual-track")
    d, m, zero = np.array([1.0]), np.array([0.3]), np.zeros(1)
    # U_manage = 0.6 + 0.3 - 0.5 = 0.4; U_specialist = 0.6 x 0.85 x (1 - 0.3) = 0.357
    assert accepts_management(model, d, m, np.array([4]), zero).all()
    m = np.array([0.25])  # U_manage = 0.35 < 0.357
    assert not accepts_management(model, d, m, np.array([4]), zero).any()
    # above the nominal ladder's top (grade 4) there is no alternative
    assert accepts_management(model, d, m, np.array([5]), zero).all()


def test_genuine_dual_track_rejects_reluctant_candidates_more_often(tiny) -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    d, m = rng.beta(2, 2, n), rng.uniform(0, 1, n)
    noise = 0.15 * rng.standard_normal(n)
    grade = np.full(n, 3)
    reluctant = m < 0.5
    share = {
        policy: accepts_management(tiny(policy=policy), d, m, grade, noise)[reluctant].mean()
        for policy in ("single-ladder", "genuine-dual-track")
    }
    assert share["single-ladder"] > 0.5
    assert share["genuine-dual-track"] < 0.5 * share["single-ladder"]


def manager_ranking(model, rows, draws):
    return model.components["selection"].rank(model, rows, draws, len(rows))


def test_manager_ranking_by_selection_rule(tiny) -> None:
    rows = np.arange(10, 16)
    perf = np.zeros(40)
    perf[rows] = [0.1, 0.9, 0.5, 0.3, 0.7, 0.2]
    draws = {"performance": perf, "assessment": np.zeros(40), "lottery": -perf}
    model = tiny()
    np.testing.assert_array_equal(manager_ranking(model, rows, draws), [11, 14, 12, 13, 15, 10])
    model = tiny(policy_overrides={"selection": "random"})
    np.testing.assert_array_equal(manager_ranking(model, rows, draws), [10, 15, 13, 12, 14, 11])
    model = tiny(policy_overrides={"selection": "assessed-aptitude"})
    wf = model.workforce
    wf.aptitude[rows] = [0.5, 0.1, 0.9, 0.3, 0.2, 0.8]
    np.testing.assert_array_equal(manager_ranking(model, rows, draws), [12, 15, 10, 13, 14, 11])
    model = tiny(policy="ask-the-question")
    wf = model.workforce
    wf.aptitude[rows] = [0.5, 0.1, 0.9, 0.3, 0.2, 0.8]
    wf.stated_preference[rows] = [0.9, 0.9, 0.2, 0.9, 0.4, 0.6]  # 12 and 14 do not ask to lead
    np.testing.assert_array_equal(manager_ranking(model, rows, draws), [15, 10, 13, 11])


def test_manager_vacancy_goes_to_the_best_performer_who_accepts(tiny, phase) -> None:
    model = tiny(promotion=EXACT)
    wf, h = model.workforce, model.hierarchy
    grade2 = np.flatnonzero(wf.occupied & (h.grade == 2))
    wf.firm_expertise[:] = 1.0
    wf.skill[grade2] = np.linspace(0.3, 0.6, len(grade2))
    wf.status_drive[grade2], wf.motivation[grade2] = 0.5, 0.5  # all accept: 0.3 > 0
    best, second = grade2[-1], grade2[-2]
    wf.status_drive[best], wf.motivation[best] = 0.0, 0.1  # declines: 0 - 0.4 < 0
    pid = wf.person_id[second]
    model.month = 3  # off review: only manager vacancies are filled
    model.remove_people(np.array([4]), "exit", top_quartile=np.zeros(40, bool))
    phase(model, "promotion").step(model)
    assert wf.person_id[4] == pid
    assert wf.promoted_month[4] == 3
    assert wf.pre_promotion_performance[4] == pytest.approx(0.6 - 0.3 / (len(grade2) - 1))
    assert not wf.occupied[second]  # the IC vacancy waits for the review
    ev = model.events_frame.query("event == 'promotion'")
    assert len(ev) == 1 and ev["to_role"].iloc[0] == "manager"
    assert model.flows["promotions_to_manager"] == 1


def test_review_runs_the_vacancy_chain_down(tiny, phase) -> None:
    model = tiny(promotion=EXACT)
    wf, h = model.workforce, model.hierarchy
    wf.status_drive[:], wf.motivation[:] = 1.0, 0.9
    model.remove_people(np.array([0]), "exit", top_quartile=np.zeros(40, bool))  # top grade
    assert model.is_review_step()
    phase(model, "promotion").step(model)
    ev = model.events_frame.query("event == 'promotion'")
    assert list(ev["from_grade"]) == [3, 2, 1]
    assert list(ev["to_grade"]) == [4, 3, 2]
    assert list(ev["to_role"]) == ["manager", "manager", "ic"]
    # the chain ends with a grade-1 vacancy, left to hiring
    vacant = np.flatnonzero(~wf.occupied)
    assert len(vacant) == 1 and h.grade[vacant[0]] == 1 and h.role[vacant[0]] == IC


def test_ic_vacancies_go_to_the_best_performer_below(tiny, phase) -> None:
    model = tiny(promotion=EXACT)
    wf, h = model.workforce, model.hierarchy
    grade1 = np.flatnonzero(h.grade == 1)
    wf.firm_expertise[:] = 1.0
    wf.skill[grade1] = np.linspace(0.2, 0.5, len(grade1))
    model.remove_people(np.array([10]), "exit", top_quartile=np.zeros(40, bool))  # grade-2 IC
    best = wf.person_id[grade1[-1]]
    phase(model, "promotion").step(model)
    assert wf.person_id[10] == best


def test_specialist_vacancy_filled_from_practitioners(tiny, phase) -> None:
    model = tiny(policy="genuine-dual-track", promotion=EXACT)
    wf, h = model.workforce, model.hierarchy
    spec3 = np.flatnonzero((h.role == SPECIALIST) & (h.grade == 3))[0]
    model.remove_people(np.array([spec3]), "exit", top_quartile=np.zeros(40, bool))
    phase(model, "promotion").step(model)
    ev = model.events_frame.query("event == 'promotion' and to_role == 'specialist'")
    assert len(ev) == 1 and ev["from_role"].iloc[0] == "ic" and ev["from_grade"].iloc[0] == 2
    assert model.flows["promotions_to_specialist"] == 1
    assert h.role[spec3] != MANAGER and wf.occupied[spec3]
