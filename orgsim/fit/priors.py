"""The parameters ``orgsim fit`` can fit, and their priors (uniform, with sources).

A prior is the range of values thought possible before seeing the organisation's data: the
published ranges of docs/model.md where there are some, otherwise the parameter's allowed range
narrowed to what the model can tell apart (flagged as an assumption). docs/fitting.md gives
every prior with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgsim.fit.errors import FitInputError
from orgsim.parameters import ModelParams


@dataclass(frozen=True)
class Prior:
    """A uniform prior on one parameter (a dotted ModelParams path)."""

    path: str
    low: float
    high: float
    source: str
    informed_by: str

    def quantile(self, q: float) -> float:
        """The prior's q-quantile."""
        return self.low + q * (self.high - self.low)


PRIORS: dict[str, Prior] = {
    p.path: p
    for p in (
        Prior(
            "leaving.base_monthly_exit",
            0.002,
            0.03,
            "XpertHR surveys (UK voluntary turnover medians 8.6-15.5% a year, docs/model.md "
            "section 6), widened to about 2.5-30% a year for organisations far from the "
            "median (assumption)",
            "voluntary leavers",
        ),
        Prior(
            "leaving.engagement_sensitivity",
            0.0,
            10.0,
            "assumption: from no effect of engagement on leaving (0) to a hazard 2.7 times "
            "higher for every 0.1 drop in engagement (10); the parameter allows up to 20",
            "voluntary leavers by grade and role against engagement",
        ),
        Prior(
            "engagement.baseline",
            0.45,
            0.9,
            "assumption around the calibrated 0.68 (Gallup's UK engaged share of 10%, "
            "docs/model.md section 6): from almost nobody engaged to most people engaged",
            "engagement survey",
        ),
        Prior(
            "workforce.share_wanting_to_lead",
            0.15,
            0.47,
            "published range of docs/model.md: 15% (Ipsos Karian & Box 2026) to 47% "
            "(Randstad); 34% CareerBuilder 2014",
            "'would you like to manage people?' (and promotions into management)",
        ),
        Prior(
            "engagement.manager_weight",
            0.0,
            1.0,
            "assumption around the default 0.5 (Gallup 2015: managers explain at least 70% of "
            "the variance in team engagement)",
            "engagement of teams against their managers' (by grade and role)",
        ),
        Prior(
            "leaving.skill_sensitivity",
            0.0,
            3.0,
            "assumption around the default 1.6: from no pull of the market on strong "
            "performers who go unrewarded to a hazard about 20 times higher for a top "
            "performer long without a move up",
            "voluntary leavers by grade",
        ),
        Prior(
            "promotion.status_weight",
            0.0,
            1.5,
            "assumption around the default 0.6: how much status (vs the wish to lead) makes "
            "people take a manager post",
            "promotions into management",
        ),
    )
}
#: The four parameters fitted by default: those the workbook's tables inform most directly.
DEFAULT_PARAMETERS = (
    "leaving.base_monthly_exit",
    "leaving.engagement_sensitivity",
    "engagement.baseline",
    "workforce.share_wanting_to_lead",
)


def choose(paths: list[str] | tuple[str, ...] | None) -> list[Prior]:
    """The priors of the chosen parameters (default: DEFAULT_PARAMETERS), checked."""
    paths = list(paths or DEFAULT_PARAMETERS)
    unknown = [p for p in paths if p not in PRIORS]
    if unknown:
        raise FitInputError(
            f"--parameters: {', '.join(unknown)} cannot be fitted; choose from {', '.join(PRIORS)}"
        )
    if len(set(paths)) != len(paths):
        raise FitInputError("--parameters: a parameter is given twice")
    return [PRIORS[p] for p in paths]


def check_bounds() -> None:
    """Raise ValueError unless both ends of every prior are allowed values of its parameter."""
    for prior in PRIORS.values():
        section, _, name = prior.path.partition(".")
        for value in (prior.low, prior.high):
            ModelParams.model_validate({section: {name: value}})
