"""Slot 'acceptance': a manager post is taken if U_manage = w d + (m - tau) + sigma z exceeds
U_alt, the value of the specialist ladder for a practitioner it reaches, weighted by the chance
of a specialist post within the horizon (0 otherwise: staying put), less what declining costs
an insider (policy.decline_penalty); outsiders and serving
managers have no specialist alternative; other posts are always taken; 'accept-all' takes
everything."""

from __future__ import annotations

import numpy as np
import pytest

from orgsim.hierarchy import IC, MANAGER, SPECIALIST
from orgsim.rules import Candidates, Offer
from orgsim.rules.acceptance import AcceptAll, WeighedAcceptance, specialist_chance

D = np.array([0.9, 0.9, 0.1, 0.1, 0.5])
M = np.array([0.2, 0.8, 0.2, 0.8, 0.45])


def accepts(model, d, m, grade=3, noise=None, role=MANAGER, **offer) -> np.ndarray:
    """Whether candidates of status drive ``d`` and motivation ``m`` take the post."""
    who = Candidates(model, drawn={"status_drive": np.asarray(d), "motivation": np.asarray(m)})
    z = np.zeros(len(d)) if noise is None else noise
    return model.components["acceptance"].accepts(model, Offer(grade, role, who, z, **offer))


def test_acceptance_equation(tiny) -> None:
    single = accepts(tiny(), D, M)
    # single ladder: 0.6 d + (m - 0.5) > -0.05 (staying put, at the cost of saying no)
    np.testing.assert_array_equal(single, 0.6 * D + M - 0.5 > -0.05)
    np.testing.assert_array_equal(single, [True, True, False, True, True])
    # genuine dual track: the specialist ladder offers the same status, at the chance P of a
    # specialist post: 0.6 d + (m - 0.5) > P 0.6 d
    model = tiny(policy="genuine-dual-track")
    chance = specialist_chance(model, 3, 12)
    assert 0 < chance < 1
    genuine = accepts(model, D, M)
    np.testing.assert_array_equal(genuine, chance * 0.6 * D < 0.6 * D + M - 0.5)
    # every post opening within the horizon: P = posts / contenders, a stronger pull
    model = tiny(policy="genuine-dual-track", leaving={"base_monthly_exit": 1.0})
    sure = specialist_chance(model, 3, 12)
    assert sure > chance
    np.testing.assert_array_equal(accepts(model, D, M), sure * 0.6 * D < 0.6 * D + M - 0.5)


def test_the_chance_of_a_specialist_post(tiny) -> None:
    model = tiny(policy="genuine-dual-track")
    posts = model.positions(3, SPECIALIST)
    below = model.rows_at_grade(2)
    contenders = np.isin(model.people.role[below], (IC, SPECIALIST)).sum()
    opening = 1 - (1 - model.params.leaving.base_monthly_exit) ** 12
    assert specialist_chance(model, 3, 12) == pytest.approx(posts.size * opening / contenders)
    assert specialist_chance(model, 3, 0) == 0  # no vacancy now, none expected
    model.remove_people(model.people.uid[model.holder[posts[:2]]], "voluntary")
    now = (2 + (posts.size - 2) * opening) / contenders
    assert specialist_chance(model, 3, 12) == pytest.approx(now)
    assert specialist_chance(tiny(), 3, 12) == 0  # the single ladder has no specialist posts


def test_the_rule_reads_its_parameters(tiny) -> None:
    model = tiny(promotion={"status_weight": 0.0, "reluctance_threshold": 0.3})
    rule = model.components["acceptance"]
    assert isinstance(rule, WeighedAcceptance) and rule.params.status_weight == 0.0
    np.testing.assert_array_equal(accepts(model, D, M), M - 0.3 > -0.05)
    free = tiny(promotion={"status_weight": 0.0}, policy_overrides={"decline_penalty": 0.0})
    np.testing.assert_array_equal(accepts(free, D, M), M > 0.5)


def test_nominal_ladder_is_a_weaker_alternative_and_ends_early() -> None:
    from orgsim import OrgModel

    model = OrgModel({"organisation": {"size": 200}}, policy="nominal-dual-track")
    assert model.params.policy.specialist_top_grade == 4
    chance = specialist_chance(model, 4, 12)
    # U_alt = P x 0.6 x 0.85 x (1 - 0.3) - 0.05 (saying no still costs on a nominal ladder)
    alt = 0.6 * 0.85 * (1 - 0.3) * chance - 0.05
    assert -0.05 < alt < 0.307
    # U_manage = 0.6 + (m - 0.5): taken just above the alternative, not just below
    assert accepts(model, [1.0], [alt - 0.1 + 0.01], grade=4).all()
    assert not accepts(model, [1.0], [alt - 0.1 - 0.01], grade=4).any()
    # above the nominal ladder's top (grade 4) there is no alternative, only the cost of no
    assert accepts(model, [1.0], [-0.05 - 0.1 + 0.01], grade=5).all()
    assert not accepts(model, [1.0], [-0.05 - 0.1 - 0.01], grade=5).any()


