"""The figure builders (shared by the dashboard and the report) on a small results folder."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from results_fixtures import make_results

from orgsim import figures
from orgsim.measures import KEY_MEASURES, MEASURES
from orgsim.overview import fmt, narrative, overview_cards, verdict
from orgsim.results import Results, compare, load, timeseries_bands


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """Two policies x 3 replications of an 80-person organisation over 2 years."""
    return load(make_results(tmp_path_factory.mktemp("results")))


@pytest.fixture(scope="module")
def colours(results: Results) -> dict[str, str]:
    return figures.policy_colours(results.policies)


@pytest.fixture(scope="module")
def comparison(results: Results) -> pd.DataFrame:
    return compare(results.table("summary"), results.baseline, results.policies)


def policy_colour_of(trace) -> str | None:
    """The colour a trace is drawn in."""
    line = getattr(trace, "line", None)
    return (line.color if line is not None and line.color else None) or trace.marker.color


def test_each_policy_has_one_colour_from_the_colour_blind_safe_palette() -> None:
    colours = figures.policy_colours(["a", "b", "c"])
    assert list(colours) == ["a", "b", "c"]
    assert len(set(colours.values())) == 3 and set(colours.values()) <= set(figures.PALETTE)
    assert figures.policy_colours(["a", "b"]) == {k: colours[k] for k in "ab"}


def test_time_series_has_a_line_and_band_per_policy(results: Results, colours) -> None:
    bands = timeseries_bands(results.table("timeseries"), "voluntary_turnover")
    fig = figures.timeseries_figure(bands, MEASURES["voluntary_turnover"], colours)
    lines = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in lines] == results.policies
    assert [t.line.color for t in lines] == [colours[p] for p in results.policies]
    assert len([t for t in fig.data if t.fill == "tonexty"]) == len(results.policies)
    assert fig.layout.yaxis.title.text == "Voluntary turnover<br>(share per year)"
    assert fig.layout.xaxis.title.text == "Years since the start"
    assert fig.layout.title.text == "Voluntary turnover over time"
    line = lines[0]
    expected = bands[bands["policy"] == line.name]["mean"].to_numpy()
    np.testing.assert_allclose(line.y, expected)


def pyramid_bars(fig: go.Figure) -> list[go.Bar]:
    """The pyramid's bars (not the legend's)."""
    return [t for t in fig.data if t.type == "bar" and t.showlegend is False]


def test_the_pyramid_counts_everyone_at_the_chosen_month(results: Results, colours) -> None:
    structure = results.table("structure")
    snap = figures.structure_at(structure, 12)
    fig = figures.pyramid_figure(snap, colours, 1)
    counted = sum(np.nansum(np.asarray(t.customdata, dtype=float)) for t in pyramid_bars(fig))
    at = structure[structure["month"] == 12]
    per_run = at.groupby(["policy", "replication"])["headcount"].sum()
    assert counted == pytest.approx(per_run.groupby("policy").mean().sum())
    assert "(year 1)" in fig.layout.title.text
    assert {t.marker.color for t in pyramid_bars(fig)} == set(colours.values())


def steep_snapshot() -> pd.DataFrame:
    """Two policies of a steep six-grade pyramid: hundreds at grade 1, one person at the top."""
    rows = [
        (policy, grade, role, count)
        for policy, top in (("a", 1.0), ("b", 0.4))
        for grade, role, count in [
            (1, "ic", 600.0), (2, "ic", 150.0), (3, "ic", 40.0), (3, "manager", 8.0),
            (4, "specialist", 3.0), (4, "manager", 5.0), (5, "manager", 2.0), (6, "manager", top),
        ]
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["policy", "grade", "role", "headcount"])


def test_every_grade_of_the_pyramid_is_labelled_with_its_count() -> None:
    snap = steep_snapshot()
    colours = figures.policy_colours(["a", "b"])
    fig = figures.pyramid_figure(snap, colours, 3)
    labels = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    assert len(labels) == len(colours)  # one set of labels per policy's panel
    for policy, label in zip(colours, labels, strict=True):
        totals = snap[snap["policy"] == policy].groupby("grade")["headcount"].sum()
        assert list(label.y) == list(totals.index) == [1, 2, 3, 4, 5, 6]
        assert list(label.text) == [figures.people(v) for v in totals]
    assert list(labels[0].text) == ["600", "150", "48", "8.0", "2.0", "1.0"]
    assert list(labels[1].text)[-1] == "0.4"
    # the labels sit at the end of each grade's bar, as drawn
    bars = pyramid_bars(fig)
    for label in labels:
        mine = [b for b in bars if b.xaxis == label.xaxis]
        ends = pd.concat([pd.Series(np.asarray(b.x, float), index=b.y) for b in mine])
        assert ends.groupby(level=0).sum().to_list() == pytest.approx(list(label.x))


def test_the_top_grades_of_the_pyramid_stay_visible() -> None:
    """A grade of one person beside one of 600 is drawn at MIN_BAR of the widest bar (its
    roles in proportion), with its true count in the hover data; every grade is on the axis."""
    snap = steep_snapshot()
    fig = figures.pyramid_figure(snap, figures.policy_colours(["a", "b"]), 3)
    floor = figures.MIN_BAR * 600
    for bar in pyramid_bars(fig):
        drawn, true = np.asarray(bar.x, float), np.asarray(bar.customdata, float)
        assert (drawn >= true).all()
        assert ((drawn == true) | (true < floor)).all()  # only small grades are stretched
    (top,) = [b for b in pyramid_bars(fig) if b.xaxis == "x2" and b.name == "Manager"]
    at_top = dict(zip(top.y, top.x, strict=True))
    assert at_top[6] == pytest.approx(floor)  # 0.4 people, drawn at the minimum length
    at_four = {b.name: dict(zip(b.y, b.x, strict=True)) for b in pyramid_bars(fig)[:3]}
    assert at_four["Specialist"][4] + at_four["Manager"][4] == pytest.approx(floor)
    assert at_four["Specialist"][4] / at_four["Manager"][4] == pytest.approx(3 / 5)
    y = full_figure(fig).layout.yaxis.range
    assert y[0] < 1 and y[1] > 6  # the top grade is inside the plot


def test_the_heatmap_shows_engagement_by_grade_and_role(results: Results, colours) -> None:
    snap = figures.structure_at(results.table("structure"), 24)
    fig = figures.engagement_heatmap(snap, colours, 2)
    assert len(fig.data) == len(colours)
    z = np.concatenate([np.ravel(np.asarray(t.z, dtype=float)) for t in fig.data])
    z = z[~np.isnan(z)]
    assert ((z >= 0) & (z <= 1)).all()
    assert z.mean() == pytest.approx(snap["engagement"].mean(), rel=0.2)


def test_reluctant_managers_are_shares_with_intervals_inside_0_1(results: Results, colours) -> None:
    snap = figures.structure_at(results.table("structure"), 24)
    fig = figures.reluctant_figure(snap, colours, 2)
    assert [t.name for t in fig.data] == results.policies
    for t in fig.data:
        y = np.asarray(t.y, dtype=float)
        assert ((y >= 0) & (y <= 1)).all()
        top = y + np.nan_to_num(np.asarray(t.error_y.array, dtype=float))
        bottom = y - np.nan_to_num(np.asarray(t.error_y.arrayminus, dtype=float))
        assert (top <= 1 + 1e-9).all() and (bottom >= -1e-9).all()
    assert fig.layout.yaxis.tickformat == ".0%"


def test_flows_are_moves_per_year_between_roles(results: Results, colours) -> None:
    events, run = results.table("events"), results.manifest["scenario"]["run"]
    policy = results.policies[1]
    links = figures.flow_links(events, policy, run["years"], run["replications"])
    assert not (links["source"] == links["target"]).any()
    hires = ((events["policy"] == policy) & (events["event"] == "hire")).sum()
    total_hired = links.loc[links["source"] == "hired", "value"].sum()
    assert total_hired == pytest.approx(hires / (run["years"] * run["replications"]))
    assert {"voluntary", "specialist"} <= set(links["target"])
    assert "exit" not in set(links["target"])  # exits are named by their kind
    p_events = events[events["policy"] == policy]
    quits = (p_events["event"] == "voluntary").sum()
    total_quit = links.loc[links["target"] == "voluntary", "value"].sum()
    assert total_quit == pytest.approx(quits / (run["years"] * run["replications"]))
    fig = figures.flows_figure(links, policy, colours[policy])
    (sankey,) = fig.data
    assert isinstance(sankey, go.Sankey)
    assert len(sankey.link.value) == len(links)
    assert any(label.startswith("Left (voluntary) (") for label in sankey.node.label)
    assert policy in fig.layout.title.text


def test_flows_show_every_kind_of_exit_and_no_non_moves() -> None:
    """Each exit kind is its own target (a researcher's too, as the run's ``exit`` column
    records it); coaching and promotions within a track are not moves between roles."""
    rows = [
        ("hire", None, "ic"),
        ("voluntary", "ic", None),
        ("voluntary", "ic", None),
        ("retirement", "specialist", None),
        ("dismissal", "manager", None),
        ("layoff", "ic", None),  # an exit kind the plotting process has not registered
        ("mentored", "ic", None),  # nor this kind, which is no exit
        ("coached", "ic", None),
        ("promotion", "ic", "ic"),
        ("promotion", "ic", "manager"),
    ]
    events = pd.DataFrame(rows, columns=["event", "from_role", "to_role"]).assign(policy="p")
    events["exit"] = events["event"].isin(["voluntary", "retirement", "dismissal", "layoff"])
    links = figures.flow_links(events, "p", years=1, replications=2)
    got = {(s, t): v for s, t, v in links.itertuples(index=False)}
    assert got == {
        ("hired", "ic"): 0.5,
        ("ic", "voluntary"): 1.0,
        ("specialist", "retirement"): 0.5,
        ("manager", "dismissal"): 0.5,
        ("ic", "layoff"): 0.5,
        ("ic", "manager"): 0.5,
    }
    (sankey,) = figures.flows_figure(links, "p", "#0072B2").data
    labels = [label.rsplit(" (", 1)[0] for label in sankey.node.label]  # without the count
    assert {"Left (voluntary)", "Retired", "Dismissed", "Left (layoff)"} <= set(labels)
    drawn = {
        (labels[s], labels[t]) for s, t in zip(sankey.link.source, sankey.link.target, strict=True)
    }
    assert ("Manager", "Dismissed") in drawn and ("IC", "Left (layoff)") in drawn
    assert len(sankey.link.value) == len(links)


def test_flows_from_an_event_summary_are_those_of_every_event() -> None:
    """run.events: summary keeps the roles moved from and to, so its Sankey is the full one."""
    from orgsim import OrgModel

    frames = {
        keep: OrgModel({"organisation": {"size": 300}}, rng=4, events=keep)
        .run(2)
        .events_frame.assign(policy="p")
        for keep in ("all", "summary")
    }
    full, lean = (figures.flow_links(frames[k], "p", 2, 1) for k in ("all", "summary"))
    assert len(full) >= 4 and full["value"].sum() > 50
    pd.testing.assert_frame_equal(lean, full)


def test_the_sankey_shows_the_number_on_each_node_and_link() -> None:
    """Each node is labelled with the people per year leaving it (a source) or arriving (a
    target); each link's label names the move and its count."""
    links = pd.DataFrame(
        [("hired", "ic", 412.0), ("ic", "manager", 12.5), ("ic", "voluntary", 30.0),
         ("manager", "voluntary", 2.25), ("specialist", "retirement", 0.5)],
        columns=["source", "target", "value"],
    )  # fmt: skip
    (sankey,) = figures.flows_figure(links, "p", "#0072B2").data
    labels = list(sankey.node.label)
    sources = ["Hired from outside (412)", "IC (42)", "Manager (2.2)", "Specialist (0.5)"]
    targets = ["To IC (412)", "To manager (12)", "Left (voluntary) (32)", "Retired (0.5)"]
    assert set(sources + targets) <= set(labels), labels
    counts = dict(zip(labels, sankey.node.customdata, strict=True))
    assert counts["IC (42)"] == pytest.approx(42.5) and counts["Manager (2.2)"] == 2.25
    moves = dict(zip(sankey.link.label, sankey.link.value, strict=True))
    assert moves == {
        "Hired from outside → To IC: 412 a year": 412.0,
        "IC → To manager: 12 a year": 12.5,
        "IC → Left (voluntary): 30 a year": 30.0,
        "Manager → Left (voluntary): 2.2 a year": 2.25,
        "Specialist → Retired: 0.5 a year": 0.5,
    }
    assert "%{label}" in sankey.link.hovertemplate and "%{customdata" in sankey.node.hovertemplate
    assert sankey.textfont.size >= 13  # readable


