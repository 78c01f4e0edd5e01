"""The HR workbook: its tables, the template, reading and validation (pandera).

An analyst gives anonymised aggregates, never people: headcount by grade and role, leavers and
promotions of the last 12 months, an engagement survey and, optionally, team sizes and the
answer to "would you like to manage people?". The data come as one .xlsx workbook (a sheet per
table) or a folder of CSV files (a file per table). Every problem found is reported at once,
each naming the file, sheet, row and column, so one round of corrections is enough.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from orgsim.fit.errors import FitInputError

ROLES = ("ic", "specialist", "manager")
REASONS = ("voluntary", "retirement", "other")
#: Survey results of fewer people than this identify individuals, so they are refused: merge
#: the cell with a neighbour or leave it out (assumption: a common minimum reporting group in
#: employee surveys; use your survey provider's rule if it is stricter).
MIN_RESPONDENTS = 5
#: The model's smallest organisation (``organisation.size``) and fewest grades.
MIN_PEOPLE, MIN_GRADES, MAX_GRADE = 10, 3, 12
#: The largest organisation a fit simulates: a small budget's ~320 simulations (9 years each)
#: of a million people would take about 1.5 hours on two cores, estimated from 3.4 M
#: employee-months/s at 100,000 people (benchmarks/README.md).
MAX_PEOPLE = 1_000_000
#: A workbook of aggregates is small; larger files are refused before they are read.
MAX_BYTES = 20 * 2**20
MAX_ROWS = 10_000
MAX_MESSAGES = 30
SETTINGS = {
    "organisation": "A short name for the organisation (used for the scenario's name).",
    "engagement_scale_min": "Lowest possible engagement score of your survey (e.g. 1 or 0).",
    "engagement_scale_max": "Highest possible engagement score of your survey (e.g. 5 or 10).",
    "specialist_pay_ratio": "Specialist pay / manager pay at the same grade (default 1.0).",
}


@dataclass(frozen=True)
class Column:
    """One column of a table: its kind (how it is checked), meaning and template example."""

    name: str
    kind: str  # grade, count, size, respondents, role, reason, share, score, text, value
    description: str
    example: Any
    required: bool = True


@dataclass(frozen=True)
class Table:
    """One sheet of the workbook (one CSV file of a folder)."""

    name: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    required: bool = True

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


def _cell_columns(grade_example: int, role_example: str) -> tuple[Column, Column]:
    return (
        Column("grade", "grade", "Grade (pay band), 1 = entry.", grade_example),
        Column("role", "role", "ic, specialist or manager.", role_example),
    )


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "headcount",
            "People employed now, by grade and role. The model's organisation chart is taken "
            "from this table (it is not fitted).",
            (*_cell_columns(1, "ic"), Column("headcount", "count", "People employed.", 120)),
            ("grade", "role"),
        ),
        Table(
            "teams",
            "Optional: how many managers lead teams of each size (direct reports). The largest "
            "team size sets the model's span of control.",
            (
                Column("team_size", "size", "Number of direct reports.", 6),
                Column("managers", "count", "Managers with that many direct reports.", 14),
            ),
            ("team_size",),
            required=False,
        ),
        Table(
            "leavers",
            "Leavers in the last 12 months, by the grade and role they left from and reason.",
            (
                *_cell_columns(1, "ic"),
                Column("reason", "reason", "voluntary, retirement or other.", "voluntary"),
                Column("leavers", "count", "People who left.", 14),
            ),
            ("grade", "role", "reason"),
        ),
        Table(
            "promotions",
            "Promotions in the last 12 months, by grade and role before and after.",
            (
                Column("from_grade", "grade", "Grade before the promotion.", 1),
                Column("from_role", "role", "Role before: ic, specialist or manager.", "ic"),
                Column("to_grade", "grade", "Grade after (above from_grade).", 2),
                Column("to_role", "role", "Role after: ic, specialist or manager.", "ic"),
                Column("promotions", "count", "People promoted.", 9),
            ),
            ("from_grade", "from_role", "to_grade", "to_role"),
        ),
        Table(
            "engagement",
            "The engagement survey by grade and role: a mean score (on the scale stated in "
            "the settings sheet) and/or the share counted as engaged by your survey.",
            (
                *_cell_columns(1, "ic"),
                Column(
                    "respondents",
                    "respondents",
                    f"People who answered (at least {MIN_RESPONDENTS}).",
                    96,
                ),
                Column("mean_score", "score", "Mean engagement score.", 3.6, required=False),
                Column("share_engaged", "share", "Share engaged, 0 to 1.", 0.18, required=False),
            ),
            ("grade", "role"),
        ),
        Table(
            "aspiration",
            "Optional: the share answering yes to 'would you like to manage people?'.",
            (
                *_cell_columns(3, "ic"),
                Column(
                    "respondents",
                    "respondents",
                    f"People who answered (at least {MIN_RESPONDENTS}).",
                    40,
                ),
                Column("share_yes", "share", "Share answering yes, 0 to 1.", 0.3),
            ),
            ("grade", "role"),
            required=False,
        ),
        Table(
            "settings",
            "Settings: one row per setting (organisation, engagement_scale_min, "
            "engagement_scale_max, specialist_pay_ratio).",
            (
                Column("setting", "text", "The setting's name.", "engagement_scale_min"),
                Column("value", "value", "Its value.", 1),
            ),
            ("setting",),
            required=False,
        ),
    )
}
NUMERIC = {"grade", "count", "size", "respondents", "share", "score"}


@dataclass(frozen=True)
class HRData:
    """A validated HR workbook: one DataFrame per table (index: the row in the file),
    the settings, and where it came from."""

    source: str
    headcount: pd.DataFrame
    leavers: pd.DataFrame
    promotions: pd.DataFrame
    engagement: pd.DataFrame
    teams: pd.DataFrame | None
    aspiration: pd.DataFrame | None
    settings: dict[str, Any]

    @property
    def grades(self) -> list[int]:
        """The grades of the headcount table, from 1 up."""
        return sorted(int(g) for g in self.headcount["grade"].unique())

    @property
    def people(self) -> int:
        """People employed in all."""
        return int(self.headcount["headcount"].sum())

    @property
    def scale(self) -> tuple[float, float] | None:
        """The engagement survey's (lowest, highest) score, if stated."""
        lo, hi = (self.settings.get(k) for k in ("engagement_scale_min", "engagement_scale_max"))
        return None if lo is None or hi is None else (float(lo), float(hi))

    def counts(self) -> dict[str, int]:
        """Row and people counts of each table, for the report (never the rows themselves)."""
        out = {"people": self.people, "grades": len(self.grades)}
        out["leavers"] = int(self.leavers["leavers"].sum())
        out["promotions"] = int(self.promotions["promotions"].sum())
        out["survey_respondents"] = int(self.engagement["respondents"].sum())
        if self.aspiration is not None:
            out["aspiration_respondents"] = int(self.aspiration["respondents"].sum())
        if self.teams is not None:
            out["teams"] = int(self.teams["managers"].sum())
        return out