def test_genuine_dual_track_rejects_reluctant_candidates_more_often(tiny) -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    d, m = rng.beta(2, 2, n), rng.uniform(0, 1, n)
    z = rng.standard_normal(n)
    reluctant = m < 0.5
    share = {
        policy: accepts(tiny(policy=policy), d, m, noise=z)[reluctant].mean()
        for policy in ("single-ladder", "genuine-dual-track")
    }
    assert share["single-ladder"] > 0.5
    assert share["genuine-dual-track"] < share["single-ladder"]
    # the likelier a specialist post, the fewer reluctant candidates take management
    sure = tiny(policy="genuine-dual-track", leaving={"base_monthly_exit": 1.0})
    assert accepts(sure, d, m, noise=z)[reluctant].mean() < share["genuine-dual-track"] - 0.1


def test_the_noise_is_a_standard_normal_scaled_by_acceptance_noise(tiny) -> None:
    # U_manage = 0.6 x 0.5 + 0.5 - 0.5 = 0.3, plus sigma z with z = -1, against U_alt = -0.05
    z = np.array([-1.0])
    for sigma, taken in [(0.0, True), (0.15, True), (0.34, True), (0.36, False), (1.0, False)]:
        model = tiny(promotion={"acceptance_noise": sigma})
        assert accepts(model, [0.5], [0.5], noise=z)[0] == taken, sigma
    model = tiny(promotion={"acceptance_noise": 1.0})
    assert not accepts(model, [1.0], [1.0], noise=np.array([-1.2]))[0]  # 1.1 - 1.2 < 0
    assert accepts(model, [0.0], [0.0], noise=np.array([0.6]))[0]  # -0.5 + 0.6 > 0


def test_outsiders_have_no_specialist_alternative(tiny) -> None:
    model = tiny(policy="genuine-dual-track", leaving={"base_monthly_exit": 1.0})
    outside = accepts(model, D, M, outside=True)
    np.testing.assert_array_equal(outside, 0.6 * D + M - 0.5 > 0)
    assert not np.array_equal(outside, accepts(model, D, M))


def test_serving_managers_have_no_specialist_alternative(tiny) -> None:
    model = tiny(policy="genuine-dual-track")
    can = np.array([True, False, True, False, False])
    alt = specialist_chance(model, 3, 12) * 0.6 * D
    got = accepts(model, D, M, can_specialise=can)
    np.testing.assert_array_equal(got, np.where(can, alt, 0) < 0.6 * D + M - 0.5)


def test_non_manager_posts_are_always_taken(tiny) -> None:
    for policy in ("single-ladder", "genuine-dual-track"):
        model = tiny(policy=policy, promotion={"acceptance_noise": 1.0})
        for role in (IC, SPECIALIST):
            z = np.full(5, -10.0)
            assert accepts(model, np.zeros(5), np.zeros(5), noise=z, role=role).all()
            assert accepts(model, D, M, noise=z, role=role, outside=True).all()


def test_accept_all() -> None:
    from orgsim import OrgModel

    params = {"organisation": {"size": 40, "grades": 4, "span": 4}}
    for ref in (None, "accept-all", AcceptAll()):
        model = OrgModel(params, rules={"acceptance": ref})
        assert isinstance(model.components["acceptance"], AcceptAll)
        z = np.full(5, -10.0)
        assert accepts(model, np.zeros(5), np.zeros(5), noise=z).all()
        assert accepts(model, D, M, outside=True).all()


def test_candidates_read_the_rows_of_people(tiny) -> None:
    model = tiny()
    p = model.people
    rows = np.array([3, 30, 12])
    who = Candidates(model, rows)
    assert len(who) == 3
    np.testing.assert_array_equal(who["motivation"], p.motivation[rows])
    assert set(who) == set(p.columns)
    # the same decision as from copies of the attributes
    drawn = {"status_drive": p.status_drive[rows], "motivation": p.motivation[rows]}
    z = np.array([0.3, -0.2, 1.0])
    rule = model.components["acceptance"]
    np.testing.assert_array_equal(
        rule.accepts(model, Offer(3, MANAGER, who, z)),
        rule.accepts(model, Offer(3, MANAGER, Candidates(model, drawn=drawn), z)),
    )
    with pytest.raises(KeyError):
        Candidates(model, drawn=drawn)["aptitude"]
