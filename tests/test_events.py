"""Events as data: registered kinds, what a run keeps (all, summary counts, none)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orgsim import OrgModel
from orgsim.events import EVENT_KINDS, EventLog, exit_kinds, register_event_kind
from orgsim.experiment import run_experiment
from orgsim.measures import Measure
from orgsim.scenario import parse_scenario


def test_exit_kinds_are_data() -> None:
    assert {"voluntary", "retirement", "dismissal"} <= set(exit_kinds())
    assert EVENT_KINDS["voluntary"].voluntary and not EVENT_KINDS["dismissal"].voluntary
    register_event_kind("redundancy", "post cut", exit=True)
    assert "redundancy" in exit_kinds()
    register_event_kind("redundancy", "post cut", exit=True)  # the same again: fine
    with pytest.raises(ValueError, match="already registered differently"):
        register_event_kind("redundancy", "post cut", exit=False)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event kind 'exit'"):
        EventLog().log(1, "exit", np.array([1]))


@pytest.mark.parametrize("tally_every", [1, 37, 50_000])
def test_summary_keeps_counts_per_month_kind_grades_and_roles(monkeypatch, tally_every) -> None:
    """The same counts whether a summary counts its events every step, every few steps or
    only at the end; the same as counting every event kept."""
    monkeypatch.setattr("orgsim.events.TALLY_EVERY", tally_every)
    full = OrgModel({"organisation": {"size": 200}}, rng=2).run(2)
    lean = OrgModel({"organisation": {"size": 200}}, rng=2, events="summary").run(2)
    counts = lean.events_frame
    assert list(counts.columns) == ["month", "event", "grade", "from_grade", "from_role",
                                    "to_grade", "to_role", "count"]  # fmt: skip
    ev = full.events_frame
    keys = ["month", "event", "from_grade", "from_role", "to_grade", "to_role"]
    expected = ev.groupby(keys, observed=True, dropna=False).size()
    got = counts.set_index(keys)["count"]
    assert got.sort_index().to_dict() == expected[expected > 0].sort_index().to_dict()
    assert (counts["grade"] == counts["from_grade"].fillna(counts["to_grade"])).all()
    assert counts["count"].sum() == len(ev) and len(counts) < len(ev)
    pd.testing.assert_frame_equal(full.events.summary_frame(), counts)
    assert lean.timeseries.equals(full.timeseries)


def test_a_measure_reading_past_events_fails_when_none_are_kept() -> None:
    def leavers_so_far(model) -> float:
        return float((model.events_frame["event"] == "voluntary").sum())

    history = Measure("leavers_so_far", "Leavers so far", "people", needs_event_history=True,
                      compute=leavers_so_far)  # fmt: skip
    for keep in ("none", "summary"):  # a summary's counts are not events either
        with pytest.raises(ValueError, match=rf"run\.events: {keep}, but these measures read"):
            OrgModel({"organisation": {"size": 100}}, events=keep, measures=[history])
    OrgModel({"organisation": {"size": 100}}, events="all", measures=[history]).run(0.5)


def test_a_misspelled_events_mode_is_refused() -> None:
    with pytest.raises(ValueError, match=r"events: 'summry'; give 'all', 'summary' or 'none'"):
        OrgModel({"organisation": {"size": 100}}, events="summry")


LEAN = """\
name: lean
organisation: {size: 100}
policies: [{name: a, base: single-ladder}]
run: {years: 1, replications: 2, seed: 3, events: EVENTS}
"""


@pytest.mark.parametrize("mode", ["summary", "none"])
def test_a_lean_run_stores_counts_or_no_events(tmp_path: Path, mode: str) -> None:
    results = run_experiment(parse_scenario(LEAN.replace("EVENTS", mode)), tmp_path / mode,
                             workers=1)  # fmt: skip
    events = results.table("events")
    if mode == "summary":
        assert {"month", "event", "grade", "count"} <= set(events.columns) and len(events)
    else:
        assert len(events) == 0
    assert results.table("summary").query("measure == 'exits'")["value"].notna().all()


def test_a_registered_voluntary_kind_counts_as_turnover() -> None:
    register_event_kind("poached", "hired away by a rival", exit=True, voluntary=True)
    model = OrgModel({"organisation": {"size": 200}}, rng=1, rules={"leaving": None})
    p = model.people
    model.remove_people(p.uid[p.active][:20], "poached")
    model.recorder.record(model)
    ts = model.timeseries.iloc[-1]
    assert ts["exits"] == 20 * 12 and ts["voluntary_turnover"] == pytest.approx(20 / 180 * 12)
    assert ts["expertise_walked_out"] > 0


def test_a_table_lists_the_built_in_kinds_and_those_that_happened() -> None:
    register_event_kind("sabbatical", "went on a sabbatical")
    events = OrgModel({"organisation": {"size": 100}}, rng=1).run(0.5).events_frame
    assert "sabbatical" not in events["event"].cat.categories
    assert {"hire", "voluntary", "dismissal"} <= set(events["event"].cat.categories)
