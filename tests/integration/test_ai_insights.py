"""Insights and plans through the CLI on a real SQLite file, with the real Anthropic SDK talking
to a local stub of the Messages API: the request's shape, nothing private in it at the default
privacy level, the SDK's own retry on 429, one corrected retry on an invalid answer then a clear
failure, the cache by input hash, and the local answers without a key."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from storage.engine import open_database
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.events import Event

from .stub_http import StubServer

UTC = timezone.utc
DAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
SECRET_TITLE = "Divorce lawyer - confidential.pdf"
SECRET_URL = "https://intranet.example.org/salaries?id=42"
SECRET_FILE = "/home/ann/work/acme/payroll.py"


def _ev(source, h0, m0, minutes, **data):
    start = datetime(2026, 3, 10, h0, m0, tzinfo=UTC)
    return Event(source, start, timedelta(minutes=minutes), data, {})


@pytest.fixture
def seeded(data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    engine = open_database(data_dir / "tracker.sqlite3")
    uow = SqlUnitOfWorkFactory(engine)
    events = [
        _ev("window", 9, 0, 120, app="code", title=f"payroll.py — {SECRET_TITLE}"),
        _ev("editor", 9, 0, 120, project="acme", language="Python", file=SECRET_FILE),
        _ev("window", 11, 0, 40, app="firefox", title=SECRET_TITLE),
        _ev("browser", 11, 0, 40, url=SECRET_URL, title=SECRET_TITLE),
        _ev("afk", 9, 0, 160, status="not-afk"),
    ]
    with uow(write=True) as u:
        u.events.add_many(events)
        u.commit()
    engine.dispose()
    return data_dir


def tool_answer(name, payload, ident="toolu_1"):
    return {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-5-5",
            "content": [{"type": "tool_use", "id": ident, "name": name, "input": payload}],
            "stop_reason": "tool_use", "stop_sequence": None,
            "usage": {"input_tokens": 100, "output_tokens": 50}}


ANALYSIS = {"bottlenecks": [{"type": "no_breaks", "description": "2 h without a break",
                             "frequency": 1, "impact": "medium"}],
            "insights": [{"category": "focus", "observation": "Coding 9–11",
                          "recommendation": "Keep mornings free"}],
            "tool_suggestions": [{"tool": "Pomodoro", "reason": "breaks", "priority": "medium"}]}


def scripted(*responses):
    queue = list(responses)

    def answer(req):
        return queue.pop(0) if queue else (500, {}, {"type": "error", "error": {
            "type": "api_error", "message": "no more scripted answers"}})

    return answer


def with_claude(monkeypatch, stub):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", stub.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")


def test_claude_gets_aggregates_only_and_a_429_is_retried_by_the_sdk(cli, seeded, monkeypatch):
    rate_limited = (429, {"retry-after-ms": "20"}, {"type": "error", "error": {
        "type": "rate_limit_error", "message": "slow down"}})
    with StubServer(scripted(rate_limited, (200, {}, tool_answer("record_analysis", ANALYSIS)))
                    ) as stub:
        with_claude(monkeypatch, stub)
        code, out, err = cli("insights", "--json", clock=FakeClock(NOW))
    assert code == 0, err
    result = json.loads(out)
    assert result["source"] == "claude" and result["model"] == "claude-sonnet-5-5"
    assert result["bottlenecks"] == ANALYSIS["bottlenecks"] and not result["cached"]
    assert len(stub.seen) == 2  # the 429, then the SDK's own retry
    req = stub.seen[-1]
    assert req.path == "/v1/messages"
    assert "sk-ant-test-key" in (req.headers.get("x-api-key", "") + req.headers.get("authorization", ""))
    body = req.json()
    assert body["model"] == "claude-sonnet-5-5"
    assert body["tool_choice"] == {"type": "tool", "name": "record_analysis"}
    assert body["tools"][0]["input_schema"]["required"] == ["bottlenecks", "insights",
                                                           "tool_suggestions"]
    raw = req.body.decode()
    for secret in (SECRET_TITLE, "payroll.py", "intranet.example.org/salaries", "/home/ann"):
        assert secret not in raw
    sent = json.loads(body["messages"][0]["content"])
    assert sent["day"]["apps_minutes"] == {"code": 120.0, "firefox": 40.0}
    assert sent["day"]["projects_minutes"] == {"acme": 120.0}
    assert "intranet.example.org" in sent["day"]["domains_minutes"]


def test_the_same_day_with_the_same_data_is_not_sent_twice(cli, seeded, monkeypatch):
    with StubServer(scripted((200, {}, tool_answer("record_analysis", ANALYSIS)))) as stub:
        with_claude(monkeypatch, stub)
        assert cli("insights", "--json", clock=FakeClock(NOW))[0] == 0
        code, out, err = cli("insights", "--json", clock=FakeClock(NOW + timedelta(minutes=5)))
    assert code == 0, err
    assert json.loads(out)["cached"] is True and len(stub.seen) == 1


def test_an_invalid_answer_is_sent_back_once_and_the_corrected_one_is_stored(cli, seeded,
                                                                             monkeypatch):
    broken = {**ANALYSIS, "bottlenecks": [{"type": "x", "description": "d", "frequency": "often",
                                           "impact": "severe"}]}
    with StubServer(scripted((200, {}, tool_answer("record_analysis", broken, "toolu_bad")),
                             (200, {}, tool_answer("record_analysis", ANALYSIS, "toolu_ok")))
                    ) as stub:
        with_claude(monkeypatch, stub)
        code, out, err = cli("insights", "--json", clock=FakeClock(NOW))
    assert code == 0, err
    assert json.loads(out)["bottlenecks"] == ANALYSIS["bottlenecks"]
    retry = stub.seen[1].json()["messages"]
    assert retry[1]["role"] == "assistant" and retry[1]["content"][0]["id"] == "toolu_bad"
    result = retry[2]["content"][0]
    assert result["type"] == "tool_result" and result["tool_use_id"] == "toolu_bad"
    assert result["is_error"] and "whole number" in result["content"]


def test_two_invalid_answers_fail_clearly_and_store_nothing(cli, seeded, monkeypatch):
    text_only = {"id": "m", "type": "message", "role": "assistant", "model": "m",
                 "content": [{"type": "text", "text": "Here are my thoughts..."}],
                 "stop_reason": "end_turn", "stop_sequence": None,
                 "usage": {"input_tokens": 1, "output_tokens": 1}}
    with StubServer(scripted((200, {}, text_only), (200, {}, text_only))) as stub:
        with_claude(monkeypatch, stub)
        code, out, err = cli("insights", "--json", clock=FakeClock(NOW))
        assert code == 1 and "did not have the expected shape twice" in err
        assert "nothing was stored" in err
        code, out, err = cli("insights", "--json", "--local", clock=FakeClock(NOW))
    assert len(stub.seen) == 2  # --local sends nothing
    assert json.loads(out)["source"] == "local"


def test_a_refused_key_says_so(cli, seeded, monkeypatch):
    with StubServer(scripted((401, {}, {"type": "error", "error": {
            "type": "authentication_error", "message": "invalid x-api-key"}}))) as stub:
        with_claude(monkeypatch, stub)
        code, _, err = cli("insights", clock=FakeClock(NOW))
    assert code == 1 and "refused the key" in err and "ai set-key" in err


def test_plan_with_claude_and_ticking_it_off(cli, seeded, monkeypatch):
    plan = {"date": "2026-03-11", "learning_task": "Read about asyncio",
            "reflection_question": "What went well?",
            "tomorrow_tasks": [{"task": "Finish payroll export", "priority": "high",
                                "estimated_duration": 90},
                               {"task": "Review PRs", "priority": "medium",
                                "estimated_duration": 30}]}
    with StubServer(scripted((200, {}, tool_answer("record_plan", plan)))) as stub:
        with_claude(monkeypatch, stub)
        code, out, err = cli("plan", "--date", "tomorrow", "--json", clock=FakeClock(NOW))
        assert code == 0, err
        assert stub.seen[0].json()["tool_choice"]["name"] == "record_plan"
        assert cli("plan", "tick", "2", "--date", "2026-03-11", clock=FakeClock(NOW))[0] == 0
        code, out, _ = cli("plan", "--date", "2026-03-11", "--show", "--json", clock=FakeClock(NOW))
    shown = json.loads(out)
    assert [t["done"] for t in shown["tomorrow_tasks"]] == [False, True]
    assert shown["source"] == "claude"


def test_without_a_key_everything_is_local_and_labelled(cli, seeded):
    code, out, err = cli("insights", clock=FakeClock(NOW))
    assert code == 0, err
    assert "local: no Anthropic API key" in out and "Bottlenecks" in out
    assert "no_breaks" in out  # 2 h of coding without a break
    code, out, err = cli("plan", "--date", "tomorrow", clock=FakeClock(NOW))
    assert code == 0 and "Plan for 2026-03-11 (Wednesday)" in out and "1. [ ]" in out


def test_set_key_keeps_it_in_the_keyring_and_preview_sends_nothing(cli, seeded, monkeypatch):
    code, _, err = cli("ai", "set-key", stdin="sk-ant-from-stdin\n")
    assert code == 0, err
    code, out, _ = cli("ai", "status", "--json")
    assert json.loads(out)["key"] == "keyring"
    assert cli("ai", "set-key", stdin="\n")[0] == 2
    assert cli("ai", "set-key", stdin="two words\n")[0] == 2
    code, out, err = cli("ai", "preview", "--date", "2026-03-10", clock=FakeClock(NOW))
    assert code == 0, err
    request = json.loads(out)
    assert request["model"] == "claude-sonnet-5-5" and request["tools"][0]["name"] == "record_analysis"
    assert SECRET_TITLE not in out and "payroll.py" not in out
    code, out, _ = cli("ai", "preview", "--kind", "plan", "--date", "tomorrow", clock=FakeClock(NOW))
    assert json.loads(out)["tools"][0]["name"] == "record_plan"
    code, _, _ = cli("ai", "forget-key")
    assert json.loads(cli("ai", "status", "--json")[1])["key"] is None


def test_bad_dates_and_ticks_are_usage_errors(cli, seeded):
    assert cli("insights", "--date", "2026-02-30")[0] == 2
    code, _, err = cli("plan", "tick", "1", "--date", "2026-01-01", clock=FakeClock(NOW))
    assert code == 2 and "no plan for 2026-01-01" in err


def test_the_tracker_schedules_the_daily_analysis_the_nightly_plan_and_the_github_sync(
        data_dir, monkeypatch, tmp_path):
    import msgspec

    from tracker_desktop.app import build_app, build_tracker
    from tracker_desktop.config import AiSettings, Settings

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    settings = msgspec.structs.replace(
        Settings(), data_dir=data_dir,
        ai=AiSettings(analysis_time="18:30", plan_time="21:15", github_sync_hours=3))
    app = build_app(settings, FakeClock(NOW))
    tracker = build_tracker(app, headless=True)
    try:
        s = tracker.scheduler
        analysis, plan = s.get_job("ai_analysis"), s.get_job("ai_plan")
        assert str(analysis.trigger.fields[5]) == "18" and str(analysis.trigger.fields[6]) == "30"
        assert str(plan.trigger.fields[5]) == "21" and str(plan.trigger.fields[6]) == "15"
        assert analysis.coalesce and analysis.misfire_grace_time >= 3600
        assert s.get_job("github_sync").trigger.interval.total_seconds() == 3 * 3600
        assert s.get_job("ai_catch_up") is not None
    finally:
        tracker.run_lock.release()
        app.close()


def test_runs_missed_while_the_machine_was_off_are_caught_up_once(seeded, monkeypatch):
    import msgspec

    from tracker_desktop.app import build_app
    from tracker_desktop.config import Settings

    settings = msgspec.structs.replace(Settings(), data_dir=seeded)
    app = build_app(settings, FakeClock(NOW))  # 21:00: after both daily runs
    try:
        assert app.ai.missed_runs() == [("analysis", DAY), ("plan", date(2026, 3, 11))]
        done = app.ai.catch_up()
        assert [(r.kind, r.day, r.source) for r in done] == [
            ("analysis", DAY, "local"), ("plan", date(2026, 3, 11), "local")]
        assert app.ai.missed_runs() == []
    finally:
        app.close()
    morning = build_app(settings, FakeClock(datetime(2026, 3, 11, 7, tzinfo=UTC)))
    try:  # the next morning: yesterday's analysis and today's plan exist: nothing to do
        assert morning.ai.missed_runs() == []
    finally:
        morning.close()


def test_open_tasks_and_logged_errors_feed_the_plan_and_the_analysis(cli, seeded):
    clock = FakeClock(NOW)
    for args in (["Ship the export", "--priority", "high", "--due", "2026-03-11",
                  "--estimate", "1"],
                 ["Tidy the backlog", "--priority", "low"],
                 ["Answer the auditor", "--priority", "urgent"]):
        code, _, err = cli("task", "add", *args, clock=clock)
        assert code == 0, err
    code, _, err = cli("log", "Fighting the build", "--minutes", "30", "--errors", "4",
                       clock=clock)
    assert code == 0, err
    code, out, err = cli("plan", "--date", "tomorrow", "--json", "--local", clock=clock)
    assert code == 0, err
    tasks = [t["task"] for t in json.loads(out)["tomorrow_tasks"]]
    assert tasks[:2] == ["Ship the export", "Answer the auditor"]  # due tomorrow, then urgent
    code, out, _ = cli("ai", "preview", "--kind", "plan", "--date", "tomorrow", clock=clock)
    sent = json.loads(json.loads(out)["messages"][0]["content"])
    assert [t["priority"] for t in sent["open_tasks"]] == ["high", "low", "urgent"]
    assert "Ship the export" not in out  # task titles only at the "tasks" level
    code, out, _ = cli("insights", "--json", "--local", clock=clock)
    errors = [b for b in json.loads(out)["bottlenecks"] if b["type"] == "repeated_error"]
    assert errors and errors[0]["frequency"] == 4


def test_unattended_runs_ignore_an_exported_key_and_catch_up_sees_its_own_analysis(
        seeded, monkeypatch):
    import msgspec

    from tracker_desktop.app import build_app, make_ai
    from tracker_desktop.config import Settings
    from tracker_desktop.services.ai import key_from

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-exported-for-something-else")
    app = build_app(msgspec.structs.replace(Settings(), data_dir=seeded), FakeClock(NOW))
    try:
        assert key_from(lambda name: None)() == "sk-ant-exported-for-something-else"
        queued = []
        ai = make_ai(app, app.store.uow, app.reports, app.tasks, write=queued.append,
                     environment_key=False)
        assert ai.key() is None  # no `ai set-key`: the tracker's runs stay local
        done = ai.catch_up()
        assert [(r.kind, r.source) for r in done] == [("analysis", "local"), ("plan", "local")]
        assert len(queued) == 2 and app.ai.stored("analysis", DAY) is None  # not written yet
        assert ai.stored_analysis(DAY) is not None  # ...but the plan was made with it
        for fn in queued:
            fn()
        assert app.ai.stored("analysis", DAY).source == "local"
    finally:
        app.close()
