"""Insights and daily plans: the day's facts from the reports, what is sent (and nothing more),
Claude through the SDK when there is a key, local heuristics otherwise, and the results stored
per day (seed 003's Analyzer and Planner).

Every byte that leaves the machine goes through `payload()` in the domain at the configured
privacy level; `preview()` returns exactly the request the SDK would send.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Sequence

from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.days import day_bounds, day_period
from tracker_desktop.domain.insights import (
    ANALYSIS_SCHEMA,
    CLAUDE,
    LOCAL,
    PLAN_SCHEMA,
    Analysis,
    DayFacts,
    OpenTask,
    Plan,
    Stretch,
    completion,
    history_days,
    input_hash,
    local_analysis,
    local_plan,
    parse_analysis,
    parse_plan,
    payload,
)

from .claude import AiFailed, ClaudeClient, prompt, request

if TYPE_CHECKING:
    from storage.ai import StoredResult
    from storage.uow import UnitOfWorkFactory
    from tracker_desktop.config import AiSettings
    from tracker_desktop.services.reports import Report, ReportService

logger = logging.getLogger(__name__)

KEY_NAME = "anthropic_api_key"
ENV_KEY = "ANTHROPIC_API_KEY"
KINDS = ("analysis", "plan")

__all__ = ["AiFailed", "AiResult", "AiService", "KEY_NAME"]


@dataclass(frozen=True, slots=True)
class AiResult:
    kind: str
    day: date
    source: str  # "claude" or "local"
    model: str | None
    analysis: Analysis | None
    plan: Plan | None
    cached: bool  # an answer already stored for exactly this input (nothing was sent)
    note: str = ""  # why it is local, when it is

    def to_json(self) -> dict[str, Any]:
        body = (self.analysis.to_json() if self.analysis is not None else
                self.plan.to_json() if self.plan is not None else {})
        return {"kind": self.kind, "date": self.day.isoformat(), "source": self.source,
                "model": self.model, "cached": self.cached, "note": self.note, **body}


def facts_from_report(report: Report, day: date, *, focus: dict[str, Any],
                      commits: int = 0, open_tasks: Sequence[OpenTask] = (),
                      manual_errors: int | None = None) -> DayFacts:
    """One day's facts from its report (minutes, local clock hours)."""
    stretches = []
    for b in report.blocks:
        if b.kind != "active":
            continue
        local = b.start
        stretches.append(Stretch(local.hour + local.minute / 60, b.seconds / 60, b.score,
                                 b.category))
    goal = next((g.goal.seconds / 60 for g in report.goals
                 if g.goal.period == "day" and g.goal.metric == "active" and not g.goal.at_most),
                None)
    prod = report.productivity
    titles: dict[str, float] = {}
    for app in report.apps:
        for t in app.titles:
            titles[t.name] = titles.get(t.name, 0.0) + t.seconds / 60
    return DayFacts(
        day=day, active_minutes=report.active_seconds / 60,
        idle_minutes=report.idle_seconds / 60, break_minutes=report.break_seconds / 60,
        score=report.productivity_score,
        categories={c.name: c.seconds / 60 for c in report.categories},
        apps={a.name: a.seconds / 60 for a in report.apps},
        domains={n.name: n.seconds / 60 for n in report.domains},
        projects={n.name: n.seconds / 60 for n in report.projects},
        languages={n.name: n.seconds / 60 for n in report.languages},
        distracting_minutes=(prod.get("distracting", 0.0) + prod.get("very_distracting", 0.0)) / 60,
        context_switches=report.context_switches, app_switches=report.app_switches,
        hourly=tuple(h / 60 for h in report.hourly), stretches=tuple(stretches),
        streak_days=report.streak_days, daily_goal_minutes=goal,
        focus_sessions=focus.get("sessions", 0), focus_completed=focus.get("completed", 0),
        focus_minutes=focus.get("minutes", 0.0), interruptions=focus.get("interruptions", 0),
        estimate_bias_percent=focus.get("estimation_pct"),
        manual_errors=manual_errors, commits=commits, open_tasks=tuple(open_tasks),
        titles=titles, files={n.name: n.seconds / 60 for n in report.files})