# --- reading -------------------------------------------------------------------------------
@dataclass
class RawTable:
    """A sheet as read: cells as given (index: the row number in the file), the header's
    names normalised, and how to name the sheet in messages."""

    frame: pd.DataFrame
    where: str
    known: bool = True


def _norm(name: Any) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _rows_to_frame(
    rows: list[tuple[int, list[Any]]], where: str, errors: list[str]
) -> pd.DataFrame:
    """Rows of (row number, cells), the first being the header, as a DataFrame of objects."""
    if not rows:
        errors.append(f"{where}: the sheet is empty; row 1 must name the columns")
        return pd.DataFrame()
    header_row, header = rows[0]
    named = [str(h).strip() for h in header if h is not None and str(h).strip()]
    wide = any(
        sum(c is not None and str(c).strip() != "" for c in cells) > 1 for _, cells in rows[1:3]
    )
    if len(named) == 1 and wide:  # a title, or Excel's 'sep=;' line, above the column names
        what = "Excel's 'sep=' line" if named[0].lower().startswith("sep=") else "a title?"
        errors.append(
            f"{where}, row {header_row}: one cell ({named[0]!r}) where the column names belong "
            f"({what}); delete that row so the first row names the columns"
        )
        return pd.DataFrame()
    names = [_norm(h) if h not in (None, "") else "" for h in header]
    while names and names[-1] == "":
        names.pop()
    body = []
    for number, cells in rows[1:]:
        cells = [None if isinstance(c, str) and not c.strip() else c for c in cells]
        if all(c is None for c in cells):
            continue
        extra = [c for c in cells[len(names) :] if c is not None]
        if extra:
            errors.append(f"{where}, row {number}: a value beyond the named columns ({extra[0]!r})")
        body.append((number, (cells + [None] * len(names))[: len(names)]))
    for i, n in enumerate(names):
        if n == "" and any(cells[i] is not None for _, cells in body):
            errors.append(f"{where}, row {header_row}: column {i + 1} has values but no name")
        elif n and n in names[:i]:  # 'grade' and 'Grade' are one column, given twice
            errors.append(f"{where}, row {header_row}: column '{n}' is given twice")
            names[i] = ""
    if len(body) > MAX_ROWS:
        errors.append(
            f"{where}: {len(body):,} rows; a table of aggregates has at most {MAX_ROWS:,}"
        )
        body = body[:MAX_ROWS]
    frame = pd.DataFrame(
        [cells for _, cells in body], index=[n for n, _ in body], columns=names, dtype=object
    )
    return frame.loc[:, [n for n in names if n]]


