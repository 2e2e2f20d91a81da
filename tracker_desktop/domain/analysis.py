"""One day from raw events to a DaySummary: active segments, categories, scores, blocks, focus,
context switches, hourly distribution and input counts. The rollup of a day is exactly this."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Callable, Mapping, Sequence

from .activity import Activity, ActivityOptions, Segment
from .devices import devices_active, devices_away, devices_input, split
from .blocks import ACTIVE, stitch
from .categories import (
    DEFAULT_KINDS,
    DEFAULT_LEVELS,
    DEFAULT_RULES,
    Categorizer,
    Category,
    format_category,
    parse_category,
)
from .days import hour_starts
from .events import Event
from .intervals import Span
from .scoring import ScoringPolicy, Visit, points
from .summary import BlockSummary, DaySummary, Stretch, bounded_titles, short_title


@dataclass(frozen=True)
class AnalysisConfig:
    categorizer: Categorizer = field(default_factory=lambda: Categorizer(DEFAULT_RULES))
    scoring: ScoringPolicy = field(default_factory=lambda: ScoringPolicy(
        {parse_category(k): v for k, v in DEFAULT_LEVELS.items()},
        {parse_category(k): v for k, v in DEFAULT_KINDS.items()}))
    activity: ActivityOptions = field(default_factory=ActivityOptions)
    break_after: timedelta = timedelta(minutes=15)  # AFK at least this long is a break, not idle
    # Active spans closer than this (and not AFK between) are one block: a person's "I worked
    # from 9 to 11", not a block per missed poll or per gap between imported events.
    merge_gap: timedelta = timedelta(seconds=120)
    focus_gap: timedelta = timedelta(seconds=60)  # interruptions that do not end a focus stretch
    visit_gap: timedelta = timedelta(seconds=5)  # a page left for less than this is the same visit


def _page(act: Activity) -> object:
    return act.url or act.file or act.title or act.app or act.kind


def _app_key(act: Activity) -> tuple[str | None, str | None]:
    return (act.app or act.kind, act.domain)


def _window_key(act: Activity) -> tuple[str | None, str | None, str | None]:
    # Without window ids, a window (or tab) is told apart by its title: three terminals are three
    # windows (issue 7, item 10: 11 switches between them counted as 0).
    return (act.app or act.kind, act.domain, act.title)


def analyze_day(events: Mapping[str, Sequence[Event]], day: date, start: datetime, end: datetime,
                tz: tzinfo, config: AnalysisConfig) -> DaySummary:
    """The summary of local `day` = [start, end) from the events around it, over every device
    (or `config.activity.device` alone): see devices.py for how devices combine."""
    opts = config.activity
    parts = split(events, opts.local_device, opts.device)
    segs = devices_active(parts, start, end, opts)
    counts, editor_counts = devices_input(parts, start, end)
    if not segs:
        return DaySummary(day, start, end, input=_clean(counts), editor=_clean(editor_counts))

    cats: list[Category] = [config.categorizer(s.activity) for s in segs]
    secs = [s.seconds for s in segs]
    eff = _effective_levels(segs, cats, secs, config)
    pts = [points(sec, lv) for sec, lv in zip(secs, eff)]

    categories: dict[str, list[float]] = {}
    levels: dict[int, float] = {}
    dims: dict[str, dict[str, float]] = {d: {} for d in ("apps", "domains", "projects", "languages", "files")}
    titles: dict[str, dict[str, float]] = {}
    for seg, cat, sec, pt in zip(segs, cats, secs, pts):
        name = format_category(cat)
        acc = categories.get(name)
        if acc is None:
            categories[name] = [sec, pt]
        else:
            acc[0] += sec
            acc[1] += pt
        lv = config.scoring.level(cat)
        levels[lv] = levels.get(lv, 0.0) + sec
        a = seg.activity
        for dim, value in (("apps", a.app), ("domains", a.domain), ("projects", a.project),
                           ("languages", a.language), ("files", a.file)):
            if value:
                d = dims[dim]
                d[value] = d.get(value, 0.0) + sec
        if a.app and a.title:
            per = titles.setdefault(a.app, {})
            t = short_title(a.title)
            per[t] = per.get(t, 0.0) + sec

    away = devices_away(parts, start, end, segs, opts)
    blocks = _blocks(segs, cats, pts, away, config)
    active = sum(secs)
    idle = sum(b.seconds for b in blocks if b.kind == "idle")
    breaks = sum(b.seconds for b in blocks if b.kind == "break")
    return DaySummary(
        day, start, end, active=active, idle=idle, breaks=breaks, points=sum(pts),
        categories={k: (v[0], v[1]) for k, v in categories.items()}, levels=levels,
        apps=dims["apps"], domains=dims["domains"], projects=dims["projects"],
        languages=dims["languages"], files=dims["files"],
        titles=bounded_titles(titles, dims["apps"]),
        hourly=_hourly(segs, start, end, tz), input=_clean(counts), editor=_clean(editor_counts),
        context_switches=_switches(segs, config.break_after, _window_key),
        app_switches=_switches(segs, config.break_after, _app_key),
        focus=_longest_focus(segs, eff, config.focus_gap), blocks=tuple(blocks),
    )


def _clean(counts: Mapping[str, float]) -> dict[str, float]:
    return {k: v for k, v in counts.items() if v}


def _effective_levels(segs: list[Segment], cats: list[Category], secs: list[float],
                      config: AnalysisConfig) -> list[float]:
    """Group segments into visits per category, let each category's strategy score its visits."""
    visit_of: list[int] = []
    visits: list[tuple[Category, Visit]] = []
    members: list[list[int]] = []
    last_key: object = None
    last_end: datetime | None = None
    for i, (seg, cat) in enumerate(zip(segs, cats)):
        key = (cat, _page(seg.activity))
        if key == last_key and last_end is not None and seg.start - last_end <= config.visit_gap:
            idx = len(visits) - 1
            c, v = visits[idx]
            visits[idx] = (c, Visit(v.start, v.seconds + secs[i], v.key))
            members[idx].append(i)
        else:
            visits.append((cat, Visit(seg.start, secs[i], key[1])))
            members.append([i])
        visit_of.append(len(visits) - 1)
        last_key, last_end = key, seg.end
    by_cat: dict[Category, list[int]] = {}
    for idx, (cat, _) in enumerate(visits):
        by_cat.setdefault(cat, []).append(idx)
    visit_level = [0.0] * len(visits)
    for cat, idxs in by_cat.items():
        policy = config.scoring
        levels = policy.strategy(cat).levels([visits[i][1] for i in idxs], policy.level(cat))
        for i, lv in zip(idxs, levels):
            visit_level[i] = max(-2.0, min(2.0, lv))
    return [visit_level[v] for v in visit_of]


