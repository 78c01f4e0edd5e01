"""Named policies: presets of the levers, rescaled to the organisation's grades."""

from __future__ import annotations

import pytest

from orgsim.model import OrgModel
from orgsim.parameters import ModelParams
from orgsim.policies import (
    NAMED_POLICIES,
    POLICY_DESCRIPTIONS,
    UnknownPolicyError,
    apply_policy,
    policy_levers,
)


def test_every_named_policy_is_described() -> None:
    assert set(POLICY_DESCRIPTIONS) == set(NAMED_POLICIES)
    assert {"single-ladder", "nominal-dual-track", "genuine-dual-track", "ask-the-question"} <= set(
        NAMED_POLICIES
    )


@pytest.mark.parametrize("name", list(NAMED_POLICIES))
def test_every_named_policy_builds_a_valid_default_model(name: str) -> None:
    params = apply_policy(ModelParams(), name)
    assert isinstance(params, ModelParams)
    model = OrgModel({"organisation": {"size": 100}}, policy=name, rng=1)
    assert model.policy == name
    assert model.hierarchy.size == 100


@pytest.mark.parametrize("grades", [5, 6, 9])
def test_specialist_ladder_tops_are_rescaled_to_the_grades(grades: int) -> None:
    assert policy_levers("single-ladder", grades)["specialist_top_grade"] is None
    assert policy_levers("genuine-dual-track", grades)["specialist_top_grade"] == grades
    assert policy_levers("nominal-dual-track", grades)["specialist_top_grade"] == grades - 2


def test_nominal_track_is_a_polite_dead_end() -> None:
    nominal = apply_policy(ModelParams(), "nominal-dual-track").policy
    genuine = apply_policy(ModelParams(), "genuine-dual-track").policy
    assert nominal.specialist_top_grade == 4 and genuine.specialist_top_grade == 6
    assert nominal.specialist_pay_ratio == 0.85 and genuine.specialist_pay_ratio == 1.0
    assert nominal.specialist_stigma > 0 and genuine.specialist_stigma == 0


def test_ask_the_question_selects_by_stated_preference() -> None:
    assert apply_policy(ModelParams(), "ask-the-question").policy.selection == "stated-preference"
    assert apply_policy(ModelParams(), "single-ladder").policy.selection == "top-performer"


def test_overrides_win_over_levers_and_input_is_untouched() -> None:
    base = ModelParams()
    params = apply_policy(
        base, "genuine-dual-track", {"specialist_pay_ratio": 0.9, "coaching_reach": 0.5}
    )
    assert params.policy.specialist_pay_ratio == 0.9
    assert params.policy.coaching_reach == 0.5
    assert params.policy.specialist_top_grade == 6
    assert base.policy.specialist_top_grade is None and base.policy.coaching_reach == 0


def test_levers_not_named_keep_the_scenario_values() -> None:
    base = ModelParams.model_validate({"policy": {"step_back_allowed": True}})
    assert apply_policy(base, "nominal-dual-track").policy.step_back_allowed is True


def test_unknown_policy_names_itself_and_the_known_ones() -> None:
    with pytest.raises(UnknownPolicyError, match="'dual-ladder'") as err:
        policy_levers("dual-ladder", 6)
    assert "genuine-dual-track" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_model_rejects_unknown_policy() -> None:
    with pytest.raises(UnknownPolicyError, match="'no-such-policy'"):
        OrgModel(policy="no-such-policy")


def test_bad_override_is_a_validation_error_naming_the_lever() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"policy\.coaching_reach"):
        apply_policy(ModelParams(), "single-ladder", {"coaching_reach": 1.5})
