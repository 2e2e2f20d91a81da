"""The local WakaTime API over real HTTP (httpx → uvicorn on 127.0.0.1 → the Writer → SQLite):
the request shapes of the current (Go) wakatime-cli and the legacy one, the replies its offline
queue acts on, dedupe, auth, the loopback Host guard, no CORS, and bad input."""

from __future__ import annotations

import base64
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from tests.wakatime.conftest import serve, stop, write_config

GO_UA = ("wakatime/v1.102.1 (linux-6.1.0-amd64) go1.22.5 vscode/1.92.0 vscode-wakatime/24.6.0")


def now() -> float:
    return time.time()


def beat(t: float, entity: str = "/src/app/main.py", **fields):
    """A heartbeat as the current wakatime-cli (Go) sends it."""
    return {"entity": entity, "type": "file", "category": "coding", "time": t,
            "project": "app", "branch": "main", "language": "Python", "is_write": False,
            "lines": 120, "lineno": 7, "cursorpos": 33, "dependencies": ["os"],
            "user_agent": GO_UA, "project_root_count": 4, **fields}


def test_bulk_from_the_current_cli_base_url_plus_path(served):
    t = now() - 600
    with served.client() as c:
        r = c.post("/users/current/heartbeats.bulk",
                   json=[beat(t), beat(t + 120, is_write=True, line_additions=3),
                         beat(t + 300, "/src/app/util.py", language="Python")],
                   headers={"User-Agent": GO_UA, "X-Machine-Name": "laptop"})
    assert r.status_code == 202
    body = r.json()
    assert [status for _, status in body["responses"]] == [201, 201, 201]
    assert body["responses"][0][0]["data"]["entity"] == "/src/app/main.py"
    events = served.events()
    main = [e for e in events if e.data["file"] == "/src/app/main.py"]
    util = [e for e in events if e.data["file"] == "/src/app/util.py"]
    assert len(main) == 1 and len(util) == 1
    # main.py from its first heartbeat to the switch to util.py (WakaTime's rule).
    assert main[0].duration == timedelta(seconds=300)
    assert dict(main[0].data) == {"file": "/src/app/main.py", "project": "app", "language": "Python",
                                  "branch": "main", "category": "coding", "editor": "vscode"}
    assert dict(main[0].counts) == {"writes": 1, "lines_added": 3}
    assert util[0].duration == timedelta(0)  # nothing after it yet


def test_the_same_heartbeats_sent_again_are_stored_once(served):
    t = now() - 600
    bulk = [beat(t, is_write=True), beat(t + 60, is_write=True)]
    with served.client() as c:
        first = c.post("/users/current/heartbeats.bulk", json=bulk)
        again = c.post("/users/current/heartbeats.bulk", json=[*bulk, beat(t + 120)])
        dup_in_one = c.post("/users/current/heartbeats.bulk", json=[beat(t + 180), beat(t + 180)])
    assert [s for _, s in first.json()["responses"]] == [201, 201]
    # 202: already stored (wakatime-cli drops it from its queue), nothing added.
    assert [s for _, s in again.json()["responses"]] == [202, 202, 201]
    assert [s for _, s in dup_in_one.json()["responses"]] == [201, 202]
    [event] = served.events()
    assert event.counts["writes"] == 2 and event.duration == timedelta(seconds=180)
    assert served.received() == 4


def test_single_heartbeat_endpoint_and_the_legacy_full_and_base_urls(served):
    t = now() - 900
    base = served.url  # http://127.0.0.1:PORT/api/v1
    h = served.auth
    one = httpx.post(f"{base}/users/current/heartbeats", json=beat(t), headers=h)
    assert one.status_code == 201 and one.json()["data"]["time"] == t
    assert httpx.post(f"{base}/users/current/heartbeats", json=beat(t), headers=h).status_code == 202
    # The legacy CLI posts its bulk list to api_url as given: the full URL or the base one.
    legacy_ua = "wakatime/13.1.0 (Linux) Python3.11.7.final.0 vim/9.0 vim-wakatime/9.0.1"
    full = httpx.post(f"{base}/users/current/heartbeats.bulk", headers={**h, "User-Agent": legacy_ua},
                      json=[{"entity": "/src/a.c", "type": "file", "time": t + 10, "is_write": False,
                             "project": "c", "branch": None, "language": "C", "dependencies": [],
                             "lines": 3, "lineno": None, "cursorpos": None, "category": None,
                             "user_agent": legacy_ua}])
    at_base = httpx.post(base, headers=h, json=[beat(t + 20, "/src/b.c", language="C")])
    assert full.status_code == at_base.status_code == 202
    assert full.json()["responses"][0][1] == at_base.json()["responses"][0][1] == 201
    editors = {e.data.get("editor") for e in served.events()}
    assert editors == {"vscode", "vim"}