class AiService:
    """`insights(day)` and `plan(day)`, from Claude when a key is set, else local; `preview`."""

    def __init__(self, uow: UnitOfWorkFactory, reports: ReportService, settings: AiSettings,
                 clock: Clock, *, key: Callable[[], str | None],
                 privacy_excluded: Sequence[str] = (),
                 open_tasks: Callable[[], Sequence[OpenTask]] = tuple,
                 commits_on: Callable[[date], int] = lambda d: 0,
                 manual_errors_on: Callable[[date], int | None] = lambda d: None,
                 write: Callable[[Callable[[], object]], None] | None = None) -> None:
        self._uow = uow
        self._reports = reports
        self.settings = settings
        self._clock = clock
        self._key = key
        self._excluded = [*privacy_excluded, *settings.exclude]
        self._open_tasks = open_tasks
        self._commits_on = commits_on
        self._manual_errors_on = manual_errors_on
        # Where a store step runs: at once (a CLI verb), or handed to the tracker's writer thread.
        self._write = write or (lambda fn: fn())
        # What this service stored, until the writer has written it (a plan made right after an
        # analysis, as in catch_up, must see that analysis).
        self._fresh: dict[tuple[str, date], StoredResult] = {}

    # -- facts and what is sent -------------------------------------------------------------

    @property
    def tz(self) -> Any:
        return self._reports.rollups.setup.tz

    def today(self) -> date:
        return self._reports.rollups.today()

    def facts(self, day: date, *, with_tasks: bool = False) -> DayFacts:
        report = self._reports.report(day_period(day), blocks=True)
        return facts_from_report(report, day, focus=self._focus_on(day),
                                 commits=self._commits_on(day),
                                 open_tasks=self._open_tasks() if with_tasks else (),
                                 manual_errors=self._manual_errors_on(day))

    def _history(self, day: date) -> list[DayFacts]:
        return [self.facts(d) for d in history_days(day, self.settings.history_days)]

    def _focus_on(self, day: date) -> dict[str, Any]:
        start, end = day_bounds(day, self.tz, self._reports.rollups.setup.day_start_hour)
        with self._uow() as u:
            sessions = [s for s in u.focus.finished() if start <= s.ended < end]
            profile = u.focus.profile()
        return {"sessions": len(sessions), "completed": sum(s.completed for s in sessions),
                "minutes": sum(s.actual.total_seconds() for s in sessions) / 60,
                "interruptions": sum(s.interruptions for s in sessions),
                "estimation_pct": None if profile is None else profile.estimation_pct}

    def _sent(self, kind: str, day: date) -> tuple[dict[str, Any], DayFacts, list[DayFacts]]:
        if kind == "analysis":
            facts, history = self.facts(day), self._history(day)
            return payload("analysis", day, facts, history, self.settings.privacy,
                           self._excluded), facts, history
        # A plan for `day` is made from the day before it and the days before that.
        before = day - timedelta(days=1)
        facts = self.facts(before, with_tasks=True)
        history = self._history(before)
        previous: dict[str, Any] = {}
        analysis = self.stored_analysis(before)
        if analysis is not None:
            previous["latest_analysis"] = analysis.to_json()
        last = self.stored_plan(before)
        done = completion(last)
        if done is not None:
            previous["last_plan_completion"] = round(done, 2)
        return payload("plan", day, facts, history, self.settings.privacy, self._excluded,
                       previous), facts, history

    def preview(self, kind: str, day: date) -> dict[str, Any]:
        """Exactly the Messages API request that `insights`/`plan` would send for `day`."""
        sent, _, _ = self._sent(kind, day)
        return request(kind, self.settings.model, self.settings.max_tokens, sent, _schema(kind))

    # -- answers -----------------------------------------------------------------------------

    def key(self) -> str | None:
        return self._key()

    def insights(self, day: date, *, local: bool = False) -> AiResult:
        return self._answer("analysis", day, local)

    def plan(self, day: date, *, local: bool = False) -> AiResult:
        return self._answer("plan", day, local)

    def _answer(self, kind: str, day: date, local: bool) -> AiResult:
        note = ""
        key = None if local else self._key()
        if not local and not self.settings.use_claude:
            note = "local: [ai] use_claude is off"
        elif not local and key is None:
            note = ("local: no Anthropic API key (set one with `tracker-desktop ai set-key` "
                    f"or {ENV_KEY})")
        elif local:
            note = "local: asked for --local"
        sent, facts, history = self._sent(kind, day)
        if key is not None and self.settings.use_claude:
            return self._from_claude(kind, day, sent, key)
        return self._local(kind, day, facts, history, sent, note)

    def _from_claude(self, kind: str, day: date, sent: dict[str, Any], key: str) -> AiResult:
        model = self.settings.model
        digest = input_hash(kind, model, prompt(kind), sent)
        with self._uow() as u:
            hit = u.ai.cached(kind, digest)
        if hit is not None and hit.day == day:
            result = self._result(hit, cached=True)
            if kind == "plan":  # keep what was ticked off on the stored plan
                stored = self.stored_plan(day, source=CLAUDE)
                if stored is not None:
                    result = _with_plan(result, stored)
            return result
        client = ClaudeClient(key, self.settings.timeout_seconds, self.settings.max_retries)
        req = request(kind, model, self.settings.max_tokens, sent, _schema(kind))
        parsed = client.ask(req, (lambda obj: parse_plan(obj, day)) if kind == "plan"
                            else parse_analysis)
        body = parsed.to_json()
        self._put(kind, day, CLAUDE, model, digest, body)
        return AiResult(kind, day, CLAUDE, model, parsed if kind == "analysis" else None,
                        parsed if kind == "plan" else None, cached=False)

    def _local(self, kind: str, day: date, facts: DayFacts, history: list[DayFacts],
               sent: dict[str, Any], note: str) -> AiResult:
        now = self._clock.now().astimezone(self.tz)
        if kind == "analysis":
            now_hour = now.hour + now.minute / 60 if now.date() == day else None
            analysis = local_analysis(facts, history, now_hour=now_hour)
            self._put(kind, day, LOCAL, None, input_hash(kind, LOCAL, "", sent),
                      analysis.to_json())
            return AiResult(kind, day, LOCAL, None, analysis, None, cached=False, note=note)
        before = day - timedelta(days=1)
        plan = local_plan(day, facts, history, self.stored_analysis(before),
                          last_completion=completion(self.stored_plan(before)))
        old = self.stored_plan(day, source=LOCAL)
        if old is not None and [t.task for t in old.tomorrow_tasks] == \
                [t.task for t in plan.tomorrow_tasks]:
            plan = old  # the same plan again: keep what was ticked off
        self._put(kind, day, LOCAL, None, input_hash(kind, LOCAL, "", sent), plan.to_json())
        return AiResult(kind, day, LOCAL, None, None, plan, cached=False, note=note)

    def _put(self, kind: str, day: date, source: str, model: str | None, digest: str,
             body: dict[str, Any]) -> None:
        from storage.ai import StoredResult

        result = StoredResult(kind, day, source, model, digest, body, self._clock.now())
        if source == CLAUDE or (kind, day) not in self._fresh:
            self._fresh[(kind, day)] = result

        def store() -> None:
            with self._uow(write=True) as u:
                u.ai.put(result)
                u.commit()

        self._write(store)

    def _result(self, stored: StoredResult, *, cached: bool) -> AiResult:
        if stored.kind == "analysis":
            return AiResult("analysis", stored.day, stored.source, stored.model,
                            parse_analysis(stored.body), None, cached=cached)
        return AiResult("plan", stored.day, stored.source, stored.model, None,
                        parse_plan(stored.body, stored=True), cached=cached)

    # -- what is stored ----------------------------------------------------------------------

    def stored(self, kind: str, day: date, source: str | None = None) -> AiResult | None:
        with self._uow() as u:
            row = u.ai.result(kind, day, source)
        fresh = self._fresh.get((kind, day))
        if row is None and fresh is not None and source in (None, fresh.source):
            row = fresh  # stored by this service, still queued for the writer
        return None if row is None else self._result(row, cached=True)

    def stored_analysis(self, day: date) -> Analysis | None:
        r = self.stored("analysis", day)
        return None if r is None else r.analysis

    def stored_plan(self, day: date, source: str | None = None) -> Plan | None:
        r = self.stored("plan", day, source)
        return None if r is None else r.plan

    def tick(self, day: date, index: int, done: bool = True) -> Plan:
        """Ticks task `index` (1-based) of the plan for `day` off (or back on)."""
        with self._uow(write=True) as u:
            row = u.ai.result("plan", day)
            if row is None:
                raise LookupError(f"there is no plan for {day.isoformat()} "
                                  "(make one with `tracker-desktop plan`)")
            plan = parse_plan(row.body, stored=True).tick(index, done)
            from storage.ai import StoredResult

            u.ai.put(StoredResult("plan", day, row.source, row.model, row.input_hash,
                                  plan.to_json(), row.created))
            u.commit()
        return plan

    # -- the daily runs ----------------------------------------------------------------------

    def daily_analysis(self) -> AiResult:
        return self.insights(self.today())

    def nightly_plan(self) -> AiResult:
        return self.plan(self.today() + timedelta(days=1))

    def missed_runs(self) -> list[tuple[str, date]]:
        """The daily runs that should have happened by now but did not (the machine was off):
        today's analysis after its time, yesterday's otherwise; the plan for tomorrow after the
        plan time, else today's."""
        now = self._clock.now().astimezone(self.tz)
        today = self.today()
        missed = []
        a_day = today if _past(now, self.settings.analysis_time) else today - timedelta(days=1)
        if self.stored("analysis", a_day) is None:
            missed.append(("analysis", a_day))
        p_day = today + timedelta(days=1) if _past(now, self.settings.plan_time) else today
        if self.stored("plan", p_day) is None:
            missed.append(("plan", p_day))
        return missed

    def catch_up(self) -> list[AiResult]:
        out = []
        for kind, day in self.missed_runs():
            try:
                out.append(self._answer(kind, day, False))
            except AiFailed as exc:
                logger.warning("missed %s run for %s failed: %s", kind, day, exc)
        return out


