"""Every model parameter, defined once: default, bounds, unit, description and source.

The scenario schema, the CLI, the dashboard controls and docs/model.md all derive from these
classes. A field's ``json_schema_extra`` carries its ``unit`` and ``source``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ASSUMPTION = "modelling assumption (no published figure); see docs/model.md"


def param(default: Any, description: str, unit: str, source: str, **bounds: Any) -> Any:
    """A pydantic Field carrying the unit and source every orgsim parameter must document."""
    return Field(
        default,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
        **bounds,
    )


class Section(BaseModel):
    """Base of every parameter section: unknown keys are errors, values are re-validated,
    numbers are finite (an infinite threshold or salary passed, then broke the run)."""

    # defer_build: a section's validator is built on first use, so `orgsim --help` builds none
    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, frozen=False, defer_build=True,
        allow_inf_nan=False,
    )  # fmt: skip


class ChartEntry(Section):
    """Positions of one grade and role in an explicit organisation chart."""

    grade: int = Field(description="Grade of the positions (1 = entry).", ge=1, le=50)
    role: Literal["ic", "specialist", "manager"] = Field(description="Role of the positions.")
    positions: int = Field(description="Number of positions.", ge=1, le=10_000_000)


class Organisation(Section):
    """Size and shape of the organisation: spans and a pyramid, or an explicit chart."""

    size: int = param(
        1000,
        "Headcount: number of positions, all filled at the start.",
        "people",
        "orgsim default (a mid-sized organisation): set your own",
        ge=10,
        le=10_000_000,
    )
    grades: int = param(
        6,
        "Number of grades (pay bands), 1 = entry, top grade = leadership.",
        "grades",
        "orgsim default (six pay bands): set your own",
        ge=3,
        le=12,
    )
    span: int = param(
        6,
        "Largest number of direct reports of a manager (span of control).",
        "people",
        "Gallup 2025: median span 5-6",
        ge=2,
        le=100,
    )
    ic_grade_ratio: float = param(
        1.5,
        "Individual-contributor positions at grade g per position at grade g+1.",
        "ratio",
        ASSUMPTION,
        ge=1.0,
        le=5.0,
    )
    pay_step: float = param(
        1.25, "Pay at grade g+1 divided by pay at grade g.", "ratio", ASSUMPTION, ge=1.0, le=3.0
    )
    chart: list[ChartEntry] | None = Field(
        None,
        description="An explicit chart: {grade, role, positions} entries. Size and grades then "
        "follow from it, the policy's chart levers do not change it, and each position reports "
        "to a manager of the nearest higher grade that has managers (spans within 'span').",
    )

    @model_validator(mode="after")
    def _chart_sets_size(self) -> Organisation:
        if self.chart:
            size = sum(e.positions for e in self.chart)
            grades = max(e.grade for e in self.chart)
            for name, value in (("size", size), ("grades", grades)):
                if name in self.model_fields_set and getattr(self, name) != value:
                    raise ValueError(
                        f"organisation.{name} ({getattr(self, name)}) disagrees with the chart "
                        f"({value}); leave it out when giving a chart"
                    )
            object.__setattr__(self, "size", size)
            object.__setattr__(self, "grades", grades)
        return self


class Workforce(Section):
    """Distributions from which people's attributes are drawn at hire."""

    share_wanting_to_lead: float = param(
        0.34,
        "Share of people whose leadership motivation exceeds 0.5 (they want to lead).",
        "share",
        "CareerBuilder 2014 (34%, n = 3,625); surveys range 15% (Ipsos Karian & Box 2026) "
        "to 47% (Randstad)",
        gt=0,
        lt=1,
    )
    motivation_spread: float = param(
        1.0,
        "Standard deviation of the latent normal behind leadership motivation.",
        "latent sd",
        ASSUMPTION,
        gt=0,
        le=5,
    )
    aptitude_skill_correlation: float = param(
        0.1,
        "Correlation of leadership aptitude with technical skill at hire.",
        "correlation",
        "modelling assumption, not calibrated: weak, as Benson, Li & Shue 2019 find the best "
        "sellers make no better managers (-7.5% in each subordinate's sales)",
        ge=-1,
        le=1,
    )
    status_drive_mean: float = param(
        0.5, "Mean status drive (Beta distribution).", "0..1", ASSUMPTION, gt=0, lt=1
    )
    status_drive_concentration: float = param(
        4.0,
        "Beta concentration (alpha + beta) of status drive; larger = less spread.",
        "dimensionless",
        ASSUMPTION,
        gt=0,
        le=100,
    )
    preference_noise: float = param(
        0.25,
        "Sd of the noise between motivation and the stated wish to lead.",
        "0..1 scale",
        ASSUMPTION,
        ge=0,
        le=2,
    )
    entry_skill: float = param(
        0.3, "Mean technical skill of a grade-1 hire.", "skill (0..1)", ASSUMPTION, ge=0, le=1
    )
    skill_per_grade: float = param(
        0.1,
        "Extra mean skill of a hire per grade above 1.",
        "skill per grade",
        ASSUMPTION,
        ge=0,
        le=0.5,
    )
    skill_sd: float = param(0.12, "Sd of technical skill at hire.", "skill", ASSUMPTION, ge=0, le=1)
    hire_age_mean: float = param(
        30.0, "Mean age of a grade-1 hire.", "years", ASSUMPTION, ge=16, le=60
    )
    age_per_grade: float = param(
        5.0, "Extra mean age of a hire per grade above 1.", "years", ASSUMPTION, ge=0, le=15
    )
    age_sd: float = param(6.0, "Sd of age at hire.", "years", ASSUMPTION, ge=0, le=20)
    initial_engagement: float = param(
        0.55, "Mean engagement at hire.", "0..1", ASSUMPTION, ge=0, le=1
    )
    engagement_sd: float = param(0.12, "Sd of engagement at hire.", "0..1", ASSUMPTION, ge=0, le=1)