def _read_xlsx(path: Path, errors: list[str]) -> dict[str, RawTable]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FitInputError(f"{path}: cannot read the workbook ({exc})") from None
    out = {}
    try:
        for sheet in book.worksheets:
            name = _norm(sheet.title)
            where = f"{path}, sheet '{sheet.title}'"
            if name in out:  # 'Headcount' and 'headcount ' name one table: which is it?
                errors.append(f"{where}: the same table as {out[name].where}; keep one")
                continue
            if name not in TABLES:  # a README or the analyst's own sheets: named, not read
                out[name] = RawTable(pd.DataFrame(), where, known=False)
                continue
            rows = [
                (i, list(r))
                for i, r in enumerate(sheet.iter_rows(values_only=True), 1)
                if any(c is not None and str(c).strip() for c in r)
            ]
            if rows and rows[0][0] != 1:
                errors.append(f"{where}, row 1: empty; row 1 must name the columns")
                continue
            out[name] = RawTable(_rows_to_frame(rows, where, errors), where)
    finally:
        book.close()
    return out


def _read_csv_folder(folder: Path, errors: list[str]) -> dict[str, RawTable]:
    out = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv"):
        where = f"{path} (sheet '{path.stem}')"
        if _norm(path.stem) in out:
            errors.append(f"{where}: the same table as {out[_norm(path.stem)].where}; keep one")
            continue
        if _norm(path.stem) not in TABLES:
            out[_norm(path.stem)] = RawTable(pd.DataFrame(), where, known=False)
            continue
        if path.stat().st_size > MAX_BYTES:
            errors.append(f"{where}: larger than {MAX_BYTES // 2**20} MiB")
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            errors.append(f"{where}: not UTF-8 text; save it as 'CSV UTF-8'")
            continue
        try:
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        rows = []
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
        if rows and rows[0][0] != 1:
            errors.append(f"{where}, row 1: empty; row 1 must name the columns")
            continue
        out[_norm(path.stem)] = RawTable(_rows_to_frame(rows, where, errors), where)
    return out


def read_tables(path: str | Path) -> dict[str, RawTable]:
    """The tables of a workbook (.xlsx) or a folder of CSV files, cells as written."""
    path = Path(path)
    errors: list[str] = []
    if path.is_dir():
        tables = _read_csv_folder(path, errors)
        if not tables and not errors:
            raise FitInputError(f"{path}: no CSV files (one per table: headcount.csv, ...)")
    elif path.suffix.lower() == ".xlsx" and path.is_file():
        if path.stat().st_size > MAX_BYTES:
            raise FitInputError(f"{path}: larger than {MAX_BYTES // 2**20} MiB")
        tables = _read_xlsx(path, errors)
    elif not path.exists():
        raise FitInputError(f"{path}: no such file or folder")
    else:
        raise FitInputError(
            f"{path}: give an .xlsx workbook or a folder of CSV files "
            "(`orgsim fit --template hr.xlsx` writes an empty workbook)"
        )
    if errors:
        raise FitInputError(_joined(path, errors))
    return tables


# --- validation ----------------------------------------------------------------------------
def _whole(s: pd.Series) -> pd.Series:
    return (s - s.round()).abs() < 1e-9


def _share_message(name: str) -> str:
    return f"{name} is a share between 0 and 1 (a percentage? write 34% as 0.34)"