def test_api_key_in_the_query_and_bearer(served):
    t = now() - 100
    r = httpx.post(f"{served.url}/users/current/heartbeats?api_key={served.key}", json=beat(t))
    b = httpx.post(f"{served.url}/users/current/heartbeats", json=beat(t + 1),
                   headers={"Authorization": f"Bearer {served.key}"})
    assert r.status_code == b.status_code == 201


@pytest.mark.parametrize("headers, query", [
    ({}, ""),
    ({"Authorization": "Basic " + base64.b64encode(b"not-the-key").decode()}, ""),
    ({"Authorization": "Basic %%%not-base64"}, ""),
    ({"Authorization": "Digest abc"}, ""),
    ({}, "?api_key=wrong"),
])
def test_a_wrong_or_missing_key_is_401_and_nothing_is_stored(served, headers, query):
    t = now() - 100
    for path in ("/users/current/heartbeats", "/users/current/heartbeats.bulk"):
        r = httpx.post(f"{served.url}{path}{query}", json=[beat(t)] if "bulk" in path else beat(t),
                       headers=headers)
        assert r.status_code == 401, r.text
    assert httpx.get(f"{served.url}/users/current/statusbar/today{query}",
                     headers=headers).status_code == 401
    assert served.events() == [] and served.received() == 0


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.nip.io", "localhost:1",
                                  "attacker.test:{port}", "[::2]:{port}", ""])
def test_any_host_but_a_loopback_name_is_refused_dns_rebinding(served, host):
    host = host.format(port=served.endpoint.port)
    t = now() - 100
    r = httpx.post(f"{served.url}/users/current/heartbeats", json=beat(t),
                   headers={**served.auth, "Host": host})
    assert r.status_code in (400, 421), r.text
    assert served.events() == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST:{port}", "[::1]:{port}"])
def test_loopback_names_are_served(served, host):
    host = host.format(port=served.endpoint.port)
    r = httpx.get(f"{served.url}/users/current/statusbar/today",
                  headers={**served.auth, "Host": host})
    assert r.status_code == 200


def test_a_request_without_host_is_refused(served):
    with socket.create_connection(("127.0.0.1", served.endpoint.port)) as s:
        s.sendall(b"GET /api/v1/users/current/statusbar/today HTTP/1.0\r\n\r\n")
        reply = s.recv(1000)
    assert reply.startswith(b"HTTP/1.1 400")


def test_no_cors_headers_even_when_a_page_asks(served):
    origin = {"Origin": "https://evil.example"}
    replies = [
        httpx.options(f"{served.url}/users/current/heartbeats.bulk",
                      headers={**origin, "Access-Control-Request-Method": "POST",
                               "Access-Control-Request-Headers": "authorization,content-type"}),
        httpx.get(f"{served.url}/users/current/statusbar/today", headers={**origin, **served.auth}),
        httpx.post(f"{served.url}/users/current/heartbeats", headers={**origin, **served.auth},
                   json=beat(now() - 50)),
    ]
    assert [r.status_code for r in replies] == [405, 200, 201]
    for r in replies:
        assert not [h for h in r.headers if h.lower().startswith("access-control-")], r.headers


def test_unknown_paths_and_methods_answer_json_errors(served):
    missing = httpx.get(f"{served.url}/users/current/projects", headers=served.auth)
    wrong_method = httpx.get(f"{served.url}/users/current/heartbeats", headers=served.auth)
    assert (missing.status_code, wrong_method.status_code) == (404, 405)
    assert missing.json() == {"error": "Not Found"}
    assert wrong_method.json() == {"error": "Method Not Allowed"}
    assert wrong_method.headers["allow"] == "POST"


