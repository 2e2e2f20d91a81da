"""GitHub sync against a local stub of the REST API (pagination by Link header, a rate limit
waited out, duplicates stored once) and local git activity read from repositories the test
creates with real `git`, correlated with editor time."""

import json
import os
import subprocess
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import pytest

from storage.engine import open_database
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.events import Event

from .stub_http import StubServer

UTC = timezone.utc
NOW = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)


@pytest.fixture
def env(data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return data_dir


def commit_item(sha, day, repo="ann/acme"):
    return {"sha": sha, "html_url": f"https://github.example/{repo}/commit/{sha}",
            "repository": {"full_name": repo},
            "commit": {"message": f"Fix {sha}\n\nlong body", "author": {"date": f"{day}T10:00:00Z"}}}


def issue_item(n, kind):
    return {"node_id": f"{kind}-{n}", "title": f"{kind} {n}", "state": "open",
            "html_url": f"https://github.example/ann/acme/{kind}/{n}",
            "repository_url": "https://api.github.example/repos/ann/acme",
            "created_at": "2026-03-09T12:00:00Z"}


class FakeGithub:
    """Two pages of commits, one of pull requests, one of issues; the first search is
    rate-limited once (403 + X-RateLimit-Remaining: 0), the second page once with 429."""

    def __init__(self):
        self.limited = set()

    def __call__(self, req):
        url = urlparse(req.path)
        q = parse_qs(url.query)
        if req.headers.get("authorization") != "Bearer ghp_good":
            return 401, {}, {"message": "Bad credentials"}
        if url.path == "/user":
            return 200, {}, {"login": "ann"}
        if url.path == "/search/commits":
            page = int(q.get("page", ["1"])[0])
            if page == 1 and "first" not in self.limited:
                self.limited.add("first")
                reset = int(NOW.timestamp()) + 3
                return 403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}, \
                    {"message": "API rate limit exceeded"}
            if page == 2 and "second" not in self.limited:
                self.limited.add("second")
                return 429, {"retry-after": "2"}, {"message": "secondary rate limit"}
            if page == 1:
                assert "author:ann" in q["q"][0]
                items = [commit_item(f"c{i}", "2026-03-09") for i in range(100)]
                link = f'<{self.url}/search/commits?q=x&page=2>; rel="next"'
                return 200, {"link": link}, {"total_count": 130, "items": items}
            return 200, {}, {"total_count": 130,
                             "items": [commit_item(f"c{i}", "2026-03-10") for i in range(100, 130)]}
        if url.path == "/search/issues":
            kind = "pr" if "type:pr" in q["q"][0] else "issue"
            return 200, {}, {"items": [issue_item(n, kind) for n in range(3)]}
        return 404, {}, {"message": "Not Found"}


def test_github_sync_pages_waits_out_rate_limits_and_stores_each_item_once(cli, env, monkeypatch):
    fake = FakeGithub()
    waits = []
    monkeypatch.setattr("time.sleep", lambda s: waits.append(s))
    with StubServer(fake) as stub:
        fake.url = stub.url
        monkeypatch.setenv("GITHUB_API_URL", stub.url)
        code, _, err = cli("github", "connect", stdin="ghp_bad\n", clock=FakeClock(NOW))
        assert code == 2 and "refused the token" in err
        code, out, err = cli("github", "connect", stdin="ghp_good\n", clock=FakeClock(NOW))
        assert code == 0 and "connected to GitHub as ann" in out, err
        code, out, err = cli("github", "sync", "--json", clock=FakeClock(NOW))
        assert code == 0, err
        first = json.loads(out)
        code, out, err = cli("github", "sync", "--json", clock=FakeClock(NOW))
        second = json.loads(out)
    assert first == {"login": "ann", "fetched": 136, "new": 136, "since": "2026-02-08"}
    assert second["fetched"] == 136 and second["new"] == 0  # duplicates are not stored again
    assert waits[0] == pytest.approx(4, abs=1) and waits[1] == 2
    status = json.loads(cli("github", "status", "--json")[1])
    assert status["connected"] and status["login"] == "ann" and status["items"] == 136