def test_peter_view_plots_every_promoted_manager(results: Results, colours, comparison) -> None:
    managers = results.table("managers")
    fig = figures.peter_figure(managers, colours, comparison)
    assert sum(len(t.x) for t in fig.data) == len(managers)
    assert [t.marker.color for t in fig.data] == list(colours.values())
    titles = [a.text for a in fig.layout.annotations]
    assert all(any(t.startswith(p) and "r = " in t for t in titles) for p in results.policies)


def test_builders_do_not_modify_their_inputs(results: Results, colours, comparison) -> None:
    tables = {name: results.table(name) for name in ("structure", "managers", "events")}
    copies = {name: df.copy() for name, df in tables.items()}
    snap = figures.structure_at(tables["structure"], 12)
    figures.pyramid_figure(snap, colours, 1)
    figures.peter_figure(tables["managers"], colours, comparison)
    figures.flow_links(tables["events"], results.policies[0], 2, 3)
    for name, df in tables.items():
        pd.testing.assert_frame_equal(df, copies[name])


@pytest.mark.parametrize(
    ("low", "high", "better", "expected"),
    [
        (0.1, 0.2, "higher", "better"),
        (0.1, 0.2, "lower", "worse"),
        (-0.2, -0.1, "lower", "better"),
        (-0.2, 0.1, "higher", "unclear"),
        (np.nan, np.nan, "higher", "unclear"),
        (0.1, 0.2, "neither", "neutral"),
    ],
)
def test_verdicts_need_the_interval_to_exclude_zero(low, high, better, expected) -> None:
    assert verdict(low, high, better) == expected


