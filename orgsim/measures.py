"""Measures as data: each declares name, label, unit, direction and summary, and is computed
from the model's state and the events since the last recording.

The built-in measures (``MEASURES``) are made exactly like a researcher's: a ``Measure`` with a
``compute(model)`` function. A measure may take parameters (``Params``, bound with
``with_params``). ``summary`` says how a run is summarised: ``final``, ``final_year_mean``,
``max`` or ``mean_last:K`` (the mean of the last K recorded steps). A measure with ``by`` set
(for example ``by="grade"``) returns one value per category, ``{category: value}``: it is
stored in long form (the ``profiles`` table) and summarised per category as ``name[category]``.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel

from orgsim.events import voluntary_kinds
from orgsim.hierarchy import IC, MANAGER, ROLE_NAMES, SPECIALIST, post_pay
from orgsim.people import MAY_BE_NAN

if TYPE_CHECKING:
    import pandas as pd

    from orgsim.model import OrgModel

SUMMARIES = ("final", "final_year_mean", "max", "mean_last:K")
_LEGACY = {"final_year": "final_year_mean"}  # the 0.1 name, still read from old results


def _is_series(value: object) -> bool:
    """Whether ``value`` is a pandas Series (pandas is imported only where a frame is made)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.Series)


def normalise_summary(summary: str | dict[str, int]) -> str:
    """'final', 'final_year_mean', 'max' or 'mean_last:K' from a string or {mean_last: K}."""
    if isinstance(summary, dict) and set(summary) == {"mean_last"}:
        summary = f"mean_last:{int(summary['mean_last'])}"
    summary = _LEGACY.get(summary, summary) if isinstance(summary, str) else summary
    if not isinstance(summary, str) or not (
        summary in SUMMARIES[:3] or re.fullmatch(r"mean_last:[1-9]\d*", summary)
    ):
        raise ValueError(f"summary {summary!r}: use one of {', '.join(SUMMARIES)}")
    return summary