def _checks(col: Column) -> list[pa.Check]:
    """The value checks of a column of this kind."""
    whole = pa.Check(_whole, error="expected a whole number")
    if col.kind == "grade":
        return [whole, pa.Check.in_range(1, MAX_GRADE, error=f"a grade is 1 to {MAX_GRADE}")]
    if col.kind == "count":
        return [whole, pa.Check.ge(0, error="a count is 0 or more")]
    if col.kind == "size":
        return [whole, pa.Check.ge(1, error="a team has at least 1 direct report")]
    if col.kind == "respondents":
        return [
            whole,
            pa.Check.ge(
                MIN_RESPONDENTS,
                error=f"fewer than {MIN_RESPONDENTS} respondents would identify people: merge "
                "this row with a neighbouring grade or leave it out",
            ),
        ]
    if col.kind == "role":
        return [pa.Check.isin(ROLES, error=f"the role is one of {', '.join(ROLES)}")]
    if col.kind == "reason":
        return [pa.Check.isin(REASONS, error=f"the reason is one of {', '.join(REASONS)}")]
    if col.kind == "share":
        return [pa.Check.in_range(0, 1, error=_share_message(col.name))]
    return []


def _schemas(table: Table) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema]:
    """Stage 1: the columns exist and hold numbers where numbers are due (coerced); stage 2:
    the values (on the coerced frame; cells that failed stage 1 are missing, so skipped)."""
    first, second = {}, {}
    for col in table.columns:
        dtype = float if col.kind in NUMERIC else object
        first[col.name] = pa.Column(
            dtype, coerce=col.kind in NUMERIC, nullable=False, required=col.required
        )
        second[col.name] = pa.Column(dtype, _checks(col), nullable=True, required=False)
    unique = list(table.keys) if table.keys else None
    return (
        pa.DataFrameSchema(first, strict=True, name=table.name),
        pa.DataFrameSchema(second, strict=False, unique=unique, name=table.name),
    )


#: The columns a row check's message names (the check sees the whole row).
ROW_CHECK_COLUMNS: dict[str, tuple[str, ...]] = {}
CHECK_TEXT = {
    "not_nullable": "missing value",
    "multiple_fields_uniqueness": "the same {keys} is given twice",
}


def _messages(exc: pa.errors.SchemaErrors, table: Table, where: str) -> list[tuple[int, str]]:
    """(row, message) for each failure pandera found; row 0 for the header or the table."""
    out: dict[tuple[Any, str], tuple[int, list[str], list[Any]]] = {}
    names = {c.name for c in table.columns}
    for case in exc.failure_cases.to_dict("records"):
        check, column, index = str(case["check"]), case["column"], case["index"]
        value = case["failure_case"]
        if check.startswith("dtype("):
            continue  # the coercion failure says it better
        if check == "column_in_schema":
            hint = difflib.get_close_matches(str(value), sorted(names), n=1)
            also = f"; did you mean '{hint[0]}'?" if hint else ""
            valid = ", ".join(c.name for c in table.columns)
            msg = f"column '{value}': unknown column{also} (columns: {valid})"
            if "employee" in str(value) or str(value) == "id" or str(value).endswith("_id"):
                msg += (
                    "; the tables hold counts per grade and role, not a row per person "
                    "(count people per grade and role, e.g. with a pivot table)"
                )
            out[(value, check)] = (1, [], [msg])
            continue
        if check == "column_in_dataframe":
            msg = (
                f"column '{value}': required column is missing ({table.column(value).description})"
            )
            out[(value, check)] = (1, [], [msg])
            continue
        if check.startswith("coerce_dtype("):
            check = "expected a number"
        elif check in CHECK_TEXT:
            check = CHECK_TEXT[check].format(keys=" and ".join(table.keys))
        if check in ROW_CHECK_COLUMNS and column not in ROW_CHECK_COLUMNS[check]:
            continue
        row = int(index) if index is not None and not pd.isna(index) else 0
        key = (row, check)
        entry = out.setdefault(key, (row, [], []))
        if column is not None and not pd.isna(column) and column not in entry[1]:
            entry[1].append(str(column))
            entry[2].append(value)
    messages = []
    for (_, check), (row, cols, values) in out.items():
        if not cols:
            messages.append((row, f"{where}, row {row}, {values[0]}" if values else check))
            continue
        shown = ", ".join(f"'{c}'" for c in cols)
        noun = "column" if len(cols) == 1 else "columns"
        got = ", ".join(_shown(v) for v in values)
        at = f"row {row}, " if row else ""
        hint = _number_hint(values) if check == "expected a number" else ""
        messages.append((row, f"{where}, {at}{noun} {shown}: {check} (got {got}){hint}"))
    return messages


