"""Shared fixtures of the fit tests: the tiny organisation's HR tables (tests/hr_fixtures.py)
written as a workbook or a CSV folder, and a quick fit of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hr_fixtures import tiny_tables

from orgsim.fit.workbook import write_tables


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    """The tiny organisation's tables, to change before writing."""
    return tiny_tables()


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write(tables, name='hr.xlsx')``: the tables as a workbook (or a CSV folder)."""

    def make(data: dict[str, pd.DataFrame], name: str = "hr.xlsx") -> Path:
        return write_tables(data, tmp_path / name)

    return make


@pytest.fixture
def tiny_xlsx(tmp_path: Path) -> Path:
    """The tiny organisation as a workbook."""
    return write_tables(tiny_tables(), tmp_path / "tiny.xlsx")


#: A fit small enough for the unit tests: a few particles, one generation after the prior's.
QUICK = {"population": 12, "generations": 1, "predictive": 12, "burn_in_years": 1.0}


@pytest.fixture(scope="session")
def tiny_fit(tmp_path_factory: pytest.TempPathFactory):
    """A quick fit of the tiny organisation (one worker), shared by the output, report and
    posterior tests: (result, data, folder)."""
    from orgsim.fit.abc import FitSettings, fit
    from orgsim.fit.workbook import read_hr_data

    folder = tmp_path_factory.mktemp("tiny-fit")
    data = read_hr_data(write_tables(tiny_tables(), folder / "tiny.xlsx"))
    result = fit(data, FitSettings(workers=1, seed=3, **QUICK), folder / "abc.db")
    return result, data, folder
