"""delete (a range of days) and delete-all on real SQLite files, the keyring's file backend
included: what is inside the range goes, what is outside stays exactly, rollups follow."""

import json
import keyring
import pytest
from keyring.backends import fail

from tests.integration.test_export_import import T0, fill, run_in  # noqa: F401
from tracker_desktop.secrets import SecretStore


@pytest.fixture
def file_keyring(monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # no OS keyring: the app's private file fallback
    yield
    keyring.set_keyring(previous)


def day(run, d, when):
    return json.loads(run(d, "report", "--date", when, "--json"))


def test_delete_a_day_cuts_what_crosses_it_and_keeps_the_rest(run_in, tmp_path):  # noqa: F811
    d = tmp_path / "d"
    fill(run_in, d)
    # An entry across midnight into the deleted day, and a log entry on it.
    run_in(d, "entry", "add", "--start", "2026-01-05T23:00Z", "--end", "2026-01-06T01:00Z",
           "--description", "late night")
    before = {x: day(run_in, d, x) for x in ("2026-01-05", "2026-01-06", "2026-01-07")}
    assert before["2026-01-06"]["active_seconds"] > 0
    preview = run_in(d, "delete", "--start", "2026-01-06", "--end", "2026-01-06", "--dry-run",
                     "--json")
    assert json.loads(preview)["would_delete"]["events"] > 0
    assert day(run_in, d, "2026-01-06") == before["2026-01-06"]  # a dry run changes nothing
    out = json.loads(run_in(d, "delete", "--start", "2026-01-06", "--end", "2026-01-06", "--json"))
    assert out["rows"]["events"] > 0 and out["rows"]["time_entries"] == 1
    after = {x: day(run_in, d, x) for x in before}
    assert after["2026-01-06"]["active_seconds"] == 0 and after["2026-01-06"]["apps"] == []
    for x in ("2026-01-05", "2026-01-07"):
        a, b = dict(after[x]), dict(before[x])
        for k in ("streak_days", "best_hours", "tasks"):
            a.pop(k), b.pop(k)
        assert a == b, x
    entries = json.loads(run_in(d, "entry", "list", "--json"))
    night = [e for e in entries if e["description"] == "late night"]
    assert [(e["start"], e["end"]) for e in night] == [
        ("2026-01-05T23:00:00+00:00", "2026-01-06T00:00:00+00:00")]
    assert len(json.loads(run_in(d, "task", "list", "--json"))) == 2  # tasks stay


def test_delete_refuses_bad_ranges_and_the_running_timer(run_in, tmp_path):  # noqa: F811
    d = tmp_path / "d"
    fill(run_in, d)  # leaves a paused timer on task 2 (started 2026-01-08)
    snapshot = [run_in(d, "entry", "list", "--json"), day(run_in, d, "2026-01-08")]
    assert "is before" in run_in(d, "delete", "--start", "2026-01-08", "--end", "2026-01-07",
                                 code=2)
    assert "not a date" in run_in(d, "delete", "--start", "yesterday-ish", "--end", "2026-01-07",
                                  code=2)
    assert "running timer" in run_in(d, "delete", "--start", "2026-01-08", "--end", "2026-01-08",
                                     code=2)
    assert [run_in(d, "entry", "list", "--json"), day(run_in, d, "2026-01-08")] == snapshot


def test_delete_all_needs_yes_and_removes_data_and_secrets(run_in, tmp_path, file_keyring):  # noqa: F811
    d = tmp_path / "d"
    fill(run_in, d)
    store = SecretStore(d)
    store.set("anthropic_api_key", "sk-1")
    store.set("sync_token", "tok")
    before = run_in(d, "task", "list", "--json")
    err = run_in(d, "delete-all", code=2)
    assert "--yes" in err and "for good" in err
    assert run_in(d, "task", "list", "--json") == before and store.get("sync_token") == "tok"
    out = json.loads(run_in(d, "delete-all", "--yes", "--json"))
    assert out["secrets"] == ["anthropic_api_key", "sync_token"] and out["rows"]["events"] > 100
    assert SecretStore(d).get("anthropic_api_key") is None and SecretStore(d).get("sync_token") is None
    assert json.loads(run_in(d, "task", "list", "--json")) == []
    assert json.loads(run_in(d, "entry", "list", "--json")) == []
    assert json.loads(run_in(d, "timer", "status", "--json")) == {"running": False}
    assert day(run_in, d, "2026-01-05")["active_seconds"] == 0
    # An export of the emptied data dir restores into another as empty: nothing is left over.
    dump = json.loads(run_in(d, "export", "--format", "json", "--out", "-"))
    assert all(rows == [] for rows in dump["tables"].values())


def test_cut_events_at_the_bounds_of_the_range(tmp_path):
    from datetime import timedelta as td

    from storage import dump
    from storage.engine import open_database, writer
    from storage.uow import SqlUnitOfWorkFactory
    from tracker_desktop.domain.events import Event

    engine = open_database(tmp_path / "t.sqlite3")
    uow = SqlUnitOfWorkFactory(engine)
    h = td(hours=1)
    s, e = T0, T0 + 4 * h

    def ev(start, hours, app):
        return Event("window", start, hours * h, {"app": app}, {"keys": 1}, device="laptop")

    with uow(write=True) as u:
        u.events.add_many([ev(T0 - h, 2, "before"), ev(T0 + h, 1, "inside"),
                           ev(T0 + 3 * h, 2, "after"), ev(T0 - h, 6, "across"),
                           ev(T0 - 2 * h, 1, "out"), ev(T0 + 4 * h, 1, "out2")])
        u.commit()
    with writer(engine).begin() as conn:
        assert dump.cut_events(conn, s, e) == 5
    with uow() as u:
        got = sorted((x.data["app"], x.start, x.end, x.device, dict(x.counts))
                     for x in u.events.range())
    assert got == sorted([
        ("before", T0 - h, T0, "laptop", {"keys": 1}), ("after", T0 + 4 * h, T0 + 5 * h, "laptop", {"keys": 1}),
        ("across", T0 - h, T0, "laptop", {"keys": 1}), ("across", T0 + 4 * h, T0 + 5 * h, "laptop", {"keys": 1}),
        ("out", T0 - 2 * h, T0 - h, "laptop", {"keys": 1}), ("out2", T0 + 4 * h, T0 + 5 * h, "laptop", {"keys": 1})])
    engine.dispose()