def _number_hint(values: list[Any]) -> str:
    """How to write a number given as text the way spreadsheets often show it."""
    for v in values:
        text = str(v).strip()
        if re.fullmatch(r"-?\d+(\.\d+)?\s*%", text):
            return f"; write {text} as {float(text.rstrip('% ')) / 100:g}"
        if re.fullmatch(r"\d{1,3}(,\d{3})+", text):  # 1,200: thousands, or 1.2 in Europe
            return (f"; write {text} without separators, as {text.replace(',', '')} (or as "
                    f"{text.replace(',', '.')} if the comma is a decimal comma)")  # fmt: skip
        if re.fullmatch(r"-?\d+,\d+", text):
            return f"; a decimal comma? write {text} as {text.replace(',', '.')}"
        grade = re.fullmatch(r"[A-Za-z][A-Za-z ._-]*?(\d+)", text)
        if grade:
            return f"; a grade is a number: write {text} as {grade.group(1)}"
    return ""


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return (
        "nothing"
        if value is None or (isinstance(value, float) and pd.isna(value))
        else repr(value).strip("'")
    )


def _validate_table(
    raw: RawTable, table: Table, extra: list[pa.Check] | None = None
) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """One table through both stages (and any cross-table checks); the coerced frame and the
    problems found."""
    first, second = _schemas(table)
    frame = raw.frame.copy()
    for col in table.columns:
        if col.name in frame and col.kind in ("role", "reason", "text"):
            frame[col.name] = frame[col.name].map(
                lambda v: v.strip().lower() if isinstance(v, str) else v
            )
    problems: list[tuple[int, str]] = []
    try:
        first.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems += _messages(exc, table, raw.where)
    for col in table.columns:
        if col.name in frame and col.kind in NUMERIC:
            frame[col.name] = pd.to_numeric(frame[col.name], errors="coerce").astype(float)
    frame = frame[[c.name for c in table.columns if c.name in frame]]
    if extra:
        second = pa.DataFrameSchema(
            second.columns, checks=extra, unique=second.unique, name=table.name
        )
    try:
        second.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems += _messages(exc, table, raw.where)
    return frame, problems


def _row_check(test: Callable[[pd.Series], bool], error: str, needs: tuple[str, ...]) -> pa.Check:
    """A check of whole rows (cross-table facts): True where the row is fine or incomplete.
    Its messages name the columns ``needs``."""
    ROW_CHECK_COLUMNS[error] = needs

    def check(df: pd.DataFrame) -> pd.Series:
        if not set(needs) <= set(df.columns):
            return pd.Series(True, index=df.index)
        complete = df[list(needs)].notna().all(axis=1)
        return ~complete | df.apply(
            lambda r: bool(test(r)) if r[list(needs)].notna().all() else True, axis=1
        )

    return pa.Check(check, error=error)


