"""orgsim/fit/priors.py: every prior is a valid range of its parameter, with a source."""

from __future__ import annotations

import pytest

from orgsim.fit.errors import FitInputError
from orgsim.fit.priors import DEFAULT_PARAMETERS, PRIORS, check_bounds, choose


def test_priors_lie_within_their_parameters_ranges_and_have_sources() -> None:
    check_bounds()
    for prior in PRIORS.values():
        assert prior.low < prior.high and prior.source and prior.informed_by


def test_the_four_main_parameters_are_the_default() -> None:
    assert [p.path for p in choose(None)] == list(DEFAULT_PARAMETERS)
    assert len(DEFAULT_PARAMETERS) == 4


def test_unknown_or_repeated_parameters_are_refused() -> None:
    with pytest.raises(FitInputError, match=r"leaving\.speed cannot be fitted; choose from"):
        choose(["leaving.speed"])
    with pytest.raises(FitInputError, match="given twice"):
        choose(["engagement.baseline", "engagement.baseline"])
    assert choose(["engagement.manager_weight"])[0].high == 1.0
