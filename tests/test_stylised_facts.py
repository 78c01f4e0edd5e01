"""Pattern-oriented validation: the stylised facts the model must reproduce, from paired runs.

Design: R = 20 replications of the default organisation (1,000 people, default parameters),
15 years each, under the single ladder, the nominal and the genuine dual track. Replication r
of every policy uses seed r (common random numbers), so policy differences are paired. A fact
holds when the 95% t-interval of the paired mean difference over the 20 replications excludes
zero in the direction stated (or, for a level, lies beyond the stated bound).
Summaries are final-year means (the Peter signature: value at the horizon).

Sizes measured when these tests were written are in each docstring (mean [95% CI]); they are
reported, not tuned to. Facts that do not emerge are marked xfail with the size found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from orgsim.hierarchy import MANAGER
from orgsim.model import OrgModel

pytestmark = pytest.mark.slow

REPLICATIONS = 20
YEARS = 15
SIZE = 1000
POLICIES = ("single-ladder", "nominal-dual-track", "genuine-dual-track")


@dataclass(frozen=True)
class Interval:
    """Mean and 95% t-interval of a sample (of paired differences or of levels)."""

    mean: float
    lo: float
    hi: float
    n: int

    @classmethod
    def of(cls, values) -> Interval:
        v = np.asarray(values, dtype=float)
        assert not np.isnan(v).any(), "a replication gave no value"
        half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
        return cls(float(v.mean()), float(v.mean() - half), float(v.mean() + half), len(v))

    def __str__(self) -> str:
        return f"{self.mean:+.4f} [{self.lo:+.4f}, {self.hi:+.4f}] (n={self.n})"


def run_replication(policy: str, seed: int) -> dict[str, float]:
    """One run's summary, plus measures taken from its events and final state."""
    model = OrgModel({"organisation": {"size": SIZE}}, policy=policy, rng=seed).run(years=YEARS)
    out = model.summary().to_dict()
    tau = model.params.promotion.reluctance_threshold
    ev = model.events_frame
    # every appointment into management: internal promotions and external manager hires
    appointed = (ev["to_role"] == "manager") & (
        ((ev["event"] == "promotion") & (ev["from_role"] != "manager")) | (ev["event"] == "hire")
    )
    out["appointed_reluctant_share"] = float((ev.loc[appointed, "motivation"] < tau).mean())
    p = model.people
    mgr = p.role == MANAGER
    out["engagement_reluctant_managers"] = float(p.engagement[mgr & (p.motivation < tau)].mean())
    out["engagement_motivated_managers"] = float(p.engagement[mgr & (p.motivation >= tau)].mean())
    return out


@pytest.fixture(scope="module")
def runs() -> dict[str, pd.DataFrame]:
    """policy -> one row per replication (index = seed)."""
    return {p: pd.DataFrame([run_replication(p, r) for r in range(REPLICATIONS)]) for p in POLICIES}


def paired(runs, measure: str, a: str, b: str) -> Interval:
    """Paired difference a - b of a measure over the replications."""
    return Interval.of(runs[a][measure] - runs[b][measure])


def report(record_property, name: str, interval: Interval) -> None:
    record_property(name, str(interval))
    print(f"{name}: {interval}")


# --- fact 1: under a single ladder, many new managers are reluctant ---------------------------


def test_single_ladder_appoints_mostly_reluctant_managers(runs, record_property) -> None:
    """Share of appointments into management (promotions + manager hires, whole run) with
    motivation below the reluctance threshold, single ladder. Tolerance: 95% CI lower bound
    above 0.40. Measured: 0.559 [0.547, 0.571]; the recorded measure
    new_manager_reluctant_share (managers in post appointed within 2 years): 0.524 [0.488, 0.561].
    For comparison, 34% of people want to lead."""
    appointed = Interval.of(runs["single-ladder"]["appointed_reluctant_share"])
    in_post = Interval.of(runs["single-ladder"]["new_manager_reluctant_share"])
    report(record_property, "appointed_reluctant_share", appointed)
    report(record_property, "new_manager_reluctant_share", in_post)
    assert appointed.lo > 0.40
    assert in_post.lo > 0.40