def validate_tables(tables: dict[str, RawTable], source: str = "the HR data") -> HRData:
    """Check every table and the facts that tie them together; raise FitInputError listing
    every problem (file, sheet, row, column), or return the HR data."""
    problems: list[tuple[str, int, str]] = []
    present = {}
    for name, table in TABLES.items():
        if name in tables and tables[name].known:
            present[name] = tables[name]
        elif not table.required:  # optional: absent is fine, misnamed is not
            unknown = [n for n, t in tables.items() if not t.known]
            hint = difflib.get_close_matches(name, unknown, n=1)
            if hint:
                problems.append((name, 0, (
                    f"{tables[hint[0]].where}: not a table orgsim reads; is it the optional "
                    f"'{name}' table ({table.description})? Name it '{name}', or rename or remove "
                    "it (as it is, its data would be left out of the fit)"
                )))  # fmt: skip
        else:
            hint = difflib.get_close_matches(name, list(tables), n=1)
            also = f"; is '{hint[0]}' it?" if hint else ""
            found = ", ".join(sorted(tables)) or "none"
            problems.append(
                (
                    name,
                    0,
                    f"{source}: no sheet '{name}' ({table.description}){also} "
                    f"(sheets found: {found})",
                )
            )
    frames: dict[str, pd.DataFrame] = {}
    head = present.get("headcount")
    if head is not None:
        frames["headcount"], found = _validate_table(head, TABLES["headcount"])
        problems += [("headcount", r, m) for r, m in found]
    hc = frames.get("headcount", pd.DataFrame(columns=["grade", "role", "headcount"]))
    hc_ok = hc.reindex(columns=["grade", "role", "headcount"]).dropna()
    hc_ok = hc_ok[np.isfinite(hc_ok[["grade", "headcount"]].to_numpy(float)).all(axis=1)]
    cells = {
        (int(g), r): int(n)
        for g, r, n in hc_ok[["grade", "role", "headcount"]].itertuples(index=False)
    }
    grades = sorted({g for g, _ in cells})
    settings, setting_problems = _settings(present.get("settings"))
    problems += setting_problems
    scale = (settings.get("engagement_scale_min"), settings.get("engagement_scale_max"))
    # checked against the headcount table only once it is sound: a bad cell there would make
    # rows of the other tables look wrong ("this grade is not in the headcount table")
    headcount_ok = bool(cells) and not any(p[0] == "headcount" for p in problems)
    for name in ("teams", "leavers", "promotions", "engagement", "aspiration"):
        if name not in present:
            continue
        extra = _cross_checks(name, cells, grades, scale) if headcount_ok else []
        frames[name], found = _validate_table(present[name], TABLES[name], extra)
        problems += [(name, r, m) for r, m in found]
    if head is not None and not any(p[0] == "headcount" for p in problems):
        problems += [("headcount", 0, m) for m in _organisation_problems(hc_ok, head.where)]
    if "teams" in frames:
        problems += [
            ("teams", 0, m) for m in _teams_problems(frames["teams"], cells, present["teams"].where)
        ]
    if "engagement" in frames:
        problems += [
            ("engagement", r, m)
            for r, m in _engagement_problems(
                frames["engagement"], present["engagement"].where, scale
            )
        ]
    if problems:
        order = list(TABLES)
        problems.sort(key=lambda p: (order.index(p[0]) if p[0] in order else 99, p[1]))
        raise FitInputError(_joined(source, [m for _, _, m in problems]))
    ints = {
        c.name for t in TABLES.values() for c in t.columns if c.kind in NUMERIC - {"share", "score"}
    }
    for frame in frames.values():
        for col in frame.columns:
            if col in ints:
                frame[col] = frame[col].astype("int64")
    return HRData(
        source=source,
        headcount=frames["headcount"],
        leavers=frames["leavers"],
        promotions=frames["promotions"],
        engagement=frames["engagement"],
        teams=frames.get("teams"),
        aspiration=frames.get("aspiration"),
        settings=settings,
    )


def _cross_checks(
    name: str, cells: dict[tuple[int, str], int], grades: list[int], scale: tuple
) -> list[pa.Check]:
    """Checks tying a table to the headcount table (the grades and roles that exist)."""
    shown = f"{grades[0]}-{grades[-1]}" if grades else "none"
    if name == "teams":
        return []
    pairs = (
        [("from_grade", "from_role"), ("to_grade", "to_role")]
        if name == "promotions"
        else [("grade", "role")]
    )
    checks = []
    for g, r in pairs:
        checks.append(
            _row_check(
                lambda row, g=g: int(row[g]) in grades,
                f"this grade is not in the headcount table (grades there: {shown})",
                (g,),
            )
        )
        checks.append(
            _row_check(
                lambda row, g=g, r=r: (
                    int(row[g]) not in grades or cells.get((int(row[g]), row[r]), 0) > 0
                ),
                "the headcount table has no people of this grade and role",
                (g, r),
            )
        )
    if name == "promotions":
        checks.append(
            _row_check(
                lambda row: row["to_grade"] > row["from_grade"],
                "a promotion goes to a higher grade (to_grade above from_grade)",
                ("from_grade", "to_grade"),
            )
        )
    if name in ("engagement", "aspiration"):
        checks.append(
            _row_check(
                lambda row: (
                    row["respondents"]
                    <= cells.get((int(row["grade"]), row["role"]), row["respondents"])
                ),
                "more respondents than people of this grade and role in the headcount table "
                "(too few people there?)",
                ("grade", "role", "respondents"),
            )
        )
    return checks


