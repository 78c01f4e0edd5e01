"""The plain-language verdict: ranking, trade-offs, headcount and robustness on hand-made
comparison tables with known answers, and on a real small results folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from results_fixtures import make_results, make_sensitivity_results

from orgsim.measures import MEASURES
from orgsim.results import load
from orgsim.verdict import (
    NOTE,
    Scale,
    build,
    count,
    from_results,
    headcount,
    money,
    rank,
    robustness_text,
    scale_of,
)

BASE = "single-ladder"
POLICIES = [BASE, "dual", "genuine", "sham"]
KEYS = [
    "engagement",
    "voluntary_turnover",
    "reluctant_manager_share",
    "team_output",
    "peter_signature",
]
NAN = float("nan")


def row(policy, measure, mean, diff, low, high):
    return dict(policy=policy, measure=measure, mean=mean, ci_low=mean - 0.01,
                ci_high=mean + 0.01, diff=diff, diff_ci_low=low, diff_ci_high=high)  # fmt: skip


def comparison(money: bool = False) -> pd.DataFrame:
    """dual: better on turnover and reluctant managers, worse on team output (score +1, a
    trade-off); genuine: better on three (score +3); sham: worse on engagement (score -1)."""
    rows = [row(BASE, k, 0.5, 0.0, 0.0, 0.0) for k in KEYS]
    rows += [
        row("dual", "engagement", 0.51, 0.01, -0.01, 0.03),
        row("dual", "voluntary_turnover", 0.14, -0.036, -0.0403, -0.0317),
        row("dual", "reluctant_manager_share", 0.4, -0.1, -0.15, -0.05),
        row("dual", "team_output", 0.48, -0.02, -0.03, -0.01),
        row("dual", "peter_signature", 0.1, 0.3, 0.2, 0.4),  # direction neither: not scored
        row("genuine", "engagement", 0.55, 0.05, 0.02, 0.08),
        row("genuine", "voluntary_turnover", 0.15, -0.02, -0.03, -0.01),
        row("genuine", "reluctant_manager_share", 0.45, -0.05, -0.08, -0.02),
        row("genuine", "team_output", 0.5, 0.0, -0.01, 0.01),
        row("genuine", "peter_signature", NAN, NAN, NAN, NAN),
        row("sham", "engagement", 0.45, -0.05, -0.07, -0.03),
        row("sham", "voluntary_turnover", 0.18, 0.002, -0.01, 0.014),
        row("sham", "reluctant_manager_share", 0.5, 0.0, -0.02, 0.02),
        row("sham", "team_output", 0.5, 0.0, -0.01, 0.01),
        row("sham", "peter_signature", 0.1, 0.0, -0.1, 0.1),
    ]
    if money:
        for name, scale in (("net_value", 1.0), ("npv", 4.0)):
            rows += [
                row(BASE, name, 0.0, 0.0, 0.0, 0.0),
                row("dual", name, 1.2e6 * scale, 1.2e6 * scale, 8e5 * scale, 1.6e6 * scale),
                row("genuine", name, 5e5 * scale, 5e5 * scale, -1e5 * scale, 1.1e6 * scale),
                row("sham", name, -3e5 * scale, -3e5 * scale, -5e5 * scale, -1e5 * scale),
            ]
    return pd.DataFrame(rows)


SCALE = Scale(size=3000, managers=400)


def test_ranking_scores_clearly_better_minus_clearly_worse() -> None:
    ranking = rank(comparison(), MEASURES, KEYS, BASE, POLICIES)
    assert [(s.policy, s.score) for s in ranking] == [
        ("genuine", 3), ("dual", 1), (BASE, 0), ("sham", -1)
    ]  # fmt: skip
    dual = ranking[1]
    assert dual.better == ("voluntary_turnover", "reluctant_manager_share")
    assert dual.worse == ("team_output",)
    assert dual.unclear == ("engagement",)  # peter_signature: no direction, not scored


def test_the_verdict_names_the_leader_and_the_trade_off() -> None:
    v = build(comparison(), MEASURES, KEYS, BASE, POLICIES, SCALE)
    assert v.headline == (
        "On the key people measures genuine comes out ahead: clearly better than single-ladder "
        "on 3 of 4."
    )
    assert "1. genuine +3 (3 better, 0 worse); 2. dual +1 (2 better, 1 worse); " in v.people_text
    assert "3. single-ladder +0 (the baseline); 4. sham -1 (0 better, 1 worse)." in v.people_text
    assert v.tradeoffs == (
        "Trade-off: against single-ladder, dual gives lower voluntary turnover and lower managers "
        "who do not want to lead, at the cost of lower team output.",
    )
    assert v.money == () and v.money_text == ()
    text = v.text()
    assert text.index(v.headline) < text.index("Ranking") < text.index("Trade-off")
    assert text.endswith(NOTE)


def test_each_claim_has_its_interval_and_headcount() -> None:
    v = build(comparison(), MEASURES, KEYS, BASE, POLICIES, SCALE)
    dual = next(c for c in v.claims if c.startswith("Compared with single-ladder, dual"))
    assert "voluntary turnover -3.6 pts [-4.0, -3.2]: about 108 fewer leavers a year " in dual
    assert "(95% interval 95-121) in an organisation of 3,000" in dual
    assert "about 40 fewer reluctant managers (95% interval 20-60) (of about 400 managers)" in dual
    assert "is clearly worse on team output -0.020 [-0.030, -0.010]" in dual
    assert "1 other key measure shows no clear difference" in dual
    sham = next(c for c in v.claims if ", sham" in c)
    assert "is clearly worse on mean engagement -0.050 [-0.070, -0.030]" in sham


def test_headcount_translation_numbers() -> None:
    r = pd.Series(dict(diff=-0.036, diff_ci_low=-0.0403, diff_ci_high=-0.0317))
    r.measure = "voluntary_turnover"
    r = next(pd.DataFrame([r]).itertuples())
    m = MEASURES["voluntary_turnover"]
    assert headcount(r, m, SCALE) == (
        "about 108 fewer leavers a year (95% interval 95-121) in an organisation of 3,000"
    )
    assert headcount(r, m, Scale()) is None  # no size known: no translation
    assert headcount(r, MEASURES["engagement"], SCALE) is None  # not a headcount unit
    top = headcount(r, MEASURES["regretted_turnover"], SCALE)
    assert top.startswith("about 27 fewer leavers from the top skill quartile a year (95% ")
    exits = headcount(r._replace(diff=12.4, diff_ci_low=3.0, diff_ci_high=21.8),
                      MEASURES["exits"], SCALE)  # fmt: skip
    assert exits == "about 12 more voluntary exits a year (95% interval 3.0-22)"
    unclear = r._replace(diff_ci_high=0.01)
    assert headcount(unclear, m, SCALE) is None
    assert count(1234.4) == "1,234" and count(-4.26) == "4.3"


def test_money_ranks_first_when_present() -> None:
    v = build(comparison(money=True), MEASURES, KEYS, BASE, POLICIES, SCALE)
    assert [s.policy for s in v.money] == ["dual", "genuine", BASE, "sham"]
    assert v.headline.startswith("On net value, dual ranks first. On the key people measures")
    net, npv = v.money_text
    assert net.startswith(
        "Net value against the baseline (single-ladder): dual +1,200,000 a year "
        "[+800,000, +1,600,000]; genuine +500,000 a year [-100,000, +1,100,000]"
    )
    assert net.endswith("dual is clearly ahead of single-ladder.")
    assert npv.startswith("Net present value vs single-ladder: dual +4,800,000 [")
    assert "e+" not in v.text()
    # the money rows do not change the people ranking
    assert [s.policy for s in v.ranking] == ["genuine", "dual", BASE, "sham"]
    text = v.text()
    assert text.index("Net value") < text.index("Ranking on the key people")


def test_unclear_money_says_so() -> None:
    c = comparison(money=True)
    c = c[~c["policy"].isin(["dual"]) | ~c["measure"].isin(["net_value", "npv"])]
    v = build(c, MEASURES, KEYS, BASE, POLICIES, SCALE)
    assert not v.headline.startswith("On net value")
    unclear = "the interval of genuine's includes zero, so the money case is not clear"
    assert unclear in v.money_text[0]


def test_a_policy_clearly_ahead_is_named_when_the_highest_mean_is_not() -> None:
    """genuine's mean is highest but unclear; dual is clearly ahead: both said."""
    c = comparison(money=True)
    top = (c["policy"] == "genuine") & c["measure"].isin(["net_value", "npv"])
    c.loc[top, ["diff", "diff_ci_high"]] *= 4
    v = build(c, MEASURES, KEYS, BASE, POLICIES, SCALE)
    assert [s.policy for s in v.money][:2] == ["genuine", "dual"]
    assert v.headline.startswith("On net value, dual is clearly ahead of single-ladder.")
    assert v.money_text[0].endswith(
        "dual is clearly ahead of single-ladder; the interval of genuine's includes zero."
    )


