"""Global sensitivity and robustness of a policy's advantage over the baseline.

The scenario's ``uncertainties`` (dotted path -> low/high) span the plausible worlds. SALib
draws a design over them (Morris screening by default, Sobol on request); each design point is
run under the baseline and the compared policy with common random numbers, and the output is
the paired difference in each key measure and in the business case's net value and pay bill.
Results: SALib's indices with confidence intervals, the share of worlds in which the policy
beats the baseline, and a depth-2 decision tree that says which parameter ranges flip the
verdict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from sklearn.tree import DecisionTreeClassifier

from orgsim.experiment import run_experiment
from orgsim.measures import KEY_MEASURES, Measure
from orgsim.money import KEY_MONEY_MEASURES, MoneyError, value_folder
from orgsim.results import Results, ResultsError, atomic_write_text, write_table
from orgsim.scenario import Scenario, ScenarioError

Method = Literal["morris", "sobol"]


@dataclass
class Sensitivity:
    """Indices per (measure, parameter), robustness per measure, and the verdict rules."""

    indices: pd.DataFrame
    robustness: pd.DataFrame
    rules: dict[str, str]


def problem(scenario: Scenario) -> dict:
    """The SALib problem of the scenario's uncertainties."""
    if not scenario.uncertainties:
        raise ScenarioError(
            "uncertainties: none given; add e.g. `uncertainties: {workforce.share_wanting_to_lead: "
            "{low: 0.15, high: 0.47}}` to the scenario"
        )
    names = list(scenario.uncertainties)
    bounds = [[u.low, u.high] for u in scenario.uncertainties.values()]
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def design(scenario: Scenario, method: Method, samples: int) -> np.ndarray:
    """The sample matrix: Morris trajectories or Saltelli/Sobol points."""
    prob, seed = problem(scenario), scenario.run.seed
    if method == "morris":
        return morris_sample.sample(prob, samples, num_levels=4, seed=seed)
    return sobol_sample.sample(prob, samples, calc_second_order=False, seed=seed)


def compared_policies(scenario: Scenario, policies: str | list[str] | None) -> list[str]:
    """The policies compared with the baseline: those named, or every non-baseline one."""
    others = [p for p in scenario.policy_names if p != scenario.baseline]
    if not others:  # nothing to compare, whatever --policy says
        raise ScenarioError(
            f"policies: only the baseline {scenario.baseline!r}; a sensitivity analysis compares "
            "another policy with it: add a second policy"
        )
    if scenario.sweep is not None:  # the design's points would silently replace it
        raise ScenarioError(
            "sweep: a sensitivity analysis samples its own points from 'uncertainties'; remove "
            "the sweep (or move its parameters into uncertainties), or run it with orgsim run"
        )
    if policies is None:
        policies = others
    policies = [policies] if isinstance(policies, str) else list(policies)
    bad = [p for p in policies if p not in others]
    if bad or not policies:
        raise ScenarioError(
            f"--policy: {bad[0] if bad else None!r} must be a non-baseline policy of the scenario"
            f" (one of: {', '.join(others) or 'none; add a second policy'})"
        )
    return list(dict.fromkeys(policies))


def design_scenario(scenario: Scenario, policy: str | list[str] | None, x: np.ndarray) -> Scenario:
    """The experiment: the baseline and the compared policies at every design point. Its runs
    keep a summary of their events (counts, enough for the business case and the flows)
    unless the scenario sets ``run.events``: thousands of runs' single events fill gigabytes."""
    policies = compared_policies(scenario, policy)
    names = list(scenario.uncertainties)
    ints = [scenario.uncertainties[n].integer for n in names]
    points = [
        {n: (round(float(v)) if i else float(v)) for n, v, i in zip(names, row, ints, strict=True)}
        for row in x
    ]
    data = scenario.model_dump(mode="json")
    if "events" not in scenario.run.model_fields_set:
        data["run"]["events"] = "summary"
    data["sweep"] = {"method": "points", "points": points,
                     "parameters": data["uncertainties"]}  # fmt: skip
    keep = {scenario.baseline, *policies}
    data["policies"] = [p for p in data["policies"] if p["name"] in keep]
    return Scenario.model_validate(data)


def paired_outputs(results: Results, policy: str, measures: tuple[str, ...]) -> pd.DataFrame:
    """Per design point and measure: mean over replications of policy - baseline."""
    s = results.outcomes()
    s = s[s["measure"].isin(measures)]
    wide = s.pivot_table(index=["point", "replication", "measure"], columns="policy",
                         values="value", dropna=False)  # fmt: skip
    diff = (wide[policy] - wide[results.baseline]).groupby(["point", "measure"]).mean()
    return diff.unstack("measure").sort_index()


def analyse(prob: dict, x: np.ndarray, y: pd.DataFrame, method: Method, seed: int) -> pd.DataFrame:
    """SALib indices with 95% confidence intervals, one row per measure and parameter."""
    rows = []
    for measure in y.columns:
        out = y[measure].to_numpy()
        if np.isnan(out).any():
            continue  # a measure undefined in some worlds (e.g. no specialists) has no index
        if method == "morris":
            res = morris_analyze.analyze(prob, x, out, conf_level=0.95, num_levels=4, seed=seed)
            cols = {"mu_star": "mu_star", "mu_star_conf": "mu_star_conf", "sigma": "sigma"}
        else:
            res = sobol_analyze.analyze(prob, out, calc_second_order=False, seed=seed)
            cols = {"S1": "S1", "S1_conf": "S1_conf", "ST": "ST", "ST_conf": "ST_conf"}
        for i, name in enumerate(prob["names"]):
            rows.append({"measure": measure, "parameter": name,
                         **{k: float(res[v][i]) for k, v in cols.items()}})  # fmt: skip
    return pd.DataFrame(rows)