def test_bad_input_gets_the_right_4xx_stores_nothing_half_and_the_server_keeps_serving(served):
    t = now() - 300
    url = f"{served.url}/users/current/heartbeats.bulk"
    h = {**served.auth, "Content-Type": "application/json"}
    cases = {
        "malformed": httpx.post(url, content=b'[{"entity": "a", "time": ', headers=h),
        "not json": httpx.post(url, content=b"\xff\xfe garbage", headers=h),
        "object for bulk": httpx.post(url, json={"entity": "a", "time": t}, headers=h),
        "10,000 items": httpx.post(url, json=[beat(t + i / 100) for i in range(10_000)], headers=h),
        "5 MB body": httpx.post(url, content=b"[" + b" " * (5 * 1024 * 1024) + b"]", headers=h),
        "5 MB streamed": httpx.post(url, content=(b" " * 65536 for _ in range(80)), headers=h),
        "deep nesting": httpx.post(url, content=b"[" * 100_000, headers=h),
        "naive time (single)": httpx.post(f"{served.url}/users/current/heartbeats", headers=h,
                                          json=beat("2026-01-05T10:00:00")),
        "absurd time (single)": httpx.post(f"{served.url}/users/current/heartbeats", headers=h,
                                           json=beat(1e15)),
        "wrong type (single)": httpx.post(f"{served.url}/users/current/heartbeats", headers=h,
                                          json=beat(t, project=42)),
        "summaries without dates": httpx.get(f"{served.url}/users/current/summaries", headers=h),
        "summaries bad date": httpx.get(f"{served.url}/users/current/summaries?start=2026-13-01"
                                        "&end=2026-12-01", headers=h),
        "summaries backwards": httpx.get(f"{served.url}/users/current/summaries?start=2026-02-01"
                                         "&end=2026-01-01", headers=h),
        "another user": httpx.post(f"{served.url}/users/bob/heartbeats", json=beat(t), headers=h),
    }
    statuses = {k: r.status_code for k, r in cases.items()}
    assert statuses == {
        "malformed": 400, "not json": 400, "object for bulk": 400, "10,000 items": 413,
        "5 MB body": 413, "5 MB streamed": 413, "deep nesting": 400,
        "naive time (single)": 400, "absurd time (single)": 400, "wrong type (single)": 400,
        "summaries without dates": 400, "summaries bad date": 400, "summaries backwards": 400,
        "another user": 404}
    for name, r in cases.items():
        assert r.json()["error"], name
    assert "no UTC offset" in cases["naive time (single)"].json()["error"]
    assert served.events() == [] and served.received() == 0
    # A bulk mixing good and bad items: each good one stored whole, each bad one refused (400:
    # wakatime-cli drops it, it can never be stored), and the order of the replies kept.
    mixed = httpx.post(url, headers=h, json=[beat(t), {"time": t}, beat(t + 60, is_write="yes"),
                                             beat(t + 120), "text", beat(-5.0)])
    assert mixed.status_code == 202
    assert [s for _, s in mixed.json()["responses"]] == [201, 400, 400, 201, 400, 400]
    assert "entity is missing" in mixed.json()["responses"][1][0]["error"]
    [event] = served.events()
    assert event.duration == timedelta(seconds=120) and served.received() == 2
    # Still serving.
    assert httpx.post(f"{served.url}/users/current/heartbeats", headers=h,
                      json=beat(t + 180)).status_code == 201


def test_statusbar_and_summaries_in_wakatimes_shapes(served_at_one_pm):
    served = served_at_one_pm
    day = served.app.rollups.today()
    t = served.app.clock.now().timestamp() - 30 * 60
    with served.client() as c:
        c.post("/users/current/heartbeats.bulk", json=[
            beat(t), beat(t + 600, "/src/app/db.py"),
            beat(t + 900, "/src/web/index.ts", project="web", language="TypeScript"),
            beat(t + 1200, "/src/web/index.ts", project="web", language="TypeScript")])
        bar = c.get("/users/current/statusbar/today").json()
        summ = c.get(f"/users/current/summaries?start={day}&end={day}").json()
        rng = c.get("/users/current/summaries?range=today").json()
    today = bar["data"]
    assert today["grand_total"]["total_seconds"] == pytest.approx(1200, abs=1)
    assert today["grand_total"]["text"] == "20 mins" and today["grand_total"]["digital"] == "0:20"
    assert rng["data"][0]["grand_total"] == today["grand_total"]
    assert set(today) >= {"grand_total", "categories", "projects", "languages", "editors",
                          "range", "is_up_to_date"}
    [d] = summ["data"]
    assert d["range"]["date"] == day.isoformat()
    assert d["grand_total"]["total_seconds"] == pytest.approx(1200, abs=1)
    assert [(p["name"], round(p["total_seconds"])) for p in d["projects"]] == [("app", 900), ("web", 300)]
    assert [(p["name"], round(p["total_seconds"])) for p in d["languages"]] == [
        ("Python", 900), ("TypeScript", 300)]
    assert {e["name"] for e in d["entities"]} == {"/src/app/main.py", "/src/app/db.py",
                                                  "/src/web/index.ts"}
    assert summ["cumulative_total"]["seconds"] == pytest.approx(1200, abs=1)
    assert d["projects"][0]["percent"] == 75.0 and d["projects"][0]["text"] == "15 mins"


