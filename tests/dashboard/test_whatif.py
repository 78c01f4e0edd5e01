"""The what-if panel: it starts from the picked experiment's stored scenario (never its extension
code), compares up to four policies, shows each slider's value and range, and writes YAML that
`orgsim run` accepts."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_text import texts, wait_for_text_among
from selenium.webdriver.common.keys import Keys
from test_bounds import post, status
from test_bounds import started as started
from typer.testing import CliRunner

from dashboard import create_app, ids
from dashboard.whatif import (
    LEVERS,
    MAX_POLICIES,
    NO_LADDER,
    SLIDERS,
    Limits,
    WhatIfError,
    build_scenario,
    choices,
    new_folder,
    preset,
    shown,
    start_values,
)
from dashboard.whatif_source import default_source, load_source, source_from
from orgsim.cli import app as cli
from orgsim.experiment import run_experiment
from orgsim.parameters import Organisation, Policy, Workforce
from orgsim.results import MANIFEST, load
from orgsim.scenario import parse_scenario

LEVER = {lv.name: lv for lv in LEVERS}
NAMES = ["policy", "baseline", *(lv.name for lv in LEVERS)]

# Five policies, the baseline third; 'nominal' sets its own pay ratio and stigma.
FIVE = """\
name: five
organisation: {size: 40}
workforce: {share_wanting_to_lead: 0.4}
policies:
  - {name: nominal, base: nominal-dual-track,
     levers: {specialist_pay_ratio: 0.9, specialist_stigma: 0.15}}
  - {name: ladder, base: single-ladder}
  - {name: genuine, base: genuine-dual-track}
  - {name: ask, base: ask-the-question}
  - {name: coached, base: single-ladder, levers: {coaching_reach: 0.5}}
baseline: genuine
run: {years: 1, replications: 1, seed: 3}
"""


def form(**changes: object) -> dict[str, object]:
    """The form's starting values (genuine dual track, a quick tiny run) with ``changes``."""
    values = {lv.name: lv.default() for lv in LEVERS} | preset("genuine-dual-track")
    return values | {"size": 50, "years": 1, "replications": 1} | changes


def with_rules(root: Path, name: str, change: Any) -> Path:
    """A copy of 'tiny' named ``name`` whose stored scenario ``change`` edits (its tables stay
    'tiny''s: only the scenario matters to the what-if)."""
    shutil.copytree(root / "tiny", root / name)
    path = root / name / MANIFEST
    manifest = json.loads(path.read_text())
    change(manifest["scenario"])
    path.write_text(json.dumps(manifest))
    return root / name