def _blocks(segs: list[Segment], cats: list[Category], pts: list[float], away: list[Span],
            config: AnalysisConfig) -> list[BlockSummary]:
    raw = stitch((Span(s.start, s.end) for s in segs), config.break_after, config.merge_gap, away)
    out = []
    i = 0
    for b in raw:
        if b.kind != ACTIVE:
            out.append(BlockSummary(b.kind, b.start, b.end))
            continue
        block_pts = 0.0
        per_cat: dict[Category, float] = {}
        while i < len(segs) and segs[i].start < b.end:
            block_pts += pts[i]
            per_cat[cats[i]] = per_cat.get(cats[i], 0.0) + segs[i].seconds
            i += 1
        # The category with the most time; ties go to the one seen first.
        top = max(per_cat.items(), key=lambda kv: kv[1])[0] if per_cat else None
        out.append(BlockSummary(ACTIVE, b.start, b.end, block_pts,
                                format_category(top) if top else None, b.active.total_seconds()))
    return out


def _hourly(segs: list[Segment], start: datetime, end: datetime, tz: tzinfo) -> tuple[float, ...]:
    bounds = hour_starts(start, end, tz)
    instants = [t for t, _ in bounds]
    hours = [h for _, h in bounds]
    out = [0.0] * 24
    for s in segs:
        i = bisect_right(instants, s.start) - 1
        t = s.start
        while t < s.end and i < len(instants):
            nxt = instants[i + 1] if i + 1 < len(instants) else end
            piece_end = min(s.end, nxt)
            out[hours[i]] += (piece_end - t).total_seconds()
            t = piece_end
            i += 1
    return tuple(out)


def _switches(segs: list[Segment], break_after: timedelta, key: Callable[[Activity], object]) -> int:
    """Changes of `key` between consecutive activities, not counting returns from a break."""
    count = 0
    for prev, cur in zip(segs, segs[1:]):
        if cur.start - prev.end < break_after and key(prev.activity) != key(cur.activity):
            count += 1
    return count


def _longest_focus(segs: list[Segment], eff: list[float], gap: timedelta) -> Stretch | None:
    best: Stretch | None = None
    run_start: datetime | None = None
    run_end: datetime | None = None
    for seg, lv in zip(segs, eff):
        if lv <= 0:
            continue
        if run_end is not None and seg.start - run_end <= gap:
            run_end = seg.end
        else:
            if run_start is not None and run_end is not None:
                best = _longer(best, run_start, run_end)
            run_start, run_end = seg.start, seg.end
    if run_start is not None and run_end is not None:
        best = _longer(best, run_start, run_end)
    return best


def _longer(best: Stretch | None, start: datetime, end: datetime) -> Stretch:
    secs = (end - start).total_seconds()
    if best is None or secs > best.seconds:
        return Stretch(secs, start, end)
    return best