# --- fact 1b: teams under reluctant managers -----------------------------------------------


def team_contrast(seed: int, burn_in_years: int = 5, months: int = 60) -> tuple[float, float]:
    """Within one single-ladder run: (engagement, skill growth) of team members under
    motivated managers minus under reluctant managers.

    Engagement: members' engagement at the end of each month, by their manager's motivation.
    Skill growth: practitioners' yearly relative growth (ds / (1 - s) x 12) over each month in
    which neither they nor their manager changed position.
    """
    model = OrgModel({"organisation": {"size": SIZE}}, policy="single-ladder", rng=seed)
    model.run(years=burn_in_years)
    p = model.people
    tau = model.params.promotion.reluctance_threshold
    eng = {True: [], False: []}
    growth = {True: [], False: []}
    for _ in range(months):
        uid, skill, pos = p.uid.copy(), p.skill.copy(), p.position.copy()
        boss = model.boss.copy()
        boss_uid = np.where(boss >= 0, p.uid[boss], -1)
        reluctant_before = (boss >= 0) & (p.motivation[boss] < tau)
        model.step()
        now = model.boss
        stayed = (
            (uid >= 0)
            & (p.uid == uid)
            & (p.position == pos)
            & (p.role != MANAGER)
            & (boss_uid >= 0)
            & (now >= 0)
            & (p.uid[now] == boss_uid)
        )
        rate = (p.skill - skill) / (1 - skill) * 12
        members = p.active & (now >= 0)
        reluctant_now = p.motivation[now] < tau
        for k in (True, False):
            growth[k].append(rate[stayed & (reluctant_before == k)])
            eng[k].append(p.engagement[members & (reluctant_now == k)])

    def mean(d, k):
        return float(np.concatenate(d[k]).mean())

    return mean(eng, False) - mean(eng, True), mean(growth, False) - mean(growth, True)


@pytest.fixture(scope="module")
def team_contrasts() -> np.ndarray:
    return np.array([team_contrast(seed) for seed in range(REPLICATIONS)])


def test_teams_of_reluctant_managers_are_less_engaged(team_contrasts, record_property) -> None:
    """Single ladder, years 5-10 of 20 replications: team members' engagement under motivated
    minus under reluctant managers. Tolerance: 95% CI above zero.
    Measured: +0.088 [+0.084, +0.092] (members of reluctant managers: ~0.53)."""
    diff = Interval.of(team_contrasts[:, 0])
    report(record_property, "team_engagement_motivated_minus_reluctant", diff)
    assert diff.lo > 0


def test_teams_of_reluctant_managers_grow_skill_slower(team_contrasts, record_property) -> None:
    """As above, practitioners' yearly relative skill growth under motivated minus under
    reluctant managers. Tolerance: 95% CI above zero.
    Measured: +0.076 [+0.073, +0.079] per year (with the expert-leaders and sponsorship
    mechanisms, a motivated expert manager grows the team, a reluctant one holds it back)."""
    diff = Interval.of(team_contrasts[:, 1])
    report(record_property, "team_skill_growth_motivated_minus_reluctant", diff)
    assert diff.lo > 0


# --- fact 2: reluctant managers and the middle-management layer --------------------------------


def test_reluctant_managers_are_less_engaged_than_willing_ones(runs, record_property) -> None:
    """Single ladder, final state: mean engagement of motivated minus reluctant managers, per
    replication. Tolerance: 95% CI above zero. Measured: +0.133 [+0.124, +0.141]."""
    s = runs["single-ladder"]
    diff = Interval.of(s["engagement_motivated_managers"] - s["engagement_reluctant_managers"])
    report(record_property, "manager_engagement_motivated_minus_reluctant", diff)
    assert diff.lo > 0