def beats(y: pd.DataFrame, meta: dict[str, Measure]) -> pd.DataFrame:
    """Whether the policy is better than the baseline at each point, per measure."""
    out = {}
    for measure in y.columns:
        better = meta[measure].better if measure in meta else "neither"
        if better != "neither":
            out[measure] = y[measure] > 0 if better == "higher" else y[measure] < 0
    return pd.DataFrame(out)


def verdict_rules(x: np.ndarray, wins: pd.DataFrame, names: list[str]) -> dict[str, str]:
    """A depth-2 decision tree per measure: which parameter ranges flip the verdict."""
    rules = {}
    for measure in wins.columns:
        labels = wins[measure].to_numpy()
        if labels.all() or not labels.any():
            rules[measure] = "same verdict in every sampled world"
            continue
        tree = DecisionTreeClassifier(max_depth=2, min_samples_leaf=3, random_state=0)
        tree.fit(x, labels)
        rules[measure] = tree_rules(tree, names)
    return rules


def tree_rules(tree: DecisionTreeClassifier, names: list[str]) -> str:
    """The tree as indented if/else lines, with splits whose sides agree merged away; each
    verdict says in how many of its sampled worlds it holds (a leaf is a majority, not all)."""
    t = tree.tree_

    def verdict(node: int) -> str | None:  # the single verdict of a subtree, if it has one
        if t.children_left[node] < 0:
            return "better" if t.value[node][0].argmax() == 1 else "worse"
        left, right = verdict(t.children_left[node]), verdict(t.children_right[node])
        return left if left == right else None

    def counted(node: int) -> str:  # how many of the node's worlds back its verdict
        n, share = int(t.n_node_samples[node]), t.value[node][0][1] / t.value[node][0].sum()
        agree = round(share * n) if verdict(node) == "better" else n - round(share * n)
        return f"{verdict(node)} (in {agree} of its {n} sampled worlds)"

    def lines(node: int, depth: int) -> list[str]:
        pad = "|   " * depth
        if verdict(node) is not None:
            return [f"{pad}|--- {counted(node)}"]
        split = f"{names[t.feature[node]]} <= {t.threshold[node]:.3g}"
        low, high = t.children_left[node], t.children_right[node]
        return [f"{pad}|--- {split}", *lines(low, depth + 1),
                f"{pad}|--- not ({split})", *lines(high, depth + 1)]  # fmt: skip

    return "\n".join(lines(0, 0))


def value_for_sensitivity(folder: Path) -> bool:
    """Write the business case of the design's runs; False (and no money outputs) when the
    results cannot be valued, e.g. a run that kept no events."""

    try:
        valuation = value_folder(folder)
    except (MoneyError, ResultsError, ValueError, KeyError):
        return False
    return bool(valuation.summary["value"].notna().all())


def run_sensitivity(
    scenario: Scenario,
    folder: Path,
    policy: str | list[str] | None = None,
    method: Method = "morris",
    samples: int = 10,
    workers: int | None = None,
    force: bool = False,
    resume: bool = False,
    progress=None,
) -> Sensitivity:
    """Run the design and analyse it for each compared policy (``policy``: one, several, or
    None for every non-baseline policy, each paired with the baseline at every point); saves
    sensitivity.parquet and robustness.parquet (one block per policy) and rules.json (the
    verdict rules of the first compared policy) in ``folder`` beside the results tables."""
    policies = compared_policies(scenario, policy)
    x_all = design(scenario, method, samples)
    experiment = design_scenario(scenario, policies, x_all)
    results = run_experiment(experiment, folder, workers, resume, force, progress)
    valued = value_for_sensitivity(folder)
    outputs = KEY_MEASURES + (KEY_MONEY_MEASURES if valued else ())
    prob = problem(scenario)
    indices, robustness, rules = [], [], {}
    for name in policies:
        y = paired_outputs(results, name, outputs)
        x = x_all[y.index.to_numpy()]
        idx = analyse(prob, x, y, method, scenario.run.seed)
        indices.append(idx.assign(method=method, policy=name))
        wins = beats(y, results.outcome_measures)
        robustness.append(pd.DataFrame({"measure": wins.columns, "policy": name,
                                        "share_better": wins.mean().to_numpy(),
                                        "worlds": len(wins)}))  # fmt: skip
        if name == policies[0]:
            rules = verdict_rules(x, wins, prob["names"])
    indices, robustness = pd.concat(indices, ignore_index=True), pd.concat(robustness)
    robustness = robustness.reset_index(drop=True)
    write_table(indices, folder / "sensitivity.parquet")
    write_table(robustness, folder / "robustness.parquet")
    atomic_write_text(folder / "rules.json", json.dumps(rules, indent=2))
    return Sensitivity(indices, robustness, rules)
