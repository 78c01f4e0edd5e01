"""orgsim against a plain per-agent Mesa model of the same core mechanisms: the speed ratio.

The per-agent model below is written the idiomatic Mesa 3.5 way: ``mesa.Model(rng=seed)``, one
``mesa.Agent`` per employee, ``model.agents.shuffle_do("step")`` each month, Python floats and
the model's ``random.Random`` (no numpy over agents). It reads its defaults from
``orgsim.parameters.ModelParams()`` and builds the same chart as orgsim's single-ladder
organisation (``orgsim.hierarchy.build_hierarchy``: 395/263/175 ICs and 139/24/4 managers at
1,000 people). Each month, in the agent's own step, in shuffled order:

- ageing: age, tenure and time in grade advance;
- growth: practitioners' skill grows with engagement and the manager's quality, managers' skill
  decays, firm-specific expertise builds (docs/model.md 7.4);
- manager quality: a manager's q from aptitude, motivation and engagement (7.6);
- engagement: moves toward the target (baseline, manager quality, fit, stall, the ceiling
  penalty, track parity) plus noise, clipped (7.8);
- leaving: retirement at the age limit, else a voluntary exit with the hazard of engagement,
  skill percentile and the unrewarded pull of years in grade (rules/leaving.py; the percentile
  from the skills sorted once per month, before the agents step); a leaver vacates their
  position and removes itself.

Then, at the model level: vacancies are filled top grade down, each from the grade below
(managers: acceptance U_manage > U_alt and the top-performer track record, z-scored within
practitioners and serving managers; IC posts: the best observed performer), so vacancy chains
run down the chart (7.12); vacant posts are hired from outside after the geometric time to
hire, manager hires redrawn until they would accept (up to 20 times) (7.13); and a Mesa
``DataCollector`` records headcount, mean engagement, the engaged share and the month's exits,
promotions and hires.

Left out (orgsim runs them, so the ratio is, if anything, in the per-agent model's favour):
expert leaders, management training, handover, competence, sponsorship, passed over and
declined (runners-up' and decliners' engagement), step back and coaching (both off by
default), the specialist ladder's acceptance alternative and first-pick rule (no specialist
posts under the single ladder), the event log and orgsim's full set of measures.
Monthly steps only. The two models draw different random numbers, so their numbers differ.

    .venv/bin/python benchmarks/bench_mesa_ratio.py                 # 1,000 and 10,000 people
    .venv/bin/python benchmarks/bench_mesa_ratio.py --sizes 1000 --years 5
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import platform
import statistics
import time
from bisect import bisect_left, bisect_right
from statistics import NormalDist

import mesa

from orgsim import ModelParams, OrgModel
from orgsim.hierarchy import IC, MANAGER, SPECIALIST, build_hierarchy
from orgsim.policies import apply_policy

YEARS = 20
MAX_HIRE_ROUNDS = 20
SQRT2 = math.sqrt(2.0)


def phi(x: float) -> float:
    """The standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / SQRT2))


