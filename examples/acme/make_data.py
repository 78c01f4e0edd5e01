"""Make examples/acme's synthetic HR workbooks: orgsim itself, from known parameters.

    .venv/bin/python examples/acme/make_data.py      # rewrites hr.xlsx, hr-grade-turnover.xlsx

``hr.xlsx`` comes from the model with the parameters in TRUTH (written to truth.json), run
exactly as ``orgsim fit`` simulates: the chart of CHART, a burn-in, then the observed year.
Fitting it must recover TRUTH (parameter recovery). ``hr-grade-turnover.xlsx`` comes from a
*different* mechanism: people leave at a rate set by their grade alone (senior people are
poached), whatever their engagement; the fit's report must flag it as a poor fit.

Both are anonymised aggregates: headcount, team sizes, leavers and promotions of the last
year, an engagement survey (1-5 scale; groups under 5 people suppressed, as surveys do) and the
share of ICs and specialists who would like to manage people.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim.fit.organisation import BURN_IN_YEARS, FittedOrganisation
from orgsim.fit.statistics import observed_year
from orgsim.fit.workbook import MIN_RESPONDENTS, write_tables
from orgsim.hierarchy import MANAGER, ROLE_NAMES
from orgsim.model import OrgModel
from orgsim.rules.leaving import Leaving

HERE = Path(__file__).parent
SEED = 2024
#: The parameters behind hr.xlsx (the rest keep their defaults).
TRUTH = {
    "leaving.base_monthly_exit": 0.009,
    "leaving.engagement_sensitivity": 3.0,
    "engagement.baseline": 0.64,
    "workforce.share_wanting_to_lead": 0.28,
}
#: Acme's positions: a six-grade firm of 594 with a specialist ladder to grade 5.
CHART = [
    {"grade": 1, "role": "ic", "positions": 220},
    {"grade": 2, "role": "ic", "positions": 150},
    {"grade": 3, "role": "ic", "positions": 100},
    {"grade": 4, "role": "manager", "positions": 80},
    {"grade": 4, "role": "specialist", "positions": 20},
    {"grade": 5, "role": "manager", "positions": 14},
    {"grade": 5, "role": "specialist", "positions": 6},
    {"grade": 6, "role": "manager", "positions": 4},
]
SPAN = 8
LEVERS = {"ic_ceiling_grade": 3, "specialist_top_grade": 5, "specialist_pay_ratio": 0.9}
SCALE = (1, 5)


class GradeTurnover(Leaving):
    """The other mechanism: monthly exit probability 0.003 x 1.8^(grade - 1), the same for
    everyone at a grade whatever their engagement or skill; retirement as usual."""

    def leave(self, model: OrgModel, among: np.ndarray) -> None:
        people = model.people
        u = model.once_per_step(
            (id(self), "u"), lambda: model.stream("leaving").random(len(people))
        )
        hazard = 0.003 * 1.8 ** (people.grade.astype(float) - 1)
        among = among & people.active
        retire = among & (people.age >= self.params.retirement_age)
        quit_ = among & ~retire & (u < hazard)
        model.remove_people(people.uid[quit_], "voluntary")
        model.remove_people(people.uid[retire], "retirement")


def organisation() -> FittedOrganisation:
    """Acme as orgsim fit sees an organisation."""
    return FittedOrganisation("acme", CHART, SPAN, LEVERS, BURN_IN_YEARS)


def simulate(rules: dict[str, Any] | None = None) -> tuple[OrgModel, pd.DataFrame]:
    """Acme after the burn-in and the observed year (as orgsim fit simulates), and that
    year's events."""
    model = observed_year(organisation().model_params(TRUTH), SEED, BURN_IN_YEARS, rules)
    return model, model.events_frame


def tables(model: OrgModel, events: pd.DataFrame, name: str = "acme") -> dict[str, pd.DataFrame]:
    """The HR workbook's tables of a simulated organisation."""
    p = model.people
    people = pd.DataFrame(
        {
            "grade": p.grade[p.active].astype(int),
            "role": [ROLE_NAMES[r] for r in p.role[p.active]],
            "engagement": p.engagement[p.active],
            "yes": p.stated_preference[p.active] > 0.5,
        }
    )
    cells = people.groupby(["grade", "role"])
    headcount = cells.size().rename("headcount").reset_index()
    h = model.hierarchy
    held = model.holder >= 0
    reports = np.bincount(h.manager[(h.manager >= 0) & held], minlength=h.size)
    sizes = reports[(h.role == MANAGER) & held]
    teams = pd.Series(sizes[sizes > 0]).value_counts().sort_index()
    teams = pd.DataFrame({"team_size": teams.index.astype(int), "managers": teams.to_numpy()})
    exits = events[events["exit"]].assign(
        reason=lambda d: (
            d["event"]
            .astype(str)
            .map({"voluntary": "voluntary", "retirement": "retirement"})
            .fillna("other")
        )
    )
    leavers = (
        exits.groupby(["from_grade", "from_role", "reason"], observed=True)
        .size()
        .rename("leavers")
        .reset_index()
        .rename(columns={"from_grade": "grade", "from_role": "role"})
    )
    leavers["grade"] = leavers["grade"].astype(int)
    cols = ["from_grade", "from_role", "to_grade", "to_role"]
    moves = events[events["event"] == "promotion"]
    promotions = moves.groupby(cols, observed=True).size().rename("promotions").reset_index()
    for c in ("from_grade", "to_grade"):
        promotions[c] = promotions[c].astype(int)
    lo, hi = SCALE
    engaged = model.params.engagement.engaged_threshold
    survey = cells.agg(
        respondents=("engagement", "size"),
        mean_score=("engagement", lambda e: round(lo + (hi - lo) * e.mean(), 2)),
        share_engaged=("engagement", lambda e: round(float((e >= engaged).mean()), 3)),
    ).reset_index()
    survey = survey[survey["respondents"] >= MIN_RESPONDENTS]
    asked = people[people["role"] != "manager"].groupby(["grade", "role"])
    aspiration = asked.agg(
        respondents=("yes", "size"), share_yes=("yes", lambda y: round(float(y.mean()), 3))
    ).reset_index()
    aspiration = aspiration[aspiration["respondents"] >= MIN_RESPONDENTS]
    settings = pd.DataFrame(
        {
            "setting": [
                "organisation",
                "engagement_scale_min",
                "engagement_scale_max",
                "specialist_pay_ratio",
            ],
            "value": [name, lo, hi, LEVERS["specialist_pay_ratio"]],
        }
    )
    return {
        "headcount": headcount,
        "teams": teams,
        "leavers": leavers,
        "promotions": promotions,
        "engagement": survey,
        "aspiration": aspiration,
        "settings": settings,
    }


def main() -> None:
    """Write both workbooks and the truth."""
    write_tables(tables(*simulate()), HERE / "hr.xlsx")
    other = tables(*simulate({"leaving": GradeTurnover}), name="acme-grade-turnover")
    write_tables(other, HERE / "hr-grade-turnover.xlsx")
    truth = {"parameters": TRUTH, "seed": SEED, "burn_in_years": BURN_IN_YEARS}
    (HERE / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    print(f"written: {HERE / 'hr.xlsx'}, {HERE / 'hr-grade-turnover.xlsx'}, truth.json")


if __name__ == "__main__":
    main()
