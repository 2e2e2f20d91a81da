"""AI insights and daily plans (seed 003's Analyzer and Planner), pure.

- `DayFacts`: one day's aggregates, the only thing an analysis or a plan is made from.
- `payload(...)`: exactly what would leave the machine for a given privacy level, with the
  person's exclusions applied. At the default level ("aggregates") it holds names of categories,
  apps, sites, projects and languages with durations and counts, never window titles, URLs, file
  paths, notes or task titles (open tasks go as references with priority, due date and estimate).
- `parse_analysis` / `parse_plan`: the model's answer validated against the seed's shapes (the
  same JSON Schemas the model is given); anything else raises `InvalidOutput`.
- `local_analysis` / `local_plan`: the same shapes from local heuristics, for when there is no
  key (or the person asks for `--local`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Iterable, Mapping, Sequence

PRIVACY_LEVELS = ("aggregates", "tasks", "detailed")
IMPACTS = ("low", "medium", "high")
PRIORITIES = ("low", "medium", "high", "urgent")
INSIGHT_CATEGORIES = ("workflow", "focus", "breaks", "schedule", "distraction", "estimation",
                      "habits", "tools", "code")
MAX_ITEMS = 12  # per list in an answer
MAX_TEXT = 500  # characters of one text field in an answer
MAX_NAMES = 15  # names per dimension sent out
LOCAL, CLAUDE = "local", "claude"


class InvalidOutput(ValueError):
    """The model's answer does not have the promised shape."""


# -- what an analysis or a plan is made from ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenTask:
    ref: str  # "task-12": how the model refers to it without seeing its title
    title: str
    priority: str = "medium"
    due: date | None = None
    estimate_minutes: float | None = None
    spent_minutes: float = 0.0
    project: str | None = None


@dataclass(frozen=True, slots=True)
class Stretch:
    """A stretch of activity without a break, in local clock terms."""

    start_hour: float  # hours since the local midnight, e.g. 9.5 for 09:30
    minutes: float
    score: float | None = None  # the stretch's productivity score
    category: str | None = None


@dataclass(frozen=True, slots=True)
class DayFacts:
    day: date
    active_minutes: float = 0.0
    idle_minutes: float = 0.0
    break_minutes: float = 0.0
    score: float | None = None
    categories: Mapping[str, float] = field(default_factory=dict)  # minutes
    apps: Mapping[str, float] = field(default_factory=dict)
    domains: Mapping[str, float] = field(default_factory=dict)
    projects: Mapping[str, float] = field(default_factory=dict)
    languages: Mapping[str, float] = field(default_factory=dict)
    distracting_minutes: float = 0.0
    context_switches: int = 0
    app_switches: int = 0
    hourly: Sequence[float] = (0.0,) * 24  # active minutes per local hour
    stretches: Sequence[Stretch] = ()
    streak_days: int = 0
    daily_goal_minutes: float | None = None
    focus_sessions: int = 0
    focus_completed: int = 0
    focus_minutes: float = 0.0
    interruptions: int = 0
    estimate_bias_percent: float | None = None  # focus sessions: + over, - under the estimate
    manual_errors: int | None = None  # errors noted in the manual log, when there is one
    commits: int = 0
    open_tasks: Sequence[OpenTask] = ()
    # Only at the "detailed" privacy level: the day's top window titles and files.
    titles: Mapping[str, float] = field(default_factory=dict)
    files: Mapping[str, float] = field(default_factory=dict)

    def without(self, excluded: Iterable[str]) -> "DayFacts":
        """These facts with every app, site, project, language or category named in `excluded`
        (case-insensitive) taken out, as if it had never been seen."""
        gone = {e.strip().lower() for e in excluded if e.strip()}
        if not gone:
            return self

        def keep(values: Mapping[str, float]) -> dict[str, float]:
            return {k: v for k, v in values.items() if k.lower() not in gone}

        return replace(self, categories=keep(self.categories), apps=keep(self.apps),
                       domains=keep(self.domains), projects=keep(self.projects),
                       languages=keep(self.languages), titles=keep(self.titles),
                       files=keep(self.files),
                       open_tasks=tuple(t for t in self.open_tasks
                                        if (t.project or "").lower() not in gone))


def _top(values: Mapping[str, float], limit: int = MAX_NAMES) -> dict[str, float]:
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return {k: round(v, 1) for k, v in ranked if v > 0}


