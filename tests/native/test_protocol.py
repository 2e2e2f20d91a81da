"""The real host process, message by message: every message type and every error path."""

from __future__ import annotations

import json
import signal
from datetime import datetime, timedelta, timezone

import pytest

from .hostproc import HEADER, HostEnv


def iso(t: datetime) -> str:
    return t.isoformat()


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def hb(t: datetime, url: str = "http://a.test/x", **extra: object) -> dict[str, object]:
    return {"type": "heartbeat", "source": "browser", "timestamp": iso(t),
            "data": {"url": url, "domain": url.split("/")[2], "title": "A", "browser": "chromium"},
            **extra}


def test_hello_answers_with_version_and_focus_state(host_env: HostEnv) -> None:
    host = host_env.host("chrome-extension://abcdefghijklmnopabcdefghijklmnop/")
    reply = host.request({"type": "hello", "id": 1, "client": "chrome", "version": "0.1.0"})
    assert reply["type"] == "hello" and reply["id"] == 1 and reply["ok"] is True
    assert reply["protocol"] == 1 and isinstance(reply["version"], str)
    assert reply["focus"]["active"] is False and reply["focus"]["until"] is None
    assert reply["focus"]["blocklist"] == ["blocked.test", "distracting.test"]
    assert host.close() == 0


def test_heartbeats_merge_by_the_collectors_rule_and_are_written_on_exit(host_env: HostEnv) -> None:
    t0 = now() - timedelta(minutes=10)
    host = host_env.host()
    # 0 s, 60 s, 120 s on one page (pulsetime 80 s: one event of 120 s), then another page.
    for i, offset in enumerate((0, 60, 120)):
        reply = host.request(hb(t0 + timedelta(seconds=offset), id=f"h{i}",
                                counts={"tab_switches": 1}))
        assert reply == {"type": "ack", "id": f"h{i}", "ok": True}
    assert host.request(hb(t0 + timedelta(seconds=120), url="http://b.test/", id=9))["ok"]
    # Beyond the pulsetime: a new event of the first page.
    assert host.request(hb(t0 + timedelta(seconds=300), pulsetime=80, id=10))["ok"]
    assert host.close() == 0
    events = host_env.events("browser")
    assert [(e["data"]["url"], e["duration"], e["counts"]) for e in events] == [
        ("http://a.test/x", 120.0, {"tab_switches": 3}),
        ("http://b.test/", 0.0, {}),
        ("http://a.test/x", 0.0, {}),
    ]
    assert all(e["device"] for e in events)  # this machine's name, never the caller's choice


def test_a_scroll_depth_keeps_its_maximum_while_tab_switches_add(host_env: HostEnv) -> None:
    """Issue 9: `scroll_depth` is a gauge. Heartbeats of one page merge into an event holding the
    deepest scroll reached, whatever order the depths came in; `tab_switches` still add up. In a
    batch, an out-of-range depth is refused alone and the rest is kept."""
    t0 = now() - timedelta(minutes=10)
    host = host_env.host()
    for i, (offset, depth) in enumerate(((0, 20), (30, 65), (60, 40), (90, 100), (120, 55))):
        reply = host.request(hb(t0 + timedelta(seconds=offset), id=i,
                                counts={"scroll_depth": depth, "tab_switches": 1}))
        assert reply == {"type": "ack", "id": i, "ok": True}
    items = [{k: v for k, v in hb(t0 + timedelta(seconds=150), url="http://b.test/").items()
              if k != "type"} for _ in range(3)]
    items[0]["counts"] = {"scroll_depth": 30}
    items[1]["counts"] = {"scroll_depth": 250}
    items[2]["counts"] = {"scroll_depth": 45}
    reply = host.request({"type": "heartbeats", "id": "b", "items": items})
    assert reply["count"] == 2 and [r["index"] for r in reply["rejected"]] == [1]
    assert "from 0 to 100" in reply["rejected"][0]["message"]
    assert host.close() == 0
    assert [(e["data"]["url"], e["duration"], e["counts"]) for e in host_env.events("browser")] == [
        ("http://a.test/x", 120.0, {"scroll_depth": 100, "tab_switches": 5}),
        ("http://b.test/", 0.0, {"scroll_depth": 45}),
    ]


def test_a_batch_records_the_valid_items_and_lists_the_refused_ones(host_env: HostEnv) -> None:
    t0 = now() - timedelta(hours=1)
    items = [{k: v for k, v in hb(t0 + timedelta(seconds=10 * i), url=f"http://s{i}.test/").items()
              if k != "type"} for i in range(5)]
    items[1]["timestamp"] = "2026-01-01T10:00:00"  # naive
    items[3] = "not an object"
    host = host_env.host()
    reply = host.request({"type": "heartbeats", "id": "q1", "items": items})
    assert reply["type"] == "ack" and reply["id"] == "q1" and reply["count"] == 3
    assert reply["rejected_count"] == 2
    assert [(r["index"], r["error"]) for r in reply["rejected"]] == [
        (1, "invalid_heartbeat"), (3, "invalid_heartbeat")]
    assert "UTC offset" in reply["rejected"][0]["message"]
    assert host.request({"type": "heartbeats", "id": "q2", "items": []}) == {
        "type": "ack", "id": "q2", "ok": True, "count": 0}
    assert host.close() == 0
    assert sorted(e["data"]["url"] for e in host_env.events()) == [
        "http://s0.test/", "http://s2.test/", "http://s4.test/"]