@pytest.mark.xfail(
    reason="fact does not emerge in model 0.2: genuine - single = -0.024 [-0.033, -0.015] "
    "(20 reps). With the specialist alternative valued at its real chance, the genuine track "
    "screens out few reluctant candidates (reluctant share -2.2 pts, was -17); and its "
    "specialists take 23% of senior manager posts on their technical record (0% under the "
    "single ladder), so middle managers' own managers lead less well (quality 0.58 vs 0.64; "
    "docs/model.md, 'Why a genuine dual track lowers middle managers' engagement')",
    strict=False,
)
def test_middle_management_less_engaged_under_single_ladder(runs, record_property) -> None:
    """Middle-manager (managers below the top grade) engagement, genuine dual track minus single
    ladder, paired. Tolerance: 95% CI above zero. Measured: -0.024 [-0.033, -0.015] (xfail;
    orgsim 0.1: +0.046). Against individual contributors (reported, not asserted): middle
    managers minus ICs is +0.121 [+0.114, +0.128] under the single ladder and +0.088 [+0.084,
    +0.093] under the genuine dual track, so managers are not the most disaffected layer here,
    in line with Gallup rather than the UK commentary."""
    diff = paired(runs, "middle_manager_engagement", "genuine-dual-track", "single-ladder")
    report(record_property, "middle_manager_engagement_genuine_minus_single", diff)
    for policy in ("single-ladder", "genuine-dual-track"):
        r = runs[policy]
        vs_ic = Interval.of(r["middle_manager_engagement"] - r["engagement_ic"])
        report(record_property, f"middle_managers_minus_ics_{policy}", vs_ic)
    assert diff.lo > 0


# --- fact 3: a genuine dual track helps; a nominal one only partly -----------------------------

#: measure -> +1 if higher is better, -1 if lower is better.
GAINS = {
    "reluctant_manager_share": -1,
    "regretted_turnover": -1,
    "expertise_walked_out": -1,
    "expertise_idle_in_management": -1,
    "technical_capability": +1,
}


@pytest.mark.parametrize("measure", list(GAINS))
def test_genuine_dual_track_beats_single_ladder(runs, measure, record_property) -> None:
    """Genuine dual track minus single ladder, paired, in the better direction.
    Tolerance: 95% CI excludes zero on the better side. Measured (genuine - single):
    reluctant_manager_share -0.022 [-0.043, -0.001] (orgsim 0.1: -0.171, with the specialist
    alternative valued as certain); regretted_turnover -0.036 [-0.050, -0.022] per year;
    expertise_walked_out -0.44 [-0.75, -0.12] per 100 staff per year;
    expertise_idle_in_management -0.0054 [-0.0074, -0.0034]; technical_capability +0.027
    [+0.021, +0.034]. All three lost-expertise measures move."""
    diff = paired(runs, measure, "genuine-dual-track", "single-ladder")
    report(record_property, f"{measure}_genuine_minus_single", diff)
    better = GAINS[measure] * np.array([diff.lo, diff.hi])
    assert better.min() > 0


GENUINE_NO_BETTER_THAN_NOMINAL = {
    "expertise_walked_out": "genuine - nominal = -0.34 [-0.71, +0.03] per 100 staff per year "
    "(20 reps): in the direction of the genuine track, not distinguishable in 20 replications",
}
#: The nominal track's point estimates lie between the single ladder and the genuine track on
#: every measure but the reluctant share; on these they are not distinguishable from the single
#: ladder (docs/model.md, "Why a nominal dual track does little").
NOMINAL_NOT_DISTINGUISHABLE = {
    "reluctant_manager_share": "nominal - single = +0.006 [-0.015, +0.026] (20 reps): a "
    "specialist post that opens rarely, pays 85% and carries a stigma is worth little to a "
    "candidate, so it screens out no reluctant ones",
    "regretted_turnover": "nominal - single = -0.013 [-0.029, +0.003] per year (20 reps): "
    "between the single ladder and the genuine track (-0.036), not distinguishable",
    "expertise_walked_out": "nominal - single = -0.10 [-0.50, +0.31] per 100 staff per year "
    "(20 reps): between the single ladder and the genuine track (-0.44), not distinguishable",
    "expertise_idle_in_management": "nominal - single = -0.0005 [-0.0025, +0.0014] (20 reps): "
    "as many experts go into management as under the single ladder",
}