def _day_json(f: DayFacts, level: str) -> dict[str, Any]:
    d: dict[str, Any] = {
        "date": f.day.isoformat(),
        "active_minutes": round(f.active_minutes, 1),
        "idle_minutes": round(f.idle_minutes, 1),
        "break_minutes": round(f.break_minutes, 1),
        "productivity_score": None if f.score is None else round(f.score, 1),
        "categories_minutes": _top(f.categories),
        "apps_minutes": _top(f.apps),
        "domains_minutes": _top(f.domains),
        "projects_minutes": _top(f.projects),
        "languages_minutes": _top(f.languages),
        "distracting_minutes": round(f.distracting_minutes, 1),
        "context_switches": f.context_switches,
        "app_switches": f.app_switches,
        "active_minutes_by_hour": [round(h, 1) for h in f.hourly],
        "stretches_without_break": [
            {"start_hour": round(s.start_hour, 2), "minutes": round(s.minutes, 1),
             "score": None if s.score is None else round(s.score), "category": s.category}
            for s in f.stretches],
        "streak_days": f.streak_days,
        "daily_goal_minutes": f.daily_goal_minutes,
        "focus_sessions": {"count": f.focus_sessions, "completed": f.focus_completed,
                           "minutes": round(f.focus_minutes, 1),
                           "interruptions": f.interruptions,
                           "estimate_bias_percent": f.estimate_bias_percent},
        "commits": f.commits,
    }
    if f.manual_errors is not None:
        d["manual_log_errors"] = f.manual_errors
    if level == "detailed":
        d["top_window_titles_minutes"] = _top(f.titles, 10)
        d["top_files_minutes"] = _top(f.files, 10)
    return d


def _task_json(t: OpenTask, level: str) -> dict[str, Any]:
    d: dict[str, Any] = {"ref": t.ref, "priority": t.priority,
                         "due": None if t.due is None else t.due.isoformat(),
                         "estimate_minutes": t.estimate_minutes,
                         "spent_minutes": round(t.spent_minutes, 1), "project": t.project}
    if level in ("tasks", "detailed"):
        d["title"] = t.title
    return d


def payload(kind: str, day: date, facts: DayFacts, history: Sequence[DayFacts], level: str,
            excluded: Iterable[str] = (), previous: Mapping[str, Any] | None = None
            ) -> dict[str, Any]:
    """Exactly what is sent for `kind` ("analysis" of `facts.day`, or "plan" for `day`), at this
    privacy level, with the excluded names taken out. `history`: the days before, oldest first;
    `previous`: for a plan, the last analysis and the last plan's completion."""
    if level not in PRIVACY_LEVELS:
        raise ValueError(f"unknown privacy level {level!r} (one of {', '.join(PRIVACY_LEVELS)})")
    excluded = list(excluded)
    facts = facts.without(excluded)
    out: dict[str, Any] = {"kind": kind, "privacy_level": level}
    if kind == "analysis":
        out["day"] = _day_json(facts, level)
        out["previous_days"] = [_brief(h.without(excluded)) for h in history]
    elif kind == "plan":
        out["plan_date"] = day.isoformat()
        out["weekday"] = day.strftime("%A")
        out["recent_days"] = [_brief(h.without(excluded)) for h in (*history, facts)]
        out["open_tasks"] = [_task_json(t, level) for t in facts.open_tasks]
        if previous:
            out.update(previous)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return out


def _brief(f: DayFacts) -> dict[str, Any]:
    return {"date": f.day.isoformat(), "active_minutes": round(f.active_minutes, 1),
            "productivity_score": None if f.score is None else round(f.score, 1),
            "top_categories_minutes": _top(f.categories, 5),
            "top_projects_minutes": _top(f.projects, 5),
            "top_languages_minutes": _top(f.languages, 5),
            "focus_minutes": round(f.focus_minutes, 1), "commits": f.commits}


def input_hash(kind: str, model: str, prompt: str, sent: Mapping[str, Any]) -> str:
    """The cache key of one request: the same day with the same data is not paid for twice."""
    text = json.dumps([kind, model, prompt, sent], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# -- the answers' shapes ------------------------------------------------------------------------


def _str_schema(max_len: int = MAX_TEXT) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_len}