def test_a_net_value_without_an_interval_or_a_value_is_not_called_unclear() -> None:
    """One replication gives a mean but no interval; no events kept gives neither."""
    c = comparison(money=True)
    money_rows = c["measure"].isin(["net_value", "npv"]) & (c["policy"] != BASE)
    one = c.copy()
    one.loc[money_rows, ["diff_ci_low", "diff_ci_high"]] = NAN
    text = build(one, MEASURES, KEYS, BASE, POLICIES, SCALE).money_text[0]
    assert text.endswith("dual's has no interval (that needs two or more replications), so the "
                         "money case is not clear.")  # fmt: skip
    none = c.copy()
    none.loc[money_rows, ["mean", "diff", "diff_ci_low", "diff_ci_high"]] = NAN
    v = build(none, MEASURES, KEYS, BASE, POLICIES, SCALE)
    assert v.money_text[0].endswith("it cannot be estimated from these results (were no events "
                                    "kept?).")  # fmt: skip
    assert "includes zero" not in " ".join(v.money_text)


def test_a_measure_undefined_for_every_policy_is_not_counted() -> None:
    """All NaN (e.g. no middle managers to measure): neither 'no clear difference' nor part
    of the count in the headline."""
    c = comparison()
    gone = c["measure"] == "team_output"
    c.loc[gone, ["mean", "diff", "diff_ci_low", "diff_ci_high"]] = NAN
    v = build(c, MEASURES, KEYS, BASE, POLICIES, SCALE)
    assert "on 3 of 3" in v.headline
    dual = next(s for s in v.ranking if s.policy == "dual")
    assert "team_output" not in dual.better + dual.worse + dual.unclear