def _xfail_where(reasons: dict[str, str]) -> list:
    """The GAINS measures, those in ``reasons`` marked as facts that do not emerge."""
    return [
        pytest.param(m, marks=pytest.mark.xfail(reason=f"fact does not emerge: {reasons[m]}"))
        if m in reasons
        else m
        for m in GAINS
    ]


@pytest.mark.parametrize("measure", _xfail_where(GENUINE_NO_BETTER_THAN_NOMINAL))
def test_nominal_dual_track_falls_short_of_genuine(runs, measure, record_property) -> None:
    """Genuine minus nominal dual track, paired: the nominal track does not recover all.
    Tolerance: 95% CI excludes zero on the genuine track's better side. Measured
    (genuine - nominal): reluctant_manager_share -0.028 [-0.052, -0.004]; regretted_turnover
    -0.023 [-0.041, -0.005] per year; expertise_idle_in_management -0.0048 [-0.0072,
    -0.0025]; technical_capability +0.018 [+0.011, +0.025]; expertise_walked_out -0.34
    [-0.71, +0.03] (xfail)."""
    diff = paired(runs, measure, "genuine-dual-track", "nominal-dual-track")
    report(record_property, f"{measure}_genuine_minus_nominal", diff)
    better = GAINS[measure] * np.array([diff.lo, diff.hi])
    assert better.min() > 0


@pytest.mark.parametrize("measure", _xfail_where(NOMINAL_NOT_DISTINGUISHABLE))
def test_nominal_dual_track_recovers_part_of_the_gain(runs, measure, record_property) -> None:
    """Nominal dual track minus single ladder, paired: the nominal track recovers some of the
    genuine track's gain. Tolerance: 95% CI excludes zero on the better side. Measured
    (nominal - single): technical_capability +0.009 [+0.003, +0.014]; the other four not
    distinguishable (xfail, sizes in the reasons). Its point estimates lie between the single
    ladder and the genuine track on regretted turnover and expertise walked out, where a
    polite dead end does little (docs/model.md explains why)."""
    diff = paired(runs, measure, "nominal-dual-track", "single-ladder")
    report(record_property, f"{measure}_nominal_minus_single", diff)
    better = GAINS[measure] * np.array([diff.lo, diff.hi])
    assert better.min() > 0


# --- fact 4: the Peter-principle signature is weak ---------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_pre_promotion_performance_predicts_team_output_weakly(
    runs, policy, record_property
) -> None:
    """Partial correlation (within grade, controlling for the promotion date), at year 15, of
    promoted managers' pre-promotion performance with their team's output per practitioner
    position, under top-performer promotion with the default aptitude-skill correlation of
    0.1. Tolerance: the 95% CI of the mean over the replications lies inside (-0.3, 0.3).
    Measured: single ladder +0.007 [-0.031, +0.045]; nominal -0.121 [-0.168, -0.075]; genuine
    -0.160 [-0.208, -0.111].
    Caveat: the signature stays weak even at an aptitude-skill correlation of 0.9 (single
    ladder ~-0.13 over 10 reps), because by promotion time skill reflects years of growth more
    than the hire-time draw that aptitude is linked to; the test checks the fact, not that the
    measure could detect a link."""
    r = Interval.of(runs[policy]["peter_signature"])
    report(record_property, f"peter_signature_{policy}", r)
    assert r.lo > -0.3 and r.hi < 0.3