def test_a_locked_database_answers_503_and_the_resent_heartbeats_are_stored_once(
        tmp_path, data_dir, file_keyring):
    s = serve(data_dir, write_config(tmp_path / "config.toml", 5292))
    try:
        t = now() - 200
        with s.client() as c:
            assert c.post("/users/current/heartbeats", json=beat(t)).status_code == 201
            holder = sqlite3.connect(data_dir / "tracker.sqlite3", timeout=1)
            holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            try:
                locked = c.post("/users/current/heartbeats.bulk",
                                json=[beat(t + 60), beat(t + 120)], timeout=60)
            finally:
                holder.rollback()
                holder.close()
            assert locked.status_code == 503 and "send them again" in locked.json()["error"]
            # wakatime-cli resends what it queued: each heartbeat stored once, whether the
            # writer's retry got there first (202) or not (201).
            deadline = time.monotonic() + 60
            while True:
                again = c.post("/users/current/heartbeats.bulk", json=[beat(t + 60), beat(t + 120)])
                statuses = [st for _, st in again.json()["responses"]] if again.status_code == 202 else []
                if statuses and all(st in (201, 202) for st in statuses):
                    break
                assert time.monotonic() < deadline, again.text
                time.sleep(0.5)
        [event] = s.events()
        assert event.duration == timedelta(seconds=120) and s.received() == 3
    finally:
        stop(s)


def test_dedupe_survives_a_restart(tmp_path, data_dir, file_keyring):
    config = write_config(tmp_path / "config.toml", 5292)
    t = now() - 200
    s = serve(data_dir, config)
    with s.client() as c:
        assert c.post("/users/current/heartbeats", json=beat(t, is_write=True)).status_code == 201
    stop(s)
    s = serve(data_dir, config)
    try:
        with s.client() as c:
            assert c.post("/users/current/heartbeats", json=beat(t, is_write=True)).status_code == 202
        [event] = s.events()
        assert event.counts["writes"] == 1
    finally:
        stop(s)


def test_editor_heartbeats_refine_the_editor_windows_time(served_at_one_pm):
    """As the VS Code extension's events do: while an editor window (here a terminal running
    vim) is active, its time is split by the heartbeats into project / language / file."""
    from tracker_desktop.domain.days import Period
    from tracker_desktop.domain.events import Heartbeat

    served = served_at_one_pm
    t0 = served.app.clock.now() - timedelta(minutes=40)
    for i in range(0, 20 * 60 + 1, 30):
        served.writer.heartbeat(Heartbeat("window", t0 + timedelta(seconds=i),
                                          data={"app": "kitty", "title": "vim main.py"}), 31.0)
    with served.client() as c:
        c.post("/users/current/heartbeats.bulk", json=[
            beat(t0.timestamp() + 60, user_agent="wakatime/13.1.0 (Linux) vim/9.0 vim-wakatime/9.0.1"),
            beat(t0.timestamp() + 600, "/src/app/db.py",
                 user_agent="wakatime/13.1.0 (Linux) vim/9.0 vim-wakatime/9.0.1")])
    day = served.app.rollups.today()
    served.writer.stop()  # writes the window events (the heartbeats are written already)
    served.writer.start()
    report = served.app.reports.report(Period(day, day, str(day)))
    files = {n.name: n.seconds for n in report.files}
    assert files == {"/src/app/main.py": pytest.approx(540, abs=2)}  # db.py: a lone heartbeat, 0 s
    assert {n.name for n in report.projects} == {"app"}
    assert report.apps[0].name == "kitty" and report.apps[0].seconds == pytest.approx(1200, abs=2)


def test_summaries_of_a_range(served_at_one_pm):
    served = served_at_one_pm
    today = served.app.rollups.today()
    first = today - timedelta(days=6)
    with served.client() as c:
        r = c.get(f"/users/current/summaries?start={first}&end=today")
    data = r.json()["data"]
    assert [d["range"]["date"] for d in data] == [str(first + timedelta(days=i)) for i in range(7)]
    assert r.json()["daily_average"]["days_including_holidays"] == 7
    assert isinstance(date.fromisoformat(data[0]["range"]["date"]), date)


