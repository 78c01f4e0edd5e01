"""OrgModel: a Mesa model of an organisation whose people live in columnar arrays.

``step()`` runs the phases in order (``print(model.plan())``) and records the measures after
the last phase (or after ``record_after``). State belongs to people (``model.people``, one row
per person employed, found by person id); the chart's positions point at their holders.
Employees are Mesa agents made lazily, as views of a person by id.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from typing import Any

import mesa
import numpy as np
import pandas as pd

from orgsim.agents import Employee
from orgsim.attributes import AttributeDrawers
from orgsim.events import EVENT_KINDS, SNAPSHOT, EventLog, EventsMode
from orgsim.hierarchy import MANAGER
from orgsim.measures import Measure, Recorder, select_measures
from orgsim.parameters import ModelParams
from orgsim.people import People
from orgsim.policies import apply_policy
from orgsim.rules import ExtraPhase, PersonRule, build_rules

_NO_POSITIONS = np.empty(0, dtype=np.int64)  # a grade or role without posts (nothing to write)


class OrgModel(mesa.Model):
    """An organisation under one promotion policy, stepped a month (or a year) at a time.

    ``params`` is a ModelParams (or a dict of its sections); ``policy`` a named policy whose
    levers are applied on top, then ``policy_overrides``; ``rng`` the one seed (every named
    random stream derives from Mesa's ``model.rng``); ``rules`` maps slots to replacement rules
    (None removes a phase); ``phases`` inserts new phases; ``measures`` adds measures to the
    built-ins chosen by ``builtin_measures``; ``events`` says which events outlive their step.
    """

    def __init__(
        self,
        params: ModelParams | dict[str, Any] | None = None,
        policy: str | None = "single-ladder",
        rng: int | None = 0,
        policy_overrides: dict[str, Any] | None = None,
        rules: dict[str, Any] | None = None,
        phases: list[ExtraPhase] | None = None,
        measures: Iterable[Measure] = (),
        builtin_measures: str | list[str] = "all",
        record_after: str | None = None,
        events: EventsMode = "all",
    ) -> None:
        super().__init__(rng=rng)
        base = (
            params if isinstance(params, ModelParams) else ModelParams.model_validate(params or {})
        )
        self.params = (
            apply_policy(base, policy, policy_overrides) if policy or policy_overrides else base
        )
        self.policy = policy or "custom"
        self._root = int(self.rng.integers(2**63))  # every named stream derives from model.rng
        self.month = 0
        self.step_months = self.params.step_months
        self.components, self.phases = build_rules(self.params, rules, phases)
        self._check_levers(policy_overrides or {})
        self.hierarchy = self.components["organisation"].build(self)
        self.holder = np.full(self.hierarchy.size, -1, dtype=np.int64)  # position -> row
        self.people = People(self.hierarchy.size)
        self.events = EventLog(events)
        self.attributes = AttributeDrawers()
        self._streams: dict[str, np.random.Generator] = {}
        self._positions = self._index_positions()
        self._grade_positions = {
            int(g): np.flatnonzero(self.hierarchy.grade == g)
            for g in np.unique(self.hierarchy.grade)
        }
        self._boss: tuple[int, np.ndarray] | None = None
        self._manager_of_post = np.append(self.hierarchy.manager, -1)  # [-1]: no post, no manager
        self._step_cache: dict[Any, Any] = {}
        self._employees: dict[int, Employee] | None = None
        self._synced = -1  # people.version when the agents were last brought in step
        for rule in self.rules():
            rule.setup(self)
        self._check_reads()
        self._plan = self._make_plan(record_after)
        self.recorder = Recorder(select_measures(builtin_measures, measures), self)
        self._populate()
        self._rate_managers()
        self.recorder.record(self)

    # --- the step -----------------------------------------------------------------------
    def step(self) -> None:
        """Advance one step: every phase in order; record the measures at the plan's point."""
        self.month += self.step_months
        self._step_cache.clear()
        for _, run in self._plan:
            run()

    def run(self, years: float = 20, until: Callable[[OrgModel], bool] | None = None) -> OrgModel:
        """Run for ``years`` more years, or until ``until(model)`` is true after a step."""
        for _ in range(round(years * 12 / self.step_months)):
            self.step()
            if until is not None and until(self):
                break
        return self

    def plan(self) -> str:
        """The phases of one step in order, one line each (removed phases do not appear)."""
        return "\n".join(f"{i}. {label}" for i, (label, _) in enumerate(self._plan, 1))

    def rules(self) -> list[Any]:
        """Every rule of the model: the components, then the phases in order."""
        comps = [r for r in self.components.values() if r is not None]
        return comps + [r for _, r in self.phases]

    # --- results -------------------------------------------------------------------------
    @property
    def timeseries(self) -> pd.DataFrame:
        """Every measure at every recorded step (month 0 is the starting organisation)."""
        return self.recorder.timeseries()

    @property
    def profiles(self) -> pd.DataFrame:
        """Measures by category at every recorded step: month, measure, category, value."""
        return self.recorder.profiles()

    @property
    def events_frame(self) -> pd.DataFrame:
        """Every event kept (``events='summary'``: counts per month, kind, grades and roles)."""
        return self.events.frame()

    @property
    def structure(self) -> pd.DataFrame:
        """Headcount, engagement and reluctant managers per grade and role at every step."""
        return self.recorder.structure_frame()

    def summary(self) -> pd.Series:
        """Each measure summarised as it declares (final-year mean, final value, ...)."""
        return pd.Series(self.recorder.summary(self.step_months), name=self.policy)

    def promoted_managers(self) -> pd.DataFrame:
        """Managers promoted in this run who lead practitioners: pre-promotion performance against
        their team's output per practitioner position now."""
        from orgsim.measures import practitioner_team_output, team_output_by_member

        p = self.people
        team_mean, team_n = practitioner_team_output(self, team_output_by_member(self))
        rows = np.flatnonzero((p.promoted_month >= 0) & (p.role == MANAGER))
        rows = rows[team_n[p.position[rows]] > 0]
        return pd.DataFrame(
            {
                "person_id": p.uid[rows],
                "grade": p.grade[rows],
                "promoted_month": p.promoted_month[rows],
                "pre_promotion_performance": p.pre_promotion_performance[rows],
                "team_output": team_mean[p.position[rows]],
                "aptitude": p.aptitude[rows],
                "motivation": p.motivation[rows],
            }
        )

    # --- what rules read ------------------------------------------------------------------
    @property
    def dt_years(self) -> float:
        """Length of one step in years."""
        return self.step_months / 12

    def stream(self, name: str) -> np.random.Generator:
        """The random stream of one mechanism: the same for every policy, for paired runs."""
        if name not in self._streams:
            seq = np.random.SeedSequence(self._root, spawn_key=(zlib.crc32(name.encode()),))
            self._streams[name] = np.random.default_rng(seq)
        return self._streams[name]

    def monthly_stream(self, name: str) -> np.random.Generator:
        """A fresh stream for (mechanism, month): draws a policy skips in one month do not
        shift the draws of later months, so paired runs stay aligned."""
        key = (zlib.crc32(name.encode()), self.month)
        return np.random.default_rng(np.random.SeedSequence(self._root, spawn_key=key))

    def once_per_step(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()``, made once per step of this model and ``key`` (e.g. a rule's draws that
        several calls within a step must share)."""
        if key not in self._step_cache:
            self._step_cache[key] = make()
        return self._step_cache[key]

    def is_review_step(self) -> bool:
        """Whether this step is a promotion review (IC and specialist vacancies filled)."""
        return self.month % self.params.promotion.review_interval_months < self.step_months

    def positions(self, grade: int, role: int) -> np.ndarray:
        """Positions of one grade and role, in chart order."""
        return self._positions.get((grade, role), _NO_POSITIONS)

    def rows_at_grade(self, grade: int) -> np.ndarray:
        """Rows of the people in posts of ``grade``, in chart order."""
        holders = self.holder[self._grade_positions.get(grade, _NO_POSITIONS)]
        return holders[holders >= 0]

    def vacancies(self, grade: int, role: int) -> np.ndarray:
        """Vacant positions of one grade and role, in chart order."""
        pos = self.positions(grade, role)
        return pos[self.holder[pos] < 0]

    @property
    def boss(self) -> np.ndarray:
        """Each row's manager's row (-1 at the top, under a vacant post, or for a free row)."""
        if self._boss is None or self._boss[0] != self.people.version:
            mgr_pos = self._manager_of_post[self.people.position]  # a free row's is -1
            boss = np.where(mgr_pos >= 0, self.holder[mgr_pos], -1)
            self._boss = (self.people.version, boss)
        return self._boss[1]

    def manager_q(self) -> np.ndarray:
        """Quality of each row's manager (0.5, neutral, at the top or under a vacancy); a new
        array the caller may modify."""
        boss = self.boss
        q = self.people.manager_quality[boss]
        q[(boss < 0) | np.isnan(q)] = 0.5
        return q

    def expertise(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Effective expertise: skill x (1 - w + w x firm-specific expertise) x competence in
        the role (phase competence), of every row or of ``rows`` only."""
        w, p = self.params.growth.firm_weight, self.people
        if rows is None:
            return p.skill * (1 - w + w * p.firm_expertise) * p.competence
        return p.skill[rows] * (1 - w + w * p.firm_expertise[rows]) * p.competence[rows]

    def add_attribute(
        self,
        name: str,
        draw: Callable[..., np.ndarray],
        dtype: str = "float64",
        empty: float = np.nan,
        depends_on: Iterable[str] = (),
    ) -> None:
        """Add a person attribute; ``draw(rng, grades, people)`` gives its values for new
        people, where ``people`` holds the attributes already drawn for them (every built-in
        one and those named in ``depends_on``, which are drawn first).

        Call from a rule's ``setup``: the starting workforce and every hire then get it.
        """
        self.people.add_column(name, dtype, empty)
        self.attributes.add(name, draw, depends_on)

    def draw_people(self, rng: np.random.Generator, grades: np.ndarray, initial: bool) -> dict:
        """Attributes of people joining at ``grades`` (the starting workforce if ``initial``):
        the population rule's, the default drawers' for what it leaves out, then every added
        attribute in dependency order."""
        return self.attributes.draw(self, rng, grades, initial)

    def employees(self) -> list[Employee]:
        """Every employee as a Mesa agent, in person-id order."""
        self.agents  # noqa: B018  (makes them on first use, brings them in step)
        return [self._employees[k] for k in sorted(self._employees)]

    # --- people moving (every change emits an event) --------------------------------------
    def hire(self, positions: np.ndarray, people: dict[str, np.ndarray]) -> np.ndarray:
        """New people from outside into the vacant ``positions``; returns their person ids."""
        positions = self._vacant(positions, "hire")
        values = people | {"hire_month": np.full(len(positions), self.month)}
        rows = self.people.admit(len(positions), values)
        self._seat(rows, positions)
        self._log("hire", rows, to=positions)
        return self.people.uid[rows]

    def remove_people(self, ids: np.ndarray, kind: str) -> None:
        """The people with these ids leave; ``kind`` is an exit kind (voluntary, retirement,
        dismissal, or one registered with orgsim.events.register_event_kind)."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        if kind not in EVENT_KINDS or not EVENT_KINDS[kind].exit:
            exits = [k for k, v in EVENT_KINDS.items() if v.exit]
            raise ValueError(f"{kind!r} is not an exit kind; exit kinds: {', '.join(exits)}")
        rows = self.people.row_of(ids)
        extra = {"expertise": self.expertise(rows)}
        if EVENT_KINDS[kind].voluntary:  # for regretted turnover: leavers in the top quartile
            skill = self.people.skill[self.people.active]
            k = int(0.75 * len(skill))
            extra["top_quartile"] = self.people.skill[rows] >= np.partition(skill, k)[k]
        self._log(kind, rows, **extra)
        self.holder[self.people.position[rows]] = -1
        self.people.discharge(rows, self.month, kind)

    def move_people(
        self,
        ids: np.ndarray,
        positions: np.ndarray,
        kind: str = "promotion",
        performance: np.ndarray | None = None,
    ) -> None:
        """The people with these ids move to the vacant ``positions`` (a 'promotion',
        'step_back' or a registered kind); ``performance`` is what was observed of them."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        rows = self.people.row_of(ids)
        positions = self._vacant(positions, kind)
        p = self.people
        perf = np.full(len(rows), np.nan) if performance is None else np.asarray(performance)
        leads = self.hierarchy.role[positions] == MANAGER
        first = leads & (p.role[rows] != MANAGER) & (p.promoted_month[rows] < 0)  # made manager
        self._log(kind, rows, to=positions, pre_promotion_performance=perf)
        self.holder[p.position[rows]] = -1
        self._seat(rows, positions)
        p.time_in_grade[rows] = 0
        p.manager_quality[rows[~leads]] = np.nan  # no longer leads a team
        if first.any():
            p.pre_promotion_performance[rows[first]] = perf[first]
            p.promoted_month[rows[first]] = self.month

    def emit(self, kind: str, ids: np.ndarray, **columns: np.ndarray) -> None:
        """Record an event of a registered kind about the people with these ids (no move)."""
        rows = self.people.row_of(ids)
        self._log(kind, rows, **columns)

    def rows_with_event(self, kind: str) -> np.ndarray:
        """Rows of the people still employed who had an event of ``kind`` this step: how a
        phase reacts to what an earlier phase of the step recorded (also when the measures
        were recorded between the two)."""
        ids = self.events.of_month(self.month, kind, columns=("month",))["person_id"]
        return self.people.row_of(ids[self.people.employed(ids)])

    # --- internals -------------------------------------------------------------------------
    def _vacant(self, positions: np.ndarray, kind: str) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        ordered = np.sort(positions)  # a repeat sits next to its twin (cheaper than np.unique)
        if (self.holder[positions] >= 0).any() or (ordered[1:] == ordered[:-1]).any():
            raise ValueError(f"{kind}: every destination must be a distinct vacant position")
        return positions

    def _seat(self, rows: np.ndarray, positions: np.ndarray) -> None:
        h = self.hierarchy
        self.holder[positions] = rows
        self.people.place(rows, positions, h.grade[positions], h.role[positions])

    def _index_positions(self) -> dict[tuple[int, int], np.ndarray]:
        h = self.hierarchy
        index: dict[tuple[int, int], list[int]] = {}
        for pos, key in enumerate(zip(h.grade.tolist(), h.role.tolist(), strict=True)):
            index.setdefault(key, []).append(pos)
        return {k: np.array(v, dtype=np.int64) for k, v in index.items()}

    def _check_levers(self, overrides: dict[str, Any]) -> None:
        """A lever set in ``policy_overrides`` that no rule of this model reads (its rule was
        replaced) would silently do nothing: an error naming it."""
        from orgsim.rules import unread_levers

        for lever in unread_levers(self.rules(), overrides):
            raise ValueError(
                f"policy_overrides: {lever!r}: no rule of this model reads it (was its rule "
                "replaced?); set the replacement rule's parameters instead"
            )

    def _check_reads(self) -> None:
        """A rule that reads an attribute no population rule or added attribute supplies
        fails now, naming both."""
        for rule in self.rules():
            missing = [a for a in getattr(rule, "reads", ()) if a not in self.people.columns]
            if missing:
                raise ValueError(
                    f"{type(rule).__name__} reads {missing}, which nobody supplies (no population "
                    "rule draws it and no rule adds it with model.add_attribute)"
                )

    def _make_plan(self, record_after: str | None) -> list[tuple[str, Callable[[], None]]]:
        """The step as (label, callable) items: phases in order, interleaved phases grouped
        into one level-by-level item, and the recording of the measures."""
        names = [n for n, _ in self.phases]
        together = self.components["filling"].interleaved()
        for n in together:
            if n not in names:
                raise ValueError(f"rules.filling.interleave: no phase {n!r} in {names}")
        from orgsim.rules import Phase

        at = [i for i, n in enumerate(names) if n in together]
        for i in at:
            name, rule = self.phases[i]
            if type(rule).step_level is Phase.step_level:
                raise ValueError(
                    f"rules.filling.interleave: phase {name!r} ({type(rule).__name__}) cannot run "
                    "level by level: it has no step_level(model, grade)"
                )
        if at and at != list(range(at[0], at[0] + len(at))):
            raise ValueError(
                f"rules.filling.interleave: {list(together)} must be consecutive phases"
            )
        if record_after is not None and record_after not in names:
            raise ValueError(f"record_after: no phase {record_after!r}; phases: {names}")
        plan: list[tuple[str, Callable[[], None]]] = []
        for i, (name, rule) in enumerate(self.phases):
            if at and i == at[0]:
                group = [self.phases[j] for j in at]
                label = f"by grade ({', '.join(n for n, _ in group)}): level by level"
                plan.append((label, lambda group=group: self._step_levels(group)))
            elif not (at and i in at):
                plan.append((f"{name}: {type(rule).__name__}", lambda rule=rule: rule.step(self)))
            grouped = at and i in at  # an interleaved group records once, after its last phase
            if (name == record_after and not grouped) or (
                grouped and i == at[-1] and record_after in together
            ):
                plan.append(("record measures", lambda: self.recorder.record(self)))
        if record_after is None:
            plan.append(("record measures", lambda: self.recorder.record(self)))
        return plan

    def _step_levels(self, group: list[tuple[str, Any]]) -> None:
        for grade in self.components["filling"].grades(self):
            for _, rule in group:
                rule.step_level(self, grade)

    def _populate(self) -> None:
        """Fill every position with the starting workforce: the same draws for every policy,
        given to positions top grade first (identical people where the charts are identical)."""
        h = self.hierarchy
        order = np.argsort(-h.grade, kind="stable")
        people = self.draw_people(self.stream("initial"), h.grade[order], initial=True)
        rows = self.people.admit(len(order), people)
        self._seat(rows, order)

    def _rate_managers(self) -> None:
        """Run the manager-quality phase once on the starting workforce, so month 0's measures
        and month 1's growth see the starting managers' quality (it draws no random numbers)."""
        for name, rule in self.phases:
            if name == "manager_quality":
                rule.step(self)

    def _log(self, kind: str, rows: np.ndarray, to: np.ndarray | None = None, **extra) -> None:
        p, h = self.people, self.hierarchy  # rows are row numbers: each gather is a copy
        cols = {k: getattr(p, k)[rows] for k in SNAPSHOT} | extra
        if kind == "hire":
            cols |= {"from_grade": np.full(len(rows), -1), "from_role": np.full(len(rows), -1)}
        else:
            cols |= {"from_grade": p.grade[rows], "from_role": p.role[rows]}
        if to is not None:
            cols |= {"to_grade": h.grade[to], "to_role": h.role[to]}
        self.events.log(self.month, kind, p.uid[rows], **cols)

    # --- Mesa agents ------------------------------------------------------------------------
    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All employees as Mesa agents (made on first use, then kept in step)."""
        if not hasattr(self, "people"):  # Mesa's own set-up, before the people exist
            return super().agents
        if self._employees is None:
            self._employees = {}
        if self._synced != self.people.version:  # people joined, moved or left since
            self._sync_employees()
        return super().agents

    def _sync_employees(self) -> None:
        self._synced = self.people.version
        ids = self.people.uid[self.people.active].tolist()
        current = set(ids)
        for pid in [p for p in self._employees if p not in current]:
            self._employees.pop(pid).remove()
        for pid in ids:
            if pid not in self._employees:
                self._employees[pid] = Employee(self, pid)

    def person_rules(self) -> list[PersonRule]:
        """The per-person phases, in plan order (what ``agent.step()`` runs)."""
        return [r for _, r in self.phases if isinstance(r, PersonRule)]


__all__ = ["OrgModel"]