def test_money_formatting() -> None:
    assert money(1234567.8, "GBP a year", True) == "+£1,234,568 a year"
    assert money(-1234.0, "CHF") == "-1,234 CHF"
    assert money(-0.01234) == "-0.0123"
    assert money(float("nan")) == "n/a"


def test_no_clear_difference_and_baseline_ahead() -> None:
    c = comparison()
    quiet = c.assign(diff_ci_low=-1.0, diff_ci_high=1.0)
    v = build(quiet, MEASURES, KEYS, BASE, POLICIES, SCALE)
    assert v.headline.startswith("No policy differs clearly from single-ladder on any of the 4")
    assert v.tradeoffs == ()
    sham_only = c[c["policy"].isin([BASE, "sham"])]
    v = build(sham_only, MEASURES, KEYS, BASE, [BASE, "sham"], SCALE)
    assert v.headline == (
        "On the key people measures no policy beats single-ladder (the baseline) on balance."
    )


def test_a_tie_at_the_top_gives_each_policy_its_own_counts() -> None:
    c = comparison()
    unclear = (c["policy"] == "genuine") & c["measure"].isin(["engagement", "voluntary_turnover"])
    c.loc[unclear, ["diff_ci_low", "diff_ci_high"]] = (-1.0, 1.0)  # genuine: 1 better, score +1
    v = build(c, MEASURES, KEYS, BASE, POLICIES, SCALE)
    assert v.headline == (
        "On the key people measures dual and genuine tie at the top (score +1 each): dual clearly "
        "better than single-ladder on 2 of 4, clearly worse on 1; genuine clearly better than "
        "single-ladder on 1 of 4."
    )


def test_a_best_net_score_of_zero_is_not_called_ahead() -> None:
    c = comparison()
    dual = c[(c["policy"] == "dual") & (c["measure"] == "reluctant_manager_share")].index
    c.loc[dual, ["diff_ci_low", "diff_ci_high"]] = (-1.0, 1.0)  # dual: 1 better, 1 worse
    two = c[c["policy"].isin([BASE, "dual"])]
    v = build(two, MEASURES, KEYS, BASE, [BASE, "dual"], SCALE)
    assert v.headline == (
        "On the key people measures no policy beats single-ladder (the baseline) on balance."
    )