def test_values_are_formatted_for_a_strategist() -> None:
    assert fmt(0.1234, "share") == "12.3%"
    assert fmt(-0.028, "share per year", signed=True) == "-2.8 pts"
    assert fmt(0.0135, "0..1", signed=True, ref=0.557) == "+0.013"
    assert fmt(8.34, "expertise") == "8.34" and fmt(np.nan, "0..1") == "n/a"


def test_cards_and_narrative_cover_the_key_measures(results: Results, comparison) -> None:
    cards = overview_cards(comparison, results.measures, KEY_MEASURES, results.baseline)
    assert [c.measure for c in cards] == list(KEY_MEASURES)
    assert all([r.policy for r in c.rows] == results.policies for c in cards)
    assert all(c.rows[0].verdict == "baseline" for c in cards)
    (paragraph,) = narrative(comparison, results.measures, KEY_MEASURES, results.baseline)
    assert paragraph.startswith(f"Compared with {results.baseline}, {results.policies[1]}")


def test_the_same_data_give_the_same_figure(results: Results, colours) -> None:
    """Builders are pure: no files, globals or randomness behind them."""
    snap = figures.structure_at(results.table("structure"), 12)
    a = figures.pyramid_figure(snap, colours, 1).to_json()
    assert figures.pyramid_figure(snap.copy(), colours, 1).to_json() == a


def full_figure(fig):
    """plotly's laid-out figure (drawn by kaleido in Chromium), tried twice: on a loaded
    machine kaleido's page is sometimes not ready ('kaleido_scopes is not defined')."""
    try:
        return fig.full_figure_for_development(warn=False)
    except RuntimeError:
        time.sleep(1)
        return fig.full_figure_for_development(warn=False)
