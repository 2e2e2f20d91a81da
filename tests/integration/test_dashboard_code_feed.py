"""The dashboard's recent-activity feed has the day's GitHub items and local commits (a real
git repository, a real database): App.dashboard's snapshot and the rows the window shows."""

import os
import subprocess
from datetime import datetime, timedelta, timezone

import msgspec

from storage.ai import GithubItem
from tracker_desktop.app import build_app
from tracker_desktop.config import AnalysisSettings, Settings
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.days import day_period
from tracker_desktop.domain.events import Event

UTC = timezone.utc
DAY = datetime(2026, 3, 10, tzinfo=UTC)


def git(repo, *args, when=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org",
           "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "ann@example.org"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          env=env, text=True).stdout.strip()


def test_github_items_and_local_commits_are_in_the_feed(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    repo = tmp_path / "src" / "acme"
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ann@example.org")
    shas = []
    for i, h in enumerate((9, 14)):
        (repo / "mod.py").write_text(f"x = {i}\n")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", f"change {i}", when=DAY.replace(hour=h, minute=30))
        shas.append(git(repo, "rev-parse", "HEAD"))
    settings = msgspec.structs.replace(Settings(analysis=AnalysisSettings(timezone="UTC")),
                                       data_dir=data_dir)
    app = build_app(settings, FakeClock(DAY.replace(hour=21)))
    try:
        with app.store.uow(write=True) as u:
            u.events.add_many([
                Event("editor", DAY.replace(hour=9), timedelta(hours=6),
                      {"project": "acme", "file": str(repo / "mod.py"), "language": "Python"}, {}),
                Event("window", DAY.replace(hour=9), timedelta(hours=6),
                      {"app": "code", "title": "mod.py"}, {}),
            ])
            u.ai.github_add([
                # The 14:30 commit pushed to GitHub: shown once, as GitHub's.
                GithubItem("commit", shas[1], "ann/acme", "change 1", "https://x/c", "", DAY.replace(hour=14, minute=30)),
                GithubItem("pull_request", "PR-7", "ann/acme", "Add the feed", "https://x/p",
                           "open", DAY.replace(hour=16)),
                GithubItem("issue", "I-1", "ann/acme", "yesterday's", "https://x/i", "open",
                           DAY - timedelta(hours=2)),
            ])
            u.commit()
        data = app.dashboard.snapshot(day_period(DAY.date()), "day", DAY.date())
        assert [(c.source, c.kind, c.title, c.ref) for c in data.code] == [
            ("github", "pull_request", "Add the feed", "PR-7"),
            ("github", "commit", "change 1", shas[1][:7]),
            ("git", "commit", "change 0", shas[0][:7]),
        ]
        from ui.dashboard.model import feed_rows

        rows = feed_rows(data)
        assert rows[0] == ("16:00", "GitHub · ann/acme", "Add the feed (PR-7)", "pull request")
        assert ("09:30", "git · acme", f"change 0 ({shas[0][:7]})", "commit") in rows
        assert rows[-1][1] == "code"  # the window, oldest (09:00) last
        assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    finally:
        app.close()
