"""Parameters: defaults are valid and documented; bad values fail naming the parameter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orgsim.docs_tables import is_structured
from orgsim.model import OrgModel
from orgsim.parameters import ChartEntry, ModelParams, iter_fields
from orgsim.policies import UnknownPolicyError


def test_defaults_are_valid_and_match_model_md() -> None:
    p = ModelParams()
    assert p.organisation.size == 1000
    assert p.organisation.grades == 6
    assert p.organisation.span == 6
    assert p.policy.ic_ceiling_grade == 3
    assert p.workforce.aptitude_skill_correlation == pytest.approx(0.1)
    assert p.workforce.share_wanting_to_lead < 0.5  # a minority want to lead
    assert p.promotion.review_interval_months == 12


def test_every_parameter_has_description_unit_and_source() -> None:
    """Every scalar parameter; a structured one (a list of entries such as organisation.chart)
    has no single unit or source, but it and each field of its entries are described."""
    fields = iter_fields(ModelParams)
    assert len(fields) > 50
    scalar = [(path, info) for path, info in fields if not is_structured(info)]
    assert len(fields) - len(scalar) == 1  # organisation.chart
    for path, info in scalar:
        assert info.description, path
        extra = info.json_schema_extra or {}
        assert extra.get("unit"), path
        assert extra.get("source"), path
    chart = dict(fields)["organisation.chart"]
    assert is_structured(chart) and chart.description and chart.default is None
    for name, info in ChartEntry.model_fields.items():
        assert info.description, f"organisation.chart[].{name}"


BAD = [
    ("organisation.size", -5),  # negative headcount
    ("organisation.size", 0),
    ("organisation.span", 1),  # span < 2
    ("organisation.span", -3),
    ("organisation.grades", 2),
    ("workforce.share_wanting_to_lead", 1.2),  # probabilities / shares outside [0, 1]
    ("workforce.share_wanting_to_lead", -0.1),
    ("leaving.base_monthly_exit", 1.5),
    ("leaving.base_monthly_exit", -0.01),
    ("step_back.monthly_probability", 2.0),
    ("step_back.monthly_probability", -0.5),
    ("policy.coaching_reach", 1.01),
    ("policy.coaching_reach", -0.2),
    ("policy.coaching_noise_reduction", 1.5),
    ("policy.specialist_stigma", 1.1),
    ("promotion.reluctance_threshold", -0.1),
    ("engagement.adjustment", 0.0),
    ("engagement.engaged_threshold", 1.3),
    ("workforce.initial_engagement", 1.2),
    ("policy.selection", "nepotism"),
    ("organisation.size", "large"),
]


def nested(path: str, value) -> dict:
    section, field = path.split(".")
    return {section: {field: value}}


@pytest.mark.parametrize(("path", "value"), BAD, ids=[f"{p}={v}" for p, v in BAD])
def test_bad_value_names_the_parameter(path: str, value) -> None:
    with pytest.raises(ValidationError) as err:
        ModelParams.model_validate(nested(path, value))
    assert path in str(err.value)
    assert len(err.value.errors()) == 1


@pytest.mark.parametrize(("path", "value"), BAD[:4], ids=[f"{p}={v}" for p, v in BAD[:4]])
def test_model_rejects_bad_parameters_naming_them(path: str, value) -> None:
    with pytest.raises(ValidationError, match=path.replace(".", r"\.")):
        OrgModel(nested(path, value))


def test_assignment_is_validated_too() -> None:
    p = ModelParams()
    with pytest.raises(ValidationError, match="span"):
        p.organisation.span = 1
    assert p.organisation.span == 6


def test_unknown_parameter_is_an_error_naming_it() -> None:
    with pytest.raises(ValidationError, match=r"organisation\.sise"):
        ModelParams.model_validate({"organisation": {"sise": 500}})
    with pytest.raises(ValidationError, match="hierarchy"):
        ModelParams.model_validate({"hierarchy": {}})


def test_ceiling_must_leave_room_for_managers() -> None:
    with pytest.raises(ValidationError, match=r"policy\.ic_ceiling_grade \(6\)"):
        ModelParams.model_validate({"policy": {"ic_ceiling_grade": 6}})
    ModelParams.model_validate({"policy": {"ic_ceiling_grade": 5}})


@pytest.mark.parametrize("top", [2, 3, 7])
def test_specialist_top_must_lie_between_ceiling_and_top_grade(top: int) -> None:
    with pytest.raises(ValidationError, match=rf"policy\.specialist_top_grade \({top}\)"):
        ModelParams.model_validate({"policy": {"specialist_top_grade": top}})


def test_nominal_track_needs_two_grades_below_the_top_above_the_ceiling() -> None:
    """With 5 grades and ceiling 3 the nominal ladder would top out at 3: not a ladder."""
    with pytest.raises(ValidationError, match=r"policy\.specialist_top_grade \(3\)"):
        OrgModel({"organisation": {"grades": 5}}, policy="nominal-dual-track")


def test_unknown_policy_raises_unknown_policy_error_naming_it() -> None:
    with pytest.raises(UnknownPolicyError, match="'dual-track-deluxe'"):
        OrgModel({"organisation": {"size": 100}}, policy="dual-track-deluxe")


POLICY = {"ic_ceiling_grade": 1}  # a 3-grade chart: managers at grades 2 and 3
CHART = [
    {"grade": 1, "role": "ic", "positions": 30},
    {"grade": 2, "role": "manager", "positions": 6},
    {"grade": 3, "role": "manager", "positions": 1},
]


def test_an_explicit_chart_sets_size_and_grades() -> None:
    p = ModelParams.model_validate({"organisation": {"chart": CHART}, "policy": POLICY})
    assert (p.organisation.size, p.organisation.grades) == (37, 3)
    assert [e.positions for e in p.organisation.chart] == [30, 6, 1]
    model = OrgModel({"organisation": {"chart": CHART}, "policy": POLICY})
    assert model.hierarchy.counts() == {(1, "ic"): 30, (2, "manager"): 6, (3, "manager"): 1}
    assert model.people.count == 37


@pytest.mark.parametrize(
    ("organisation", "message"),
    [
        ({"chart": CHART, "size": 50},
         r"organisation\.size \(50\) disagrees with the chart \(37\)"),
        ({"chart": CHART, "grades": 4},
         r"organisation\.grades \(4\) disagrees with the chart \(3\)"),
        ({"chart": [{"grade": 1, "role": "boss", "positions": 3}]},
         r"organisation\.chart\.0\.role"),
        ({"chart": [{"grade": 1, "role": "ic", "positions": 0}]},
         r"organisation\.chart\.0\.positions"),
        ({"chart": [{"grade": 1, "role": "ic"}]}, r"organisation\.chart\.0\.positions"),
        ({"chart": [{"grade": 1, "role": "ic", "positions": 3, "pay": 2}]},
         r"organisation\.chart\.0\.pay"),
    ],
)  # fmt: skip
def test_bad_chart_names_the_field(organisation: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as err:
        ModelParams.model_validate({"organisation": organisation, "policy": POLICY})
    assert len(err.value.errors()) == 1
