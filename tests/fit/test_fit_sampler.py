"""orgsim/fit/sampler.py: a candidate's result depends on its seed only, never on batching,
the order results come back in, or the number of workers."""

from __future__ import annotations

import random

import cloudpickle
import numpy as np
import pyabc

from orgsim.experiment import SerialExecutor
from orgsim.fit.sampler import SeededSampler, candidate_seed, evaluate_candidates


def draw() -> tuple[float, float]:
    return float(np.random.random()), random.random()


class ReversedExecutor(SerialExecutor):
    """Returns results in the opposite order (as a pool's fastest-first order may)."""

    def map_unordered(self, fn, tasks):
        yield from reversed([fn(*task) for task in tasks])


def test_a_candidate_gets_the_same_draws_in_any_batch_and_leaves_the_streams_alone() -> None:
    payload = cloudpickle.dumps(draw)
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    batch = dict(evaluate_candidates(payload, 7, 0, [0, 1, 2]))
    alone = dict(evaluate_candidates(payload, 7, 0, [2]))
    assert batch[2] == alone[2] and batch[0] != batch[1]
    assert dict(evaluate_candidates(payload, 8, 0, [2]))[2] != alone[2]  # another fit seed
    assert (np.random.get_state()[1] == before).all()
    assert not np.array_equal(candidate_seed(7, 0, 1), candidate_seed(7, 1, 1))


def test_batch_sizes_depend_on_results_only() -> None:
    assert SeededSampler.batch_size(40, 0, 0, 40) == 40
    assert SeededSampler.batch_size(3, 0, 0, 3) == 8
    assert SeededSampler.batch_size(20, 20, 40, 40) == 48  # 1.2 x 20 / 0.5
    assert SeededSampler.batch_size(40, 0, 500, 40) == 160  # at most four populations


def toy_fit(executor, workers: int, db: str) -> np.ndarray:
    abc = pyabc.ABCSMC(
        lambda p: {"y": p["mu"] + 0.2 * np.random.randn()},
        pyabc.Distribution(mu=pyabc.RV("uniform", 0, 5)),
        pyabc.PNormDistance(p=2),
        population_size=20,
        sampler=SeededSampler(4, executor, workers),
    )
    abc.new(db, {"y": 2.5})
    history = abc.run(max_nr_populations=3)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    return np.column_stack([frame["mu"].to_numpy(), weights])


def test_an_abc_fit_is_the_same_whatever_the_order_and_chunking(tmp_path) -> None:
    one = toy_fit(SerialExecutor(), 1, f"sqlite:///{tmp_path / 'a.db'}")
    other = toy_fit(ReversedExecutor(), 3, f"sqlite:///{tmp_path / 'b.db'}")
    np.testing.assert_array_equal(one, other)
    assert 1.5 < np.average(one[:, 0], weights=one[:, 1]) < 3.5
