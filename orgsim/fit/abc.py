"""The fit: approximate Bayesian computation (pyabc's ABC-SMC) of the chosen parameters.

Particles are parameter values drawn from the priors, then from kernels around the previous
population; each is simulated (``statistics.Simulator``) and kept when its statistics lie
within the generation's tolerance of the data's, on an adaptive distance (Prangle 2017) that
scales every statistic by its spread. The tolerance falls generation by generation (the median
distance of the last population) until a stop rule: the number of generations, an acceptance
rate too low to go on, or the wall time. Then a posterior predictive sample is simulated for
the report, and a sample at the parameter values closest to the data for the fit check. The
same data, settings and seed give the same fit, whatever runs it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orgsim.fit.errors import FitInputError
from orgsim.fit.organisation import BURN_IN_YEARS, FittedOrganisation, from_hr_data
from orgsim.fit.priors import Prior, choose
from orgsim.fit.sampler import Progress, SeededSampler
from orgsim.fit.statistics import Simulator, Statistic, StatisticsSpec, observed_cells, spec_from
from orgsim.fit.workbook import HRData


@dataclass(frozen=True)
class Budget:
    """How much work a fit may do: particles per generation, generations after the prior's,
    the acceptance rate below which it stops, its wall time, and posterior predictive runs."""

    name: str
    population: int
    generations: int
    min_acceptance: float
    max_minutes: float
    predictive: int


#: small: a quick look (about half a minute to a few minutes on 2 cores); full: the report's
#: fit. Population and generation counts are assumptions sized to docs/fitting.md's benchmark.
BUDGETS = {
    "small": Budget(
        "small", population=40, generations=3, min_acceptance=0.05, max_minutes=20, predictive=40
    ),
    "full": Budget(
        "full", population=200, generations=8, min_acceptance=0.02, max_minutes=120, predictive=100
    ),
}


@dataclass(frozen=True)
class FitSettings:
    """What to fit and how: parameters, budget (any part overridable), seed, where to run."""

    parameters: tuple[str, ...] | None = None
    budget: str = "small"
    seed: int = 0
    workers: int | None = None
    scheduler: str | None = None
    burn_in_years: float = BURN_IN_YEARS
    population: int | None = None
    generations: int | None = None
    min_acceptance: float | None = None
    max_minutes: float | None = None
    predictive: int | None = None

    def resolved(self) -> Budget:
        """The budget with this fit's overrides."""
        if self.budget not in BUDGETS:
            raise FitInputError(f"--budget: {self.budget!r}; use {' or '.join(BUDGETS)}")
        given = {
            k: getattr(self, k)
            for k in ("population", "generations", "min_acceptance", "max_minutes", "predictive")
        }
        return replace(BUDGETS[self.budget], **{k: v for k, v in given.items() if v is not None})


@dataclass
class FitResult:
    """Everything a fit produced: the organisation, the statistics (observed and predicted),
    the posterior sample, the history of generations and why it stopped."""

    organisation: FittedOrganisation
    spec: StatisticsSpec
    statistics: list[Statistic]
    priors: list[Prior]
    observed: dict[str, float]
    posterior: pd.DataFrame  # one column per parameter, and 'weight' (summing to 1)
    generations: pd.DataFrame  # generation, epsilon, accepted, evaluations, acceptance_rate, s
    predictive: pd.DataFrame  # one row per posterior predictive simulation, a column per stat
    check_sample: pd.DataFrame  # simulations at closest_point (the fit check's)
    stop_reason: str
    settings: FitSettings
    budget: Budget
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


def predict(simulator: Simulator, values: dict[str, float], seed: int, k: int) -> tuple:
    """Worker task: the statistics of posterior predictive simulation k."""
    return k, simulator.run(values, seed)