def _organisation_problems(hc: pd.DataFrame, where: str) -> list[str]:
    """Facts about the whole headcount table: enough people and grades, no gaps, a manager
    above every grade (the chart must be buildable)."""
    if hc.empty:
        return [f"{where}: no rows with a grade, a role and a headcount"]
    out = []
    per_grade = hc.groupby("grade")["headcount"].sum()
    total = int(per_grade.sum())
    if total < MIN_PEOPLE:
        out.append(
            f"{where}, column 'headcount': {total} people in all; the model needs at "
            f"least {MIN_PEOPLE}"
        )
    if total > MAX_PEOPLE:  # a fit simulates the organisation hundreds of times
        out.append(
            f"{where}, column 'headcount': {total:,} people in all; a fit handles at most "
            f"{MAX_PEOPLE:,} (a typo? else fit one division, or a sample of its grades)"
        )
    top = int(per_grade.index.max())
    missing = [g for g in range(1, top + 1) if per_grade.get(g, 0) <= 0]
    if missing:
        out.append(
            f"{where}, column 'grade': no people at grade(s) {', '.join(map(str, missing))}; "
            f"grades must run 1, 2, ..., {top} without gaps (renumber them)"
        )
    if top < MIN_GRADES:
        out.append(
            f"{where}, column 'grade': {top} grade(s); the model needs at least {MIN_GRADES}"
        )
    managers = hc[(hc["role"] == "manager") & (hc["headcount"] > 0)]["grade"]
    for g in range(1, top):
        if not (managers > g).any() and per_grade.get(g, 0) > 0:
            out.append(
                f"{where}, column 'role': nobody at a grade above {g} is a manager, so "
                f"grade {g} would report to no one"
            )
            break
    return out


def _teams_problems(teams: pd.DataFrame, cells: dict, where: str) -> list[str]:
    listed = int(teams["managers"].fillna(0).sum())
    managers = sum(n for (_, r), n in cells.items() if r == "manager")
    if listed > managers:
        return [
            f"{where}, column 'managers': {listed} managers in all, but the headcount "
            f"table has {managers}"
        ]
    return []


def _engagement_problems(frame: pd.DataFrame, where: str, scale: tuple) -> list[tuple[int, str]]:
    has_mean, has_share = "mean_score" in frame, "share_engaged" in frame
    if not has_mean and not has_share:
        return [(1, f"{where}, row 1: give a 'mean_score' or a 'share_engaged' column (or both)")]
    if not has_mean:
        return []
    lo, hi = scale
    if lo is None or hi is None:
        return [
            (
                0,
                f"{where}, column 'mean_score': state the survey's scale in the settings "
                "sheet (engagement_scale_min and engagement_scale_max, e.g. 1 and 5)",
            )
        ]
    out = []
    for row, value in frame["mean_score"].items():
        if pd.notna(value) and not lo <= value <= hi:
            out.append(
                (
                    row,
                    f"{where}, row {row}, column 'mean_score': outside the survey's "
                    f"scale {lo:g}-{hi:g} (got {value:g})",
                )
            )
    return out


def _settings(raw: RawTable | None) -> tuple[dict[str, Any], list[tuple[str, int, str]]]:
    """The settings sheet as {setting: value}, checked."""
    if raw is None:
        return {}, []
    frame, found = _validate_table(raw, TABLES["settings"])
    problems = [("settings", r, m) for r, m in found]
    out: dict[str, Any] = {}
    for row, setting, value in frame.dropna().itertuples():
        where = f"{raw.where}, row {row}"
        if setting not in SETTINGS:
            hint = difflib.get_close_matches(setting, list(SETTINGS), n=1)
            also = f"; did you mean '{hint[0]}'?" if hint else f" (settings: {', '.join(SETTINGS)})"
            problems.append(
                ("settings", row, f"{where}, column 'setting': unknown setting '{setting}'{also}")
            )
            continue
        if setting == "organisation":
            out[setting] = str(value).strip()
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            problems.append(
                ("settings", row, f"{where}, column 'value': {setting} is a number (got {value!r})")
            )
            continue
        if setting == "specialist_pay_ratio" and not 0 < number <= 2:
            problems.append(
                (
                    "settings",
                    row,
                    f"{where}, column 'value': specialist_pay_ratio "
                    f"is above 0 and at most 2 (got {number:g})",
                )
            )
            continue
        out[setting] = number
    lo, hi = out.get("engagement_scale_min"), out.get("engagement_scale_max")
    if (lo is None) != (hi is None):
        problems.append(
            ("settings", 0, f"{raw.where}: give both engagement_scale_min and engagement_scale_max")
        )
    elif lo is not None and not lo < hi:
        problems.append(
            (
                "settings",
                0,
                f"{raw.where}: engagement_scale_min ({lo:g}) must be "
                f"below engagement_scale_max ({hi:g})",
            )
        )
    return out, problems


