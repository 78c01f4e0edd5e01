"""orgsim/fit/organisation.py: the chart, span and levers come from the headcount table."""

from __future__ import annotations

import pytest

from orgsim.fit.errors import FitInputError
from orgsim.fit.organisation import from_hr_data, needed_span, scenario_name
from orgsim.fit.workbook import read_hr_data
from orgsim.model import OrgModel


def test_chart_span_and_levers_of_the_tiny_organisation(tiny_xlsx) -> None:
    org = from_hr_data(read_hr_data(tiny_xlsx))
    assert org.name == "Tiny-Ltd"
    assert org.chart == [
        {"grade": 1, "role": "ic", "positions": 24},
        {"grade": 2, "role": "ic", "positions": 12},
        {"grade": 3, "role": "manager", "positions": 6},
    ]
    assert org.span == 6  # 36 ICs under 6 managers; the teams sheet agrees
    assert org.levers == {"ic_ceiling_grade": 2, "specialist_top_grade": None}
    model = OrgModel(org.model_params({"leaving.base_monthly_exit": 0.02}), policy=None)
    assert model.hierarchy.size == 42 and model.params.leaving.base_monthly_exit == 0.02


def test_teams_sheet_can_widen_the_span(tables, write) -> None:
    tables["teams"] = tables["teams"].assign(team_size=[9])
    assert from_hr_data(read_hr_data(write(tables))).span == 9


def test_specialists_make_a_ladder_and_pay_ratio_comes_from_settings(tables, write) -> None:
    import pandas as pd

    tables["headcount"] = pd.DataFrame({"grade": [1, 2, 3, 3, 4], "role": ["ic", "ic",
                                        "manager", "specialist", "manager"],
                                        "headcount": [30, 12, 6, 3, 2]})  # fmt: skip
    tables["settings"] = pd.concat([tables["settings"], pd.DataFrame(
        {"setting": ["specialist_pay_ratio"], "value": [0.85]})])  # fmt: skip
    org = from_hr_data(read_hr_data(write(tables)))
    assert org.levers == {"ic_ceiling_grade": 2, "specialist_top_grade": 3,
                          "specialist_pay_ratio": 0.85}  # fmt: skip
    OrgModel(org.model_params(), policy=None)  # the chart builds


def test_needed_span_is_the_smallest_that_builds() -> None:
    chart = [{"grade": 1, "role": "ic", "positions": 50}, {"grade": 2, "role": "manager",
             "positions": 7}, {"grade": 3, "role": "manager", "positions": 2}]  # fmt: skip
    span = needed_span(chart)
    assert span == 8  # 50 ICs under 7 managers
    base = {"organisation": {"chart": chart}, "policy": {"ic_ceiling_grade": 1}}
    OrgModel(base | {"organisation": {"chart": chart, "span": span}}, policy=None)
    with pytest.raises(ValueError, match=r"more than organisation\.span"):
        OrgModel(base | {"organisation": {"chart": chart, "span": span - 1}}, policy=None)


def test_a_chart_needing_huge_teams_is_refused(tables, write) -> None:
    tables["headcount"]["headcount"] = [2000, 12, 6]
    tables["teams"] = tables["teams"].iloc[:0]
    with pytest.raises(FitInputError, match="teams of 336 direct reports"):
        from_hr_data(read_hr_data(write(tables)))


def test_scenario_names_are_safe_folder_names() -> None:
    assert scenario_name("Acme Ltd / UK") == "Acme-Ltd-UK"
    assert scenario_name("  ") == "my-organisation"
