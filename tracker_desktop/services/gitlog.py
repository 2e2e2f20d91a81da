"""Local git activity (seed 001): commits read from the repositories of the projects seen in
editor activity (and any configured in `[ai] git_repos`), correlated with coding time.

A repository is found by walking up from the files the editor events name. Only the person's own
commits count (the repository's `user.email`, when set). Per project: commits, coding hours,
commits per coding hour, and the median time from the start of coding on the project (that day,
or since the previous commit) to a commit.
"""

from __future__ import annotations

import logging
import statistics
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

logger = logging.getLogger(__name__)

GIT_TIMEOUT = 20.0
MAX_COMMITS = 5000  # per repository and period


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    when: datetime
    subject: str
    repo: Path

    @property
    def project(self) -> str:
        return self.repo.name


@dataclass(frozen=True, slots=True)
class ProjectGit:
    project: str
    repo: str
    commits: int
    coding_seconds: float
    commits_per_coding_hour: float | None
    median_minutes_to_commit: float | None

    def to_json(self) -> dict[str, Any]:
        return {"project": self.project, "repo": self.repo, "commits": self.commits,
                "coding_seconds": round(self.coding_seconds, 3),
                "commits_per_coding_hour": None if self.commits_per_coding_hour is None
                else round(self.commits_per_coding_hour, 2),
                "median_minutes_to_commit": None if self.median_minutes_to_commit is None
                else round(self.median_minutes_to_commit, 1)}


def find_repo(path: str | Path) -> Path | None:
    p = Path(path).expanduser()
    if not p.is_absolute():
        return None
    for candidate in (p, *p.parents):
        try:
            if (candidate / ".git").exists():
                return candidate
        except OSError:
            return None
    return None


def repos_for(files: Iterable[str], extra: Iterable[str] = ()) -> list[Path]:
    found: set[Path] = set()
    seen_dirs: set[Path] = set()
    for f in files:
        parent = Path(f).parent
        if parent in seen_dirs:
            continue
        seen_dirs.add(parent)
        repo = find_repo(f)
        if repo is not None:
            found.add(repo)
    for e in extra:
        repo = find_repo(e)
        if repo is not None:
            found.add(repo)
    return sorted(found)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          timeout=GIT_TIMEOUT, check=True).stdout


def commits(repo: Path, start: datetime, end: datetime) -> list[Commit]:
    """The person's commits in `repo` authored in [start, end), oldest first."""
    try:
        email = _git(repo, "config", "user.email").strip()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        email = ""
    args = ["log", "--all", f"--since=@{int(start.timestamp())}",
            f"--until=@{int(end.timestamp())}", f"--max-count={MAX_COMMITS}",
            "--format=%H%x1f%at%x1f%ae%x1f%s"]
    try:
        out = _git(repo, *args)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        logger.warning("could not read commits of %s: %s", repo, exc)
        return []
    found: dict[str, Commit] = {}
    for line in out.splitlines():
        parts = line.split("\x1f")
        if len(parts) != 4:
            continue
        sha, at, author, subject = parts
        if email and author.lower() != email.lower():
            continue
        when = datetime.fromtimestamp(int(at), timezone.utc)
        if start <= when < end:
            found[sha] = Commit(sha, when, subject[:500], repo)
    return sorted(found.values(), key=lambda c: c.when)


def correlate(project_commits: Sequence[Commit], coding_seconds: float,
              coding_starts: Sequence[datetime]) -> tuple[float | None, float | None]:
    """(commits per coding hour, median minutes from the start of coding to a commit).
    `coding_starts`: when the project's editor activity began, each stretch (sorted)."""
    per_hour = (len(project_commits) / (coding_seconds / 3600)) if coding_seconds >= 60 else None
    waits = []
    previous: datetime | None = None
    for c in project_commits:
        starts = [s for s in coding_starts if s <= c.when and (previous is None or s >= previous)]
        if starts:
            waits.append((c.when - starts[0]).total_seconds() / 60)
        previous = c.when
    return per_hour, (statistics.median(waits) if waits else None)


STRETCH_GAP_SECONDS = 15 * 60  # editor activity this far apart starts a new coding stretch


@dataclass(frozen=True, slots=True)
class CodeActivityReport:
    projects: tuple[ProjectGit, ...]
    commits: tuple[Commit, ...]

    def to_json(self) -> dict[str, Any]:
        return {"projects": [p.to_json() for p in self.projects],
                "commits": [{"sha": c.sha, "when": c.when.isoformat(), "subject": c.subject,
                             "project": c.project} for c in self.commits]}


class CodeActivity:
    """Local commits of a period, correlated with its coding time per project."""

    def __init__(self, uow: Any, reports: Any, extra_repos: Sequence[str] = ()) -> None:
        self._uow = uow
        self._reports = reports
        self._extra = list(extra_repos)

    def for_period(self, period: Any) -> CodeActivityReport:
        from tracker_desktop.domain.events import EDITOR

        setup = self._reports.rollups.setup
        start, end = period.bounds(setup.tz, setup.day_start_hour)
        with self._uow() as u:
            events = u.events.range(EDITOR, start, end)
        files = {str(e.data.get("file")) for e in events if e.data.get("file")}
        starts: dict[str, list[datetime]] = {}
        seconds: dict[str, float] = {}
        last_end: dict[str, datetime] = {}
        for e in sorted(events, key=lambda e: e.start):
            project = e.data.get("project")
            if not isinstance(project, str) or not project:
                continue
            seconds[project] = seconds.get(project, 0.0) + e.duration.total_seconds()
            prev = last_end.get(project)
            if prev is None or (e.start - prev).total_seconds() > STRETCH_GAP_SECONDS:
                starts.setdefault(project, []).append(e.start)
            last_end[project] = max(prev or e.end, e.end)
        all_commits: list[Commit] = []
        projects = []
        for repo in repos_for(files, self._extra):
            found = commits(repo, start, end)
            all_commits.extend(found)
            name = repo.name
            per_hour, to_commit = correlate(found, seconds.get(name, 0.0), starts.get(name, []))
            if found or seconds.get(name):
                projects.append(ProjectGit(name, str(repo), len(found), seconds.get(name, 0.0),
                                           per_hour, to_commit))
        projects.sort(key=lambda p: (-p.commits, -p.coding_seconds, p.project))
        return CodeActivityReport(tuple(projects),
                                  tuple(sorted(all_commits, key=lambda c: c.when)))
