"""orgsim/fit/workbook.py: the template, reading (xlsx and CSV) and validation, with errors
naming the sheet, row and column."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from orgsim.fit.errors import FitInputError
from orgsim.fit.workbook import MIN_RESPONDENTS, TABLES, read_hr_data, read_tables, write_template
from orgsim.scenario import ScenarioError


def problems(path: Path) -> str:
    """The error message of reading ``path`` (which must fail)."""
    with pytest.raises(FitInputError) as info:
        read_hr_data(path)
    return str(info.value)


def test_template_has_every_table_with_its_columns_and_one_example_row(tmp_path: Path) -> None:
    for path in (tmp_path / "t.xlsx", tmp_path / "csv"):
        write_template(path)
        raw = read_tables(path)
        for name, table in TABLES.items():
            frame = raw[name].frame
            assert list(frame.columns) == [c.name for c in table.columns], name
            assert len(frame) == (4 if name == "settings" else 1), name
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["README", *TABLES]
    readme = "\n".join(str(c) for row in book["README"].iter_rows(values_only=True) for c in row)
    for table in TABLES.values():
        assert f"sheet '{table.name}'" in readme
        for col in table.columns:
            assert col.name in readme


def test_template_never_overwrites(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    before = path.read_bytes()
    with pytest.raises(FitInputError, match="exists"):
        write_template(path)
    assert path.read_bytes() == before


def test_valid_workbook_and_csv_folder_read_the_same(tables, write) -> None:
    xlsx, folder = read_hr_data(write(tables)), read_hr_data(write(tables, "csv"))
    assert xlsx.grades == [1, 2, 3] and xlsx.people == 42 and xlsx.scale == (1.0, 5.0)
    assert xlsx.settings["organisation"] == "Tiny Ltd"
    for name in ("headcount", "leavers", "promotions", "engagement", "aspiration", "teams"):
        a, b = getattr(xlsx, name), getattr(folder, name)
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    assert xlsx.headcount["headcount"].dtype == "int64"
    assert list(xlsx.headcount.index) == [2, 3, 4]  # the rows of the sheet, under its header
    assert xlsx.counts() == {"people": 42, "grades": 3, "leavers": 5, "promotions": 5,
                             "survey_respondents": 36, "aspiration_respondents": 30,
                             "teams": 6}  # fmt: skip


def test_role_names_ignore_case_and_spaces(tables, write) -> None:
    tables["headcount"]["role"] = [" IC", "Ic ", "MANAGER"]
    assert read_hr_data(write(tables)).headcount["role"].tolist() == ["ic", "ic", "manager"]


def test_bad_data_is_a_scenario_error_so_the_cli_exits_2(tables, write) -> None:
    tables["leavers"].loc[0, "leavers"] = -3
    with pytest.raises(ScenarioError):
        read_hr_data(write(tables))


#: (sheet, change, what the message must say): two groups, each broken at once in one
#: workbook (every problem is reported together), so the tests read few workbooks.
BROKEN = [
        ("leavers", lambda t: t.rename(columns={"reason": "reasn"}),
         r"sheet 'leavers', row 1, column 'reasn': unknown column; did you mean 'reason'\?"),
        ("leavers", lambda t: t.assign(leavers=[3, -1, 1]),
         r"sheet 'leavers', row 3, column 'leavers': a count is 0 or more \(got -1\)"),
        ("leavers", lambda t: t.assign(grade=[1, 7, 3]),
         r"sheet 'leavers', row 3, column 'grade': this grade is not in the headcount table "
         r"\(grades there: 1-3\) \(got 7\)"),
        ("engagement", lambda t: t.assign(respondents=[20, 4, 6]),
         rf"sheet 'engagement', row 3, column 'respondents': fewer than {MIN_RESPONDENTS} "
         "respondents would identify people"),
        ("engagement", lambda t: t.assign(respondents=[30, 10, 6]),
         r"sheet 'engagement', row 2, columns 'grade', 'role', 'respondents': more respondents "
         r"than people of this grade and role in the headcount table \(too few people there\?\)"),
        ("aspiration", lambda t: t.assign(share_yes=[30, 0.4]),
         r"sheet 'aspiration', row 2, column 'share_yes': share_yes is a share between 0 and 1 "
         r"\(a percentage\? write 34% as 0.34\) \(got 30\)"),
        ("promotions", lambda t: t.assign(promotions=["four", 1]),
         r"sheet 'promotions', row 2, column 'promotions': expected a number \(got four\)"),
        ("promotions", lambda t: t.assign(to_grade=[1, 3]),
         r"sheet 'promotions', row 2, columns 'from_grade', 'to_grade': a promotion goes to a "
         "higher grade"),
        ("promotions", lambda t: t.assign(to_role=["ic", "specialist"]),
         r"sheet 'promotions', row 3, columns 'to_grade', 'to_role': the headcount table has no "
         "people of this grade and role"),
        ("headcount", lambda t: t.assign(role=["ic", "ic", "boss"]),
         r"sheet 'headcount', row 4, column 'role': the role is one of ic, specialist, manager "
         r"\(got boss\)"),
        ("headcount", lambda t: pd.concat([t, t.iloc[[0]]]),
         r"sheet 'headcount', row 2, columns 'grade', 'role': the same grade and role is given "
         "twice"),
        ("headcount", lambda t: t.assign(grade=[1, 2, 4]),
         r"sheet 'headcount', column 'grade': no people at grade\(s\) 3; grades must run 1, 2, "
         r"\.\.\., 4 without gaps"),
        ("engagement", lambda t: t.assign(mean_score=[3.4, 6.0, 3.8]),
         r"sheet 'engagement', row 3, column 'mean_score': outside the survey's scale 1-5 "
         r"\(got 6\)"),
        ("leavers", lambda t: t.assign(grade=[1.5, 2, 3]),
         r"sheet 'leavers', row 2, column 'grade': expected a whole number \(got 1.5\)"),
        ("leavers", lambda t: t.assign(reason=["voluntary", "quit", "retirement"]),
         r"sheet 'leavers', row 3, column 'reason': the reason is one of voluntary, retirement, "
         "other"),
]  # fmt: skip
TABLES_BROKEN = [0, 1, 2, 3, 5, 6, 7, 8, 12]  # indices into BROKEN, compatible changes
HEADCOUNT_BROKEN = [9, 10, 13, 14]
GROUPS = [[BROKEN[i] for i in TABLES_BROKEN], [BROKEN[i] for i in HEADCOUNT_BROKEN], [BROKEN[11]],
          [BROKEN[4]]]  # fmt: skip


@pytest.mark.parametrize(
    "group", GROUPS, ids=["tables", "headcount-and-values", "grade-gap", "respondents"]
)
def test_every_problem_names_sheet_row_and_column(tables, write, group) -> None:
    for sheet, change, _ in group:
        tables[sheet] = change(tables[sheet])
    message = problems(write(tables))
    for _, _, expected in group:
        assert re.search(expected, message), (expected, message)


def test_a_bad_headcount_cell_is_not_echoed_by_the_other_tables(tables, write) -> None:
    frame = tables["headcount"]
    frame["headcount"] = frame["headcount"].astype(object)
    frame.loc[frame.index[0], "headcount"] = "1,200"
    message = problems(write(tables))
    assert message.startswith("1 problem(s)") and "sheet 'headcount'" in message
    assert "not in the headcount table" not in message


def test_a_csv_folder_is_checked_the_same_way(tables, write) -> None:
    tables["leavers"] = tables["leavers"].assign(leavers=[3, -1, 1])
    message = problems(write(tables, "csv"))
    assert "csv/leavers.csv (sheet 'leavers'), row 3, column 'leavers': a count is 0 or more " \
        "(got -1)" in message  # fmt: skip


def test_infinite_numbers_and_repeated_columns_are_problems_not_crashes(tables, write) -> None:
    """An overflowing or infinite cell in the headcount, or a column named twice ('grade' and
    'Grade' are one name), is reported with its sheet, row and column."""
    head = tables["headcount"].astype({"grade": object, "headcount": object})
    head.loc[0, "headcount"], head.loc[1, "grade"] = "1e400", "inf"
    tables["headcount"] = head
    message = problems(write(tables, "csv"))
    assert "(sheet 'headcount'), row 2, column 'headcount': expected a whole number (got inf)" \
        in message  # fmt: skip
    assert "(sheet 'headcount'), row 3, column 'grade': expected a whole number (got inf)" \
        in message  # fmt: skip
    tables = {**tables, "headcount": tables["headcount"].assign(Grade=1)}
    message = problems(write(tables, "again.xlsx"))
    assert "sheet 'headcount', row 1: column 'grade' is given twice" in message


def test_all_problems_are_reported_at_once(tables, write) -> None:
    tables["leavers"].loc[0, "leavers"] = -3
    tables["promotions"].loc[1, "to_grade"] = 9
    tables["engagement"].loc[2, "respondents"] = 2
    message = problems(write(tables))
    assert message.startswith("3 problem(s) in ")
    assert message.count("\n- ") == 3


def test_missing_sheet_and_column(tables, write) -> None:
    tables["leaver"] = tables.pop("leavers")
    del tables["headcount"]["headcount"]
    message = problems(write(tables))
    assert "no sheet 'leavers'" in message and "is 'leaver' it?" in message
    assert "sheet 'headcount', row 1, column 'headcount': required column is missing" in message


def test_engagement_needs_a_measure_and_a_mean_needs_the_scale(tables, write) -> None:
    tables["settings"] = tables["settings"].iloc[:1]
    assert "state the survey's scale in the settings sheet" in problems(write(tables))
    tables["engagement"] = tables["engagement"].drop(columns=["mean_score", "share_engaged"])
    assert "give a 'mean_score' or a 'share_engaged' column" in problems(write(tables, "b.xlsx"))


def test_settings_are_checked(tables, write) -> None:
    tables["settings"] = pd.DataFrame(
        {"setting": ["engagement_scale_mn", "engagement_scale_max"], "value": [1, 5]}
    )
    message = problems(write(tables))
    assert "row 2, column 'setting': unknown setting 'engagement_scale_mn'; did you mean " \
        "'engagement_scale_min'?" in message  # fmt: skip


def test_organisation_too_small_or_without_managers(tables, write) -> None:
    tables["headcount"]["headcount"] = [3, 2, 1]
    tables["engagement"] = tables["engagement"].iloc[:0]
    tables["aspiration"] = tables["aspiration"].iloc[:0]
    tables["leavers"] = tables["leavers"].iloc[:0]
    tables["promotions"] = tables["promotions"].iloc[:0]
    tables["teams"] = tables["teams"].iloc[:0]
    assert "6 people in all; the model needs at least 10" in problems(write(tables))
    tables["headcount"] = pd.DataFrame(
        {"grade": [1, 2, 3], "role": ["ic", "ic", "ic"], "headcount": [20, 10, 5]}
    )
    assert "grade 1 would report to no one" in problems(write(tables, "b.xlsx"))


def test_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "hr.txt").write_text("x")
    assert "give an .xlsx workbook or a folder of CSV files" in problems(tmp_path / "hr.txt")
    assert "no such file" in problems(tmp_path / "missing.xlsx")
    (tmp_path / "bad.xlsx").write_text("not a zip")
    assert "cannot read the workbook" in problems(tmp_path / "bad.xlsx")


def test_a_misnamed_optional_table_is_named_not_left_out(tables, write) -> None:
    tables["Aspirations"] = tables.pop("aspiration")
    message = problems(write(tables))
    said = "sheet 'Aspirations': not a table orgsim reads; is it the optional 'aspiration'"
    assert said in message and "would be left out of the fit" in message


def test_two_sheets_of_one_table_are_refused(tables, write) -> None:
    bigger = tables["headcount"].assign(headcount=tables["headcount"]["headcount"] * 10)
    tables["Headcount "] = bigger  # Excel keeps the space: another sheet, the same table
    message = problems(write(tables))
    assert "sheet 'Headcount ': the same table as" in message and "keep one" in message


def test_csv_files_with_upper_case_extensions_are_read(tables, write) -> None:
    folder = write(tables, "csv")
    for path in list(folder.iterdir()):
        path.rename(path.with_suffix(".CSV"))
    assert read_hr_data(folder).people == read_hr_data(write(tables, "again.xlsx")).people


def test_an_organisation_too_large_to_fit_is_refused(tables, write) -> None:
    tables["headcount"].loc[0, "headcount"] = 1_000_000_000  # a typo
    message = problems(write(tables))
    assert "column 'headcount': 1,000,000," in message
    assert "a fit handles at most 1,000,000" in message


@pytest.mark.parametrize(
    ("table", "column", "value", "hint"),
    [
        ("engagement", "share_engaged", "12%", "(got 12%); write 12% as 0.12"),
        ("headcount", "grade", "G3", "(got G3); a grade is a number: write G3 as 3"),
        ("headcount", "headcount", "1,200", "write 1,200 without separators, as 1200 (or as 1.2"),
        ("engagement", "share_engaged", "0,34", "a decimal comma? write 0,34 as 0.34"),
    ],
)
def test_numbers_written_as_spreadsheets_show_them_get_a_hint(
    tables, write, table, column, value, hint
) -> None:
    frame = tables[table]
    frame[column] = frame[column].astype(object)
    frame.loc[frame.index[0], column] = value
    assert hint in problems(write(tables))


def test_a_title_row_above_the_header_is_named(tables, write) -> None:
    path = write(tables)
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["headcount"].insert_rows(1)
    book["headcount"]["A1"] = "Headcount at 31/12/2024"
    book.save(path)
    message = problems(path)
    assert "sheet 'headcount', row 1: one cell ('Headcount at 31/12/2024') where the column " \
        "names belong (a title?); delete that row" in message  # fmt: skip


def test_a_row_per_employee_is_told_to_count_people(tables, write) -> None:
    tables["headcount"] = tables["headcount"].assign(employee_id=range(len(tables["headcount"])))
    message = problems(write(tables))
    assert "column 'employee_id': unknown column" in message
    assert "the tables hold counts per grade and role, not a row per person" in message