def test_a_long_rate_limit_stops_the_sync_with_a_message(cli, env, monkeypatch):
    def limited(req):
        if urlparse(req.path).path == "/user":
            return 200, {}, {"login": "ann"}
        return 403, {"x-ratelimit-remaining": "0",
                     "x-ratelimit-reset": str(int(NOW.timestamp()) + 3600)}, {"message": "limit"}

    with StubServer(limited) as stub:
        monkeypatch.setenv("GITHUB_API_URL", stub.url)
        assert cli("github", "connect", stdin="tok\n", clock=FakeClock(NOW))[0] == 0
        code, _, err = cli("github", "sync", clock=FakeClock(NOW))
    assert code == 1 and "resets in 60 min" in err


def git(repo, *args, when=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org",
           "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "ann@example.org"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_local_commits_are_correlated_with_coding_time_per_project(cli, env, tmp_path):
    repo = tmp_path / "src" / "acme"
    (repo / "pkg").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ann@example.org")
    day = datetime(2026, 3, 10, tzinfo=UTC)
    for i, (h, m) in enumerate([(9, 40), (10, 50), (14, 30)]):
        (repo / "pkg" / "mod.py").write_text(f"x = {i}\n")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", f"change {i}", when=day.replace(hour=h, minute=m))
    # Someone else's commit in the same repository is not the person's.
    (repo / "other.txt").write_text("y")
    git(repo, "add", ".")
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "theirs"], check=True,
                   capture_output=True, env={**os.environ, "GIT_AUTHOR_NAME": "Bob",
                   "GIT_AUTHOR_EMAIL": "bob@example.org", "GIT_COMMITTER_NAME": "Bob",
                   "GIT_COMMITTER_EMAIL": "bob@example.org",
                   "GIT_AUTHOR_DATE": day.replace(hour=11).isoformat(),
                   "GIT_COMMITTER_DATE": day.replace(hour=11).isoformat()})
    engine = open_database(env / "tracker.sqlite3")
    uow = SqlUnitOfWorkFactory(engine)
    f = str(repo / "pkg" / "mod.py")
    with uow(write=True) as u:
        u.events.add_many([
            Event("editor", day.replace(hour=9), timedelta(hours=2), {"project": "acme", "file": f,
                                                                       "language": "Python"}, {}),
            Event("editor", day.replace(hour=14), timedelta(hours=1), {"project": "acme", "file": f,
                                                                        "language": "Python"}, {}),
            Event("window", day.replace(hour=9), timedelta(hours=3), {"app": "code", "title": "x"}, {}),
        ])
        u.commit()
    engine.dispose()
    code, out, err = cli("report", "--date", "2026-03-10", "--json", clock=FakeClock(NOW))
    assert code == 0, err
    git_part = json.loads(out)["code_activity"]
    assert git_part["projects"] == [{
        "project": "acme", "repo": str(repo), "commits": 3, "coding_seconds": 10800.0,
        "commits_per_coding_hour": 1.0,
        # 9:00 → 9:40 (40), since the last commit at 9:40 no new stretch began before 10:50
        # (the stretch started at 9:00), 14:00 → 14:30 (30): median of 40 and 30.
        "median_minutes_to_commit": 35.0}]
    assert [c["subject"] for c in git_part["commits"]] == ["change 0", "change 1", "change 2"]
    code, out, _ = cli("report", "--date", "2026-03-10", clock=FakeClock(NOW))
    assert "acme: 3 commit(s)" in out
    code, out, _ = cli("insights", "--json", "--local", "--date", "2026-03-10", clock=FakeClock(NOW))
    assert any("3 commit(s)" in i["observation"] for i in json.loads(out)["insights"])