def predictive_sample(
    simulator: Simulator, posterior: pd.DataFrame, runs: int, seed: int, executor: Any
) -> pd.DataFrame:
    """``runs`` simulations, each from a posterior draw (by weight) with its own seed."""
    names = [c for c in posterior.columns if c != "weight"]
    rng = np.random.default_rng([seed, 1])
    rows = rng.choice(len(posterior), size=runs, p=posterior["weight"].to_numpy())
    seeds = np.random.SeedSequence([seed, 2]).generate_state(runs)
    tasks = [
        (simulator, {n: float(posterior[n].iloc[r]) for n in names}, int(s), k)
        for k, (r, s) in enumerate(zip(rows, seeds, strict=True))
    ]
    out = sorted(executor.map_unordered(predict, tasks), key=lambda kv: kv[0])
    frame = pd.DataFrame([stats for _, stats in out])
    frame.insert(0, "draw", rows)
    return frame


CLOSEST_SHARE = 0.1  # of the last population, the particles closest to the data


def closest_point(population: Any, names: list[str]) -> dict[str, float]:
    """The fit check's parameter values: the mean of the tenth of the last population (at
    least 3 particles) whose simulations came closest to the data. A joint point in the
    region that reproduces the data (marginal medians of correlated parameters need not
    be), and steadier than the single closest particle, which is partly chosen by luck."""
    particles = sorted(population.particles, key=lambda p: p.distance)
    keep = particles[: max(3, int(CLOSEST_SHARE * len(particles)))]
    return {n: float(np.mean([p.parameter[n] for p in keep])) for n in names}


class Counted:
    """An executor whose ``map_unordered`` reports (done, total) as each result arrives, so
    a progress bar moves during the simulations after the fit."""

    def __init__(self, executor: Any, report: Callable[[int, int], None] | None) -> None:
        self.executor, self.report = executor, report

    def map_unordered(self, fn: Callable, tasks: list) -> Iterator:
        tasks = list(tasks)
        for done, item in enumerate(self.executor.map_unordered(fn, tasks), 1):
            if self.report is not None:
                self.report(done, len(tasks))
            yield item


def check_sample(
    simulator: Simulator, values: dict[str, float], runs: int, seed: int, executor: Any
) -> pd.DataFrame:
    """``runs`` simulations at one parameter point (``closest_point``), each with its own
    seed: the model's own spread of the statistics there, for the fit check."""
    seeds = np.random.SeedSequence([seed, 3]).generate_state(runs)
    tasks = [(simulator, values, int(s), k) for k, s in enumerate(seeds)]
    out = sorted(executor.map_unordered(predict, tasks), key=lambda kv: kv[0])
    return pd.DataFrame([stats for _, stats in out])


