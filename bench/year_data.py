"""A synthetic but realistic year of activity, written straight into a tracker database.

Weekdays: a morning and an afternoon session (sometimes an evening one), weekends now and then.
Inside a session the focused window changes every few seconds to a minute or two (editor,
terminal, two browsers, chat, mail, a PDF viewer...), with short AFK pauses during which the last
window stays focused; lunch and the night are AFK or off. Browser windows carry tab events of
their own browser (firefox / chrome) for the time they are focused; editor windows carry editor
events (project, language, file). Window events carry key and click counts.

Deterministic for a given seed. Standard library + our storage codec only.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Iterator

from storage.codec import dump_map, to_us

PROJECTS = [("tracker", "Python", "py"), ("webapp", "TypeScript", "ts"), ("infra", "Go", "go"),
            ("notes", "Markdown", "md")]
FILES = {p: [f"{name}.{ext}" for name in ("main", "models", "views", "api", "utils", "config", "cli",
                                             "storage", "report", "tests", "server", "client")]
         for p, _, ext in PROJECTS}
SITES = [  # (domain, weight, pages)
    ("github.com", 12, 40), ("stackoverflow.com", 8, 60), ("docs.python.org", 6, 40),
    ("developer.mozilla.org", 4, 30), ("www.youtube.com", 5, 50), ("www.reddit.com", 4, 40),
    ("news.ycombinator.com", 3, 20), ("mail.google.com", 5, 5), ("calendar.google.com", 2, 3),
    ("en.wikipedia.org", 3, 50), ("docs.google.com", 4, 10), ("twitter.com", 2, 20),
    ("www.amazon.com", 1, 20), ("chatgpt.com", 2, 10), ("localhost", 4, 10),
]
APPS = [  # (app, weight)
    ("code", 34), ("gnome-terminal-server", 14), ("Firefox", 16), ("Google-chrome", 9),
    ("Slack", 9), ("thunderbird", 3), ("evince", 3), ("nautilus", 2), ("spotify", 1),
    ("libreoffice", 2), ("zoom", 1), ("keepassxc", 1), ("gimp", 1),
]
# Seconds a window keeps the focus: mostly short, sometimes long (reading, a long build).
DWELL = [2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 22, 30, 40, 60, 90, 150]
DWELL_W = [6, 8, 9, 9, 9, 9, 8, 7, 6, 5, 4, 4, 3, 3, 2, 1]


@dataclass
class Counts:
    window: int = 0
    afk: int = 0
    browser: int = 0
    editor: int = 0

    @property
    def total(self) -> int:
        return self.window + self.afk + self.browser + self.editor


def _sessions(rnd: random.Random, day: date) -> list[tuple[float, float]]:
    """Local session (start hour, end hour) pairs for a day."""
    j = lambda s: rnd.uniform(-s, s)  # noqa: E731
    if day.weekday() < 5:
        out = [(9 + j(0.5), 12.5 + j(0.4)), (13.4 + j(0.3), 18 + j(0.7))]
        if rnd.random() < 0.3:
            out.append((20.5 + j(0.5), 22 + j(0.5)))
        return out
    out = []
    if rnd.random() < 0.5:
        out.append((10.5 + j(1), 12.5 + j(0.5)))
    if rnd.random() < 0.4:
        out.append((15 + j(1), 17 + j(1)))
    return out


def _window(rnd: random.Random) -> tuple[str, dict, str | None, tuple | None]:
    app = rnd.choices([a for a, _ in APPS], [w for _, w in APPS])[0]
    if app == "code":
        project, lang, _ = rnd.choices(PROJECTS, [6, 3, 2, 1])[0]
        f = rnd.choice(FILES[project])
        return app, {"app": app, "title": f"{f} - {project} - Visual Studio Code"}, None, (project, lang, f)
    if app in ("Firefox", "Google-chrome"):
        domain, _, pages = rnd.choices(SITES, [w for _, w, _ in SITES])[0]
        page = rnd.randrange(pages)
        title = f"{domain.split('.')[-2] if '.' in domain else domain} page {page}"
        suffix = " — Mozilla Firefox" if app == "Firefox" else " - Google Chrome"
        url = f"https://{domain}/p/{page}"
        return app, {"app": app, "title": title + suffix}, url, None
    titles = {"gnome-terminal-server": ["~/src/tracker", "pytest -q", "htop", "git log", "make"],
              "Slack": ["general | Team", "random | Team", "dev | Team", "Alice | Team"],
              "thunderbird": ["Inbox - Mozilla Thunderbird", "Write: Re: plans"],
              "evince": ["design.pdf", "paper.pdf", "invoice.pdf"]}
    title = rnd.choice(titles.get(app, [app]))
    return app, {"app": app, "title": title}, None, None


def generate(db_file: Path, days: int = 365, start: date = date(2025, 1, 1), seed: int = 7,
             tz: tzinfo = timezone.utc, batch: int = 20000) -> Counts:
    """Fill `db_file` (already migrated) with `days` days of events; returns how many."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(str(db_file))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    sql = "INSERT INTO events (source, start_us, duration_us, data, counts) VALUES (?, ?, ?, ?, ?)"
    rows: list[tuple] = []
    counts = Counts()
    second = 1_000_000

    def put(source: str, start_us: int, dur_us: int, data: dict, cnt: dict | None = None) -> None:
        rows.append((source, start_us, dur_us, dump_map(data), dump_map(cnt or {})))
        setattr(counts, source, getattr(counts, source) + 1)
        if len(rows) >= batch:
            conn.executemany(sql, rows)
            rows.clear()

    for k in range(days):
        day = start + timedelta(days=k)
        for h0, h1 in _sessions(rnd, day):
            s = datetime.combine(day, time(), tzinfo=tz) + timedelta(hours=h0)
            e = datetime.combine(day, time(), tzinfo=tz) + timedelta(hours=h1)
            t, end = to_us(s.astimezone(timezone.utc)), to_us(e.astimezone(timezone.utc))
            active_from = t
            next_pause = t + int(rnd.uniform(25, 70) * 60 * second)
            while t < end:
                app, data, url, code = _window(rnd)
                dur = int(rnd.choices(DWELL, DWELL_W)[0] * second * rnd.uniform(0.7, 1.15))
                dur = min(dur, end - t)
                keys = rnd.randrange(0, 6) * dur // second if app in ("code", "gnome-terminal-server", "Slack") else 0
                put("window", t, dur, data, {"keys": keys, "clicks": rnd.randrange(0, 4)})
                if url is not None:  # the browser's own tab events for the focused time
                    browser = "firefox" if app == "Firefox" else "chrome"
                    split = t + dur // 2 if dur > 20 * second and rnd.random() < 0.4 else None
                    for a, b in ((t, split), (split, t + dur)) if split else ((t, t + dur),):
                        put("browser", a, b - a, {"url": url, "title": data["title"].split(" — ")[0],
                                                  "domain": url.split("/")[2].removeprefix("www."),
                                                  "browser": browser, "audible": False, "incognito": False})
                if code is not None:
                    project, lang, f = code
                    put("editor", t, dur, {"project": project, "language": lang,
                                           "file": f"/home/me/src/{project}/{f}", "editor": "vscode"},
                        {"lines_added": rnd.randrange(0, 3)})
                t += dur
                # A missed poll now and then leaves a 1–3 s hole the flood closes.
                if rnd.random() < 0.05:
                    t += rnd.randrange(1, 4) * second
                if t >= next_pause and t < end - 10 * 60 * second:
                    pause = int(rnd.uniform(2, 12) * 60 * second)
                    put("afk", active_from, t - active_from, {"status": "not-afk"})
                    put("window", t, pause, data, {})  # the window stays focused while away
                    put("afk", t, pause, {"status": "afk"})
                    t += pause
                    active_from = t
                    next_pause = t + int(rnd.uniform(25, 70) * 60 * second)
            put("afk", active_from, t - active_from, {"status": "not-afk"})
            put("afk", t, 5 * 60 * second, {"status": "afk"})  # walked away at the end
    if rows:
        conn.executemany(sql, rows)
    conn.commit()
    conn.close()
    return counts


def iter_days(first: date, n: int) -> Iterator[date]:
    for k in range(n):
        yield first + timedelta(days=k)