@dataclass(frozen=True)
class Measure:
    """One measure: metadata, how a run is summarised, and ``compute(model) -> float`` (or
    ``compute(model, params)`` for a measure with ``Params``). Every measure sees the events
    since the last recording; one that reads older events (``model.events_frame``) sets
    ``needs_event_history``, and fails clearly in a run that does not keep every event. A
    measure that can be undefined (a mean over a group that may be empty) sets ``nan_ok``; any
    other NaN is an error, as it means a rule wrote NaN into someone's attributes."""

    name: str
    label: str
    unit: str
    better: Literal["higher", "lower", "neither"] = "neither"
    summary: str = "final_year_mean"
    compute: Callable[..., float] | None = None
    Params: type[BaseModel] | None = None
    params: BaseModel | None = field(default=None, compare=False)
    needs_event_history: bool = False
    by: str | None = None
    nan_ok: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", normalise_summary(self.summary))
        if self.Params is not None and self.params is None:
            object.__setattr__(self, "params", self.Params())

    def with_params(self, values: dict[str, Any], name: str | None = None) -> Measure:
        """A copy with these parameters (checked by ``Params``), optionally renamed."""
        if self.Params is None:
            raise TypeError(f"measure {self.name!r} takes no parameters")
        return replace(self, name=name or self.name, params=self.Params.model_validate(values))

    def value(self, model: OrgModel) -> Any:
        """The measure now: a number, or ``{category: number}`` for a measure ``by`` category."""
        if self.Params is not None:
            return self.compute(model, self.params)
        return self.compute(model)

    def summarise(self, values: np.ndarray | pd.Series, step_months: int) -> float:
        """One run's summary of the recorded values; a mean or maximum skips NaN (as pandas
        does, to the same bits: NaN counted as 0 in the sum, not in the count)."""
        v = np.asarray(values, dtype=float)
        if v.size == 0:
            return float("nan")
        if self.summary == "final":
            return float(v[-1])
        if self.summary == "max":
            known = v[~np.isnan(v)]
            return float(known.max()) if known.size else float("nan")
        k = max(12 // step_months, 1) if self.summary == "final_year_mean" else None
        tail = v[-(k or int(self.summary.split(":")[1])) :]
        unknown = np.isnan(tail)
        count = tail.size - np.count_nonzero(unknown)
        return float(np.where(unknown, 0.0, tail).sum() / count) if count else float("nan")

    def describe(self) -> dict[str, Any]:
        """Metadata for the results manifest."""
        meta = {"label": self.label, "unit": self.unit, "better": self.better,
                "summary": self.summary}  # fmt: skip
        return meta | ({"by": self.by} if self.by else {})


# --- shared per-recording quantities -----------------------------------------------------------
def skill_percentile(skill: np.ndarray, active: np.ndarray, bins: int = 1000) -> np.ndarray:
    """Each row's skill rank among the employed, 0..1, from a 1,000-bin histogram (O(n))."""
    scaled = skill * bins
    scaled[np.isnan(scaled)] = 0  # free rows in the first bin (np.nan_to_num, but cheaper)
    idx = np.minimum(scaled.astype(np.int64), bins - 1)
    counts = np.bincount(idx[active], minlength=bins)
    below = np.cumsum(counts) - counts / 2  # mid-rank within the bin
    return below[idx] / max(np.count_nonzero(active), 1)


def team_output_by_member(model: OrgModel, expertise: np.ndarray | None = None) -> np.ndarray:
    """Output of each practitioner row: expertise (0.5 + 0.5 e) (0.5 + q_manager); 0 otherwise.
    ``expertise``: ``model.expertise()`` when the caller has it already."""
    p = model.people
    practises = (p.role >= 0) & (p.role != MANAGER)
    expertise = model.expertise() if expertise is None else expertise
    out = expertise * (0.5 + 0.5 * p.engagement) * (0.5 + model.manager_q())
    return np.where(practises, out, 0.0)


def practitioner_team_output(model: OrgModel, output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per manager *position*: team output per practitioner position reporting to it, and the
    number of those positions (0 for a manager whose reports are all managers)."""
    lay, holder = model.recorder.layout, model.holder
    by_position = np.where(holder >= 0, output[holder], 0.0)  # a vacant post's is 0
    team_sum = np.bincount(lay.led_by, weights=by_position[lay.led], minlength=len(holder))
    mean = np.full(len(holder), np.nan)  # a post leading no practitioner: NaN, as 0 / 0
    np.divide(team_sum, lay.team_n, out=mean, where=lay.team_n > 0)
    return mean, lay.team_n


def peter_signature(model: OrgModel, output: np.ndarray, min_managers: int = 10) -> float:
    """Partial correlation, over managers promoted in this run and in post 12+ months who lead
    practitioners, of their pre-promotion performance with their team's output per
    practitioner position, within grade and controlling for the promotion date: pooling
    grades, or early and late promotions, correlates the two through seniority and time."""
    p, team_n = model.people, model.recorder.layout.team_n
    seasoned = (p.promoted_month >= 0) & (model.month - p.promoted_month >= 12)
    rows = np.flatnonzero(seasoned & (p.role == MANAGER))
    rows = rows[team_n[p.position[rows]] > 0]
    if rows.size < min_managers:
        return float("nan")
    grades = p.grade[rows]
    n = np.bincount(grades)
    if rows.size <= np.count_nonzero(n) + 2:  # no more managers than controls + 2
        return float("nan")
    team_mean = practitioner_team_output(model, output)[0]
    # Frisch-Waugh-Lovell: demean within grade, then take out the promotion month's slope;
    # the same residuals as a least-squares fit on grade indicators and the month.
    columns = [p.pre_promotion_performance[rows], team_mean[p.position[rows]],
               p.promoted_month[rows].astype(float)]  # fmt: skip
    n = np.maximum(n, 1)  # a grade with no managers: its mean is never read
    x, y, month = (v - (np.bincount(grades, weights=v) / n)[grades] for v in columns)
    spread = month @ month
    if spread > 0:
        x, y = x - (x @ month / spread) * month, y - (y @ month / spread) * month
    x, y = x - np.add.reduce(x) / x.size, y - np.add.reduce(y) / y.size  # as np.mean, cheaper
    sxx, syy = float(x @ x), float(y @ y)
    if sxx < 1e-24 * x.size or syy < 1e-24 * y.size:  # an sd under 1e-12: no correlation
        return float("nan")
    r = float(x @ y) / math.sqrt(sxx * syy)  # np.corrcoef's value to rounding, cheaper
    return min(1.0, max(-1.0, r)) if math.isfinite(r) else float("nan")  # max() drops a NaN


class Snapshot:
    """What several built-in measures share at one recording, each computed on first use."""

    def __init__(self, model: OrgModel, layout: Layout) -> None:
        self.model, self.layout = model, layout

    @cached_property
    def cells(self) -> Cells:
        return Cells.of(self.model, self.layout)

    @cached_property
    def headcount(self) -> int:
        return max(int(self.cells.count.sum()), 1)

    @cached_property
    def per_year(self) -> float:
        return 12 / self.model.step_months

    @cached_property
    def expertise(self) -> np.ndarray:
        return self.model.expertise()

    @cached_property
    def output(self) -> np.ndarray:
        return team_output_by_member(self.model, self.expertise)

    @cached_property
    def managers(self) -> np.ndarray:
        return np.flatnonzero(self.model.people.role == MANAGER)

    @cached_property
    def leavers(self) -> dict[str, np.ndarray]:
        cols = ("from_role", "motivation", "top_quartile", "expertise")
        return self.model.events.recent(*voluntary_kinds(), columns=cols)

    @cached_property
    def moves(self) -> dict[str, np.ndarray]:
        return self.model.events.recent("promotion", columns=("from_role", "to_role"))


@dataclass(frozen=True)
class Layout:
    """What the measures need of the chart, worked out once as it does not change in a run: the
    (grade, role) cells (which cell each is, positions per cell, each post's cell) and the
    practitioner teams (posts led by a manager post, and how many per manager post)."""

    size: int
    cell_role: np.ndarray
    cell_grade: np.ndarray
    positions: np.ndarray
    top: int
    cell_of_post: np.ndarray  # per position, then the extra cell of "no post" last
    led: np.ndarray
    led_by: np.ndarray
    team_n: np.ndarray
    practitioner_positions: int
    _pay: dict[tuple[float, float], np.ndarray] = field(default_factory=dict, compare=False)

    @staticmethod
    def of(model: OrgModel) -> Layout:
        h = model.hierarchy
        top = int(h.grade.max())
        size = top * 3
        cell = (h.grade.astype(np.int64) - 1) * 3 + h.role
        led = np.flatnonzero((h.manager >= 0) & (h.role != MANAGER))
        team_n = np.bincount(h.manager[led], minlength=h.size)
        team_n.flags.writeable = False  # shared by every recording (practitioner_team_output)
        return Layout(size, np.arange(size) % 3, np.arange(size) // 3 + 1,
                      np.bincount(cell, minlength=size), top, np.append(cell, size),
                      led, h.manager[led], team_n,
                      max(int((h.role != MANAGER).sum()), 1))  # fmt: skip

    def pay(self, pay_step: float, specialist_pay_ratio: float) -> np.ndarray:
        """Monthly pay of a post in each cell (kept per pay levers)."""
        key = (pay_step, specialist_pay_ratio)
        if key not in self._pay:
            self._pay[key] = post_pay(self.cell_grade, self.cell_role, *key)
        return self._pay[key]


@dataclass(frozen=True)
class Cells:
    """Sums per (grade, role) cell for one recording: the measures by role and grade and the
    structure table all come from these few bincounts."""

    positions: np.ndarray
    count: np.ndarray
    engagement: np.ndarray
    engaged: np.ndarray
    reluctant: np.ndarray
    skill: np.ndarray

    @staticmethod
    def of(model: OrgModel, layout: Layout) -> Cells:
        """The cell sums of the model now."""
        p, params = model.people, model.params
        # A row's cell is its post's; free rows (position -1) fall in an extra last cell,
        # dropped. Each cell sums its people in row order, as over the employed rows alone.
        c = layout.cell_of_post[p.position]

        def total(weights: np.ndarray) -> np.ndarray:
            return np.bincount(c, weights=weights, minlength=layout.size + 1)[:-1]

        # One pass counts the people, the engaged and the reluctant of each cell: the code's
        # two low bits are the flags (engaged 2, reluctant 1).
        e = p.engagement
        flags = (e >= params.engagement.engaged_threshold) * 2 + (
            p.motivation < params.promotion.reluctance_threshold
        )
        n = np.bincount(c * 4 + flags, minlength=(layout.size + 1) * 4).reshape(-1, 4)[:-1]
        return Cells(
            positions=layout.positions,
            count=n.sum(axis=1),
            engagement=total(e),
            engaged=(n[:, 2] + n[:, 3]).astype(float),
            reluctant=(n[:, 1] + n[:, 3]).astype(float),
            skill=total(p.skill),
        )

    def mean(self, values: np.ndarray, mask: np.ndarray) -> float:
        """Sum of ``values`` over the cells in ``mask``, per person in them."""
        n = self.count[mask].sum()
        return float(values[mask].sum() / n) if n else float("nan")


def _now(model: OrgModel) -> Snapshot:
    return model.recorder.snapshot


def _role_engagement(role: int) -> Callable[[OrgModel], float]:
    """Mean engagement of one role (NaN when nobody holds it)."""

    def compute(model: OrgModel) -> float:
        s = _now(model)
        return s.cells.mean(s.cells.engagement, s.layout.cell_role == role)

    return compute


def _middle_manager_engagement(model: OrgModel) -> float:
    s = _now(model)
    lay = s.layout
    return s.cells.mean(s.cells.engagement, (lay.cell_role == MANAGER) & (lay.cell_grade < lay.top))


def _reluctant_share(model: OrgModel) -> float:
    s = _now(model)
    mgr = s.layout.cell_role == MANAGER
    return float(s.cells.reluctant[mgr].sum() / max(s.cells.count[mgr].sum(), 1))


def _new_manager_reluctant_share(model: OrgModel) -> float:
    p, m, rows = model.people, model.month, _now(model).managers
    promoted, hired = p.promoted_month[rows], p.hire_month[rows]
    recent = rows[((promoted >= 0) & (promoted >= m - 24)) | ((hired > 0) & (hired >= m - 24))]
    if recent.size == 0:
        return float("nan")
    reluctant = p.motivation[recent] < model.params.promotion.reluctance_threshold
    return np.count_nonzero(reluctant) / recent.size  # the mean of a mask (exactly)


def _reluctant_manager_turnover(model: OrgModel) -> float:
    """Reluctant managers who resigned, per reluctant manager (those now + those who left)."""
    s, tau = _now(model), model.params.promotion.reluctance_threshold
    left = s.leavers
    gone = int(
        (
            (left.get("from_role", np.empty(0)) == MANAGER)
            & (left.get("motivation", np.empty(0)) < tau)
        ).sum()
    )
    now = int(s.cells.reluctant[s.layout.cell_role == MANAGER].sum())
    return gone / max(now + gone, 1) * s.per_year


def _manager_quality(model: OrgModel) -> float:
    q = model.people.manager_quality[_now(model).managers]
    if not np.isfinite(q).any():
        return float("nan")
    unrated = np.isnan(q)  # np.nanmean(q)'s arithmetic, without its overhead
    return float(np.where(unrated, 0.0, q).sum() / (q.size - np.count_nonzero(unrated)))


def _technical_capability(model: OrgModel) -> float:
    p = model.people
    practises = (p.role >= 0) & (p.role != MANAGER)
    return float(_now(model).expertise[practises].sum() / _now(model).layout.practitioner_positions)


def _pay_bill(model: OrgModel) -> float:
    s, p = _now(model), model.params
    pay = s.layout.pay(p.organisation.pay_step, p.policy.specialist_pay_ratio)
    return float((pay * s.cells.count).sum() * 12)


def _events_per_year(*kinds: str) -> Callable[[OrgModel], float]:
    def compute(model: OrgModel) -> float:
        return model.events.count(*kinds) * _now(model).per_year

    return compute


def _moves_into(role: int) -> Callable[[OrgModel], float]:
    def compute(model: OrgModel) -> float:
        s = _now(model)
        moved = s.moves
        if moved["person_id"].size == 0:
            return 0.0
        return float(((moved["to_role"] == role) & (moved["from_role"] != role)).sum()) * s.per_year

    return compute


def _voluntary_exits(model: OrgModel) -> float:
    """Voluntary exits of every registered voluntary kind, per year."""
    return _now(model).leavers["person_id"].size * _now(model).per_year


def _turnover(model: OrgModel) -> float:
    s = _now(model)
    return s.leavers["person_id"].size / s.headcount * s.per_year


def _regretted(model: OrgModel) -> float:
    s = _now(model)
    top = s.leavers.get("top_quartile", np.empty(0))
    return np.count_nonzero(top == 1) / max(s.headcount / 4, 1) * s.per_year


def _walked_out(model: OrgModel) -> float:
    s = _now(model)
    return float(np.sum(s.leavers.get("expertise", 0.0))) / s.headcount * 100 * s.per_year


def _coaching_cost(model: OrgModel) -> float:
    cost = model.params.policy.coaching_cost
    return model.events.count("coached") * cost * _now(model).per_year


_M = Measure
MEASURES: dict[str, Measure] = {
    m.name: m
    for m in [
        _M("engagement", "Mean engagement", "0..1", "higher",
           compute=lambda m: float(_now(m).cells.engagement.sum() / _now(m).headcount)),
        _M("engaged_share", "Share engaged (Gallup 'engaged')", "share", "higher",
           compute=lambda m: float(_now(m).cells.engaged.sum() / _now(m).headcount)),
        _M("engagement_ic", "Engagement of individual contributors", "0..1", "higher",
           compute=_role_engagement(IC), nan_ok=True),
        _M("engagement_specialist", "Engagement of specialists", "0..1", "higher",
           compute=_role_engagement(SPECIALIST), nan_ok=True),
        _M("engagement_manager", "Engagement of managers", "0..1", "higher",
           compute=_role_engagement(MANAGER), nan_ok=True),
        _M("middle_manager_engagement", "Engagement of managers below the top grade", "0..1",
           "higher", compute=_middle_manager_engagement, nan_ok=True),
        _M("voluntary_turnover", "Voluntary turnover", "share per year", "lower",
           compute=_turnover),
        _M("regretted_turnover", "Turnover of the top skill quartile", "share per year",
           "lower", compute=_regretted),
        _M("reluctant_manager_turnover", "Turnover of reluctant managers", "share per year",
           "neither", compute=_reluctant_manager_turnover),
        _M("reluctant_manager_share", "Managers who do not want to lead", "share", "lower",
           compute=_reluctant_share),
        _M("new_manager_reluctant_share",
           "Managers appointed in the last 2 years who do not want to lead", "share", "lower",
           compute=_new_manager_reluctant_share, nan_ok=True),
        _M("manager_quality", "Mean manager quality", "0..1", "higher",
           compute=_manager_quality, nan_ok=True),
        _M("expertise_walked_out", "Expertise that walked out",
           "expertise per 100 staff per year", "lower", compute=_walked_out),
        _M("expertise_idle_in_management", "Technical skill idled in management roles",
           "share of all skill", "lower",
           compute=lambda m: float(_now(m).cells.skill[_now(m).layout.cell_role == MANAGER].sum()
                                   / max(_now(m).cells.skill.sum(), 1e-12))),
        _M("technical_capability", "Working technical capability", "expertise per position",
           "higher", compute=_technical_capability),
        _M("team_output", "Team output", "output per practitioner position", "higher",
           compute=lambda m: float(_now(m).output.sum() / _now(m).layout.practitioner_positions)),
        _M("peter_signature", "Pre-promotion performance vs later team output",
           "partial correlation",
           "neither", "final", compute=lambda m: peter_signature(m, _now(m).output),
           nan_ok=True),
        _M("headcount", "People employed", "people", "neither",
           compute=lambda m: float(_now(m).cells.count.sum())),
        _M("starting_staff", "People employed since month 0 or before", "people", "neither",
           compute=lambda m: float(np.count_nonzero(m.people.active
                                                    & (m.people.hire_month <= 0)))),
        _M("vacancies", "Vacant positions", "positions", "lower",
           compute=lambda m: float(_now(m).layout.positions.sum() - _now(m).cells.count.sum())),
        _M("hires", "External hires", "people per year",
           compute=_events_per_year("hire")),
        _M("exits", "Voluntary exits", "people per year", "lower",
           compute=_voluntary_exits),
        _M("retirements", "Retirements", "people per year",
           compute=_events_per_year("retirement")),
        _M("promotions_to_manager", "Promotions into management", "people per year",
           compute=_moves_into(MANAGER)),
        _M("promotions_to_specialist", "Moves onto the specialist ladder", "people per year",
           compute=_moves_into(SPECIALIST)),
        _M("step_backs", "Step-backs from management", "people per year",
           compute=_events_per_year("step_back")),
        _M("declined_offers", "Manager posts turned down", "people per year",
           compute=_events_per_year("declined")),
        _M("pay_bill", "Pay bill", "grade-1 monthly salaries per year", "lower",
           compute=_pay_bill),
        _M("coaching_cost", "Coaching cost", "grade-1 monthly salaries per year", "lower",
           compute=_coaching_cost),
    ]
}  # fmt: skip

#: The measures a strategist reads first (tables, overview cards, the report).
KEY_MEASURES = (
    "engagement",
    "middle_manager_engagement",
    "voluntary_turnover",
    "regretted_turnover",
    "reluctant_manager_share",
    "expertise_walked_out",
    "expertise_idle_in_management",
    "technical_capability",
    "team_output",
    "peter_signature",
)


def select_measures(builtin: str | list[str], extra: Iterable[Measure] = ()) -> list[Measure]:
    """The built-in measures chosen ('all', 'none' or a list of names) plus ``extra``."""
    if builtin == "all":
        chosen = list(MEASURES.values())
    elif builtin == "none":
        chosen = []
    else:
        unknown = [n for n in builtin if n not in MEASURES]
        if unknown:
            raise ValueError(
                f"builtin_measures: unknown measure(s) {unknown}; built-in: {', '.join(MEASURES)}"
            )
        chosen = [MEASURES[n] for n in builtin]
    out = {m.name: m for m in chosen}
    for m in extra:
        if m.name in out:
            raise ValueError(f"measures: {m.name!r} is recorded twice (a built-in has that name)")
        out[m.name] = m
    return list(out.values())


class Recorder:
    """Records the chosen measures and the per-cell sums; DataFrames on demand."""

    def __init__(self, measures: list[Measure], model: OrgModel) -> None:
        self.measures = {m.name: m for m in measures}
        if model.events.keep != "all":  # 'summary' keeps counts, which such a measure misreads
            needing = [m.name for m in measures if m.needs_event_history]
            if needing:
                raise ValueError(
                    f"run.events: {model.events.keep}, but these measures read past events: "
                    f"{', '.join(needing)}; use run.events: all, or leave them out"
                )
        self.layout = Layout.of(model)
        self._rows: list[dict[str, float]] = []
        self._profiles: list[tuple[int, str, str, float]] = []
        self._cells: list[tuple[int, Cells]] = []
        self.snapshot: Snapshot | None = None

    def record(self, model: OrgModel) -> None:
        """Append the measures and cell sums now; then the events read are marked as read."""
        self.snapshot = Snapshot(model, self.layout)
        row = {"month": model.month}
        for name, m in self.measures.items():
            value = m.value(model)
            if m.by is None:
                row[name] = value if type(value) is float else _number(name, value)
                if row[name] != row[name] and not m.nan_ok:
                    raise ValueError(_nan_message(name, model))
                continue
            if not isinstance(value, Mapping) and not _is_series(value):
                raise TypeError(
                    f"measure {name!r} is by {m.by} and must return {{category: value}}, "
                    f"not {type(value).__name__}"
                )
            values = [(str(c), _number(f"{name}[{c}]", v)) for c, v in value.items()]
            if not m.nan_ok and any(v != v for _, v in values):
                raise ValueError(_nan_message(name, model))
            self._profiles += [(model.month, name, c, v) for c, v in values]
        self._rows.append(row)
        self._cells.append((model.month, self.snapshot.cells))
        self.snapshot = None
        model.events.mark()

    def last(self, name: str) -> float:
        """The latest recorded value of a measure."""
        return self._rows[-1][name]

    def timeseries(self) -> pd.DataFrame:
        """One row per recorded step, one column per measure (not by category)."""
        import pandas as pd

        names = [n for n, m in self.measures.items() if m.by is None]
        return pd.DataFrame(self._rows, columns=["month", *names])

    def profiles(self) -> pd.DataFrame:
        """The measures by category in long form: month, measure, category, value."""
        import pandas as pd

        df = pd.DataFrame(self._profiles, columns=["month", "measure", "category", "value"])
        return df.astype({"month": "int32", "measure": "str", "category": "str"})

    def structure_frame(self) -> pd.DataFrame:
        """Headcount, mean engagement and reluctant count per step, grade and role."""
        import pandas as pd

        lay = self.layout
        months = np.array([m for m, _ in self._cells], dtype=np.int32)

        def stack(name: str) -> np.ndarray:
            return np.stack([getattr(c, name) for _, c in self._cells])

        positions, count, engagement = stack("positions"), stack("count"), stack("engagement")
        keep = (positions > 0).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_eng = engagement / count
        return pd.DataFrame({
            "month": np.repeat(months, lay.size)[keep],
            "grade": np.tile(lay.cell_grade, len(months))[keep],
            "role": np.tile(np.array(ROLE_NAMES)[lay.cell_role], len(months))[keep],
            "positions": positions.ravel()[keep],
            "headcount": count.ravel()[keep],
            "engagement": mean_eng.ravel()[keep],
            "reluctant": stack("reluctant").ravel()[keep].astype(np.int64),
        })  # fmt: skip

    def summary(self, step_months: int) -> dict[str, float]:
        """Each measure summarised as it declares; a measure by category as ``name[category]``
        for each category."""
        out = {}
        profiles = self.profiles() if self._profiles else None  # no DataFrame for the rest
        for name, m in self.measures.items():
            if m.by is None:
                values = np.array([row[name] for row in self._rows], dtype=float)
                out[name] = m.summarise(values, step_months)
                continue
            if profiles is None:
                continue
            for cat, block in profiles[profiles["measure"] == name].groupby("category", sort=False):
                out[f"{name}[{cat}]"] = m.summarise(block["value"].to_numpy(), step_months)
        return out


def _nan_message(name: str, model: OrgModel) -> str:
    """Why a measure is NaN: which attributes of the people employed hold NaN."""
    p = model.people
    floats = [c for c, col in p.columns.items() if np.dtype(col.dtype).kind == "f"]
    bad = {c: int(np.isnan(p.array(c)[p.active]).sum()) for c in floats if c not in MAY_BE_NAN}
    where = ", ".join(f"{c} ({n} people)" for c, n in bad.items() if n)
    cause = f"NaN in {where}: a rule wrote them" if where else "the measure itself gave NaN"
    return (
        f"measure {name!r} is NaN in month {model.month}; {cause} (a measure that can be "
        "undefined declares nan_ok=True)"
    )


def _number(name: str, value: Any) -> float:
    """A measure's value as a float; anything else is a clear error naming the measure."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"measure {name!r} returned {type(value).__name__}, not a number")
    return float(value)


def split_name(name: str) -> tuple[str, str | None]:
    """'share[3]' -> ('share', '3'); 'engagement' -> ('engagement', None)."""
    if name.endswith("]") and "[" in name:
        base, _, cat = name[:-1].partition("[")
        return base, cat
    return name, None