def fit(
    data: HRData,
    settings: FitSettings,
    db_path: Path,
    progress: Progress | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_runs: Callable[[int, int], None] | None = None,
) -> FitResult:
    """Fit the chosen parameters to the HR data; the pyabc history goes to ``db_path``.
    ``on_stage(name)`` says when the simulations after the fit start, ``on_runs(done, total)``
    how many of a stage's simulations are done."""
    import pyabc

    from orgsim.experiment import RunError, make_executor

    logging.getLogger("ABC").setLevel(logging.WARNING)
    started = time.perf_counter()
    budget = settings.resolved()
    priors = choose(settings.parameters)
    organisation = from_hr_data(data, settings.burn_in_years)
    spec = spec_from(data)
    statistics = spec.statistics()
    observed = spec.compute(observed_cells(data))
    fitted = [s.name for s in statistics if s.fitted]
    simulator = Simulator(organisation, spec)
    prior = pyabc.Distribution(
        **{p.path: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors}
    )
    workers = settings.workers or os.cpu_count() or 1
    np.random.seed(settings.seed)  # pyabc's own draws in this process, if any
    try:
        with make_executor(workers, settings.scheduler) as executor:
            sampler = SeededSampler(settings.seed, executor, workers, progress)
            abc = pyabc.ABCSMC(
                FittedStatistics(simulator, tuple(fitted)),
                prior,
                pyabc.AdaptivePNormDistance(p=2, fixed_weights=group_weights(statistics)),
                population_size=budget.population,
                sampler=sampler,
            )
            db_path.unlink(missing_ok=True)
            abc.new(f"sqlite:///{db_path.resolve()}", {k: observed[k] for k in fitted})
            history = abc.run(
                max_nr_populations=budget.generations,
                min_acceptance_rate=budget.min_acceptance,
                max_walltime=timedelta(minutes=budget.max_minutes),
            )
            abc_seconds = time.perf_counter() - started
            if history.max_t < 0:
                raise FitInputError(
                    "the fit accepted no population: the first generation's acceptance rate was "
                    "below --min-acceptance; lower it, or check the data"
                )
            frame, weights = history.get_distribution(m=0, t=history.max_t)
            posterior = frame[[p.path for p in priors]].reset_index(drop=True).astype(float)
            posterior["weight"] = np.asarray(weights, dtype=float) / np.sum(weights)
            counted = Counted(executor, on_runs)
            if on_stage is not None:
                on_stage("posterior predictive simulations")
            predictive = predictive_sample(
                simulator, posterior, budget.predictive, settings.seed, counted
            )
            if on_stage is not None:
                on_stage("fit check simulations")
            at_closest = check_sample(
                simulator,
                closest_point(history.get_population(t=history.max_t), list(posterior)[:-1]),
                budget.predictive,
                settings.seed,
                counted,
            )
    except RunError as exc:  # a worker process died: no run to resume here
        raise RunError(f"the fit stopped: {exc}".split("; the finished runs")[0]) from None
    generations = _generations(history)
    return FitResult(
        organisation=organisation,
        spec=spec,
        statistics=statistics,
        priors=priors,
        observed=observed,
        posterior=posterior,
        generations=generations,
        predictive=predictive,
        check_sample=at_closest,
        stop_reason=_stop_reason(generations, budget, abc_seconds),
        settings=settings,
        budget=budget,
        seconds=time.perf_counter() - started,
        counts=data.counts(),
    )


def group_weights(statistics: list[Statistic]) -> dict[str, float]:
    """Fixed weights that give each group of fitted statistics (leavers, promotions,
    engagement, aspiration) the same say in the distance, however many statistics it has: a
    group of n statistics weighs 1/sqrt(n) each (squared distances add up to one group's)."""
    fitted = [s for s in statistics if s.fitted]
    sizes = {g: sum(s.group == g for s in fitted) for g in {s.group for s in fitted}}
    return {s.name: 1 / np.sqrt(sizes[s.group]) for s in fitted}


@dataclass(frozen=True)
class FittedStatistics:
    """pyabc's model: the simulator's statistics that the distance uses."""

    simulator: Simulator
    names: tuple[str, ...]

    def __call__(self, parameters: dict[str, Any]) -> dict[str, float]:
        """Simulate and keep the fitted statistics."""
        stats = self.simulator(parameters)
        return {k: stats[k] for k in self.names}


def _generations(history: Any) -> pd.DataFrame:
    """One row per generation (the prior's calibration sample left out)."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    return pd.DataFrame(
        {
            "generation": pops["t"].astype(int).to_numpy(),
            "epsilon": pops["epsilon"].astype(float).to_numpy(),
            "accepted": pops["particles"].astype(int).to_numpy(),
            "evaluations": pops["samples"].astype(int).to_numpy(),
            "acceptance_rate": (pops["particles"] / pops["samples"]).astype(float).to_numpy(),
        }
    )


def _stop_reason(generations: pd.DataFrame, budget: Budget, seconds: float) -> str:
    """Why the fit stopped, in words."""
    done = len(generations)
    if done >= budget.generations:
        return f"generation limit ({budget.generations} generations)"
    if seconds >= budget.max_minutes * 60:
        return f"wall time ({budget.max_minutes:g} minutes)"
    return f"acceptance rate below {budget.min_acceptance:g} (after {done} generations)"