def noon_zone() -> tuple[str, timezone]:
    """A fixed-offset zone (POSIX TZ string, tzinfo) whose local time now is near noon.

    "Today" is the host's local day; pinning the zone keeps half an hour of history on it
    whenever the suite runs (CI near midnight UTC once split it across two days)."""
    hours = 12 - datetime.now(timezone.utc).hour  # -11 .. 12
    return f"TST{-hours:+d}", timezone(timedelta(hours=hours))


def test_query_today_answers_from_the_rollups(host_env: HostEnv) -> None:
    host_env.env["TZ"], zone = noon_zone()
    t0 = now() - timedelta(minutes=30)  # about 11:30 in that zone: on today
    host = host_env.host()
    for s in range(0, 181, 60):
        host.request(hb(t0 + timedelta(seconds=s), url="http://docs.test/page"))
    host.request({"type": "heartbeat", "source": "editor", "timestamp": iso(t0),
                  "duration": 120, "data": {"file": "/p/a.py", "project": "proj",
                                            "language": "Python", "editor": "vscode"}})
    assert host.close() == 0
    host = host_env.host()
    reply = host.request({"type": "query", "what": "today", "id": "t"})
    assert reply["type"] == "today" and reply["id"] == "t" and reply["ok"] is True
    assert reply["date"] == now().astimezone(zone).date().isoformat()
    assert reply["active_seconds"] >= 180
    assert reply["coding_seconds"] == pytest.approx(120, abs=1)
    assert {"name": "docs.test", "seconds": pytest.approx(180, abs=1)} in reply["sites"] or \
        reply["sites"][0]["name"] == "docs.test"
    assert reply["projects"][0]["name"] == "proj"
    assert reply["focus"]["active"] is False
    assert isinstance(reply["streak_days"], int)
    assert host.close() == 0


BAD = [
    # (raw frame, expected error code, echoed id)
    (b"\xff\xfe{}", "bad_utf8", None),
    (b'{"type": "hello"', "bad_json", None),
    (b'{"type": "heartbeat", "duration": NaN}', "bad_json", None),
    (b"[" * 100_000, "bad_json", None),
    (b'{"a": 1' + b"1" * 5000 + b"}", "bad_json", None),
    (b"[1, 2]", "bad_message", None),
    (b'"hello"', "bad_message", None),
    (b'{"id": 4}', "bad_message", 4),
    (b'{"type": 7, "id": "x"}', "bad_message", "x"),
    (b'{"type": "launch_missiles", "id": 5}', "unknown_type", 5),
    (b'{"type": "query", "what": "yesterday", "id": 6}', "unknown_query", 6),
    (b'{"type": "hello", "client": 3, "id": 7}', "invalid_hello", 7),
    (b'{"type": "heartbeats", "items": {}, "id": 8}', "invalid_batch", 8),
]
BAD_HEARTBEATS = [
    ({"timestamp": None}, "timestamp"),
    ({"timestamp": "2026-11-30T10:00:00"}, "UTC offset"),
    ({"timestamp": "yesterday"}, "ISO 8601"),
    ({"timestamp": "2999-01-01T00:00:00Z"}, "future"),
    ({"duration": "5"}, "duration"),
    ({"duration": -1}, "duration"),
    ({"duration": 10**12}, "days"),
    ({"pulsetime": True}, "pulsetime"),
    ({"data": ["url"]}, "data"),
    ({"data": {"url": {"nested": 1}}}, "data"),
    ({"data": {"x": "\ud800"}}, "surrogate"),
    ({"counts": {"keys": -1}}, "counts"),
    ({"counts": {"keys": 1.5}}, "counts"),
    ({"counts": []}, "counts"),
    # The scroll depth is a gauge of percent (issue 9): an integer from 0 to 100.
    ({"counts": {"scroll_depth": 101}}, "scroll_depth'] must be an integer from 0 to 100"),
    ({"counts": {"scroll_depth": -5}}, "scroll_depth'] must be an integer from 0 to 100"),
    ({"counts": {"scroll_depth": 42.5}}, "scroll_depth'] must be an integer from 0 to 100"),
    ({"counts": {"scroll_depth": "50"}}, "scroll_depth'] must be an integer from 0 to 100"),
    ({"counts": {"scroll_depth": None}}, "scroll_depth'] must be an integer from 0 to 100"),
    ({"source": "window"}, "source"),
    ({"device": "other-machine"}, "unknown heartbeat field"),
    ({"data": {f"k{i}": i for i in range(40)}}, "keys"),
]


