"""AI results (analyses and plans per day) and synced GitHub items: the repository over a
SQLAlchemy session and its in-memory twin (the contract suite runs on both)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

from .codec import from_us, to_us


@dataclass(frozen=True, slots=True)
class StoredResult:
    kind: str  # "analysis" or "plan"
    day: date
    source: str  # "claude" or "local"
    model: str | None
    input_hash: str
    body: dict[str, Any]
    created: datetime


@dataclass(frozen=True, slots=True)
class GithubItem:
    kind: str  # "commit", "pull_request" or "issue"
    external_id: str
    repo: str
    title: str
    url: str
    state: str
    occurred: datetime


class AiRepository(Protocol):
    def result(self, kind: str, day: date, source: str | None = None) -> StoredResult | None:
        """The stored result of `kind` for `day`: from `source`, or (None) Claude's if there is
        one, else the local one."""
    def cached(self, kind: str, input_hash: str) -> StoredResult | None: ...
    def put(self, result: StoredResult) -> None: ...
    def github_add(self, items: list[GithubItem]) -> int:
        """Adds the items not stored yet (by kind and id); returns how many were new."""
    def github_items(self, start: datetime, end: datetime) -> list[GithubItem]: ...
    def github_count(self) -> int: ...


def _result(row: Any) -> StoredResult:
    return StoredResult(row[0], date.fromisoformat(row[1]), row[2], row[3], row[4],
                        json.loads(row[5]), from_us(row[6]))


_COLS = "kind, day, source, model, input_hash, body, created_us"
_GH = "kind, external_id, repo, title, url, state, occurred_us"


class SqlAiRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def result(self, kind: str, day: date, source: str | None = None) -> StoredResult | None:
        rows = self._s.execute(text(
            f"SELECT {_COLS} FROM ai_results WHERE kind = :kind AND day = :day "
            "AND (:source IS NULL OR source = :source) "
            "ORDER BY CASE source WHEN 'claude' THEN 0 ELSE 1 END LIMIT 1"),
            {"kind": kind, "day": day.isoformat(), "source": source}).all()
        return _result(rows[0]) if rows else None

    def cached(self, kind: str, input_hash: str) -> StoredResult | None:
        rows = self._s.execute(text(
            f"SELECT {_COLS} FROM ai_results WHERE kind = :kind AND input_hash = :h "
            "AND source = 'claude' ORDER BY created_us DESC LIMIT 1"),
            {"kind": kind, "h": input_hash}).all()
        return _result(rows[0]) if rows else None

    def put(self, result: StoredResult) -> None:
        self._s.execute(text(
            f"INSERT INTO ai_results ({_COLS}) VALUES (:kind, :day, :source, :model, :h, :body, "
            ":created) ON CONFLICT (kind, day, source) DO UPDATE SET model = excluded.model, "
            "input_hash = excluded.input_hash, body = excluded.body, "
            "created_us = excluded.created_us"),
            {"kind": result.kind, "day": result.day.isoformat(), "source": result.source,
             "model": result.model, "h": result.input_hash,
             "body": json.dumps(result.body, sort_keys=True), "created": to_us(result.created)})

    def github_add(self, items: list[GithubItem]) -> int:
        before = self.github_count()
        for it in items:
            self._s.execute(text(
                f"INSERT INTO github_items ({_GH}) VALUES (:kind, :id, :repo, :title, :url, "
                ":state, :at) ON CONFLICT (kind, external_id) DO UPDATE SET "
                "title = excluded.title, state = excluded.state"),
                {"kind": it.kind, "id": it.external_id, "repo": it.repo, "title": it.title,
                 "url": it.url, "state": it.state, "at": to_us(it.occurred)})
        return self.github_count() - before

    def github_items(self, start: datetime, end: datetime) -> list[GithubItem]:
        rows = self._s.execute(text(
            f"SELECT {_GH} FROM github_items WHERE occurred_us >= :a AND occurred_us < :b "
            "ORDER BY occurred_us, kind, external_id"),
            {"a": to_us(start), "b": to_us(end)}).all()
        return [GithubItem(r[0], r[1], r[2], r[3], r[4], r[5], from_us(r[6])) for r in rows]

    def github_count(self) -> int:
        return int(self._s.execute(text("SELECT count(*) FROM github_items")).scalar_one())


class MemoryAiRepository:
    def __init__(self) -> None:
        self._results: dict[tuple[str, date, str], StoredResult] = {}
        self._github: dict[tuple[str, str], GithubItem] = {}

    def result(self, kind: str, day: date, source: str | None = None) -> StoredResult | None:
        for s in ((source,) if source else ("claude", "local")):
            if (kind, day, s) in self._results:
                return self._results[(kind, day, s)]
        return None

    def cached(self, kind: str, input_hash: str) -> StoredResult | None:
        hits = [r for r in self._results.values()
                if r.kind == kind and r.input_hash == input_hash and r.source == "claude"]
        return max(hits, key=lambda r: r.created) if hits else None

    def put(self, result: StoredResult) -> None:
        body = json.loads(json.dumps(result.body, sort_keys=True))
        self._results[(result.kind, result.day, result.source)] = StoredResult(
            result.kind, result.day, result.source, result.model, result.input_hash, body,
            result.created)

    def github_add(self, items: list[GithubItem]) -> int:
        new = 0
        for it in items:
            key = (it.kind, it.external_id)
            if key not in self._github:
                new += 1
                self._github[key] = it
            else:
                old = self._github[key]
                self._github[key] = GithubItem(old.kind, old.external_id, old.repo, it.title,
                                               old.url, it.state, old.occurred)
        return new

    def github_items(self, start: datetime, end: datetime) -> list[GithubItem]:
        return sorted((g for g in self._github.values() if start <= g.occurred < end),
                      key=lambda g: (g.occurred, g.kind, g.external_id))

    def github_count(self) -> int:
        return len(self._github)

    def clone(self) -> "MemoryAiRepository":
        other = MemoryAiRepository()
        other._results = dict(self._results)
        other._github = dict(self._github)
        return other