def _joined(source: Any, messages: list[str]) -> str:
    shown = messages[:MAX_MESSAGES]
    more = len(messages) - len(shown)
    tail = [f"... and {more} more problem(s)"] if more else []
    head = f"{len(messages)} problem(s) in {source}:"
    return "\n".join([head, *(f"- {m}" for m in shown), *tail])


def read_hr_data(path: str | Path) -> HRData:
    """Read and validate an HR workbook (.xlsx) or folder of CSV files."""
    return validate_tables(read_tables(path), str(path))


# --- the template ----------------------------------------------------------------------------
def template_rows(table: Table) -> list[list[Any]]:
    """The header and example row(s) of a table in the template."""
    header = [c.name for c in table.columns]
    if table.name == "settings":
        examples = [
            ["organisation", "my-organisation"],
            ["engagement_scale_min", 1],
            ["engagement_scale_max", 5],
            ["specialist_pay_ratio", 1.0],
        ]
        return [header, *examples]
    return [header, [c.example for c in table.columns]]


def readme_rows() -> list[list[str]]:
    """The template's README sheet: what each table and column means."""
    rows = [
        ["orgsim HR workbook", ""],
        ["", "Anonymised aggregates only: counts and shares by grade and role, never people."],
        ["", "Replace each sheet's example row with your own rows; row 1 names the columns."],
        ["", "Optional sheets (teams, aspiration, settings) may be deleted."],
        ["", "Fit with: orgsim fit THIS-FILE.xlsx --out my-org/"],
    ]
    for table in TABLES.values():
        rows.append(["", ""])
        kind = "required" if table.required else "optional"
        rows.append([f"sheet '{table.name}' ({kind})", table.description])
        for col in table.columns:
            optional = "" if col.required else " (optional column)"
            rows.append([f"  {col.name}", col.description + optional])
    rows.append(["", ""])
    rows.append(["settings", ""])
    rows += [[f"  {k}", v] for k, v in SETTINGS.items()]
    return rows


def write_template(path: str | Path) -> Path:
    """Write an empty HR workbook with an example row per table: ``path`` ending in .xlsx
    gives a workbook, any other path a folder of CSV files (with README.txt)."""
    path = Path(path)
    if path.exists() and not (path.is_dir() and not any(path.iterdir())):
        raise FitInputError(f"{path}: exists; choose another name for the template")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        readme = book.active
        readme.title = "README"
        for row in readme_rows():
            readme.append(row)
        readme.column_dimensions["A"].width = 34
        readme.column_dimensions["B"].width = 110
        for table in TABLES.values():
            sheet = book.create_sheet(table.name)
            for row in template_rows(table):
                sheet.append(row)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for i in range(len(table.columns)):
                sheet.column_dimensions[chr(ord("A") + i)].width = 16
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        return path
    path.mkdir(parents=True, exist_ok=True)
    lines = [f"{a}  {b}".rstrip() for a, b in readme_rows()]
    (path / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for table in TABLES.values():
        with open(path / f"{table.name}.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(template_rows(table))
    return path


def write_tables(data: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write tables (name -> frame with the template's columns) as a workbook (.xlsx) or a
    folder of CSV files: how examples/acme's data are made."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for name, frame in data.items():
            sheet = book.create_sheet(name)
            sheet.append(list(frame.columns))
            for row in frame.itertuples(index=False):
                sheet.append([_plain(v) for v in row])
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        return path
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in data.items():
        frame.to_csv(path / f"{name}.csv", index=False)
    return path


def _plain(value: Any) -> Any:
    """A cell value openpyxl writes (numpy scalars as Python numbers)."""
    return value.item() if hasattr(value, "item") else value
