"""The error of unusable fit input: a bad HR workbook, a bad option or a bad posterior file."""

from __future__ import annotations

from orgsim.scenario import ScenarioError


class FitInputError(ScenarioError):
    """Input the fit (or a run drawing from a posterior) cannot use. The message names the
    file, sheet, row and column; the command line exits with status 2, as for a bad scenario
    (it is a ScenarioError, so ``orgsim``'s error handling knows it without importing this)."""