def test_a_late_heartbeat_recomputes_the_stretch_it_lands_in(served):
    """wakatime-cli sends the heartbeat of the moment first, then its offline queue: older
    heartbeats arrive after newer ones. Time is counted as WakaTime does, in time order."""
    t = now() - 3600
    with served.client() as c:
        c.post("/users/current/heartbeats.bulk", json=[beat(t - 3000, "/src/old.py")])  # long before
        c.post("/users/current/heartbeats.bulk", json=[beat(t), beat(t + 120)])
        c.post("/users/current/heartbeats.bulk", json=[beat(t + 900, "/src/b.py")])
        late = c.post("/users/current/heartbeats.bulk",
                      json=[beat(t + 600, "/src/c.py", is_write=True), beat(t + 300, "/src/b.py")])
        after = c.post("/users/current/heartbeats.bulk", json=[beat(t + 1000, "/src/b.py")])
    assert [s for _, s in late.json()["responses"]] == [201, 201]
    assert [s for _, s in after.json()["responses"]] == [201]
    got = [(e.data["file"], round(e.start.timestamp() - t), e.duration.total_seconds(),
            dict(e.counts)) for e in served.events()]
    assert got == [("/src/old.py", -3000, 0.0, {}),  # untouched: before a gap over the timeout
                   ("/src/app/main.py", 0, 300.0, {}),
                   ("/src/b.py", 300, 300.0, {}),
                   ("/src/c.py", 600, 300.0, {"writes": 1}),
                   ("/src/b.py", 900, 100.0, {})]


def test_the_trackers_endpoint_loads_its_http_stack_on_the_first_request(tmp_path: Path):
    """The tray binds the port at start but imports Starlette and uvicorn only when a plugin
    first calls: in a fresh interpreter, nothing of them is loaded until then, and that first
    request (waiting in the backlog meanwhile) is answered and stored."""
    script = f"""
import json, sys, urllib.request, base64, time
sys.path.insert(0, {str(Path(__file__).parents[2])!r})
from tests.wakatime.conftest import serve, stop, write_config
from pathlib import Path
served = serve(Path({str(tmp_path / "data")!r}), write_config(Path({str(tmp_path / "c.toml")!r}), 5292),
               on_first_connection=True)
loaded = [m for m in ("starlette", "uvicorn", "fastapi") if m in sys.modules]
body = json.dumps({{"entity": "/src/a.py", "type": "file", "time": time.time() - 5,
                   "project": "p", "language": "Python"}}).encode()
req = urllib.request.Request(served.url + "/users/current/heartbeats", data=body, method="POST",
                             headers={{**served.auth, "Content-Type": "application/json"}})
with urllib.request.urlopen(req, timeout=30) as reply:
    status = reply.status
after = [m for m in ("starlette", "uvicorn") if m in sys.modules]
stored = len(served.events())
stop(served)
print(json.dumps({{"before": loaded, "status": status, "after": after, "stored": stored}}))
"""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"),
           "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"before": [], "status": 201, "after": ["starlette", "uvicorn"], "stored": 1}


def test_a_lazy_endpoint_nobody_called_stops_at_once_and_frees_its_port(data_dir, tmp_path,
                                                                      file_keyring):
    served = serve(data_dir, write_config(tmp_path / "config.toml", 5292), on_first_connection=True)
    port = served.endpoint.port
    assert "wakatime-api" in [t.name for t in threading.enumerate()]
    stop(served)
    assert "wakatime-api" not in [t.name for t in threading.enumerate()]
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))  # raises if the endpoint still held it


def test_a_lazy_endpoint_that_cannot_start_closes_its_port_instead_of_hanging_clients():
    from tracker_desktop.endpoints.wakatime import WakaTimeEndpoint

    def broken(port_of):  # e.g. the HTTP stack fails to import
        raise RuntimeError("no HTTP stack")

    endpoint = WakaTimeEndpoint(broken, 0, on_first_connection=True)
    endpoint.start()
    try:
        with pytest.raises(httpx.TransportError):  # the first client: reset, not left waiting
            httpx.get(f"{endpoint.url}/users/current/statusbar/today", timeout=20)
        with pytest.raises(httpx.ConnectError):  # later ones: refused at once
            httpx.get(f"{endpoint.url}/users/current/statusbar/today", timeout=20)
    finally:
        endpoint.stop()
