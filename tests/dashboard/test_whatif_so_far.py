"""A running what-if's provisional answer: the changed policy's paired differences from the
baseline over the replications both have finished, equal to the final comparison's once all
have."""

from __future__ import annotations

from pathlib import Path

from dashboard.whatif import Limits, build_scenario, changed_policy, start_values
from dashboard.whatif_so_far import SHOWN, SoFar, progress_text
from dashboard.whatif_source import default_source
from orgsim.experiment import run_experiment, run_specs, simulate
from orgsim.measures import MEASURES
from orgsim.overview import diff_text
from orgsim.results import compare, write_run_parts
from orgsim.scenario import Scenario


def small_whatif(policy: str = "genuine-dual-track") -> tuple[Scenario, str]:
    """A what-if of two built-in policies, 60 people, 1 year, 3 replications, and the name of
    the policy its levers change."""
    values = start_values(default_source(), Limits()) | {
        "size": 60, "years": 1, "replications": 3,
        "compared": ["single-ladder", "genuine-dual-track"], "specialist_stigma": 0.2,
    }  # fmt: skip
    scenario = build_scenario("w", policy, "single-ladder", values)
    return scenario, changed_policy(policy, "single-ladder", values)


def test_the_changed_policy_is_named_as_the_scenario_names_it() -> None:
    scenario, changed = small_whatif()
    assert changed == "what-if: genuine-dual-track"
    assert scenario.policy_names == ["single-ladder", changed]
    scenario, changed = small_whatif("single-ladder")  # the baseline changed: it also runs as is
    assert changed == "what-if: single-ladder"
    assert scenario.policy_names == ["single-ladder", changed, "genuine-dual-track"]


def test_the_answer_so_far_is_the_final_comparison_once_every_pair_has_finished(
    tmp_path: Path,
) -> None:
    scenario, changed = small_whatif()
    so_far = SoFar(tmp_path, scenario.baseline, changed)
    specs = {(s.policy, s.replication): s for s in run_specs(scenario)}
    assert so_far.text() == "" and progress_text(0, 6, so_far) == "0 / 6 runs"

    def finish(policy: str, replication: int) -> None:
        spec = specs[(policy, replication)]
        write_run_parts(tmp_path, spec.id, simulate(scenario, spec))

    finish("single-ladder", 0)
    assert so_far.text() == ""  # no pair yet
    (tmp_path / "parts" / "s00000-p01-r00009").mkdir()  # unreadable: skipped, not fatal
    (tmp_path / "parts" / "s00000-p01-r00009" / "summary.parquet").write_text("not parquet")
    assert so_far.text() == ""
    finish(changed, 0)
    finish(changed, 1)  # its baseline run has not finished: not counted
    one = progress_text(3, 6, so_far)
    assert one.startswith(f"3 / 6 runs; so far, over 1 replication: {changed} against single-")
    assert one.endswith(" (provisional)") and "[" not in one  # no interval from a single pair
    for replication in (1, 2):
        finish("single-ladder", replication)
    finish(changed, 2)
    three = progress_text(6, 6, so_far)
    assert three.startswith("6 / 6 runs; over 3 replications: ")  # every run: no longer "so far"
    assert "provisional" not in three

    final = run_experiment(scenario, tmp_path / "final", workers=1)
    table = compare(final.table("summary"), final.baseline, final.policies)
    for name in SHOWN:
        row = next(table[(table.policy == changed) & (table.measure == name)].itertuples())
        measure = MEASURES[name]
        assert f"{measure.label.lower()} {diff_text(row, measure.unit)}" in three
