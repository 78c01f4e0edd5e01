"""The selection slot's partial sort gives the same leaders as a full sort."""

from __future__ import annotations

import numpy as np

from orgsim.rules.selection import best_first


def test_best_first_matches_a_full_stable_sort() -> None:
    rng = np.random.default_rng(1)
    rows = np.arange(0, 2000, 2)
    key = rng.integers(0, 50, len(rows)).astype(float)  # many ties
    key[::7] = -np.inf  # not considered
    full = rows[np.argsort(-key, kind="stable")]
    full = full[np.isfinite(key[np.argsort(-key, kind="stable")])]
    for needed in (1, 3, 40, 999, 5000):
        assert best_first(rows, key, needed).tolist() == full[:needed].tolist()
