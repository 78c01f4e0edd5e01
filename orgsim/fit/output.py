"""What a fit leaves in its folder: scenario.yaml, posterior.parquet, fit.parquet and fit.json.

- ``scenario.yaml``: the fitted organisation, runnable by ``orgsim run`` (its parameters are
  the posterior medians, and ``run.parameters_from: posterior.parquet`` makes every
  replication draw from the posterior instead);
- ``posterior.parquet``: the posterior sample, one column per parameter and ``weight``;
- ``fit.parquet``: observed against simulated, one row per statistic (for dashboards);
- ``fit.json``: the settings, priors, posterior summaries, generations, the fit check and the
  data's counts (never a row of the data).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from orgsim import __version__
from orgsim.fit.abc import FitResult
from orgsim.fit.diagnostics import FitCheck, fit_check, parameter_table, statistic_table
from orgsim.fit.errors import FitInputError

FILES = ("scenario.yaml", "posterior.parquet", "fit.parquet", "fit.json", "fit.html", "abc.db")
#: The policy comparison the fitted scenario starts with (levers only: the chart is the
#: organisation's own, which named policies' chart levers would not change).
ALTERNATIVES = [
    {"name": "ask-the-question", "levers": {"selection": "stated-preference"}},
    {
        "name": "coaching-and-step-back",
        "levers": {"coaching_reach": 0.5, "step_back_allowed": True},
    },
]


def prepare_folder(folder: Path, force: bool) -> None:
    """Make the output folder; refuse one holding anything (without ``force``), and with
    ``force`` remove only a previous fit's files."""
    if folder.exists() and not folder.is_dir():
        raise FitInputError(f"--out {folder}: is a file; give a folder")
    if folder.is_dir() and any(folder.iterdir()):
        if not force:
            raise FitInputError(
                f"--out {folder}: exists and is not empty; use --force to replace a previous "
                "fit there, or another folder"
            )
        for name in FILES:
            (folder / name).unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)


def check(result: FitResult) -> FitCheck:
    """The fit check on the fitted statistics."""
    names = [s.name for s in result.statistics if s.fitted]
    return fit_check(result.observed, result.check_sample, names)


def fit_table(result: FitResult, scale: tuple[float, float] | None) -> pd.DataFrame:
    """fit.parquet's table: observed against simulated for every statistic."""
    return statistic_table(result.observed, result.predictive, result.statistics, scale)


def scenario_data(result: FitResult, source: str) -> dict[str, Any]:
    """The fitted scenario as YAML-ready data."""
    org = result.organisation
    medians = parameter_table(result.posterior, result.priors).set_index("parameter")["median"]
    data: dict[str, Any] = {
        "name": org.name,
        "description": f"{org.name}, fitted by orgsim fit to {Path(source).name}: which "
        "promotion policy serves this organisation best?",
        "organisation": {"span": org.span, "chart": org.chart},
    }
    for path, value in medians.items():
        section, _, name = path.partition(".")
        data.setdefault(section, {})[name] = float(f"{value:.4g}")
    data["policy"] = {k: v for k, v in org.levers.items() if v is not None}
    policies = [{"name": "today"}, *ALTERNATIVES]
    if (
        org.levers.get("specialist_top_grade") is not None
        and org.levers.get("specialist_pay_ratio", 1.0) < 1.0
    ):
        policies.append(
            {
                "name": "specialist-pay-parity",
                "levers": {"specialist_pay_ratio": 1.0, "specialist_stigma": 0.0},
            }
        )
    data["policies"] = policies
    data["baseline"] = "today"
    data["run"] = {
        "years": 20,
        "replications": 30,
        "seed": 1,
        "parameters_from": "posterior.parquet",
    }
    return data


def write_scenario(result: FitResult, folder: Path, source: str) -> Path:
    """scenario.yaml, checked by loading it back as ``orgsim run`` will."""
    from orgsim.scenario import load_scenario

    path = folder / "scenario.yaml"
    org = result.organisation
    head = (
        f"# {org.name}: fitted by orgsim fit {__version__} to {Path(source).name} "
        f"({result.budget.name} budget, seed {result.settings.seed}); see fit.html.\n"
        "# The chart is the headcount table. Every replication draws its parameters from\n"
        "# posterior.parquet (the values below are the posterior medians, used without it).\n"
        f"# The model assumes {org.burn_in_years:g} years under today's policy before the data.\n"
    )
    path.write_text(
        head + yaml.safe_dump(scenario_data(result, source), sort_keys=False), encoding="utf-8"
    )
    load_scenario(path)
    return path


def summary(result: FitResult, table: pd.DataFrame, verdict: FitCheck) -> dict[str, Any]:
    """fit.json's content."""
    params = parameter_table(result.posterior, result.priors)
    return {
        "orgsim": __version__,
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "organisation": result.organisation.name,
        "counts": result.counts,
        "settings": {
            "parameters": [p.path for p in result.priors],
            "budget": result.budget.__dict__,
            "seed": result.settings.seed,
            "burn_in_years": result.organisation.burn_in_years,
            "workers": result.settings.workers,
            "scheduler": result.settings.scheduler,
        },
        "stop_reason": result.stop_reason,
        "seconds": round(result.seconds, 1),
        "generations": result.generations.to_dict("records"),
        "parameters": _clean(params.to_dict("records")),
        "check": {
            "poor": verdict.poor,
            "p_value": verdict.p_value,
            "discrepancy": verdict.discrepancy,
            "fitted_statistics": verdict.statistics,
            "outside_90": int((~table["inside"] & table["fitted"]).sum()),
            "replicates": verdict.replicates,
            "text": verdict.text(),
        },
        "statistics": _clean(table.to_dict("records")),
    }


def _clean(records: list[dict]) -> list[dict]:
    """JSON-safe values (numpy scalars as Python numbers, NaN as null)."""
    out = []
    for r in records:
        row = {}
        for k, v in r.items():
            v = v.item() if hasattr(v, "item") else v
            row[k] = None if isinstance(v, float) and not math.isfinite(v) else v
        out.append(row)
    return out


def write_outputs(
    result: FitResult, folder: Path, source: str, scale: tuple[float, float] | None
) -> dict[str, Path]:
    """Write scenario.yaml, posterior.parquet, fit.parquet and fit.json; their paths."""
    posterior = folder / "posterior.parquet"
    result.posterior.to_parquet(posterior, index=False)
    table = fit_table(result, scale)
    table.to_parquet(folder / "fit.parquet", index=False)
    verdict = check(result)
    (folder / "fit.json").write_text(
        json.dumps(summary(result, table, verdict), indent=2) + "\n", encoding="utf-8"
    )
    return {
        "scenario": write_scenario(result, folder, source),
        "posterior": posterior,
        "fit_table": folder / "fit.parquet",
        "summary": folder / "fit.json",
    }
