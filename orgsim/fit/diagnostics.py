"""How good is the fit? Each parameter's posterior against its prior, each statistic observed
against simulated, and one overall check of whether the model can produce data like these.

- A parameter is *not pinned down* when the data narrow its 90% interval by less than half
  of the prior's (the posterior then mostly repeats the prior's assumption).
- The overall check asks whether data like the organisation's are typical of the model at
  its best-fitting values: simulations there (the mean of the tenth of the last population
  closest to the data, ``abc.closest_point``) give each fitted statistic's
  mean and spread there, and T = sum of squared standardised distances from those means is
  compared with the same T of each simulation (its reference: the other simulations). The
  p-value is the share of simulations at least as far out as the data (a posterior predictive
  check in the sense of Gelman, Meng & Stern 1996, at a plug-in point). Parameter uncertainty
  is left out, so a misfit of pattern (e.g. leavers by grade) is not hidden by the spread of
  the level; as the data chose the point, the check is lenient, and a flagged fit is poor
  indeed. Below 0.05 the fit is flagged: the model does not make data like these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgsim.fit.priors import Prior
from orgsim.fit.statistics import Statistic

#: Thresholds (assumptions; docs/fitting.md): shrinkage of the 90% interval below which a
#: parameter is not pinned down, the p-value below which a fit is poor, the share of the
#: prior's range at either end where a posterior median counts as pushed against a bound,
#: and the smallest spread of a statistic (1 point on a 0..1 scale: counts are whole numbers).
MIN_SHRINKAGE = 0.5
POOR_FIT_P = 0.05
EDGE = 0.05
MIN_SPREAD = 0.01


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: list[float]) -> np.ndarray:
    """Quantiles of a weighted sample (the inverse of its weighted distribution function)."""
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cdf = np.cumsum(w) / np.sum(w)
    return np.array([v[min(np.searchsorted(cdf, q), len(v) - 1)] for q in qs])


def parameter_table(posterior: pd.DataFrame, priors: list[Prior]) -> pd.DataFrame:
    """Per parameter: prior range and 90% interval, posterior median and 90% interval, the
    shrinkage of the interval, and a warning where the data do not pin the value down."""
    rows = []
    w = posterior["weight"].to_numpy()
    for prior in priors:
        values = posterior[prior.path].to_numpy()
        q05, q50, q95 = weighted_quantiles(values, w, [0.05, 0.5, 0.95])
        p05, p95 = prior.quantile(0.05), prior.quantile(0.95)
        shrinkage = 1 - (q95 - q05) / (p95 - p05)
        edge = EDGE * (prior.high - prior.low)
        at_edge = q50 < prior.low + edge or q50 > prior.high - edge
        warning = ""
        if shrinkage < MIN_SHRINKAGE:
            warning = (
                f"the data cannot pin down {prior.path}: its 90% interval is "
                f"{100 * (1 - shrinkage):.0f}% as wide as the prior's, so results that depend "
                "on it mostly repeat the prior's assumption"
            )
        if at_edge:
            warning += ("; " if warning else "") + (
                f"the posterior of {prior.path} presses against its prior's bound "
                f"({prior.low:g}-{prior.high:g}): the organisation may lie outside the range "
                "assumed possible"
            )
        rows.append(
            {
                "parameter": prior.path,
                "prior_low": prior.low,
                "prior_high": prior.high,
                "prior_q05": p05,
                "prior_q95": p95,
                "mean": float(np.sum(values * w) / np.sum(w)),
                "median": q50,
                "q05": q05,
                "q95": q95,
                "shrinkage": shrinkage,
                "pinned": bool(shrinkage >= MIN_SHRINKAGE and not at_edge),
                "warning": warning,
                "source": prior.source,
                "informed_by": prior.informed_by,
            }
        )
    return pd.DataFrame(rows)


def statistic_table(
    observed: dict[str, float],
    predictive: pd.DataFrame,
    statistics: list[Statistic],
    scale: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Per statistic: observed, the simulated median and 90% interval (posterior predictive),
    whether the observation lies inside it, and its two-sided predictive tail probability.
    Mean engagement is shown on the survey's own scale."""
    rows = []
    for stat in statistics:
        sims = predictive[stat.name].to_numpy(float)
        obs = float(observed[stat.name])
        lo, mid, hi = np.quantile(sims, [0.05, 0.5, 0.95])
        tail = min(1.0, 2 * min(np.mean(sims <= obs), np.mean(sims >= obs)))
        unit = stat.unit
        if stat.name.startswith("engagement_mean") and scale is not None:
            a, b = scale
            obs, lo, mid, hi = (a + (b - a) * x for x in (obs, lo, mid, hi))
            unit = f"score ({a:g}-{b:g})"
        rows.append(
            {
                "statistic": stat.name,
                "label": stat.label,
                "group": stat.group,
                "unit": unit,
                "fitted": stat.fitted,
                "observed": obs,
                "simulated_median": float(mid),
                "simulated_low": float(lo),
                "simulated_high": float(hi),
                "inside": bool(lo <= obs <= hi),
                "tail_probability": float(tail),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class FitCheck:
    """The overall check: the data's discrepancy, the p-value, and the verdict."""

    discrepancy: float
    p_value: float
    statistics: int
    replicates: int

    @property
    def poor(self) -> bool:
        """Whether the fit is flagged as poor."""
        return self.p_value < POOR_FIT_P

    def text(self) -> str:
        """The verdict in a sentence."""
        if self.poor:
            return (
                f"POOR FIT: the model cannot reproduce these data (fit check p = "
                f"{self.p_value:.3f} < {POOR_FIT_P}: none or few of {self.replicates} "
                "simulations at the fitted values lie as far from the model's typical "
                f"statistics as the data, over {self.statistics} fitted statistics). Results "
                "run on this fit describe the model's organisation, not necessarily yours: see "
                "the statistics marked below, and what the model leaves out."
            )
        return (
            f"Adequate fit: data like these are typical of the fitted model (fit check p = "
            f"{self.p_value:.2f} over {self.statistics} fitted statistics and "
            f"{self.replicates} simulations)."
        )


def fit_check(observed: dict[str, float], sample: pd.DataFrame, names: list[str]) -> FitCheck:
    """The fit check on the fitted statistics ``names``, against ``sample`` (simulations at
    the best-fitting values). Each simulation's T uses the mean and spread of the others (leave
    one out), so a simulation is judged exactly as the data are."""
    y = sample[names].to_numpy(float)
    k = len(y)
    x = np.array([observed[n] for n in names], float)
    mean, sd = y.mean(axis=0), np.maximum(y.std(axis=0, ddof=1), MIN_SPREAD)
    t_obs = float(np.sum(((x - mean) / sd) ** 2))
    total, squares = y.sum(axis=0), (y**2).sum(axis=0)
    m_loo = (total - y) / (k - 1)
    var_loo = (squares - y**2 - (k - 1) * m_loo**2) / (k - 2)
    sd_loo = np.maximum(np.sqrt(np.maximum(var_loo, 0)), MIN_SPREAD)
    t_rep = np.sum(((y - m_loo) / sd_loo) ** 2, axis=1)
    p = float((np.sum(t_rep >= t_obs) + 1) / (k + 1))
    return FitCheck(t_obs, p, len(names), k)