ANALYSIS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["bottlenecks", "insights", "tool_suggestions"],
    "properties": {
        "bottlenecks": {"type": "array", "maxItems": MAX_ITEMS, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["type", "description", "frequency", "impact"],
            "properties": {"type": _str_schema(64), "description": _str_schema(),
                           "frequency": {"type": "integer", "minimum": 0},
                           "impact": {"enum": list(IMPACTS)}}}},
        "insights": {"type": "array", "maxItems": MAX_ITEMS, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["category", "observation", "recommendation"],
            "properties": {"category": _str_schema(64), "observation": _str_schema(),
                           "recommendation": _str_schema()}}},
        "tool_suggestions": {"type": "array", "maxItems": MAX_ITEMS, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["tool", "reason", "priority"],
            "properties": {"tool": _str_schema(120), "reason": _str_schema(),
                           "priority": {"enum": list(IMPACTS)}}}},
    },
}

PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["date", "tomorrow_tasks", "learning_task", "reflection_question"],
    "properties": {
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "tomorrow_tasks": {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["task", "priority", "estimated_duration"],
            "properties": {"task": _str_schema(200), "priority": {"enum": list(PRIORITIES)},
                           "estimated_duration": {"type": "integer", "minimum": 5,
                                                  "maximum": 600},
                           "task_ref": {"type": "string", "maxLength": 32}}}},
        "learning_task": _str_schema(300),
        "reflection_question": _str_schema(300),
    },
}


@dataclass(frozen=True, slots=True)
class Bottleneck:
    type: str
    description: str
    frequency: int
    impact: str

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "description": self.description,
                "frequency": self.frequency, "impact": self.impact}


@dataclass(frozen=True, slots=True)
class Insight:
    category: str
    observation: str
    recommendation: str

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "observation": self.observation,
                "recommendation": self.recommendation}


@dataclass(frozen=True, slots=True)
class ToolSuggestion:
    tool: str
    reason: str
    priority: str

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "reason": self.reason, "priority": self.priority}


@dataclass(frozen=True, slots=True)
class Analysis:
    bottlenecks: tuple[Bottleneck, ...] = ()
    insights: tuple[Insight, ...] = ()
    tool_suggestions: tuple[ToolSuggestion, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"bottlenecks": [b.to_json() for b in self.bottlenecks],
                "insights": [i.to_json() for i in self.insights],
                "tool_suggestions": [t.to_json() for t in self.tool_suggestions]}


@dataclass(frozen=True, slots=True)
class PlanTask:
    task: str
    priority: str
    estimated_duration: int  # minutes
    task_ref: str | None = None  # the open task it is, when it is one
    done: bool = False

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"task": self.task, "priority": self.priority,
                             "estimated_duration": self.estimated_duration, "done": self.done}
        if self.task_ref:
            d["task_ref"] = self.task_ref
        return d


@dataclass(frozen=True, slots=True)
class Plan:
    date: date
    tomorrow_tasks: tuple[PlanTask, ...]
    learning_task: str
    reflection_question: str

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(),
                "tomorrow_tasks": [t.to_json() for t in self.tomorrow_tasks],
                "learning_task": self.learning_task,
                "reflection_question": self.reflection_question}

    @property
    def done(self) -> int:
        return sum(t.done for t in self.tomorrow_tasks)

    def tick(self, index: int, done: bool = True) -> "Plan":
        """This plan with task `index` (1-based, as listed) ticked off (or not)."""
        if not 1 <= index <= len(self.tomorrow_tasks):
            raise IndexError(f"the plan has {len(self.tomorrow_tasks)} tasks; there is no "
                             f"task {index}")
        tasks = list(self.tomorrow_tasks)
        tasks[index - 1] = replace(tasks[index - 1], done=done)
        return replace(self, tomorrow_tasks=tuple(tasks))


