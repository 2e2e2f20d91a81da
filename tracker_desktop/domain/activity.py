"""Active time: what the person was doing, second by second, while they were at the computer.

Rules (issue 3, aligned with ActivityWatch's canonical query where it has one):
- Window events, flooded (short gaps filled), minus the time recorded as AFK. Time with no AFK
  record at all counts as present, as in `status`: a tracker without an AFK probe still reports.
  An audible tab in the focused browser window counts as present even when AFK says away
  (watching a video without touching the keyboard), as aw-webui's query does (include_audible).
- While a browser window is active, the browser's tab events (same browser family) refine that
  time into domain/URL; while an editor (or terminal) is active, editor events refine it into
  project/language/file.
- Editor and browser events in time no window event covers (imported WakaTime history, no window
  collector running) are evidence of activity on their own, minus AFK time.
- Manual entries and running timers count even while AFK, and take precedence over whatever the
  computer recorded at the same time (the person said what they were doing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from .events import AFK, BROWSER, EDITOR, INPUT, MANUAL, WINDOW, Event, summable
from .flood import flood
from .intervals import Span, clip, cut, overlay, subtract, union
from .privacy import REDACTED

BROWSER_APPS = (r"firefox|chrom|brave|msedge|microsoft-edge|^edge|vivaldi|opera|safari|librewolf"
                r"|waterfox|floorp|^zen|epiphany|falkon|qutebrowser|^arc$|yandex|thorium|mullvad")
EDITOR_APPS = (r"^(code|code-oss|codium|vscodium|cursor|windsurf|zed|zeditor|sublime_text|subl|atom"
               r"|emacs|gvim|vim|nvim|neovide|kate|helix|hx|lapce|geany|xcode|devenv|eclipse"
               r"|android-studio|studio64|rustrover|fleet)(\.exe)?$|visual studio code|jetbrains"
               r"|pycharm|intellij|idea|clion|goland|webstorm|phpstorm|rubymine|rider|datagrip"
               # Terminal editors (vim, helix...) report through plugins while a terminal is active.
               r"|terminal|konsole|alacritty|kitty|wezterm|xterm|urxvt|tilix|terminator|foot"
               r"|ghostty|iterm|cmd\.exe|powershell|pwsh")
# The title `[privacy] redact_titles` records instead of the real one.
REDACTED_TITLE = REDACTED


@dataclass(frozen=True, slots=True)
class Activity:
    """What a stretch of active time was spent on; the fields category rules look at."""

    kind: str  # "window", "browser", "editor" or "manual": which source said so last
    app: str | None = None
    title: str | None = None
    domain: str | None = None
    url: str | None = None
    project: str | None = None
    language: str | None = None
    file: str | None = None
    category: str | None = None  # explicit category of a manual entry
    task: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    start: datetime
    end: datetime
    activity: Activity

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True, slots=True)
class ActivityOptions:
    flood_seconds: float = 5.0
    browser_apps: re.Pattern[str] = field(default_factory=lambda: re.compile(BROWSER_APPS, re.I))
    editor_apps: re.Pattern[str] = field(default_factory=lambda: re.compile(EDITOR_APPS, re.I))
    local_device: str = ""  # this machine's name: what events with no device ("") belong to
    device: str | None = None  # only this device's events (report --device); None: every device


def _str(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


_FAMILIES = (
    ("firefox", ("firefox", "librewolf", "waterfox", "floorp", "zen", "mullvad")),
    ("edge", ("edge",)),
    ("brave", ("brave",)),
    ("opera", ("opera",)),
    ("vivaldi", ("vivaldi",)),
    ("safari", ("safari",)),
    ("chrome", ("chrom", "thorium", "yandex", "arc")),
)
_KNOWN_FAMILIES = frozenset(family for family, _ in _FAMILIES)


def browser_family(name: str | None) -> str | None:
    """'google-chrome', 'Chromium', 'chrome' -> 'chrome'; so tab events meet their own window."""
    if not name:
        return None
    low = name.lower()
    for family, needles in _FAMILIES:
        if any(n in low for n in needles):
            return family
    return low


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def window_activity(e: Event) -> Activity:
    return Activity(WINDOW, app=_str(e.data.get("app")), title=_str(e.data.get("title")))


def browser_activity(e: Event, app: str | None = None, fallback_title: str | None = None) -> Activity:
    d = e.data
    url = _str(d.get("url"))
    domain = _str(d.get("domain")) or domain_of(url)
    if domain and domain.startswith("www."):
        domain = domain[4:]
    # A window title redacted at record time stays redacted: the tab's title (from an extension
    # or an import, which the window's privacy rules never saw) must not bring it back in reports.
    title = (fallback_title if fallback_title == REDACTED_TITLE
             else _str(d.get("title")) or fallback_title)
    return Activity(BROWSER, app=app or _str(d.get("browser")) or "browser",
                    title=title, domain=domain, url=url)


def editor_activity(e: Event, app: str | None = None, title: str | None = None) -> Activity:
    d = e.data
    return Activity(EDITOR, app=app or _str(d.get("editor")) or "editor", title=title,
                    project=_str(d.get("project")), language=_str(d.get("language")),
                    file=_str(d.get("file")))


def manual_activity(e: Event) -> Activity:
    d = e.data
    return Activity(MANUAL, app=None, title=_str(d.get("title")) or _str(d.get("task")) or "manual",
                    category=_str(d.get("category")), task=_str(d.get("task")))


def _items(events: Iterable[Event], start: datetime, end: datetime,
           make: Callable[[Event], Activity]) -> list[tuple[Span, Activity]]:
    out: list[tuple[Span, Activity]] = []
    for e in events:
        a, b = max(e.start, start), min(e.end, end)
        if b > a:
            out.append((Span(a, b), make(e)))
    return out


def _latest_wins(items: list[tuple[Span, Activity]]) -> list[tuple[Span, Activity]]:
    """Non-overlapping pieces of possibly overlapping items: where they overlap, the item that
    started last wins (a timer started inside a longer entry). Few items a day: a plain sweep."""
    if len(items) < 2:
        return list(items)
    cuts = sorted({t for s, _ in items for t in (s.start, s.end)})
    ordered = sorted(items, key=lambda it: it[0].start)
    out: list[tuple[Span, Activity]] = []
    for a, b in zip(cuts, cuts[1:]):
        winner = None
        for span, act in ordered:
            if span.start > a:
                break
            if span.end >= b:
                winner = act
        if winner is None:
            continue
        if out and out[-1][0].end == a and out[-1][1] == winner:
            out[-1] = (Span(out[-1][0].start, b), winner)
        else:
            out.append((Span(a, b), winner))
    return out


def away_spans(events: Mapping[str, Sequence[Event]], start: datetime, end: datetime,
               opts: ActivityOptions = ActivityOptions()) -> list[Span]:
    """The time in [start, end) recorded as AFK (flooded like every other source)."""
    afk = flood(events.get(AFK, ()), opts.flood_seconds)
    return union(clip((Span(e.start, e.end) for e in afk if e.data.get("status") == "afk"),
                      start, end))


def active_segments(events: Mapping[str, Sequence[Event]], start: datetime, end: datetime,
                    opts: ActivityOptions = ActivityOptions()) -> list[Segment]:
    """The active time in [start, end) as sorted, non-overlapping segments with their activity.

    `events` maps source to the events near the range (a flood margin either side helps gaps at
    the edges fill the same way whichever range is asked for); they need not be sorted.
    """
    pulse = opts.flood_seconds
    window = flood(events.get(WINDOW, ()), pulse)
    away = away_spans(events, start, end, opts)
    window_items = _items(window, start, end, window_activity)
    coverage = union(s for s, _ in window_items)

    browsers = [e for e in events.get(BROWSER, ()) if e.duration]
    by_family: dict[str, list[Event]] = {}  # "": tabs that do not name their browser
    for e in browsers:
        by_family.setdefault(browser_family(_str(e.data.get("browser"))) or "", []).append(e)
    layers = {fam: [(Span(e.start, e.end), e) for e in flood(evs, pulse)] for fam, evs in by_family.items()}

    # Tabs of a browser we cannot name (no or an unknown "browser" field) may refine any browser
    # window; tabs of a known browser never refine another known browser's window (a Chrome tab
    # left playing behind a focused Firefox is not what the person looked at).
    unnamed = sorted((fam for fam in layers if fam not in _KNOWN_FAMILIES), key=lambda f: f != "")

    def layer_for(app: str) -> str | None:
        """The layer refining a browser window of `app`, or None when none may."""
        fam = browser_family(app)
        if fam is not None and fam in layers:
            return fam
        return unnamed[0] if unnamed else None

    if away and layers:
        listening: list[Span] = []
        for fam, layer in layers.items():
            loud = [(sp, e) for sp, e in layer if e.data.get("audible") is True]
            if loud:
                focused = [(sp, a) for sp, a in window_items
                           if opts.browser_apps.search(a.app or "") and layer_for(a.app or "") == fam]
                listening += [sp for sp, _, hit in overlay(focused, loud) if hit is not None]
        if listening:
            away = subtract(away, listening)

    manual = _latest_wins(_items(events.get(MANUAL, ()), start, end, manual_activity))
    manual_spans = union(s for s, _ in manual)
    blocked = union([*away, *manual_spans])
    present = cut(window_items, blocked)
    editors = flood((e for e in events.get(EDITOR, ()) if e.duration), pulse)
    editor_layer = [(Span(e.start, e.end), e) for e in editors]

    segments: list[Segment] = []
    to_refine: dict[tuple[str, str], list[tuple[Span, Activity]]] = {}
    for span, act in present:
        app = act.app or ""
        refining = layer_for(app) if layers and opts.browser_apps.search(app) else None
        if refining is not None:
            to_refine.setdefault(("browser", refining), []).append((span, act))
        elif editor_layer and opts.editor_apps.search(app):
            to_refine.setdefault(("editor", ""), []).append((span, act))
        else:
            segments.append(Segment(span.start, span.end, act))
    for (what, fam), items in to_refine.items():
        layer = layers[fam] if what == "browser" else editor_layer
        for span, act, hit in overlay(items, layer):
            if hit is None:
                refined = act
            elif what == "browser":
                refined = browser_activity(hit, act.app, act.title)
            else:
                refined = editor_activity(hit, act.app, act.title)
            segments.append(Segment(span.start, span.end, refined))

    # Evidence where no window was recorded: editor first, then browser tabs.
    silent = union([*coverage, *blocked])
    editor_only = cut(_items(editors, start, end, editor_activity), silent)
    if browsers:
        all_tabs = flood(browsers, pulse)
        taken = union([*silent, *(s for s, _ in editor_only)])
        browser_only = cut(_items(all_tabs, start, end, browser_activity), taken)
    else:
        browser_only = []
    for span, act in (*editor_only, *browser_only, *manual):
        segments.append(Segment(span.start, span.end, act))

    segments.sort(key=lambda s: s.start)
    merged: list[Segment] = []
    for s in segments:
        if merged and merged[-1].end == s.start and merged[-1].activity == s.activity:
            merged[-1] = Segment(merged[-1].start, s.end, s.activity)
        else:
            merged.append(s)
    return merged


def input_counts(events: Mapping[str, Sequence[Event]], start: datetime, end: datetime
                 ) -> tuple[dict[str, float], dict[str, float]]:
    """(keys/clicks/scrolls/moves, editor counts such as lines_added) within [start, end).

    Input counts come from the per-minute `input` events when there are any, else from the counts
    on window events (never both: they count the same key presses). An event reaching outside the
    range contributes the share of it inside.
    """
    def share(e: Event) -> float:
        if not e.duration:
            return 1.0 if start <= e.start < end else 0.0
        inside = min(e.end, end) - max(e.start, start)
        return max(inside / e.duration, 0.0)

    def total(source: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for e in events.get(source, ()):
            if not e.counts:
                continue
            f = share(e)
            if f <= 0:
                continue
            for k, v in summable(e.counts):  # a gauge (scroll depth) is no amount to add up
                out[k] = out.get(k, 0.0) + v * f
        return out

    counts = total(INPUT)
    if not any(counts.values()):
        counts = total(WINDOW)
    return counts, total(EDITOR)