def _schema(kind: str) -> dict[str, Any]:
    return ANALYSIS_SCHEMA if kind == "analysis" else PLAN_SCHEMA


def _past(now: datetime, hhmm: str) -> bool:
    h, m = (int(x) for x in hhmm.split(":"))
    return (now.hour, now.minute) >= (h, m)


def _with_plan(result: AiResult, plan: Plan) -> AiResult:
    return AiResult(result.kind, result.day, result.source, result.model, None, plan,
                    result.cached, result.note)


def key_from(secret_get: Callable[[str], str | None], *, environment: bool = True
             ) -> Callable[[], str | None]:
    """The API key: ANTHROPIC_API_KEY when set and `environment` (a command the person runs),
    else the keyring's (stored by `ai set-key`: the only consent the tracker's unattended runs
    accept)."""
    def get() -> str | None:
        env = os.environ.get(ENV_KEY, "").strip() if environment else ""
        if env:
            return env
        try:
            stored = secret_get(KEY_NAME)
        except Exception as exc:  # a locked or broken keyring: say so, fall back to local
            logger.warning("could not read the API key from the keyring: %s", exc)
            return None
        return stored.strip() if stored and stored.strip() else None

    return get


def open_tasks(tasks: Any) -> list[OpenTask]:
    """The open tasks (todo, in progress) of a TaskService, with the time spent on each."""
    from datetime import timezone

    open_ = [t for t in tasks.find() if t.status in ("todo", "in_progress")]
    if not open_:
        return []
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    spent = tasks.report(epoch, tasks.now()).analytics.per_task
    return [OpenTask(f"task-{t.id}", t.title, t.priority, t.due,
                     None if t.estimate_hours is None else t.estimate_hours * 60,
                     spent.get(t.id, 0.0) / 60, t.project) for t in open_]


def manual_errors(tasks: Any, setup: Any, day: date) -> int | None:
    """Errors noted in the manual log on `day`; None when nothing was logged."""
    start, end = day_bounds(day, setup.tz, setup.day_start_hour)
    log = tasks.report(start, end).log
    return log.errors if log.entries else None
