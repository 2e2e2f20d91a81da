"""Importers turn other trackers' files into our events (no database here)."""

import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from tracker_desktop.services.importers import FORMATS, ImportFormatError
from tracker_desktop.services.importers.wakatime import WakaTimeImporter, editor_from_user_agent

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def read(name, doc, importer=None):
    progress, invalid = [], []
    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    events = list((importer or FORMATS[name]).read(io.BytesIO(raw), lambda d, t: progress.append((d, t)),
                                                   invalid.append))
    return events, progress, invalid


def bucket(bid, kind, events, client="aw-watcher"):
    return {"id": bid, "type": kind, "client": client, "hostname": "h", "created": T.isoformat(),
            "events": events}


def aw_event(offset, duration, **data):
    return {"timestamp": (T + timedelta(seconds=offset)).isoformat(), "duration": duration, "data": data}


def test_registry_names_the_formats():
    assert set(FORMATS) == {"activitywatch", "wakatime"}
    assert all(f.name == n and f.description for n, f in FORMATS.items())


def test_activitywatch_buckets_map_to_our_sources():
    doc = {"buckets": {
        "aw-watcher-window_h": bucket("aw-watcher-window_h", "currentwindow", [aw_event(0, 60, app="code", title="a")]),
        "aw-watcher-afk_h": bucket("aw-watcher-afk_h", "afkstatus", [aw_event(0, 60, status="not-afk")]),
        "aw-watcher-web-firefox_h": bucket("aw-watcher-web-firefox_h", "web.tab.current", [
            aw_event(0, 30, url="https://www.example.com/x", title="Ex", audible=True, incognito=False,
                     tabCount=4)]),
        "aw-watcher-vscode_h": bucket("aw-watcher-vscode_h", "app.editor.activity", [
            aw_event(0, 20, project="/src/tracker", language="python", file="/src/tracker/a.py")]),
        "aw-stopwatch": bucket("aw-stopwatch", "general.stopwatch", [aw_event(0, 600, label="Reading", running=False)]),
        "aw-watcher-input_h": bucket("aw-watcher-input_h", "os.hid.input", [aw_event(0, 5, presses=3)]),
    }}
    events, progress, invalid = read("activitywatch", doc)
    by = {e.source: e for e in events}
    assert set(by) == {"window", "afk", "browser", "editor", "manual"}
    assert dict(by["window"].data) == {"app": "code", "title": "a"}
    assert by["window"].start == T and by["window"].duration == timedelta(seconds=60)
    assert dict(by["browser"].data) == {"url": "https://www.example.com/x", "title": "Ex",
                                        "domain": "example.com", "browser": "firefox",
                                        "audible": True, "incognito": False}
    assert dict(by["editor"].data) == {"project": "/src/tracker", "language": "python",
                                       "file": "/src/tracker/a.py", "editor": "vscode"}
    assert dict(by["manual"].data) == {"title": "Reading"}
    assert progress[-1] == (5, 5) and invalid == []


def test_activitywatch_bad_events_are_skipped_and_reported():
    doc = {"buckets": {"aw-watcher-window_h": bucket("aw-watcher-window_h", "currentwindow", [
        aw_event(0, 1, app="a", title="t"), {"timestamp": "yesterday", "duration": 1, "data": {}},
        {"timestamp": T.isoformat(), "duration": "long", "data": {}}, "nonsense"])}}
    events, _, invalid = read("activitywatch", doc)
    assert len(events) == 1 and len(invalid) == 3


@pytest.mark.parametrize("doc, message", [
    (b"\x80\x81", "UTF-8"), (b"{", "invalid JSON"), ({"events": []}, "expected"),
    ({"buckets": {"x": {"type": "currentwindow"}}}, "no event list"),
])
def test_activitywatch_refuses_other_files(doc, message):
    with pytest.raises(ImportFormatError, match=message):
        read("activitywatch", doc)


def hb(t, entity="/src/app/a.py", **kw):
    base = {"time": T.timestamp() + t, "entity": entity, "type": "file", "category": "coding",
            "project": "app", "language": "Python", "is_write": False}
    base.update(kw)
    return base


def test_wakatime_durations_follow_the_timeout_and_equal_heartbeats_merge():
    doc = {"user": {}, "days": [
        {"date": "2026-01-05", "heartbeats": [
            hb(0, line_additions=2), hb(60), hb(120, line_additions=3),  # 0..120 then on to b.py
            hb(180, "/src/app/b.py"), hb(180 + 16 * 60, "/src/app/b.py"),  # gap > 15 min: 0 s
        ]},
        {"date": "2026-01-06", "heartbeats": [hb(86400, language="Go", project="other")]},
    ]}
    events, progress, _ = read("wakatime", doc)
    summary = [(round((e.start - T).total_seconds()), e.duration.total_seconds(), e.data.get("file"),
                dict(e.counts)) for e in events]
    assert summary == [
        (0, 180.0, "/src/app/a.py", {"lines_added": 5}),
        (180, 0.0, "/src/app/b.py", {}),
        (180 + 16 * 60, 0.0, "/src/app/b.py", {}),
        (86400, 0.0, "/src/app/a.py", {}),
    ]
    assert events[0].source == "editor" and events[0].data["project"] == "app"
    assert progress[-1] == (6, 6)