class Employee(mesa.Agent):
    """One person holding one position: their state, and their own monthly step."""

    def __init__(self, model: PerAgentOrg, position: int, initial: bool = False) -> None:
        super().__init__(model)
        self.position = position
        self.grade = model.pos_grade[position]
        self.role = model.pos_role[position]
        self.manager_quality: float | None = None
        self.draw_attributes(initial)

    def draw_attributes(self, initial: bool) -> None:
        """The workforce distributions of docs/model.md 7.2 (and the served tenure at month 0)."""
        wf, rnd, g = self.model.p.workforce, self.model.random, self.grade
        z_skill, z_apt, z_mot = rnd.gauss(), rnd.gauss(), rnd.gauss()
        z_pref, z_age, z_eng = rnd.gauss(), rnd.gauss(), rnd.gauss()
        rho = wf.aptitude_skill_correlation
        skill = wf.entry_skill + wf.skill_per_grade * (g - 1) + wf.skill_sd * z_skill
        self.skill = min(max(skill, 0.01), 1.0)
        self.aptitude = phi(rho * z_skill + math.sqrt(1 - rho * rho) * z_apt)
        self.motivation = phi(wf.motivation_spread * z_mot + self.model.motivation_mu)
        mean, c = wf.status_drive_mean, wf.status_drive_concentration
        self.status_drive = rnd.betavariate(mean * c, (1 - mean) * c)
        self.stated_preference = self.motivation + wf.preference_noise * z_pref
        engagement = wf.initial_engagement + wf.engagement_sd * z_eng
        self.engagement = min(max(engagement, 0.0), 1.0)
        age = wf.hire_age_mean + wf.age_per_grade * (g - 1) + wf.age_sd * z_age
        self.age = min(max(age, 16.0), 64.0)
        self.firm_expertise, self.tenure, self.time_in_grade = 0.0, 0, 0
        if initial:
            years = rnd.random() * min(max(self.age - 20, 0.5), 25)
            self.tenure = int(years * 12)
            self.time_in_grade = int(rnd.random() * min(years, 5) * 12)
            self.firm_expertise = 1 - math.exp(-years / self.model.p.growth.firm_expertise_years)

    def boss_quality(self) -> float:
        """The quality of the person holding this position's manager post; 0.5 if none."""
        boss_pos = self.model.pos_manager[self.position]
        boss = self.model.holder[boss_pos] if boss_pos >= 0 else None
        if boss is None or boss.manager_quality is None:
            return 0.5
        return boss.manager_quality

    def expertise(self) -> float:
        """Effective expertise: skill x (1 - w + w x firm-specific expertise)."""
        w = self.model.p.growth.firm_weight
        return self.skill * (1 - w + w * self.firm_expertise)

    def step(self) -> None:
        m, p = self.model, self.model.p
        # ageing
        self.age += 1 / 12
        self.tenure += 1
        self.time_in_grade += 1
        # growth (engagement and the boss's quality as they stand before this month's update)
        gr = p.growth
        q_boss = self.boss_quality()
        if self.role == MANAGER:
            self.skill -= gr.skill_decay / 12 * self.skill
        else:
            dev = 1 - gr.development_weight + 2 * gr.development_weight * q_boss
            self.skill += gr.skill_growth / 12 * (0.5 + self.engagement) * dev * (1 - self.skill)
        self.skill = min(max(self.skill, 0.0), 1.0)
        self.firm_expertise += (1 - self.firm_expertise) / (12 * gr.firm_expertise_years)
        # manager quality
        if self.role == MANAGER:
            mq = p.manager_quality
            self.manager_quality = (
                self.aptitude ** (1 - mq.motivation_weight)
                * self.motivation**mq.motivation_weight
                * (1 - mq.engagement_weight + mq.engagement_weight * self.engagement)
            )
        # engagement toward the target
        e = p.engagement
        years = self.time_in_grade / 12
        target = e.baseline + e.manager_weight * (q_boss - 0.5)
        target -= e.stall_weight * years / (years + e.stall_years)
        if self.role == MANAGER:
            target += e.fit_weight * (self.motivation - 0.5)
        elif self.role == IC and self.grade == m.ic_ceiling and m.spec_top is None:
            target -= e.ceiling_weight * self.status_drive * (1 - self.motivation)
        elif self.role == SPECIALIST:
            target -= e.parity_weight * m.parity_gap * self.status_drive
        engagement = self.engagement + e.adjustment * (target - self.engagement)
        engagement += e.noise * m.random.gauss()
        self.engagement = min(max(engagement, 0.0), 1.0)
        # leaving: retirement, else the voluntary exit hazard
        lv = p.leaving
        if self.age >= lv.retirement_age:
            m.leave(self, "retirement")
            return
        pct = m.skill_percentile(self.skill)
        unrewarded = years / (years + lv.unrewarded_years)  # years in grade, as above
        hazard = lv.base_monthly_exit * math.exp(
            lv.engagement_sensitivity * (lv.reference_engagement - self.engagement)
            - lv.performance_slope * (pct - 0.5)
            + lv.skill_sensitivity * unrewarded * max(0.0, 2 * pct - 1)
        )
        if m.random.random() < hazard:
            m.leave(self, "voluntary")