def _check(value: Any, schema: Mapping[str, Any], at: str) -> None:
    """`value` against the small JSON Schema subset the two schemas above use."""
    if "enum" in schema:
        if value not in schema["enum"]:
            raise InvalidOutput(f"{at}: {value!r} is not one of {schema['enum']}")
        return
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            raise InvalidOutput(f"{at}: expected an object")
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                raise InvalidOutput(f"{at}: {key!r} is missing")
        if schema.get("additionalProperties") is False:
            extra = sorted(set(value) - set(props))
            if extra:
                raise InvalidOutput(f"{at}: unexpected {', '.join(map(repr, extra))}")
        for key, sub in props.items():
            if key in value:
                _check(value[key], sub, f"{at}.{key}")
    elif kind == "array":
        if not isinstance(value, list):
            raise InvalidOutput(f"{at}: expected a list")
        if len(value) > schema.get("maxItems", len(value)):
            raise InvalidOutput(f"{at}: more than {schema['maxItems']} items")
        if len(value) < schema.get("minItems", 0):
            raise InvalidOutput(f"{at}: fewer than {schema['minItems']} items")
        for i, item in enumerate(value):
            _check(item, schema["items"], f"{at}[{i}]")
    elif kind == "string":
        if not isinstance(value, str) or not value.strip() and schema.get("minLength", 0):
            raise InvalidOutput(f"{at}: expected a non-empty text")
        if len(value) > schema.get("maxLength", len(value)):
            raise InvalidOutput(f"{at}: longer than {schema['maxLength']} characters")
        if "pattern" in schema:
            if not re.fullmatch(schema["pattern"].strip("^$"), value):
                raise InvalidOutput(f"{at}: {value!r} is not in the form {schema['pattern']}")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidOutput(f"{at}: expected a whole number")
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            raise InvalidOutput(f"{at}: {value} is out of range")


def parse_analysis(obj: Any) -> Analysis:
    _check(obj, ANALYSIS_SCHEMA, "analysis")
    return Analysis(
        bottlenecks=tuple(Bottleneck(b["type"], b["description"], b["frequency"], b["impact"])
                          for b in obj["bottlenecks"]),
        insights=tuple(Insight(i["category"], i["observation"], i["recommendation"])
                       for i in obj["insights"]),
        tool_suggestions=tuple(ToolSuggestion(t["tool"], t["reason"], t["priority"])
                               for t in obj["tool_suggestions"]))


def parse_plan(obj: Any, day: date | None = None, *, stored: bool = False) -> Plan:
    """A plan from the model's answer (which must be for `day`), or from its stored form
    (`stored`: tasks also carry `done`)."""
    if stored:
        obj = dict(obj)
        tasks = [{k: v for k, v in t.items() if k != "done"} for t in obj["tomorrow_tasks"]]
        done = [bool(t.get("done", False)) for t in obj["tomorrow_tasks"]]
        obj["tomorrow_tasks"] = tasks
    _check(obj, PLAN_SCHEMA, "plan")
    try:
        when = date.fromisoformat(obj["date"])
    except ValueError:
        raise InvalidOutput(f"plan.date: {obj['date']!r} is not a date") from None
    if day is not None and when != day:
        raise InvalidOutput(f"plan.date: the plan is for {when}, not {day}")
    plan = Plan(when, tuple(PlanTask(t["task"], t["priority"], t["estimated_duration"],
                                     t.get("task_ref") or None)
                            for t in obj["tomorrow_tasks"]),
                obj["learning_task"], obj["reflection_question"])
    if stored:
        plan = replace(plan, tomorrow_tasks=tuple(
            replace(t, done=d) for t, d in zip(plan.tomorrow_tasks, done)))
    return plan


def parse_stored_analysis(obj: Any) -> Analysis:
    return parse_analysis(obj)


# -- local heuristics ---------------------------------------------------------------------------

LONG_STRETCH_MINUTES = 90
SWITCHES_PER_HOUR_HIGH = 40
DISTRACTION_SCORE = 40  # a stretch scoring below this is a distraction spike
DISTRACTION_MINUTES = 15


def _hhmm(hour: float) -> str:
    h = int(hour) % 24
    return f"{h:02d}:{int(round((hour - int(hour)) * 60)) % 60:02d}"


def _impact(value: float, medium: float, high: float) -> str:
    return "high" if value >= high else "medium" if value >= medium else "low"


def peak_hours(facts: Sequence[DayFacts], count: int = 3) -> list[int]:
    totals = [0.0] * 24
    for f in facts:
        for h, v in enumerate(f.hourly):
            totals[h] += v
    ranked = sorted(range(24), key=lambda h: (-totals[h], h))
    return sorted(h for h in ranked[:count] if totals[h] > 0)


