"""The named promotion policies (single ladder, nominal and genuine dual track, ask the
question), each a preset of the policy levers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where it is used: `orgsim policies` needs no pydantic
    from orgsim.parameters import ModelParams

#: Lever values of each named policy; levers not named keep their defaults.
#: Grades are written for the default six-grade organisation and rescaled by ``policy_levers``.
NAMED_POLICIES: dict[str, dict[str, Any]] = {
    "single-ladder": {
        "specialist_top_grade": None,
        "selection": "top-performer",
    },
    "nominal-dual-track": {
        "specialist_top_grade": "top-2",
        "specialist_pay_ratio": 0.85,
        "specialist_stigma": 0.3,
        "selection": "top-performer",
    },
    "genuine-dual-track": {
        "specialist_top_grade": "top",
        "specialist_pay_ratio": 1.0,
        "specialist_stigma": 0.0,
        "selection": "top-performer",
        "decline_penalty": 0.0,
    },
    "ask-the-question": {
        "specialist_top_grade": None,
        "selection": "stated-preference",
        "decline_penalty": 0.0,
    },
}

POLICY_DESCRIPTIONS: dict[str, str] = {
    "single-ladder": "IC roles up to the ceiling grade; above it only manager roles, filled by "
    "the best technical performer of the grade below.",
    "nominal-dual-track": "A specialist ladder that tops out two grades below the top, pays 85% "
    "of the manager grade and carries a stigma.",
    "genuine-dual-track": "A specialist ladder to the top grade at equal pay and no stigma.",
    "ask-the-question": "Managers are chosen among those who say they want to lead, ranked by "
    "assessed leadership aptitude.",
}


class UnknownPolicyError(ValueError):
    """A policy name that is not one of NAMED_POLICIES."""


def policy_levers(name: str, grades: int) -> dict[str, Any]:
    """The lever values of a named policy for an organisation with ``grades`` grades."""
    if name not in NAMED_POLICIES:
        known = ", ".join(NAMED_POLICIES)
        raise UnknownPolicyError(f"policy: unknown policy {name!r}; known policies: {known}")
    levers = dict(NAMED_POLICIES[name])
    top = levers.get("specialist_top_grade")
    if top == "top":
        levers["specialist_top_grade"] = grades
    elif top == "top-2":
        levers["specialist_top_grade"] = grades - 2
    return levers


def apply_policy(
    params: ModelParams, name: str | None, overrides: dict[str, Any] | None = None
) -> ModelParams:
    """A copy of ``params`` with the named policy's levers (none if ``name`` is None), then
    ``overrides``, applied."""
    from orgsim.parameters import ModelParams

    levers = policy_levers(name, params.organisation.grades) if name else {}
    levers.update(overrides or {})
    merged = params.model_dump()
    merged["policy"] = {**params.policy.model_dump(), **levers}
    return ModelParams.model_validate(merged)
