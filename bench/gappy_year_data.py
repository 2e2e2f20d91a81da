"""A year of gappy activity (issue 6, item 4), written straight into a tracker database.

What imported data, browser-only days and a stalling tracker look like: window events of a few
seconds with holes of a few seconds between them (many longer than the 5 s gap filling), so that
stitching every hole into an `idle` block gave ~2,000 blocks a day. Sessions follow
bench/year_data.py (weekday morning and afternoon, evenings and weekends now and then) with an AFK
pause every 25–70 minutes. Every fourth day is browser-only: tab events and nothing else (no
window, no AFK events), as from a machine where only the browser extension runs.

Deterministic for a given seed. Standard library + our storage codec only.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

from storage.codec import dump_map, to_us
from year_data import SITES, Counts, _sessions, _window

SECOND = 1_000_000
# Window events last 1–6 s; the holes between them 1–12 s (the flood fills those up to 5 s).
DURATIONS = [1, 2, 3, 4, 5, 6]
HOLES = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12]


def generate(db_file: Path, days: int = 365, start: date = date(2025, 1, 1), seed: int = 11,
             tz: tzinfo = timezone.utc, batch: int = 20000) -> Counts:
    """Fill `db_file` (already migrated) with `days` days of gappy events; returns how many."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(str(db_file))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    sql = "INSERT INTO events (source, start_us, duration_us, data, counts) VALUES (?, ?, ?, ?, ?)"
    rows: list[tuple[str, int, int, str, str]] = []
    counts = Counts()

    def put(source: str, start_us: int, dur_us: int, data: dict[str, object],
            cnt: dict[str, float] | None = None) -> None:
        rows.append((source, start_us, dur_us, dump_map(data), dump_map(cnt or {})))
        setattr(counts, source, getattr(counts, source) + 1)
        if len(rows) >= batch:
            conn.executemany(sql, rows)
            rows.clear()

    for k in range(days):
        day = start + timedelta(days=k)
        browser_only = k % 4 == 3
        for h0, h1 in _sessions(rnd, day):
            midnight = datetime.combine(day, time(), tzinfo=tz)
            t = to_us((midnight + timedelta(hours=h0)).astimezone(timezone.utc))
            end = to_us((midnight + timedelta(hours=h1)).astimezone(timezone.utc))
            active_from = t
            next_pause = t + int(rnd.uniform(25, 70) * 60 * SECOND)
            while t < end:
                dur = min(rnd.choice(DURATIONS) * SECOND, end - t)
                if browser_only:
                    domain, _, pages = rnd.choices(SITES, [w for _, w, _ in SITES])[0]
                    url = f"https://{domain}/p/{rnd.randrange(pages)}"
                    put("browser", t, dur, {"url": url, "title": f"{domain} page",
                                            "domain": domain.removeprefix("www."),
                                            "browser": "firefox", "audible": False,
                                            "incognito": False})
                else:
                    app, data, url, code = _window(rnd)
                    put("window", t, dur, data, {"keys": rnd.randrange(0, 12), "clicks": rnd.randrange(0, 3)})
                    if url is not None:
                        put("browser", t, dur, {"url": url, "title": data["title"],
                                                "domain": url.split("/")[2].removeprefix("www."),
                                                "browser": "firefox" if app == "Firefox" else "chrome",
                                                "audible": False, "incognito": False})
                    if code is not None:
                        project, lang, f = code
                        put("editor", t, dur, {"project": project, "language": lang,
                                               "file": f"/home/me/src/{project}/{f}", "editor": "vscode"})
                t += dur + rnd.choice(HOLES) * SECOND
                if t >= next_pause and t < end - 10 * 60 * SECOND:
                    pause = int(rnd.uniform(2, 12) * 60 * SECOND)
                    if not browser_only:
                        put("afk", active_from, t - active_from, {"status": "not-afk"})
                        put("afk", t, pause, {"status": "afk"})
                    t += pause
                    active_from = t
                    next_pause = t + int(rnd.uniform(25, 70) * 60 * SECOND)
            if not browser_only:
                put("afk", active_from, t - active_from, {"status": "not-afk"})
                put("afk", t, 5 * 60 * SECOND, {"status": "afk"})
    if rows:
        conn.executemany(sql, rows)
    conn.commit()
    conn.close()
    return counts