def local_analysis(facts: DayFacts, history: Sequence[DayFacts] = (), *,
                   now_hour: float | None = None) -> Analysis:
    """Insights from heuristics over the day and the days before (oldest first): peak hours,
    context switching, long stretches without breaks, distraction spikes, estimate bias, a
    streak at risk (`now_hour`: the local time now when `facts` is today, else None)."""
    bottlenecks: list[Bottleneck] = []
    insights: list[Insight] = []
    tools: list[ToolSuggestion] = []
    active_h = facts.active_minutes / 60

    if facts.active_minutes <= 0:
        insights.append(Insight("habits", f"Nothing was recorded on {facts.day.isoformat()}.",
                                "Check that the tracker runs (tracker-desktop status)."))

    peaks = peak_hours([*history, facts])
    if peaks:
        hours = ", ".join(f"{h:02d}:00" for h in peaks)
        insights.append(Insight(
            "schedule", f"Your most active hours are {hours} (over the last {len(history) + 1} "
                        "days).",
            "Keep these hours free of meetings and put your hardest task in them."))

    if active_h >= 0.5:
        rate = facts.context_switches / active_h
        if rate >= SWITCHES_PER_HOUR_HIGH:
            bottlenecks.append(Bottleneck(
                "context_switching",
                f"{facts.context_switches} window switches in {active_h:.1f} active hours "
                f"({rate:.0f} an hour).", facts.context_switches,
                _impact(rate, SWITCHES_PER_HOUR_HIGH, 2 * SWITCHES_PER_HOUR_HIGH)))
            tools.append(ToolSuggestion(
                "Focus sessions (tracker-desktop focus start)",
                "A timer with a site blocklist keeps one task in front for 25 minutes at a time.",
                "high" if rate >= 2 * SWITCHES_PER_HOUR_HIGH else "medium"))

    long = [s for s in facts.stretches if s.minutes >= LONG_STRETCH_MINUTES]
    if long:
        worst = max(long, key=lambda s: s.minutes)
        bottlenecks.append(Bottleneck(
            "no_breaks", f"{len(long)} stretch(es) of {LONG_STRETCH_MINUTES}+ minutes without a "
                         f"break; the longest began at {_hhmm(worst.start_hour)} and lasted "
                         f"{worst.minutes:.0f} minutes.", len(long),
            _impact(worst.minutes, LONG_STRETCH_MINUTES, 2 * LONG_STRETCH_MINUTES)))
        insights.append(Insight("breaks", "Long stretches without a break wear focus down.",
                                "Take a 5-minute break every 50–90 minutes; the tray reminds "
                                "you when [reminders] are on."))

    spikes = [s for s in facts.stretches if s.score is not None and s.score < DISTRACTION_SCORE
              and s.minutes >= DISTRACTION_MINUTES]
    if spikes:
        when = ", ".join(_hhmm(s.start_hour) for s in spikes[:5])
        bottlenecks.append(Bottleneck(
            "distraction_spike", f"{len(spikes)} distracted stretch(es) of "
                                 f"{DISTRACTION_MINUTES}+ minutes (starting {when}).",
            len(spikes), _impact(sum(s.minutes for s in spikes), 30, 90)))
        top = sorted(facts.domains.items(), key=lambda kv: -kv[1])[:1]
        if top:
            tools.append(ToolSuggestion(
                f"Block {top[0][0]} during focus sessions",
                "Add it to the [focus] blocklist; the browser extension blocks it while a "
                "session runs.", "medium"))

    if facts.estimate_bias_percent is not None and abs(facts.estimate_bias_percent) >= 20:
        over = facts.estimate_bias_percent > 0
        insights.append(Insight(
            "estimation",
            f"Your focus sessions run {abs(facts.estimate_bias_percent):.0f} % "
            f"{'longer' if over else 'shorter'} than you plan.",
            "Plan with " + ("longer" if over else "shorter") + " estimates, or split tasks."))

    late_tasks = [t for t in facts.open_tasks if t.estimate_minutes and
                  t.spent_minutes > 1.2 * t.estimate_minutes]
    if late_tasks:
        bottlenecks.append(Bottleneck(
            "estimate_overrun", f"{len(late_tasks)} open task(s) took more than 20 % over "
                                "their estimate.", len(late_tasks),
            _impact(len(late_tasks), 2, 4)))

    if facts.manual_errors:
        bottlenecks.append(Bottleneck(
            "repeated_error", f"{facts.manual_errors} error(s) noted in the activity log.",
            facts.manual_errors, _impact(facts.manual_errors, 3, 8)))

    goal = facts.daily_goal_minutes
    if (now_hour is not None and facts.streak_days > 0 and goal
            and facts.active_minutes < goal and now_hour >= 15):
        insights.append(Insight(
            "habits", f"Your {facts.streak_days}-day streak is at risk: "
                      f"{facts.active_minutes:.0f} of {goal:.0f} minutes so far today.",
            f"{goal - facts.active_minutes:.0f} more minutes keep it alive."))

    if facts.active_minutes > 0 and facts.distracting_minutes / facts.active_minutes >= 0.3:
        insights.append(Insight(
            "distraction", f"{facts.distracting_minutes:.0f} of {facts.active_minutes:.0f} "
                           "active minutes went to distracting categories.",
            "Batch those sites into one or two planned breaks."))

    if facts.commits and facts.projects:
        coding = sum(facts.projects.values()) / 60
        if coding > 0:
            insights.append(Insight(
                "code", f"{facts.commits} commit(s) in {coding:.1f} hours of project time.",
                "Small, frequent commits make work easier to review and resume."))

    return Analysis(tuple(bottlenecks[:MAX_ITEMS]), tuple(insights[:MAX_ITEMS]),
                    tuple(tools[:MAX_ITEMS]))


_PRIORITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


def local_plan(day: date, facts: DayFacts, history: Sequence[DayFacts] = (),
               analysis: Analysis | None = None, *, last_completion: float | None = None
               ) -> Plan:
    """A plan for `day` from the open tasks (by due date and priority), sized to the usual
    active time of the recent days, and shortened when the last plan was not finished."""
    days = [f for f in (*history, facts) if f.active_minutes > 0]
    usual = sum(f.active_minutes for f in days) / len(days) if days else 240.0
    capacity = max(60.0, min(usual, 480.0)) * 0.75  # leave room for the unplanned
    if last_completion is not None and last_completion < 0.5:
        capacity *= 0.8

    def key(t: OpenTask) -> tuple[int, int, str]:
        overdue = t.due is not None and t.due <= day
        due_rank = (t.due - day).days if t.due is not None else 10_000
        return (0 if overdue else 1, _PRIORITY_RANK.get(t.priority, 2) * 100 + min(due_rank, 99),
                t.ref)

    chosen: list[PlanTask] = []
    used = 0.0
    for t in sorted(facts.open_tasks, key=key):
        remaining = (t.estimate_minutes or 60.0) - t.spent_minutes
        minutes = int(min(max(remaining, 15.0), 180.0) // 5 * 5)
        if chosen and used + minutes > capacity:
            continue
        priority = "urgent" if t.due is not None and t.due <= day else t.priority
        chosen.append(PlanTask(t.title, priority, max(minutes, 5), t.ref))
        used += minutes
        if len(chosen) >= 6:
            break
    if not chosen:
        project = max(facts.projects.items(), key=lambda kv: kv[1])[0] if facts.projects else None
        chosen.append(PlanTask(f"Deep work on {project}" if project else
                               "Pick the one thing that matters most and do it first",
                               "high", 90))

    languages = sorted(facts.languages.items(), key=lambda kv: -kv[1])
    learning = (f"30 minutes on a {languages[0][0]} feature or library you have not used yet"
                if languages else "30 minutes reading documentation for a tool you use daily")
    bottleneck = analysis.bottlenecks[0] if analysis and analysis.bottlenecks else None
    question = {
        "context_switching": "What pulled you away from the task you started with today?",
        "no_breaks": "When did you last step away from the screen, and how did you feel after?",
        "distraction_spike": "What were you avoiding when you opened the distracting sites?",
        "estimate_overrun": "Which part of your most overrun task did you not see coming?",
        "repeated_error": "What would have prevented the error you met most often?",
    }.get(bottleneck.type if bottleneck else "", "What is the one thing that would make tomorrow "
                                                 "a good day?")
    return Plan(day, tuple(chosen), learning, question)


def completion(plan: Plan | None) -> float | None:
    if plan is None or not plan.tomorrow_tasks:
        return None
    return plan.done / len(plan.tomorrow_tasks)


def history_days(day: date, count: int) -> list[date]:
    """The `count` days before `day`, oldest first."""
    return [day - timedelta(days=i) for i in range(count, 0, -1)]