@pytest.fixture(scope="module")
def five_root(shared_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """'tiny' and 'five' (five policies, 40 people, 1 year, 1 replication)."""
    root = tmp_path_factory.mktemp("five") / "results"
    shutil.copytree(shared_root, root)
    run_experiment(parse_scenario(FIVE), root / "five", workers=1)
    with_rules(root, "custom", lambda s: s["policies"][1].update(rules={"leaving": "./x.py:X"}))
    with_rules(root, "changed-model", lambda s: s.update(rules={"leaving": "./x.py:X"}))
    return root


# --- the levers and the scenario --------------------------------------------------------------
def test_levers_take_ranges_and_defaults_from_the_parameters() -> None:
    assert LEVER["specialist_stigma"].bounds() == (0, 1)
    assert LEVER["size"].bounds() == (10, 10_000_000)
    assert LEVER["share_wanting_to_lead"].default() == Workforce().share_wanting_to_lead
    assert LEVER["size"].default() == Organisation().size
    assert LEVER["coaching_reach"].help.startswith(
        Policy.model_fields["coaching_reach"].description
    )
    selection = [o["value"] for o in choices(LEVER["selection"])]
    assert "stated-preference" in selection and "top-performer" in selection


def test_presets_are_the_named_policies_levers() -> None:
    assert preset("single-ladder")["specialist_top_grade"] == NO_LADDER
    assert preset("nominal-dual-track")["specialist_pay_ratio"] == 0.85
    assert preset("ask-the-question")["selection"] == "stated-preference"


def test_the_form_builds_the_baseline_beside_the_tried_policy() -> None:
    s = build_scenario("w", "genuine-dual-track", "single-ladder", form(specialist_stigma=0.4))
    assert s.policy_names == ["single-ladder", "what-if: genuine-dual-track"]
    assert s.baseline == "single-ladder"
    assert s.policy_spec("what-if: genuine-dual-track").overrides()["specialist_stigma"] == 0.4
    assert s.policy_spec("single-ladder").overrides() == {}
    assert s.organisation.size == 50


@pytest.mark.parametrize(
    "changes",
    [
        {"selection": "os:system"},
        {"size": "1000; rm -rf /"},
        {"specialist_stigma": 7},
        {"replications": None},
        {"specialist_top_grade": 2},
    ],
)
def test_values_outside_the_schema_are_refused(changes: dict) -> None:
    with pytest.raises(WhatIfError, match="what-if"):
        build_scenario("w", "genuine-dual-track", "single-ladder", form(**changes))


def test_unknown_policies_are_refused() -> None:
    with pytest.raises(WhatIfError):
        build_scenario("w", "orgsim.model:OrgModel", "single-ladder", form())


def test_new_folders_do_not_collide(tmp_path: Path) -> None:
    first = new_folder(tmp_path)
    first.mkdir()
    assert new_folder(tmp_path) != first and first.name.startswith("whatif-")


def test_form_fields_never_name_code() -> None:
    values = form() | {"rules": {"leaving": "os:system"}, "phases": ["x:y"], "measures": ["a:b"]}
    s = build_scenario("w", "genuine-dual-track", "single-ladder", values)
    assert s.rules == {} and s.phases == [] and s.measures == []


# --- where a what-if starts -------------------------------------------------------------------
def test_the_form_starts_from_the_stored_scenario(five_root: Path) -> None:
    source = load_source(five_root, "five")
    assert source.policies == ["genuine", "nominal", "ladder", "ask", "coached"]  # baseline first
    start = start_values(source, Limits())
    assert start["compared"] == ["genuine", "nominal", "ladder", "ask"]  # the first four
    assert (start["baseline"], start["policy"]) == ("genuine", "nominal")
    assert start["experiment"] == "five"
    assert start["specialist_pay_ratio"] == 0.9 and start["specialist_stigma"] == 0.15
    assert start["specialist_top_grade"] == 4  # nominal's: two grades below the top (6)
    assert (start["size"], start["share_wanting_to_lead"]) == (40, 0.4)
    assert (start["years"], start["replications"]) == (1, 1)
    assert start_values(source, Limits(people=30))["size"] == 30  # within this server's bounds
    # and within its work bound: 4 policies x 1 x 40 people x 1 year x 12 = 1,920 > 1,000
    small = start_values(source, Limits(employee_months=1_000))
    assert (small["years"], small["replications"], small["size"]) == (1, 1, 20)


def test_a_large_scenario_starts_within_the_work_bound() -> None:
    from dashboard.whatif import fit_work

    large = {"size": 100_000, "replications": 5, "years": 20}  # scenarios/large-org.yaml's
    assert fit_work(large, 2, Limits()) == large | {"years": 4}  # 4.8e7 <= 5e7 employee-months
    assert fit_work(large | {"years": 2}, 2, Limits()) == large | {"years": 2}  # already fits


def test_the_stored_policies_run_as_stored_with_the_changed_one_beside(five_root: Path) -> None:
    source = load_source(five_root, "five")
    values = start_values(source, Limits()) | {"specialist_stigma": 0.5}
    s = build_scenario("w", "nominal", "genuine", values, source)
    assert s.policy_names == ["genuine", "what-if: nominal", "ladder", "ask"]
    changed = s.policy_spec("what-if: nominal").overrides()
    assert changed["specialist_stigma"] == 0.5 and changed["specialist_pay_ratio"] == 0.9
    assert s.policy_spec("ladder") == source.scenario.policy_spec("ladder")
    assert (s.organisation.size, s.workforce.share_wanting_to_lead) == (40, 0.4)
    # the levers may change the baseline: it then runs both as stored and as changed
    two = build_scenario("w", "genuine", "genuine", values | {"compared": ["genuine", "ask"]},
                         source)  # fmt: skip
    assert two.policy_names == ["genuine", "what-if: genuine", "ask"]
    assert two.baseline == "genuine"


@pytest.mark.parametrize(
    ("compared", "message"),
    [
        (["genuine", "nominal", "ladder", "ask", "coached"], f"at most {MAX_POLICIES}"),
        (["genuine", "nominal", "ladder", "ask"], "runs twice"),  # the baseline changed: 5
        (["nominal", "ladder"], "baseline, genuine, is not among"),
        (["genuine", "nowhere"], "'nowhere' is not one of the policies of five"),
        ("genuine", "must be names"),
    ],
)
def test_more_than_four_policies_or_strangers_are_refused(
    five_root: Path, compared: Any, message: str
) -> None:
    source = load_source(five_root, "five")
    values = start_values(source, Limits()) | {"compared": compared}
    policy = "genuine" if message == "runs twice" else "nominal"
    with pytest.raises(WhatIfError, match=message):
        build_scenario("w", policy, "genuine", values, source)


def test_a_policy_with_its_own_rules_is_left_out(five_root: Path) -> None:
    source = load_source(five_root, "custom")
    assert source.policies == ["single-ladder"]
    assert "genuine" in source.describe() and "extension code" in source.describe()
    values = start_values(source, Limits())
    with pytest.raises(WhatIfError, match="'genuine' is not one of the policies"):
        build_scenario("w", "genuine", "single-ladder", values, source)


def test_a_scenario_that_changes_the_model_gives_the_built_in_start(five_root: Path) -> None:
    source = load_source(five_root, "changed-model")
    assert source.experiment is None and source.scenario == default_source().scenario
    assert "rules.leaving" in source.describe() and "built-in policies" in source.describe()


def test_sweeps_and_extension_measures_are_left_out() -> None:
    stored = parse_scenario(FIVE).model_dump(mode="json") | {
        "measures": ["./m.py:M"],
        "builtin_measures": "none",
        "sweep": {"parameters": {"policy.specialist_stigma": {"values": [0.1, 0.2]}}},
    }
    source = source_from("five", stored)
    s = source.scenario
    assert s.measures == [] and s.builtin_measures == "all" and s.sweep is None
    assert "measures" in source.describe() and "sweep" in source.describe()
    assert len(source.policies) == 5


def test_sliders_show_their_value_and_range() -> None:
    limits = Limits()
    assert shown(LEVER["specialist_pay_ratio"], 0.95, limits) == "0.95 (range 0.05 to 2)"
    assert shown(LEVER["specialist_stigma"], 0.35000000000000003, limits) == "0.35 (range 0 to 1)"
    assert shown(LEVER["share_wanting_to_lead"], None, limits) == "(range 0.01 to 0.99)"
    assert [lv.name for lv in SLIDERS] == [
        "specialist_pay_ratio", "specialist_stigma", "coaching_reach", "management_training",
        "knowledge_transfer", "decline_penalty", "share_wanting_to_lead",
    ]  # fmt: skip


# --- the callbacks, as the browser calls them -------------------------------------------------
def response(reply: Any) -> dict:
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    return reply.get_json()["response"]


def test_picking_an_experiment_sets_the_form(five_root: Path) -> None:
    app = create_app(five_root)
    inputs = [(ids.EXPERIMENT, "value", "custom"), (ids.lever("compared"), "value", [])]
    state = [(ids.lever("compared"), "options", []), (ids.lever("baseline"), "value", None),
             (ids.lever("policy"), "value", None)]  # fmt: skip
    out = response(post(app, f"{ids.WHATIF_SOURCE_INFO}.children", inputs, state))
    compared = next(v for k, v in out.items() if k.startswith("{") and '"compared"' in k)
    assert [o["value"] for o in compared["options"]] == ["single-ladder"]  # no custom rules
    assert "Left out: genuine" in out[ids.WHATIF_SOURCE_INFO]["children"]


def test_the_levers_load_the_stored_policys_values(five_root: Path) -> None:
    app = create_app(five_root)
    pick = {"experiment": "five", "policy": "nominal"}
    out = response(post(app, '"specialist_stigma"', [(ids.WHATIF_PICK, "data", pick)]))
    value = {json.loads(k)["name"]: v for k, v in out.items()}
    assert value["specialist_stigma"]["value"] == 0.15
    assert value["specialist_pay_ratio"]["value"] == 0.9
    assert {o["value"] for o in value["specialist_top_grade"]["options"]} >= {NO_LADDER, 4, 6}


def run_form(app: Any, values: dict[str, Any]) -> Any:
    """Click 'Run what-if' with the form at ``values``."""
    state = [(ids.lever(n), "value", values[n]) for n in NAMES]
    return post(app, f"{ids.WHATIF_STATUS}.children", [(ids.WHATIF_RUN, "n_clicks", 1)], state)


def test_a_crafted_request_cannot_run_a_policy_with_its_own_rules(
    five_root: Path, started: list
) -> None:
    app = create_app(five_root)
    values = start_values(load_source(five_root, "custom"), Limits())
    crafted = values | {"policy": "genuine", "compared": ["single-ladder", "genuine"]}
    text = status(run_form(app, crafted))
    assert "Cannot run this what-if" in text and "'genuine' is not one of" in text
    assert started == []
    assert "Cannot" not in str(run_form(app, values).get_data(as_text=True))
    assert len(started) == 1  # the built-in part of the same experiment runs


def test_the_downloaded_yaml_round_trips_through_orgsim_run(tmp_path: Path) -> None:
    values = form(policy="nominal-dual-track", baseline="single-ladder", coaching_reach=0.3)
    body = [(ids.lever(n), "value", values[n]) for n in NAMES]
    app = create_app(tmp_path / "results")
    out = response(post(app, f"{ids.WHATIF_YAML_FILE}.data", [(ids.WHATIF_YAML, "n_clicks", 1)],
                        body))  # fmt: skip
    text = out[ids.WHATIF_YAML_FILE]["data"]["content"]
    expected = build_scenario("what-if", "nominal-dual-track", "single-ladder", values)
    assert parse_scenario(text) == expected
    path = tmp_path / "what-if.yaml"
    path.write_text(text)
    result = CliRunner().invoke(
        cli, ["run", str(path), "--out", str(tmp_path / "out"), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert load(tmp_path / "out").policies == expected.policy_names


# --- in the browser ---------------------------------------------------------------------------
def css(name: str, suffix: str = "") -> str:
    """A CSS selector of a what-if control (its id is a JSON object)."""
    return f"[id='{json.dumps(ids.lever(name), sort_keys=True, separators=(',', ':'))}{suffix}']"


def chosen(dash: Any, name: str) -> list[str]:
    """The values a what-if dropdown shows as chosen."""
    return texts(dash, f"{css(name, '-value')} .dash-dropdown-value-item")


def value_of(dash: Any, name: str) -> str | None:
    """The value of a what-if <input>."""
    return dash.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.value : null;", css(name)
    )


def options(dash: Any) -> dict[str, bool]:
    """The options of the open dropdown: whether each may be chosen."""
    return dict(dash.driver.execute_script(
        "return Array.from(document.querySelectorAll('[role=option]'), "
        "o => [o.textContent, !o.querySelector('input').disabled]);"
    ))  # fmt: skip


def until(condition: Callable[[], Any], what: str, timeout: float = 10) -> None:
    """Wait until ``condition()`` holds (a callback has answered), or fail saying ``what``."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"timed out waiting until {what}"
        time.sleep(0.05)


def option(dash: Any, label: str) -> Any:
    """The open dropdown's option ``label``."""
    (found,) = [o for o in dash.find_elements("[role=option]") if o.text == label]
    return found


def open_whatif(dash: Any, experiment: str = "five") -> None:
    """Pick ``experiment`` and open the what-if tab."""
    dash.wait_for_element(f"#{ids.TAB_WHATIF}", timeout=20).click()
    dash.wait_for_element(css("compared"), timeout=20)
    dash.select_dcc_dropdown(f"#{ids.EXPERIMENT}", value=experiment)
    wait_for_text_among(dash, f"#{ids.WHATIF_SOURCE_INFO}", f"Starting from {experiment}")


@pytest.mark.browser
def test_the_whatif_starts_from_the_picked_experiment(start, five_root: Path) -> None:
    dash = start(five_root)
    dash.wait_for_element(f"#{ids.TAB_WHATIF}", timeout=20).click()
    # the first experiment listed changes the model with extension code: not run here
    note = wait_for_text_among(dash, f"#{ids.WHATIF_SOURCE_INFO}", "changed-model changes")
    assert "extension code, which the dashboard never runs" in note[0]
    assert chosen(dash, "compared") == list(default_source().policies)
    open_whatif(dash, "five")
    assert value_of(dash, "experiment") == "five"
    assert chosen(dash, "compared") == ["genuine", "nominal", "ladder", "ask"]
    assert chosen(dash, "baseline") == ["genuine"] and chosen(dash, "policy") == ["nominal"]
    wait_for_text_among(dash, ".lever label", "Specialist pay / manager pay: 0.9 (range 0.05 to 2)")
    labels = texts(dash, ".lever label")
    assert "Stigma of the specialist track: 0.15 (range 0 to 1)" in labels
    assert "Share who want to manage: 0.4 (range 0.01 to 0.99)" in labels
    assert chosen(dash, "specialist_top_grade") == ["Grade 4"]
    assert [value_of(dash, n) for n in ("size", "years", "replications")] == ["40", "1", "1"]
    # the levers follow the policy they change
    dash.select_dcc_dropdown(css("policy"), value="ladder")
    wait_for_text_among(dash, ".lever label", "Stigma of the specialist track: 0 (range 0 to 1)")
    assert chosen(dash, "specialist_top_grade") == ["No specialist ladder"]
    assert "Share who want to manage: 0.4 (range 0.01 to 0.99)" in texts(dash, ".lever label")
    # another experiment: the form starts again, from its scenario
    open_whatif(dash, "tiny")
    wait_for_text_among(dash, ".lever label", "Stigma of the specialist track: 0 (range 0 to 1)")
    assert chosen(dash, "compared") == ["single-ladder", "genuine"]
    assert chosen(dash, "policy") == ["genuine"]
    assert "Specialist pay / manager pay: 1 (range 0.05 to 2)" in texts(dash, ".lever label")
    assert [value_of(dash, n) for n in ("size", "years", "replications")] == ["80", "2", "3"]
    assert dash.get_logs() == []


@pytest.mark.browser
def test_a_slider_shows_its_value_as_it_moves(start, five_root: Path) -> None:
    dash = start(five_root)
    open_whatif(dash)
    wait_for_text_among(dash, ".lever label", "Stigma of the specialist track: 0.15 (range")
    thumb = dash.find_element(f"{css('specialist_stigma')} [role=slider]")
    thumb.send_keys(Keys.ARROW_RIGHT)
    wait_for_text_among(dash, ".lever label", "Stigma of the specialist track: 0.2 (range 0 to 1)")
    thumb.send_keys(Keys.END)
    wait_for_text_among(dash, ".lever label", "Stigma of the specialist track: 1 (range 0 to 1)")
    assert dash.get_logs() == []


@pytest.mark.browser
def test_up_to_four_policies_are_compared(start, five_root: Path) -> None:
    dash = start(five_root)
    open_whatif(dash)
    dash.find_element(css("compared")).click()
    dash.wait_for_element("[role=option]", timeout=10)
    assert options(dash) == {"genuine": True, "nominal": True, "ladder": True, "ask": True,
                             "coached": False}  # the fifth cannot join the four  # fmt: skip
    option(dash, "coached").click()
    assert chosen(dash, "compared") == ["genuine", "nominal", "ladder", "ask"]
    option(dash, "ask").click()  # one fewer: the fifth may join
    until(lambda: options(dash)["coached"], "the fifth policy is offered again")
    option(dash, "coached").click()
    dash.find_element(css("compared")).send_keys(Keys.ESCAPE)
    dash.wait_for_no_elements("[role=option]", timeout=10)
    assert chosen(dash, "compared") == ["genuine", "nominal", "ladder", "coached"]
    dash.find_element(f"#{ids.WHATIF_RUN}").click()
    dash.wait_for_contains_text(f"#{ids.WHATIF_STATUS}", "Finished", timeout=90)
    (folder,) = five_root.glob("whatif-*")
    try:
        results = load(folder)
        assert results.policies == ["genuine", "what-if: nominal", "ladder", "coached"]
        assert results.baseline == "genuine"
        changed = results.manifest["scenario"]["policies"][1]["levers"]
        assert changed["specialist_pay_ratio"] == 0.9 and changed["specialist_stigma"] == 0.15
    finally:
        shutil.rmtree(folder)  # the module's root is shared
    assert dash.get_logs() == []