class PerAgentOrg(mesa.Model):
    """The chart of positions, who holds each, and the model-level phases (filling, hiring)."""

    def __init__(self, size: int, rng: int = 1) -> None:
        super().__init__(rng=rng)
        self.p = p = apply_policy(ModelParams(organisation={"size": size}), "single-ladder")
        org, pol = p.organisation, p.policy
        self.ic_ceiling, self.spec_top = pol.ic_ceiling_grade, pol.specialist_top_grade
        self.parity_gap = 1 - pol.specialist_pay_ratio + pol.specialist_stigma
        self.motivation_mu = p.workforce.motivation_spread * NormalDist().inv_cdf(
            p.workforce.share_wanting_to_lead
        )
        chart = build_hierarchy(org.size, org.grades, org.span, pol.ic_ceiling_grade,
                                pol.specialist_top_grade, pol.specialist_share,
                                org.ic_grade_ratio)  # fmt: skip
        self.grades = chart.grades
        # Plain lists: the per-agent code reads them one position at a time.
        self.pos_grade: list[int] = chart.grade.tolist()
        self.pos_role: list[int] = chart.role.tolist()
        self.pos_manager: list[int] = chart.manager.tolist()
        self.holder: list[Employee | None] = [None] * chart.size
        self.at_grade: dict[int, set[Employee]] = {g: set() for g in range(1, self.grades + 1)}
        self.vacant: dict[tuple[int, int], set[int]] = {
            (g, r): set() for g in range(1, self.grades + 1) for r in (IC, SPECIALIST, MANAGER)
        }
        self.hire_chance = -math.expm1(-1 / p.promotion.time_to_hire_months)
        self.voluntary = self.retirements = self.promotions = self.hires = 0
        self.sorted_skills: list[float] = []
        for pos in range(chart.size):
            self.seat(Employee(self, pos, initial=True), pos)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "headcount": lambda m: len(m.agents),
                "mean_engagement": lambda m: statistics.fmean(m.agents.get("engagement")),
                "engaged_share": lambda m: m.engaged_share(),
                "voluntary": "voluntary",
                "retirements": "retirements",
                "promotions": "promotions",
                "hires": "hires",
            }
        )

    def seat(self, person: Employee, pos: int) -> None:
        """Put ``person`` in the vacant position ``pos``."""
        self.holder[pos] = person
        person.position, person.grade, person.role = pos, self.pos_grade[pos], self.pos_role[pos]
        self.at_grade[person.grade].add(person)

    def vacate(self, person: Employee) -> None:
        """Free the position ``person`` holds."""
        pos = person.position
        self.holder[pos] = None
        self.vacant[(person.grade, person.role)].add(pos)
        self.at_grade[person.grade].discard(person)

    def leave(self, person: Employee, kind: str) -> None:
        """``person`` leaves (``kind``: voluntary or retirement); their position falls vacant."""
        self.vacate(person)
        person.remove()
        if kind == "voluntary":
            self.voluntary += 1
        else:
            self.retirements += 1

    def skill_percentile(self, skill: float) -> float:
        """Mid-rank of ``skill`` among this month's skills (sorted before the agents step)."""
        s = self.sorted_skills
        lo, hi = bisect_left(s, skill), bisect_right(s, skill)
        return (lo + hi) / 2 / len(s)

    def engaged_share(self) -> float:
        """Share of the employed at or above the engaged threshold."""
        threshold = self.p.engagement.engaged_threshold
        return sum(a.engagement >= threshold for a in self.agents) / len(self.agents)

    def step(self) -> None:
        """One month: every agent's own step in shuffled order, then filling and hiring."""
        self.voluntary = self.retirements = self.promotions = self.hires = 0
        self.sorted_skills = sorted(self.agents.get("skill"))
        self.agents.shuffle_do("step")
        for g in range(self.grades, 1, -1):  # top down, so a vacancy left below is filled next
            for role in (MANAGER, SPECIALIST, IC):
                if self.vacant[(g, role)]:
                    self.fill(g, role)
        self.hire()
        self.datacollector.collect(self)

    def fill(self, grade: int, role: int) -> None:
        """Offer the vacancies of (grade, role) to the grade below; move the best who accept."""
        pr = self.p.promotion
        below = self.at_grade[grade - 1]
        if role == MANAGER:
            pool = [a for a in below if self.would_manage(a)]
            keys = self.track_record(pool)
        else:
            track = (IC,) if role == IC else (IC, SPECIALIST)
            pool = [a for a in below if a.role in track]
            keys = [a.expertise() + pr.performance_noise * self.random.gauss() for a in pool]
        vacant = sorted(self.vacant[(grade, role)])  # chart order: the best into the first
        best = heapq.nlargest(len(vacant), range(len(pool)), key=keys.__getitem__)
        for pos, i in zip(vacant, best, strict=False):
            person = pool[i]
            self.vacate(person)
            self.vacant[(grade, role)].discard(pos)
            self.seat(person, pos)
            person.time_in_grade = 0
            if role != MANAGER:
                person.manager_quality = None
            self.promotions += 1

    def would_manage(self, person: Employee, insider: bool = True) -> bool:
        """U_manage = w d + (m - tau) + noise > U_alt: 0 on a single ladder (no specialist
        alternative), less the decline penalty for an insider (saying no costs them)."""
        pr = self.p.promotion
        u = pr.status_weight * person.status_drive + person.motivation - pr.reluctance_threshold
        u_alt = -self.p.policy.decline_penalty if insider else 0.0
        return u + pr.acceptance_noise * self.random.gauss() > u_alt

    def track_record(self, pool: list[Employee]) -> list[float]:
        """Top performer: practitioners' performance, serving managers' quality + noise, each
        z-scored within its group (a manager with no quality yet scores 0)."""
        pr, noise = self.p.promotion, self.p.policy.assessment_noise
        keys: list[float] = []
        for a in pool:
            if a.role == MANAGER:
                q = a.manager_quality
                keys.append(math.nan if q is None else q + noise * self.random.gauss())
            else:
                keys.append(a.expertise() + pr.performance_noise * self.random.gauss())
        for led in (True, False):
            idx = [i for i, a in enumerate(pool) if (a.role == MANAGER) == led]
            known = [keys[i] for i in idx if not math.isnan(keys[i])]
            mean = statistics.fmean(known) if known else 0.0
            sd = statistics.pstdev(known) if len(known) > 1 else 0.0
            for i in idx:
                keys[i] = 0.0 if sd == 0 or math.isnan(keys[i]) else (keys[i] - mean) / sd
        return keys

    def hire(self) -> None:
        """Each vacant post is filled from outside this month with the time-to-hire chance."""
        for (_, role), positions in self.vacant.items():
            for pos in list(positions):
                if self.random.random() >= self.hire_chance:
                    continue
                person = Employee(self, pos)
                for _ in range(MAX_HIRE_ROUNDS - 1):
                    if role != MANAGER or self.would_manage(person, insider=False):
                        break
                    person.draw_attributes(initial=False)
                positions.discard(pos)
                self.seat(person, pos)
                self.hires += 1


