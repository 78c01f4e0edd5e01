"""A pyabc sampler whose results do not depend on the number of workers or where they run.

pyabc's own parallel samplers reseed every worker from the operating system and keep the
particles that finish first, so two runs never agree. Here candidate i of generation t always
draws from the seed (fit seed, t, i), candidates are evaluated in batches whose sizes depend
only on the results so far, and the population is the first n accepted in candidate order:
the same data and seed give the same fit on one core, two, or a Dask cluster.
"""

from __future__ import annotations

import functools
import math
import random
import threading
from collections.abc import Callable
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

#: progress(generation, accepted, wanted, evaluated): called after each batch.
Progress = Callable[[int, int, int, int], None]
#: Candidates draw from numpy's global stream, which the threads of a process share (a Dask
#: worker may run several tasks at once): one evaluation at a time per process.
_GLOBAL_STREAMS = threading.Lock()


@functools.lru_cache(maxsize=2)
def _function(payload: bytes) -> Callable[[], Any]:
    """A worker unpickles each generation's simulate function once, not once per task."""
    return cloudpickle.loads(payload)


def candidate_seed(seed: int, t: int, index: int) -> np.ndarray:
    """The seed of candidate ``index`` of generation ``t`` (t = -1: the calibration sample)."""
    return np.random.SeedSequence([seed, t + 2, index]).generate_state(4)


def evaluate_candidates(payload: bytes, seed: int, t: int, indices: list[int]) -> list[tuple]:
    """Worker task: evaluate candidates (sample parameters, simulate, accept or reject), each
    from its own seed. numpy's and Python's global streams are restored afterwards, so
    running in the driver (one worker) leaves it as it was; threads take turns."""
    simulate_one = _function(payload)
    with _GLOBAL_STREAMS:
        saved_np, saved_py = np.random.get_state(), random.getstate()
        try:
            out = []
            for i in indices:
                state = candidate_seed(seed, t, i)
                np.random.seed(state)
                random.seed(int(state[0]))
                out.append((i, simulate_one()))
            return out
        finally:
            np.random.set_state(saved_np)
            random.setstate(saved_py)


class SeededSampler(Sampler):
    """Evaluates candidates on an orgsim executor (``orgsim.experiment.make_executor``:
    serial, local processes or Dask) in a reproducible order."""

    def __init__(
        self, seed: int, executor: Any, workers: int = 1, progress: Progress | None = None
    ):
        super().__init__()
        self.seed = seed
        self.executor = executor
        self.workers = max(1, workers)
        self.progress = progress

    @staticmethod
    def batch_size(wanted: int, accepted: int, evaluated: int, population: int) -> int:
        """How many candidates to evaluate next: enough for the particles still wanted at the
        acceptance rate so far (plus a fifth), between 8 and four populations. A function of
        the results so far only, never of the number of workers."""
        if evaluated == 0:
            return max(wanted, 8)
        rate = max(accepted / evaluated, 1 / (evaluated + 1), 0.01)
        return int(min(max(math.ceil(1.2 * wanted / rate), 8), 4 * population))

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable,
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ) -> Any:
        """The first ``n`` accepted candidates in candidate order (and the rejected ones
        before them), stopping early after ``max_eval`` evaluations (then not ok)."""
        payload = cloudpickle.dumps(simulate_one)
        sample = self._create_empty_sample()
        accepted = evaluated = start = 0
        while accepted < n and evaluated < max_eval:
            size = self.batch_size(n - accepted, accepted, evaluated, n)
            if math.isfinite(max_eval):
                size = min(size, int(max_eval) - evaluated)
            chunk = max(1, math.ceil(size / (4 * self.workers)))
            tasks = [
                (payload, self.seed, t, list(range(i, min(i + chunk, start + size))))
                for i in range(start, start + size, chunk)
            ]
            results: list[tuple] = []
            for part in self.executor.map_unordered(evaluate_candidates, tasks):
                results += part
            results.sort(key=lambda r: r[0])
            start += size
            for _, particle in results:
                sample.append(particle)
                evaluated += 1
                accepted += bool(particle.accepted)
                if accepted == n or evaluated >= max_eval:
                    break
            if self.progress is not None:
                self.progress(t, accepted, n, evaluated)
        self.nr_evaluations_ = evaluated
        if accepted < n:
            sample.ok = False
        return sample
