"""Two desktops (two data dirs) synced to one real server process: the `sync` verbs end to end,
the tokens in the (file-fallback) keyring, an outage in the middle."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from tracker_desktop.cli import main
from tracker_desktop.domain.clock import FakeClock

T = datetime(2026, 3, 4, 9, tzinfo=timezone.utc)  # a Wednesday
NOW = T + timedelta(hours=10)


@pytest.fixture(autouse=True)
def headless_keyring(monkeypatch):
    """No OS keyring here: each data dir gets its own private secrets file (the real fallback)."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


class Desktop:
    def __init__(self, root: Path, device: str, monkeypatch) -> None:
        self.dir = root / device
        self.dir.mkdir()
        (self.dir / "config.toml").write_text(f'[tracking]\ndevice = "{device}"\n')
        self.device = device
        self._mp = monkeypatch

    def run(self, *args: str, stdin: str | None = None, now: datetime = NOW) -> tuple[int, str, str]:
        import sys

        out, err = io.StringIO(), io.StringIO()
        self._mp.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((stdin or "").encode())))
        code = main(["--data-dir", str(self.dir / "data"), "--config", str(self.dir / "config.toml"),
                     *args], clock=FakeClock(now), out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    def record(self, day_offset: int, code_minutes: float, language: str, other_minutes: float = 0,
               now: datetime = NOW) -> None:
        """Window time in an editor (coding) with an editor language, then a browser."""
        start = T + timedelta(days=day_offset)
        lines = [
            {"source": "window", "timestamp": start.isoformat(), "duration": code_minutes * 60,
             "data": {"app": "code", "title": "main"}},
            {"source": "editor", "timestamp": start.isoformat(), "duration": code_minutes * 60,
             "data": {"project": "p", "language": language, "file": "f", "editor": "vscode"}},
        ]
        if other_minutes:
            lines.append({"source": "window", "timestamp": (start + timedelta(minutes=code_minutes)).isoformat(),
                          "duration": other_minutes * 60, "data": {"app": "firefox", "title": "news"}})
        path = self.dir / f"{day_offset}-{language}.jsonl"
        path.write_text("\n".join(json.dumps(x) for x in lines))
        code, _, err = self.run("import", str(path), now=now)
        assert code == 0, err

    def ok(self, *args: str, stdin: str | None = None, now: datetime = NOW) -> str:
        code, out, err = self.run(*args, stdin=stdin, now=now)
        assert code == 0, err
        return out


def board(desk: Desktop, **kw: str) -> list[tuple[int, str, float]]:
    args = ["sync", "leaderboard", "--json", "--date", "2026-03-04"]
    for k, v in kw.items():
        args += [f"--{k}", v]
    return [(e["rank"], e["name"], e["value"]) for e in json.loads(desk.ok(*args))["entries"]]


def test_two_desktops_one_server(tmp_path, monkeypatch, server_process):
    server = server_process(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    ann, bob, eve = (Desktop(tmp_path, n, monkeypatch) for n in ("ann-laptop", "bob-desk", "eve-pc"))
    ann.record(0, 120, "Python", other_minutes=60)
    ann.record(-1, 30, "Rust")
    bob.record(0, 90, "Rust", other_minutes=200)
    eve.record(0, 300, "Python")

    # Off until opted in: nothing is sent, push says how to opt in.
    code, _, err = ann.run("sync", "push")
    assert code == 2 and "sync register" in err
    assert json.loads(ann.ok("sync", "status", "--json")) == {"opted_in": False}

    for desk, name in ((ann, "ann"), (bob, "bob"), (eve, "eve")):
        desk.ok("sync", "register", "--server", server.url, "--username", name, "--display-name",
                name.title(), stdin="a good password\n")
    # The tokens went to each data dir's own private secrets file, never the database.
    assert (ann.dir / "data" / "secrets.cfg").exists()
    assert b"access" not in (ann.dir / "data" / "tracker.sqlite3").read_bytes()

    preview = json.loads(ann.ok("sync", "preview", "--days", "2"))
    assert set(preview) == {"2026-03-03", "2026-03-04"}
    assert preview["2026-03-04"]["coding_seconds"] == 7200
    assert preview["2026-03-04"]["languages"] == {"Python": 7200}
    assert preview["2026-03-04"]["device"] == "ann-laptop"
    sent = json.loads(ann.ok("sync", "push", "--days", "2", "--json"))
    assert sent["sent"] == ["2026-03-03", "2026-03-04"] and sent["pending"] == []
    # What was sent is exactly what the preview showed.
    import httpx

    login = httpx.post(server.url + "/api/v1/auth/login", json={"username": "ann", "password": "a good password"}).json()
    mine = httpx.get(server.url + "/api/v1/me/aggregates", params={"start": "2026-03-03", "end": "2026-03-04"},
                     headers={"Authorization": f"Bearer {login['access_token']}"}).json()
    assert {d["date"]: d["devices"]["ann-laptop"] for d in mine["days"]} == {
        k: {f: v for f, v in p.items() if f != "device"} for k, p in preview.items()}
    # Pushing twice sends nothing.
    again = json.loads(ann.ok("sync", "push", "--days", "2", "--json"))
    assert again["sent"] == [] and set(again["unchanged"]) == {"2026-03-03", "2026-03-04"}

    bob.ok("sync", "push", "--days", "2")
    eve.ok("sync", "push", "--days", "2")
    # Nobody is on a board before opting in to it.
    assert board(ann) == []
    for desk in (ann, bob):
        desk.ok("sync", "privacy", "--visible", "--share-languages")
    # Eve (300 min of Python) never opted in to boards: never shown.
    assert board(ann, period="week", metric="coding") == [(1, "Ann", 9000.0), (2, "Bob", 5400.0)]
    assert board(bob, period="day", metric="active") == [(1, "Bob", 17400.0), (2, "Ann", 10800.0)]
    assert board(ann, period="week", language="Rust") == [(1, "Bob", 5400.0), (2, "Ann", 1800.0)]
    assert board(ann, period="day", language="Python") == [(1, "Ann", 7200.0)]
    assert [n for _, n, _ in board(bob, period="week", metric="productivity")] == ["Ann", "Bob"]

    # Teams: Bob's team, joined by Ann, ranks its members.
    r = httpx.post(server.url + "/api/v1/teams", json={"name": "Rustaceans"},
                   headers={"Authorization": f"Bearer {login['access_token']}"}).json()
    assert board(ann, period="week", team=str(r["team_id"])) == [(1, "Ann", 9000.0)]
    code, _, err = bob.run("sync", "leaderboard", "--team", str(r["team_id"]))
    assert code == 2 and "no team of yours" in err


def test_server_down_then_up_loses_nothing_and_sends_nothing_twice(tmp_path, monkeypatch, server_process):
    db = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    server = server_process(db)
    ann = Desktop(tmp_path, "ann-laptop", monkeypatch)
    ann.ok("sync", "register", "--server", server.url, "--username", "ann", stdin="a good password\n")
    ann.record(0, 60, "Python")
    ann.ok("sync", "push")
    server.stop()

    # While it is down: new days are recorded, pushes fail, and the days wait.
    later = NOW + timedelta(days=2)
    ann.record(1, 45, "Go", now=later)
    ann.record(2, 30, "Go", now=later)
    code, out, err = ann.run("sync", "push", "--json", now=later)
    assert code == 1
    failed = json.loads(out)
    assert failed["sent"] == [] and failed["pending"] == ["2026-03-05", "2026-03-06"]
    status = json.loads(ann.ok("sync", "status", "--json", now=later))
    assert status["pending"] == ["2026-03-05", "2026-03-06"]

    # Up again (same database, another port: the client is told where): everything arrives once.
    server.start()  # the same address and database
    done = json.loads(ann.ok("sync", "push", "--json", now=later))
    assert done["sent"] == ["2026-03-05", "2026-03-06"] and "2026-03-04" in done["unchanged"]
    assert json.loads(ann.ok("sync", "push", "--json", now=later))["sent"] == []
    ann.ok("sync", "privacy", "--visible")
    assert board(ann, period="week", metric="coding") == [(1, "ann", 8100.0)]


def test_logout_opts_out_and_forgets_the_tokens(tmp_path, monkeypatch, server_process):
    server = server_process(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    ann = Desktop(tmp_path, "ann-laptop", monkeypatch)
    ann.ok("sync", "register", "--server", server.url, "--username", "ann", stdin="a good password\n")
    assert "Signed out" in ann.ok("sync", "logout")
    assert json.loads(ann.ok("sync", "status", "--json")) == {"opted_in": False}
    assert "access" not in (ann.dir / "data" / "secrets.cfg").read_text()
    code, _, err = ann.run("sync", "login", "--server", server.url, "--username", "ann",
                           stdin="wrong password\n")
    assert code == 2 and "401" in err


@pytest.mark.parametrize("args,message", [
    (["sync", "register", "--server", "ftp://x", "--username", "ann"], "http(s) URL"),
    (["sync", "push", "--days", "0"], "--days"),
    (["sync", "leaderboard"], "sync is off"),
])
def test_bad_sync_input_is_exit_2(tmp_path, monkeypatch, args, message):
    desk = Desktop(tmp_path, "x", monkeypatch)
    desk.record(0, 5, "Python")
    code, _, err = desk.run(*args, stdin="pw\n")
    assert code == 2 and message in err


def test_the_trackers_job_pushes_only_when_opted_in_and_backs_off_while_the_server_is_down(
        tmp_path, monkeypatch, server_process):
    import msgspec

    from tracker_desktop.app import build_app, build_tracker
    from tracker_desktop.config import Settings, TrackingSettings
    from tracker_desktop.domain.clock import FakeClock

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    ann = Desktop(tmp_path, "ann-laptop", monkeypatch)
    ann.record(0, 60, "Python")
    clock = FakeClock(NOW)
    settings = msgspec.structs.replace(Settings(), data_dir=ann.dir / "data",
                                       tracking=TrackingSettings(device="ann-laptop"))

    def run_job() -> dict:
        """One run of the tracker's sync job, its writes drained; returns the stored sync state."""
        app = build_app(settings, clock)
        tracker = build_tracker(app, headless=True)
        try:
            job = tracker.scheduler.get_job("sync_push")
            assert job is not None and job.trigger.interval.total_seconds() == 15 * 60
            tracker.writer.start()
            job.func()
        finally:
            tracker.writer.stop()
            tracker.run_lock.release()
            app.close()
        return json.loads(ann.ok("sync", "status", "--json", now=clock.now()))

    # Not opted in: the job does nothing at all.
    assert run_job() == {"opted_in": False}

    server = server_process(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    ann.ok("sync", "register", "--server", server.url, "--username", "ann", stdin="a good password\n")
    server.stop()
    down = run_job()
    assert down["pending"] == ["2026-03-04"] and down["failures"] == 1
    # Within the back-off the job does not even try; the day stays pending.
    clock.advance(seconds=10 * 60)
    assert run_job()["failures"] == 1
    server.start()
    clock.advance(seconds=6 * 60)
    up = run_job()
    assert up["pending"] == [] and up["days_sent"] == 1 and up["failures"] == 0