def rate_per_agent(size: int, years: float, seed: int) -> float:
    """Employee-months per second of the per-agent Mesa model (the build is not timed)."""
    model = PerAgentOrg(size, rng=seed)
    months = round(years * 12)
    t0 = time.perf_counter()
    for _ in range(months):
        model.step()
    return size * months / (time.perf_counter() - t0)


def rate_orgsim(size: int, years: float, seed: int) -> float:
    """Employee-months per second of orgsim's OrgModel, built as in bench_model.py."""
    model = OrgModel(ModelParams(organisation={"size": size}), policy="single-ladder", rng=seed)
    t0 = time.perf_counter()
    model.run(years)
    return size * round(years * 12) / (time.perf_counter() - t0)


def median_rate(fn, size: int, years: float, repeats: int, cheap_s: float) -> tuple[float, int]:
    """Median rate of up to ``repeats`` runs; later runs only if the first took < ``cheap_s``."""
    rates = [fn(size, years, 1)]
    if size * round(years * 12) / rates[0] < cheap_s:
        rates += [fn(size, years, seed) for seed in range(2, repeats + 1)]
    return statistics.median(rates), len(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--years", type=float, default=YEARS)
    parser.add_argument(
        "--agent-years", type=float, nargs="+", help="Per-agent model's years, one per size."
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    agent_years = args.agent_years or [args.years] * len(args.sizes)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"Mesa {mesa.__version__}; load average {load}")  # fmt: skip
    rows = []
    for size, a_years in zip(args.sizes, agent_years, strict=True):
        fast, n_fast = median_rate(rate_orgsim, size, args.years, args.repeats, cheap_s=30)
        slow, n_slow = median_rate(rate_per_agent, size, a_years, args.repeats, cheap_s=30)
        rows.append((size, slow, a_years, n_slow, fast, n_fast))
        print(
            f"{size:>7,} people: per-agent {slow / 1e3:6.1f} k/s ({a_years:g} y, {n_slow} runs), "
            f"orgsim {fast / 1e6:4.2f} M/s ({args.years:g} y, {n_fast} runs)",
            flush=True,
        )
    print("\n| people | per-agent Mesa | orgsim | ratio |\n| ---: | ---: | ---: | ---: |")
    for size, slow, _, _, fast, _ in rows:
        print(f"| {size:,} | {slow / 1e3:.0f} k/s | {fast / 1e6:.2f} M/s | {fast / slow:.1f}x |")
    with open("/proc/loadavg") as f:
        print(f"# load average at the end: {' '.join(f.read().split()[:3])}")


if __name__ == "__main__":
    main()