class Growth(Section):
    """Phase 'growth': technical skill and firm-specific expertise."""

    skill_growth: float = param(
        0.15,
        "Yearly growth of skill toward 1 for a practising person at engagement 0.5 "
        "with a manager of quality 0.5.",
        "per year",
        ASSUMPTION,
        ge=0,
        le=2,
    )
    development_weight: float = param(
        0.5,
        "How much the manager's quality scales growth (0 = not at all).",
        "0..1",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    skill_decay: float = param(
        0.05,
        "Yearly relative decay of a manager's unpractised technical skill.",
        "per year",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    firm_expertise_years: float = param(
        3.0, "Time constant for building firm-specific expertise.", "years", ASSUMPTION, gt=0, le=50
    )
    firm_weight: float = param(
        0.3,
        "Weight of firm-specific expertise in effective expertise.",
        "0..1",
        ASSUMPTION,
        ge=0,
        le=1,
    )


class ManagerQuality(Section):
    """Phase 'manager_quality': how well a manager leads and develops a team."""

    motivation_weight: float = param(
        0.5,
        "Exponent share of motivation (vs aptitude) in manager quality.",
        "0..1",
        "modelling assumption: quality needs aptitude and motivation (Gallup: Beck & Harter 2014)",
        ge=0,
        le=1,
    )
    engagement_weight: float = param(
        0.5,
        "How much a disengaged manager's quality falls (0 = not at all).",
        "0..1",
        ASSUMPTION,
        ge=0,
        le=1,
    )


class Engagement(Section):
    """Phase 'engagement': movement toward a target made of fit, manager, progression, parity."""

    baseline: float = param(
        0.68,
        "Engagement target with every driver neutral.",
        "0..1",
        "calibrated to Gallup UK engaged share (see docs)",
        ge=0,
        le=1,
    )
    adjustment: float = param(
        0.15,
        "Share of the gap to the target closed each month.",
        "per month",
        ASSUMPTION,
        gt=0,
        le=1,
    )
    manager_weight: float = param(
        0.5,
        "Effect of (manager quality - 0.5) on the target; the largest driver.",
        "0..1 per unit",
        "Gallup: managers explain >= 70% of team engagement variance",
        ge=0,
        le=2,
    )
    fit_weight: float = param(
        0.3,
        "Effect of role fit: (motivation - 0.5) for managers.",
        "0..1 per unit",
        ASSUMPTION,
        ge=0,
        le=2,
    )
    stall_weight: float = param(
        0.1, "Penalty at long time in grade, x t/(t + stall_years).", "0..1", ASSUMPTION, ge=0, le=1
    )
    stall_years: float = param(
        3.0,
        "Time in grade at which half the stall penalty applies.",
        "years",
        ASSUMPTION,
        gt=0,
        le=50,
    )
    ceiling_weight: float = param(
        0.15,
        "Penalty x status drive x (1 - leadership motivation) for someone at the top of a "
        "ladder that stops short: the IC ceiling with no specialist ladder, or the top of a "
        "specialist ladder that ends below the top grade.",
        "0..1",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    parity_weight: float = param(
        0.3,
        "Penalty x status drive x (pay gap + stigma) of the person's track.",
        "0..1",
        "modelling assumption (pay and status parity of the track)",
        ge=0,
        le=2,
    )
    noise: float = param(0.05, "Sd of monthly engagement noise.", "0..1", ASSUMPTION, ge=0, le=1)
    engaged_threshold: float = param(
        0.77,
        "Engagement at or above which a person counts as 'engaged' (Gallup's category).",
        "0..1",
        "calibrated: UK engaged share ~10% (Gallup)",
        ge=0,
        le=1,
    )
    coaching_boost: float = param(
        0.05, "Target increase after a coaching conversation.", "0..1", ASSUMPTION, ge=0, le=1
    )
    coaching_boost_months: int = param(
        6, "How long the coaching boost lasts.", "months", ASSUMPTION, ge=0, le=120
    )


class Leaving(Section):
    """Phase 'leaving': voluntary exit hazard and retirement."""

    base_monthly_exit: float = param(
        0.009,
        "Monthly voluntary exit probability at reference engagement and median skill.",
        "probability per month",
        "calibrated: UK voluntary turnover 8.6-15.5% a year (XpertHR)",
        ge=0,
        le=1,
    )
    engagement_sensitivity: float = param(
        4.0,
        "Hazard multiplier exp(s x (reference - engagement)).",
        "per unit engagement",
        ASSUMPTION,
        ge=0,
        le=20,
    )
    reference_engagement: float = param(
        0.55, "Engagement at which the hazard is the base.", "0..1", ASSUMPTION, ge=0, le=1
    )
    performance_slope: float = param(
        0.6,
        "Hazard multiplier exp(-s x (skill percentile - 0.5)): weaker performers leave more.",
        "per percentile",
        "assumption; direction: performance and turnover correlate negatively overall "
        "(Griffeth, Hom & Gaertner 2000, rho = -0.15)",
        ge=0,
        le=10,
    )
    skill_sensitivity: float = param(
        1.6,
        "Hazard multiplier exp(s x u x max(0, 2 pct - 1)): the market's pull on skilled people "
        "who go unrewarded, u = y / (y + unrewarded_years), y years since their last move up.",
        "per percentile",
        "assumption; direction: high performers leave when unrewarded (Trevor, Gerhart & "
        "Boudreau 1997; Salamin & Hom 2005)",
        ge=0,
        le=10,
    )
    unrewarded_years: float = param(
        3.0,
        "Years without a move up at which the unrewarded pull is half its full size.",
        "years",
        "assumption: the pull builds over a few years without a move up; the direction, not "
        "the time scale, is from Trevor, Gerhart & Boudreau 1997",
        gt=0,
        le=50,
    )
    retirement_age: float = param(
        66.0, "Age at which people retire.", "years", "UK state pension age (66)", ge=40, le=90
    )


class StepBack(Section):
    """Phase 'step_back': reluctant, disengaged managers return to the specialist/IC track."""

    engagement_threshold: float = param(
        0.35, "A manager below this engagement may step back.", "0..1", ASSUMPTION, ge=0, le=1
    )
    monthly_probability: float = param(
        0.1,
        "Monthly probability that an eligible manager steps back.",
        "per month",
        ASSUMPTION,
        ge=0,
        le=1,
    )


class Promotion(Section):
    """Phase 'promotion': filling vacancies, candidates' decisions, hiring."""

    review_interval_months: int = param(
        12,
        "Months between promotion reviews: when coaching runs and when the vacancy kinds in "
        "rules.filling.at_review are filled (by default every vacancy is filled as it arises).",
        "months",
        "modelling assumption (a yearly review cycle)",
        ge=1,
        le=120,
    )
    performance_noise: float = param(
        0.1, "Sd of the noise in observed technical performance.", "skill", ASSUMPTION, ge=0, le=2
    )
    status_weight: float = param(
        0.6,
        "Weight of status drive in valuing a promotion (vs motivation - reluctance threshold).",
        "utility",
        ASSUMPTION,
        ge=0,
        le=5,
    )
    acceptance_noise: float = param(
        0.15, "Sd of the noise in accepting a manager role.", "utility", ASSUMPTION, ge=0, le=5
    )
    reluctance_threshold: float = param(
        0.5,
        "Motivation below which a person is 'reluctant' to lead.",
        "0..1",
        "modelling assumption (the midpoint of the motivation scale)",
        ge=0,
        le=1,
    )
    runners_up: int = param(
        2,
        "Candidates per manager appointment, next in the selection's order after those chosen, "
        "who saw a post they would have taken go to another ('passed_over' events).",
        "people per post",
        ASSUMPTION,
        ge=0,
        le=20,
    )
    acceptance_horizon_months: float = param(
        12.0,
        "How far ahead a candidate for a manager post looks for a specialist post if they "
        "decline: the alternative is valued at the chance of one opening within this horizon.",
        "months",
        "modelling assumption (one review cycle)",
        ge=0,
        le=120,
    )
    time_to_hire_months: float = param(
        2.5,
        "Mean months from a vacancy being due for an external hire to the hire starting (each "
        "month a vacancy is filled from outside with probability 1 - exp(-1 / this)); 0 hires "
        "at once.",
        "months",
        "Glassdoor (2019): the UK interview process averages 27 days; plus about two weeks' "
        "advertising and a month's notice (assumptions)",
        ge=0,
        le=24,
    )


Selection = Literal["top-performer", "stated-preference", "assessed-aptitude", "random"]


class Policy(Section):
    """The policy levers; the named policies (orgsim/policies.py) are presets of these."""

    ic_ceiling_grade: int = param(
        3,
        "Highest grade of ordinary individual-contributor roles.",
        "grade",
        "orgsim default (ICs in the lower half of six grades): set your own",
        ge=1,
        le=11,
    )
    specialist_top_grade: int | None = param(
        None,
        "Highest grade of the specialist ladder (none = no specialist ladder).",
        "grade",
        "policy lever (Allen & Katz 1986: the dual ladder)",
        ge=2,
        le=12,
    )
    specialist_share: float = param(
        0.5,
        "Specialist positions per manager position at each specialist grade.",
        "ratio",
        ASSUMPTION,
        ge=0,
        le=5,
    )
    hold_pay_bill: bool = param(
        False,
        "Equal-cost comparison: the organisation is sized so that its full chart costs what "
        "the same organisation without a specialist ladder costs (the specialist posts above "
        "the IC ceiling are paid for with fewer posts at the bottom).",
        "flag",
        "policy lever (an equal-cost comparison of tracks)",
    )
    specialist_pay_ratio: float = param(
        1.0,
        "Specialist pay / manager pay at the same grade.",
        "ratio",
        "policy lever (equal pay on a genuine track; 85% on the nominal one: assumption)",
        gt=0,
        le=2,
    )
    specialist_stigma: float = param(
        0.0, "Status loss of the specialist track (0 = none).", "0..1", "policy lever", ge=0, le=1
    )
    knowledge_transfer: float = param(
        0.0,
        "Share of practitioners who mentor their team before they retire (how long before: "
        "rules.handover.months_before).",
        "share",
        "policy lever (phase handover; 0: no structured handover)",
        ge=0,
        le=1,
    )
    decline_penalty: float = param(
        0.05,
        "Engagement lost at once by someone who turns down a manager post.",
        "0..1",
        "policy lever; size an assumption (as runner-up's loss, rules.passed_over); 0 where "
        "a real specialist ladder or an open question makes no a legitimate answer",
        ge=0,
        le=1,
    )
    selection: Selection = param(
        "top-performer",
        "How candidates for a manager vacancy are chosen.",
        "rule",
        "policy lever; Benson, Li & Shue 2019 (top performers are promoted)",
    )
    assessment_noise: float = param(
        0.2, "Sd of the noise in assessed leadership aptitude.", "aptitude", ASSUMPTION, ge=0, le=5
    )
    coaching_reach: float = param(
        0.0,
        "Share of people in feeder grades coached before each review.",
        "share",
        "policy lever",
        ge=0,
        le=1,
    )
    coaching_cost: float = param(
        0.5, "Cost per person coached.", "grade-1 monthly salaries", ASSUMPTION, ge=0, le=100
    )
    coaching_noise_reduction: float = param(
        0.6,
        "Share by which coaching shrinks the noise in stated preference.",
        "share",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    management_training: float = param(
        0.18,
        "Share of new managers given management training when appointed.",
        "share",
        "policy lever; default: CMI (2023), 82% of UK managers had no formal management training",
        ge=0,
        le=1,
    )
    step_back_allowed: bool = param(
        False,
        "Whether a manager may step back to an IC or specialist post.",
        "flag",
        "policy lever",
    )
    step_back_stigma: float = param(
        0.2, "Status loss of having stepped back.", "0..1", ASSUMPTION, ge=0, le=1
    )


class ModelParams(Section):
    """All parameters of one model run; the policy section is set by the chosen policy."""

    step_months: Literal[1, 12] = param(
        1,
        "Length of a time step: 1 (monthly, the default) or 12 (yearly).",
        "months",
        "orgsim default (monthly dynamics)",
    )
    organisation: Organisation = Field(default_factory=Organisation)
    workforce: Workforce = Field(default_factory=Workforce)
    growth: Growth = Field(default_factory=Growth)
    manager_quality: ManagerQuality = Field(default_factory=ManagerQuality)
    engagement: Engagement = Field(default_factory=Engagement)
    leaving: Leaving = Field(default_factory=Leaving)
    step_back: StepBack = Field(default_factory=StepBack)
    promotion: Promotion = Field(default_factory=Promotion)
    policy: Policy = Field(default_factory=Policy)

    @model_validator(mode="after")
    def _grades_fit(self) -> ModelParams:
        grades, pol = self.organisation.grades, self.policy
        if pol.ic_ceiling_grade >= grades:
            raise ValueError(
                f"policy.ic_ceiling_grade ({pol.ic_ceiling_grade}) must be below "
                f"organisation.grades ({grades}): managers need the grades above it"
            )
        top = pol.specialist_top_grade
        if top is not None and not pol.ic_ceiling_grade < top <= grades:
            raise ValueError(
                f"policy.specialist_top_grade ({top}) must lie above policy.ic_ceiling_grade "
                f"({pol.ic_ceiling_grade}) and at most organisation.grades ({grades})"
            )
        return self


def iter_fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, Any]]:
    """Every leaf parameter as (dotted path, FieldInfo), for docs and checks."""
    out: list[tuple[str, Any]] = []
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.extend(iter_fields(ann, f"{prefix}{name}."))
        else:
            out.append((f"{prefix}{name}", info))
    return out


SET_YOUR_OWN = "assumption: set your own"


class Money(Section):
    """The business case: what salaries, vacancies, hires and output are worth. Money is
    post-processing of stored results (``orgsim value``): it never changes a run."""

    currency: str = param(
        "GBP",
        "Currency of every money figure (an ISO 4217 code such as GBP, EUR, USD).",
        "code",
        SET_YOUR_OWN,
        pattern=r"^[A-Z]{3}$",
    )
    grade1_salary: float = param(
        30_000.0,
        "Yearly salary of a grade-1 position.",
        "currency a year",
        SET_YOUR_OWN,
        gt=0,
        le=1e8,
    )
    grade_multiplier: float | None = param(
        None,
        "Salary at grade g+1 / salary at grade g (none: the model's organisation.pay_step).",
        "ratio",
        "the model's organisation.pay_step unless set",
        ge=1,
        le=3,
    )
    salary_by_grade: list[float] | None = param(
        None,
        "Yearly salary of each grade, from grade 1 up (overrides grade1_salary and "
        "grade_multiplier; one entry per grade). Specialists earn policy.specialist_pay_ratio "
        "times it.",
        "currency a year",
        SET_YOUR_OWN,
    )
    on_cost_rate: float = param(
        0.25,
        "Employer on-costs (national insurance, pension, ...) as a share of salary.",
        "share of salary",
        "assumption: UK employer NI (~13.8-15%) plus pension (~5-10%); set your own",
        ge=0,
        le=2,
    )
    vacancy_fill_cost: float = param(
        5_433.0,
        "Cost of filling a grade-1 vacancy (advertising, agency, interview time); a grade g "
        "vacancy costs this times its pay relative to grade 1.",
        "currency per leaver",
        "Oxford Economics for Unum 2014, 'The Cost of Brain Drain' (GBP 5,433 logistics of "
        "replacing a worker; secondary); scaling by pay: CIPD 2022 (median cost per hire GBP "
        "3,000 for senior managers vs 1,500 for others)",
        ge=0,
        le=1e8,
    )
    vacancy_fill_cost_by_grade: list[float] | None = param(
        None,
        "Cost of filling a vacancy at each grade, from grade 1 up (overrides "
        "vacancy_fill_cost; one entry per grade).",
        "currency per leaver",
        SET_YOUR_OWN,
    )
    weeks_to_productivity: float = param(
        0.0,
        "Weeks a hire takes to reach full productivity, costed here as lost output (linear "
        "ramp). 0 by default: the model itself simulates the ramp (phase competence), so its "
        "output already shows it; set it (28: Oxford Economics 2014) only for results run "
        "without that phase.",
        "weeks",
        "0: simulated by the model (phase competence; Oxford Economics for Unum 2014, 28 weeks)",
        ge=0,
        le=520,
    )
    manager_months_to_productivity: float = param(
        0.0,
        "Months a new manager takes to reach full productivity, costed here as lost output "
        "(linear ramp). 0 by default: the model simulates it (phase competence); set it only "
        "for results run without that phase.",
        "months",
        "0: simulated by the model (phase competence)",
        ge=0,
        le=120,
    )
    output_value_multiple: float = param(
        2.0,
        "Value of a position's output per year as a multiple of its salary.",
        "multiple of salary",
        "assumption: set your own (output worth twice pay is a common rule of thumb)",
        ge=0,
        le=100,
    )
    coaching_cost_per_person: float | None = param(
        None,
        "Cost of one coaching conversation (none: the policy's policy.coaching_cost, in "
        "grade-1 monthly salaries, times the grade-1 monthly salary).",
        "currency per person coached",
        "the model's policy.coaching_cost unless set (itself an assumption)",
        ge=0,
        le=1e8,
    )
    training_cost_per_person: float = param(
        1_000.0,
        "Cost of training one person (counted for each 'training' event: phase training's, "
        "and any an extension rule emits).",
        "currency per person trained",
        SET_YOUR_OWN,
        ge=0,
        le=1e8,
    )
    discount_rate: float = param(
        0.035,
        "Yearly discount rate of the net present value.",
        "per year",
        "HM Treasury Green Book 2022 (social time preference rate 3.5%)",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _positive_lists(self) -> Money:
        for name in ("salary_by_grade", "vacancy_fill_cost_by_grade"):
            values = getattr(self, name)
            if values is not None and (not values or any(not v >= 0 for v in values)):
                raise ValueError(f"{name}: give one non-negative amount per grade, from grade 1")
        if self.salary_by_grade is not None and any(v <= 0 for v in self.salary_by_grade):
            raise ValueError("salary_by_grade: every salary must be above 0")
        return self

    def grade_list_problem(self, grades: int, only: str | None = None) -> str | None:
        """What is wrong with a per-grade list (or the list ``only``) for an organisation of
        ``grades`` grades (an extra or missing entry shifts every grade's amount), or None."""
        lists = (("salary_by_grade", "salaries"), ("vacancy_fill_cost_by_grade", "costs"))
        for name, what in lists:
            values = getattr(self, name) if only in (None, name) else None
            if values is not None and len(values) != grades:
                return (f"money.{name}: {len(values)} {what} given, but the organisation has "
                        f"{grades} grades; give one per grade, from grade 1")  # fmt: skip
        return None
