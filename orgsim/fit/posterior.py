"""Replications that draw their parameters from a fit's posterior (``run.parameters_from``).

Replication r of every policy uses the posterior row chosen, by weight, from a stream seeded by
the run's seed and r alone, so the policies stay paired (common random numbers), results are
identical whatever the number of workers, and the comparison's intervals include the
uncertainty of the fit.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import ValidationError

from orgsim.fit.errors import FitInputError

if TYPE_CHECKING:
    from orgsim.scenario import Scenario

#: Separates the posterior's stream from every other use of (seed, replication).
STREAM = 0x706F7374  # "post"


@functools.lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    import pandas as pd

    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        raise FitInputError(f"run.parameters_from: {path}: not a posterior file ({exc})") from None
    if "weight" not in frame.columns or len(frame.columns) < 2 or frame.empty:
        raise FitInputError(
            f"run.parameters_from: {path}: a posterior has a 'weight' column and one column "
            "per parameter (dotted path), one row per draw (orgsim fit writes posterior.parquet)"
        )
    names = tuple(c for c in frame.columns if c != "weight")
    values = frame[list(names)].to_numpy(float)
    weights = frame["weight"].to_numpy(float)
    if not (np.isfinite(values).all() and np.isfinite(weights).all() and (weights >= 0).all()):
        raise FitInputError(f"run.parameters_from: {path}: missing, infinite or negative values")
    if weights.sum() <= 0:
        raise FitInputError(f"run.parameters_from: {path}: the weights add up to 0")
    return names, values, weights / weights.sum()


def read_posterior(path: str | Path) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The parameter paths, values (a row per draw) and normalised weights of a posterior."""
    path = Path(path)
    try:
        info = path.stat()
    except OSError:
        raise FitInputError(f"run.parameters_from: {path}: no such posterior file") from None
    return _read(str(path), info.st_mtime_ns, info.st_size)


def posterior_row(seed: int, replication: int, weights: np.ndarray) -> int:
    """The posterior row replication r uses: a weighted draw from the (seed, r) stream."""
    rng = np.random.default_rng([seed, replication, STREAM])
    return int(rng.choice(len(weights), p=weights))


def draw_for_replication(scenario: Scenario, replication: int) -> Scenario:
    """The scenario of replication r: its posterior row's values set (sweep points, applied
    afterwards by the experiment, still win)."""
    from orgsim.sweep import apply_point

    names, values, weights = read_posterior(scenario.run.parameters_from)
    row = values[posterior_row(scenario.run.seed, replication, weights)]
    return apply_point(scenario, dict(zip(names, map(float, row), strict=True)))


def check_parameters_from(scenario: Scenario) -> None:
    """Before any run: the posterior file is readable, its columns are parameter paths and
    its extreme values are valid (FitInputError, exit status 2, naming the problem)."""
    if not scenario.run.parameters_from:
        return
    from orgsim.sweep import apply_point, check_path

    names, values, _ = read_posterior(scenario.run.parameters_from)
    where = f"run.parameters_from: {scenario.run.parameters_from}"
    for i, name in enumerate(names):
        try:
            check_path(name)
            for value in (values[:, i].min(), values[:, i].max()):
                apply_point(scenario, {name: float(value)})
        except ValidationError as err:
            e = err.errors()[0]
            raise FitInputError(f"{where}: column {name!r}: {e['msg']}") from None
        except ValueError as err:
            raise FitInputError(f"{where}: column {name!r}: {err}") from None


#: The fit's check (observed against simulated, per statistic) copied beside the results of a
#: run that draws from its posterior, so the dashboard reads it inside the results root.
FIT_TABLE = "fit.parquet"


def copy_fit_check(scenario: Scenario, folder: Path) -> bool:
    """Copy the fit's ``fit.parquet`` (next to the posterior) into the results ``folder``,
    atomically; False when the scenario draws from no posterior or the fit left none."""
    if not scenario.run.parameters_from:
        return False
    source = Path(scenario.run.parameters_from).parent / FIT_TABLE
    if not source.is_file():
        return False
    from orgsim.results import atomic_write_bytes

    atomic_write_bytes(folder / FIT_TABLE, source.read_bytes())
    return True
