"""Phase 'hiring': what internal candidates do not fill is hired from outside, with no
firm-specific expertise; manager vacancies every step, others at reviews."""

from __future__ import annotations

import numpy as np

from orgsim.hierarchy import IC, MANAGER

NONE = np.zeros(40, bool)


def test_vacancies_hired_from_outside(tiny, phase) -> None:
    model = tiny()
    wf = model.workforce
    model.remove_people(np.array([3, 12, 30]), "exit", top_quartile=NONE)
    ids_before = wf.person_id.max()
    phase(model, "hiring").step(model)
    assert wf.occupied.all()
    rows = np.array([3, 12, 30])
    assert (wf.person_id[rows] > ids_before).all()
    assert (wf.firm_expertise[rows] == 0).all()
    assert (wf.tenure[rows] == 0).all() and (wf.hire_month[rows] == model.month).all()
    assert model.flows["hires"] == 3
    ev = model.events_frame.query("event == 'hire'")
    assert sorted(ev["to_grade"]) == [1, 2, 3]


def test_off_review_only_manager_vacancies_are_hired(tiny, phase) -> None:
    model = tiny()
    model.month = 7
    model.remove_people(np.array([3, 12, 30]), "exit", top_quartile=NONE)
    phase(model, "hiring").step(model)
    wf, h = model.workforce, model.hierarchy
    assert wf.occupied[3] and h.role[3] == MANAGER
    assert not wf.occupied[12] and not wf.occupied[30] and h.role[12] == IC


def test_ask_the_question_hires_managers_who_say_they_want_to_lead(tiny, phase) -> None:
    model = tiny(organisation={"size": 2000}, policy="ask-the-question")
    h, wf = model.hierarchy, model.workforce
    mgr = np.flatnonzero(h.role == MANAGER)
    model.remove_people(mgr[h.grade[mgr] < h.grades], "exit", top_quartile=np.zeros(2000, bool))
    phase(model, "hiring").step(model)
    hired = mgr[h.grade[mgr] < h.grades]
    assert len(hired) > 100
    # candidates are redrawn until they say yes, up to MAX_ROUNDS (20) draws; about 36% of
    # people say yes, so the odds that 20 draws all fail are ~1e-3 per vacancy
    assert (wf.stated_preference[hired] > 0.5).mean() >= 0.99


def test_external_managers_must_accept_the_role(tiny, phase) -> None:
    """Under a genuine dual track a hire accepts only with motivation above the threshold
    (up to acceptance noise); under a single ladder status alone can tip the balance."""
    shares = {}
    for policy in ("single-ladder", "genuine-dual-track"):
        model = tiny(organisation={"size": 2000}, policy=policy, promotion={"acceptance_noise": 0})
        h, wf = model.hierarchy, model.workforce
        rows = np.flatnonzero((h.role == MANAGER) & (h.grade < h.grades))
        model.remove_people(rows, "exit", top_quartile=np.zeros(2000, bool))
        phase(model, "hiring").step(model)
        shares[policy] = (wf.motivation[rows] < 0.5).mean()
    assert shares["genuine-dual-track"] < 0.01  # 0 but for the 20-draw cap
    assert shares["single-ladder"] > 0.2