def test_the_robustness_sentence() -> None:
    robustness = pd.DataFrame({
        "measure": ["voluntary_turnover", "engagement", "team_output"],
        "policy": "genuine",
        "share_better": [0.9, 1.0, 0.5],
        "worlds": 20,
    })  # fmt: skip
    text = robustness_text(robustness, MEASURES, KEYS, BASE)
    assert text == (
        "Robustness: across 20 sampled plausible worlds, genuine beats single-ladder in at least "
        "80% of them on mean engagement (100%) and voluntary turnover (90%); less reliably on "
        "team output (50%) (share of worlds in which it is better)."
    )
    assert robustness_text(None, MEASURES, KEYS, BASE) is None
    v = build(comparison(), MEASURES, KEYS, BASE, POLICIES, SCALE, robustness)
    assert v.robustness == text and text in v.text()
    behind = robustness.assign(share_better=[0.1, 0.5, 0.0])  # mostly worse: not 'beats'
    assert robustness_text(behind, MEASURES, KEYS, BASE) == (
        "Robustness: across 20 sampled plausible worlds, genuine beats single-ladder less "
        "reliably on mean engagement (50%); falls short of single-ladder in at least 80% of "
        "them on voluntary turnover (10%) and team output (0%) (share of worlds in which it is "
        "better)."
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return make_results(tmp_path_factory.mktemp("verdict"))


def test_from_a_results_folder(tiny: Path) -> None:
    results = load(tiny)
    scale = scale_of(results)
    assert scale.size == 80 and scale.managers is not None and 0 < scale.managers < 80
    v = from_results(results)
    assert v.headline and v.claims and v.robustness is None
    assert "e+" not in v.text() and "e-0" not in v.text()


def test_from_a_sensitivity_folder_has_a_robustness_sentence(tmp_path: Path) -> None:
    v = from_results(load(make_sensitivity_results(tmp_path)))
    assert v.robustness.startswith("Robustness: across 6 sampled plausible worlds, genuine")


def test_the_report_shows_the_verdict_before_the_cards(tiny: Path) -> None:
    from orgsim import report

    html = report.render(load(tiny))
    verdict = html.index("<div class='verdict' id='verdict'>")
    assert html.index("<h2>The verdict</h2>") < verdict < html.index("class='card'")
    assert verdict < html.index("What the experiment found")
    headline = from_results(load(tiny)).headline
    assert f"<p class='headline'>{headline}</p>" in html.replace("&#x27;", "'")


def test_a_folder_with_a_business_case_ranks_on_net_value(tiny: Path, tmp_path: Path) -> None:
    import json
    import shutil

    folder = tmp_path / "valued"
    shutil.copytree(tiny, folder)
    net = {"single-ladder": [0.0, 0.0, 0.0], "genuine": [1.1e6, 1.2e6, 1.3e6]}
    rows = [
        dict(policy=p, replication=r, measure=name, value=v * (4 if name == "npv" else 1))
        for name in ("net_value", "npv", "pay_bill")
        for p, values in net.items()
        for r, v in enumerate(values)
    ]
    pd.DataFrame(rows).to_parquet(folder / "money_summary.parquet", index=False)
    (folder / "money.json").write_text(json.dumps({"money": {"currency": "GBP"}}))
    v = from_results(load(folder))
    assert v.headline.startswith("On net value, genuine ranks first.")
    assert v.money_text[0].startswith(
        "Net value against the baseline (single-ladder): genuine +£1,200,000 a year [+£"
    )
    assert v.money_text[1].startswith("Net present value vs single-ladder: genuine +£4,800,000 [")
    (folder / "money.json").unlink()  # the currency then comes from the scenario, if any
    assert "genuine +" in from_results(load(folder)).money_text[0]
    (folder / "money_summary.parquet").write_bytes(b"PAR1 truncated")
    unread = from_results(load(folder))
    assert unread.money_text == () and not unread.headline.startswith("On net value")
    assert unread.notes[0].startswith(
        f"The business case was left out: {folder / 'money_summary.parquet'}: corrupt Parquet"
    )
    assert unread.notes[0].endswith(f"Re-value with orgsim value {folder}.")