def test_every_error_path_gets_an_error_and_the_host_carries_on(host_env: HostEnv) -> None:
    host = host_env.host()
    for raw, code, msg_id in BAD:
        host.send_raw(raw)
        reply = host.recv()
        assert reply["type"] == "error", raw[:40]
        assert (reply["error"], reply["id"]) == (code, msg_id), (raw[:40], reply)
        assert reply["message"]
    t = now()
    for n, (change, words) in enumerate(BAD_HEARTBEATS):
        msg = hb(t, id=n)
        if change.get("timestamp", 0) is None:
            del msg["timestamp"]
        else:
            msg.update(change)
        reply = host.request(msg)
        assert (reply["type"], reply["error"], reply["id"]) == ("error", "invalid_heartbeat", n), \
            (change, reply)
        assert words.lower() in reply["message"].lower(), (change, reply["message"])
    # An id that cannot be echoed (too long, a float) is answered with null.
    assert host.request({"type": "nope", "id": "x" * 500})["id"] is None
    assert host.request({"type": "nope", "id": 1.5})["id"] is None
    # Still serving, and nothing invalid was stored.
    assert host.request(hb(t, id="last"))["type"] == "ack"
    assert host.close() == 0
    events = host_env.events()
    assert len(events) == 1 and events[0]["data"]["url"] == "http://a.test/x"


def test_a_length_over_the_limit_gets_an_error_and_a_clean_exit(host_env: HostEnv) -> None:
    host = host_env.host()
    assert host.request(hb(now(), id=1))["type"] == "ack"
    host.write(HEADER.pack(64 * 1024 * 1024) + b"{}")
    reply = host.recv()
    assert (reply["type"], reply["error"]) == ("error", "frame_too_large")
    assert host.proc.wait(60) == 2
    assert "Traceback" not in host.stderr()
    assert len(host_env.events()) == 1  # what was acknowledged before is kept


def test_a_truncated_frame_gets_an_error_and_a_clean_exit(host_env: HostEnv) -> None:
    host = host_env.host()
    assert host.request(hb(now(), id=1))["type"] == "ack"
    host.write(HEADER.pack(100) + b'{"type": "hea')
    assert host.proc.stdin is not None
    host.proc.stdin.close()
    reply = host.recv()
    assert (reply["type"], reply["error"]) == ("error", "truncated_frame")
    assert host.proc.wait(60) == 2
    assert len(host_env.events()) == 1


def test_a_5_mb_message_is_read_whole(host_env: HostEnv) -> None:
    t0 = now() - timedelta(hours=3)
    # A long offline queue: ~5 MB of heartbeats in one batch, every one recorded.
    items = [{"source": "browser", "timestamp": iso(t0 + timedelta(seconds=i)),
              "data": {"url": f"http://q.test/{i % 50}", "title": "t" * 180, "domain": "q.test"}}
             for i in range(20_000)]
    body = json.dumps({"type": "heartbeats", "id": "big", "items": items}).encode()
    assert len(body) > 5_000_000
    host = host_env.host()
    host.send_raw(body)
    reply = host.recv(120)
    assert reply == {"type": "ack", "id": "big", "ok": True, "count": 20_000}
    # And one 5 MB heartbeat: its title is cut to 2,000 characters, not refused.
    huge = hb(t0, id="huge")
    huge["data"]["title"] = "x" * 5_000_000  # type: ignore[index]
    assert host.request(huge, 120) == {"type": "ack", "id": "huge", "ok": True}
    assert host.close(120) == 0
    events = host_env.events()
    assert len(events) == 20_001
    assert max(len(e["data"].get("title", "")) for e in events) == 2000


def test_sigterm_writes_what_was_acknowledged(host_env: HostEnv) -> None:
    host = host_env.host()
    t0 = now() - timedelta(minutes=5)
    for i in range(5):
        assert host.request(hb(t0 + timedelta(seconds=i), url=f"http://t{i}.test/"))["type"] == "ack"
    host.proc.send_signal(signal.SIGTERM)
    assert host.proc.wait(60) == 0
    assert len(host_env.events()) == 5


def test_a_durable_heartbeat_is_acknowledged_once_committed(host_env: HostEnv) -> None:
    """`durable`: the ack comes after the commit, so even a kill -9 right after it loses nothing."""
    host = host_env.host()
    t0 = now() - timedelta(minutes=2)
    assert host.request(hb(t0, id="warm"))["type"] == "ack"  # not durable: may still be in memory
    reply = host.request(hb(t0 + timedelta(seconds=30), id="d1", durable=True))
    assert reply == {"type": "ack", "id": "d1", "ok": True}
    items = [{k: v for k, v in hb(t0 + timedelta(seconds=40 + i), url=f"http://d{i}.test/").items()
              if k != "type"} for i in range(3)]
    assert host.request({"type": "heartbeats", "id": "d2", "durable": True,
                         "items": items})["count"] == 3
    host.proc.kill()
    host.proc.wait(30)
    events = host_env.events()
    assert sorted(e["data"]["url"] for e in events) == [
        "http://a.test/x", "http://d0.test/", "http://d1.test/", "http://d2.test/"]
    assert [e["duration"] for e in events if e["data"]["url"] == "http://a.test/x"] == [30.0]
    host2 = host_env.host()
    assert host2.request({**hb(t0, id=1), "durable": "yes"})["error"] == "bad_message"
    assert host2.close() == 0
