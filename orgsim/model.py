"""OrgModel: a Mesa model of an organisation whose people live in columnar arrays.

``step()`` runs the phases in order (``print(model.plan())``), then records the measures.
Employees are Mesa agents created lazily: the first use of ``model.agents`` makes one
``Employee`` per person, and from then on the set is kept in step with hires and exits.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import mesa
import numpy as np
import pandas as pd

from orgsim.agents import Employee
from orgsim.events import SNAPSHOT, EventLog
from orgsim.hierarchy import MANAGER, SPECIALIST
from orgsim.metrics import Measure, Recorder
from orgsim.parameters import ModelParams
from orgsim.policies import apply_policy
from orgsim.rules import ExtraPhase, build_rules
from orgsim.workforce import Workforce


class OrgModel(mesa.Model):
    """An organisation under one promotion policy, stepped one month at a time.

    ``params`` is a ModelParams (or a dict of its sections); ``policy`` a named policy whose
    levers are applied on top, then ``policy_overrides``; ``rng`` an int seed; ``rules`` maps
    phase names to replacement rules (see orgsim.rules).
    """

    def __init__(
        self,
        params: ModelParams | dict[str, Any] | None = None,
        policy: str = "single-ladder",
        rng: int = 0,
        policy_overrides: dict[str, Any] | None = None,
        rules: dict[str, Any] | None = None,
        phases: list[ExtraPhase] | None = None,
        measures: list[Measure] | None = None,
    ) -> None:
        super().__init__(rng=rng)
        base = (
            params if isinstance(params, ModelParams) else ModelParams.model_validate(params or {})
        )
        self.params = apply_policy(base, policy, policy_overrides)
        self.policy = policy
        self.seed = int(rng)
        self.month = 0
        self.step_months = self.params.step_months
        self.components, self.phases = build_rules(self.params, rules, phases)
        self.hierarchy = self.components["organisation"].build(self)
        self.workforce = Workforce(self.hierarchy.size)
        self.events = EventLog()
        self.flows: Counter[str] = Counter()
        self.reluctant_managers_before = 0
        self._streams: dict[str, np.random.Generator] = {}
        self._attribute_drawers: dict[str, Callable] = {}
        self._positions = self._index_positions()
        self._grade_rows = {
            int(g): np.flatnonzero(self.hierarchy.grade == g)
            for g in np.unique(self.hierarchy.grade)
        }
        self._employees: dict[int, Employee] | None = None
        for rule in [*self.components.values(), *self.phases]:
            rule.setup(self)
        self._populate()
        self._rate_managers()
        self.recorder = Recorder({m.name: m for m in measures or []})
        self.recorder.record(self)

    # --- the monthly cycle -------------------------------------------------------------
    def step(self) -> None:
        """Advance one step: every phase in order, then record the measures."""
        self.month += self.step_months
        self.flows.clear()
        tau = self.params.promotion.reluctance_threshold
        mgr = self.workforce.occupied & (self.hierarchy.role == MANAGER)
        self.reluctant_managers_before = int((mgr & (self.workforce.motivation < tau)).sum())
        for phase in self.phases:
            phase.step(self)
        self.recorder.record(self)
        if self._employees is not None:
            self._sync_employees()

    def run(self, years: float = 20) -> OrgModel:
        """Run for ``years`` more years; returns the model for chaining."""
        for _ in range(round(years * 12 / self.step_months)):
            self.step()
        return self

    def plan(self) -> str:
        """The phase order of one step, one line each."""
        return "\n".join(
            f"{i}. {p.phase}: {type(p).__name__}" for i, p in enumerate(self.phases, 1)
        )

    # --- results -------------------------------------------------------------------------
    @property
    def timeseries(self) -> pd.DataFrame:
        """Every measure at every step (month 0 is the starting organisation)."""
        return self.recorder.timeseries()

    @property
    def events_frame(self) -> pd.DataFrame:
        """Every hire, exit, retirement, promotion and step-back so far."""
        return self.events.frame()

    @property
    def structure(self) -> pd.DataFrame:
        """Headcount, engagement and reluctant managers per grade and role at every step."""
        return self.recorder.structure_frame()

    def summary(self) -> pd.Series:
        """Each measure summarised at the horizon (final-year mean, or final value)."""
        return pd.Series(self.recorder.summary(self.step_months), name=self.policy)

    def promoted_managers(self) -> pd.DataFrame:
        """Managers promoted in this run who lead practitioners: pre-promotion performance against
        their team's output per practitioner position now."""
        from orgsim.metrics import practitioner_team_output, team_output_by_member

        wf, h = self.workforce, self.hierarchy
        team_mean, team_n = practitioner_team_output(self, team_output_by_member(self))
        rows = np.flatnonzero((wf.promoted_month >= 0) & (h.role == MANAGER) & (team_n > 0))
        return pd.DataFrame(
            {
                "person_id": wf.person_id[rows],
                "grade": h.grade[rows],
                "promoted_month": wf.promoted_month[rows],
                "pre_promotion_performance": wf.pre_promotion_performance[rows],
                "team_output": team_mean[rows],
                "aptitude": wf.aptitude[rows],
                "motivation": wf.motivation[rows],
            }
        )

    # --- helpers the rules use ------------------------------------------------------------
    @property
    def dt_years(self) -> float:
        """Length of one step in years."""
        return self.step_months / 12

    def stream(self, name: str) -> np.random.Generator:
        """The random stream of one mechanism: the same for every policy, for paired runs."""
        if name not in self._streams:
            seq = np.random.SeedSequence(self.seed, spawn_key=(zlib.crc32(name.encode()),))
            self._streams[name] = np.random.default_rng(seq)
        return self._streams[name]

    def monthly_stream(self, name: str) -> np.random.Generator:
        """A fresh stream for (mechanism, month): draws a policy skips in one month do not
        shift the draws of later months, so paired runs stay aligned."""
        key = (zlib.crc32(name.encode()), self.month)
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    def rows_of_grade(self, grade: int) -> np.ndarray:
        """Positions of one grade, in chart order."""
        return self._grade_rows.get(grade, np.empty(0, dtype=np.int64))

    def is_review_step(self) -> bool:
        """Whether this step is a promotion review (IC and specialist vacancies filled)."""
        return self.month % self.params.promotion.review_interval_months < self.step_months

    def vacancies(self, grade: int, role: int) -> np.ndarray:
        """Vacant positions of one grade and role, in chart order."""
        rows = self._positions.get((grade, role), np.empty(0, dtype=np.int64))
        return rows[~self.workforce.occupied[rows]]

    def expertise(self) -> np.ndarray:
        """Effective expertise: skill x (1 - w + w x firm-specific expertise)."""
        w = self.params.growth.firm_weight
        return self.workforce.skill * (1 - w + w * self.workforce.firm_expertise)

    def manager_q(self) -> np.ndarray:
        """Quality of each row's manager (0.5, neutral, at the top or under a vacancy); a new
        array the caller may modify."""
        h = self.hierarchy
        q = self.workforce.manager_quality[h.boss_or_self]
        q[np.isnan(q) | h.is_top] = 0.5
        return q

    def add_attribute(
        self, name: str, draw: Callable, dtype: str = "float64", empty: float = np.nan
    ) -> None:
        """Add a person attribute; ``draw(rng, grades)`` gives its values for new people.

        Call from a rule's ``setup``: the initial workforce and every hire then get it.
        """
        self.workforce.add_column(name, dtype, empty)
        self._attribute_drawers[name] = draw

    def draw_extra_attributes(self, rng: np.random.Generator, grades: np.ndarray) -> dict:
        """Values of every added attribute for new people at ``grades``."""
        return {name: draw(rng, grades) for name, draw in self._attribute_drawers.items()}

    def employees(self) -> list[Employee]:
        """Every employee as a Mesa agent, in step with the workforce right now."""
        self.agents  # noqa: B018  (materialises the agents on first use)
        self._sync_employees()
        return list(self._employees.values())

    # --- people moving --------------------------------------------------------------------
    def hire(self, rows: np.ndarray, people: dict[str, np.ndarray]) -> None:
        """New people from outside into the vacant ``rows``."""
        self.workforce.fill(rows, people | {"hire_month": np.full(len(rows), self.month)})
        self._log("hire", rows, to_rows=rows)
        self.flows["hires"] += len(rows)

    def remove_people(
        self, rows: np.ndarray, kind: str, top_quartile: np.ndarray | None = None
    ) -> None:
        """People in ``rows`` leave ('exit', voluntary, or 'retirement')."""
        if rows.size == 0:
            return
        wf = self.workforce
        self._log(kind, rows, from_rows=rows)
        if kind == "exit":
            tau = self.params.promotion.reluctance_threshold
            self.flows["exits"] += len(rows)
            self.flows["expertise_walked_out"] += float(self.expertise()[rows].sum())
            self.flows["regretted_exits"] += int(top_quartile[rows].sum())
            reluctant = (self.hierarchy.role[rows] == MANAGER) & (wf.motivation[rows] < tau)
            self.flows["reluctant_manager_exits"] += int(reluctant.sum())
        else:
            self.flows["retirements"] += len(rows)
        wf.clear(rows)

    def move_people(
        self, src: np.ndarray, dst: np.ndarray, kind: str, draws: dict | None = None
    ) -> None:
        """People move from ``src`` to the vacant ``dst`` (a 'promotion' or 'step_back')."""
        if src.size == 0:
            return
        wf, role = self.workforce, self.hierarchy.role
        into_mgmt = (role[dst] == MANAGER) & (role[src] != MANAGER)
        perf = draws["performance"][src] if draws else np.full(len(src), np.nan)
        self._log(kind, src, from_rows=src, to_rows=dst, pre_promotion_performance=perf)
        wf.move(src, dst)
        wf.time_in_grade[dst] = 0
        wf.manager_quality[dst[role[dst] != MANAGER]] = np.nan  # no longer leads a team
        first = into_mgmt & (wf.promoted_month[dst] < 0)
        wf.pre_promotion_performance[dst[first]] = perf[first]
        wf.promoted_month[dst[first]] = self.month
        if kind == "step_back":
            self.flows["step_backs"] += len(src)
        else:
            self.flows["promotions_to_manager"] += int(into_mgmt.sum())
            onto_ladder = (role[dst] == SPECIALIST) & (role[src] != SPECIALIST)
            self.flows["promotions_to_specialist"] += int(onto_ladder.sum())

    # --- internals -------------------------------------------------------------------------
    def _index_positions(self) -> dict[tuple[int, int], np.ndarray]:
        h = self.hierarchy
        keys = zip(h.grade.tolist(), h.role.tolist(), strict=True)
        index: dict[tuple[int, int], list[int]] = {}
        for row, key in enumerate(keys):
            index.setdefault(key, []).append(row)
        return {k: np.array(v, dtype=np.int64) for k, v in index.items()}

    def _populate(self) -> None:
        """Fill every position with the initial workforce: the same draws for every policy, given
        to positions in chart order (identical people where the charts are identical)."""
        h = self.hierarchy
        order = np.argsort(-h.grade, kind="stable")  # the same draws go to the same grades
        people = self.components["population"].initial(self, self.stream("initial"), h.grade[order])
        self.workforce.fill(order, people)

    def _rate_managers(self) -> None:
        """Run the manager-quality phase once on the starting workforce, so month 0's measures
        and month 1's growth see the starting managers' quality (it draws no random numbers)."""
        for phase in self.phases:
            if phase.phase == "manager_quality":
                phase.step(self)

    def _log(self, kind, rows, from_rows=None, to_rows=None, **extra) -> None:
        wf, h = self.workforce, self.hierarchy
        cols = {k: wf.array(k)[rows].copy() for k in SNAPSHOT} | extra
        if from_rows is not None:
            cols |= {"from_grade": h.grade[from_rows], "from_role": h.role[from_rows]}
        if to_rows is not None:
            cols |= {"to_grade": h.grade[to_rows], "to_role": h.role[to_rows]}
        self.events.log(self.month, kind, wf.person_id[rows].copy(), **cols)

    # --- Mesa agents ------------------------------------------------------------------------
    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All employees as Mesa agents (made on first use, then kept in step)."""
        if getattr(self, "_employees", None) is None:
            if not hasattr(self, "workforce"):  # Mesa's own set-up, before the workforce exists
                return super().agents
            self._employees = {}
            self._sync_employees()
        return super().agents

    def _sync_employees(self) -> None:
        wf = self.workforce
        rows = np.flatnonzero(wf.occupied)
        ids = wf.person_id[rows]
        current = dict(zip(ids.tolist(), rows.tolist(), strict=True))
        for pid in [p for p in self._employees if p not in current]:
            self._employees.pop(pid).remove()
        for pid, row in current.items():
            agent = self._employees.get(pid)
            if agent is None:
                self._employees[pid] = Employee(self, pid, row)
            else:
                agent.row = row


__all__ = ["OrgModel"]