def test_wakatime_timeout_is_configurable_and_entity_types_map_to_sources():
    doc = [hb(0, "Figma", type="app"), hb(100, "github.com", type="domain"),
           hb(200, "https://docs.rs/x", type="url"), hb(300)]
    events, _, _ = read("wakatime", doc, WakaTimeImporter(timeout=timedelta(minutes=1)))
    assert [(e.source, e.duration.total_seconds()) for e in events] == [
        ("window", 0.0), ("browser", 0.0), ("browser", 0.0), ("editor", 0.0)]
    events, _, _ = read("wakatime", doc)
    assert [e.duration.total_seconds() for e in events] == [100.0, 100.0, 100.0, 0.0]
    assert dict(events[0].data) == {"app": "Figma", "title": "app"}
    assert dict(events[2].data) == {"url": "https://docs.rs/x", "domain": "docs.rs"}


def test_wakatime_editor_names():
    assert editor_from_user_agent(
        "wakatime/v1.90.0 (linux-6.5.0) go1.21.5 vscode/1.85.1 vscode-wakatime/24.4.0") == "vscode"
    assert editor_from_user_agent("wakatime/v1.73.0 (darwin-22.1.0-arm64) go1.19.4 PyCharm/2023.1 "
                                  "PyCharm-wakatime/14.1.4") == "pycharm"
    assert editor_from_user_agent("") is None
    doc = {"user_agents": [{"id": "ua1", "editor": "neovim"}],
           "days": [{"date": "2026-01-05", "heartbeats": [hb(0, user_agent_id="ua1"), hb(10, editor="Emacs")]}]}
    events, _, _ = read("wakatime", doc)
    assert [e.data["editor"] for e in events] == ["neovim", "Emacs"]


def test_wakatime_daily_summaries_dump_is_refused_with_a_hint():
    with pytest.raises(ImportFormatError, match="heartbeats"):
        read("wakatime", {"days": [{"date": "2026-01-05", "grand_total": {"total_seconds": 10}}]})
    with pytest.raises(ImportFormatError):
        read("wakatime", {"something": 1})


def test_the_import_verb_names_every_format():
    from tracker_desktop.commands.import_ import FORMAT_NAMES
    from tracker_desktop.services.importers import FORMATS

    assert set(FORMAT_NAMES) == {"jsonl", "native", *FORMATS}


def test_activitywatch_events_take_their_buckets_host_and_unsupported_buckets_are_reported():
    def on(bid, kind, host, *events):
        b = bucket(bid, kind, list(events))
        if host is None:
            del b["hostname"]
        else:
            b["hostname"] = host
        return b

    doc = {"buckets": {
        "aw-watcher-window_laptop": on("aw-watcher-window_laptop", "currentwindow", "laptop",
                                       aw_event(0, 60, app="code", title="a")),
        "aw-watcher-web-firefox_laptop": on("aw-watcher-web-firefox_laptop", "web.tab.current",
                                            "unknown", aw_event(0, 60, url="https://x.org")),
        "aw-watcher-web-chrome": on("aw-watcher-web-chrome", "web.tab.current", "unknown",
                                    aw_event(0, 60, url="https://y.org")),
        "aw-watcher-afk": on("aw-watcher-afk", "afkstatus", None, aw_event(0, 60, status="afk")),
        "aw-watcher-input_desk": on("aw-watcher-input_desk", "os.hid.input", "desk",
                                    aw_event(0, 1, presses=1), aw_event(1, 1, presses=2)),
        "mystery": on("mystery", "something.else", "desk", aw_event(0, 1)),
    }}
    unsupported = []
    events = list(FORMATS["activitywatch"].read(io.BytesIO(json.dumps(doc).encode()),
                                                lambda d, t: None, None, unsupported.append))
    assert [(e.source, e.device) for e in events] == [
        ("window", "laptop"), ("browser", "laptop"), ("browser", ""), ("afk", "")]
    assert unsupported == [
        {"bucket": "aw-watcher-input_desk", "type": "os.hid.input", "hostname": "desk", "events": 2},
        {"bucket": "mystery", "type": "something.else", "hostname": "desk", "events": 1}]


@pytest.mark.parametrize("host, message", [(3, "must be a string"), ("x" * 65, "longer than 64")])
def test_a_bad_bucket_hostname_is_refused(host, message):
    b = bucket("aw-watcher-window_h", "currentwindow", [aw_event(0, 1, app="a")])
    b["hostname"] = host
    with pytest.raises(ImportFormatError, match=message):
        read("activitywatch", {"buckets": {"aw-watcher-window_h": b}})
