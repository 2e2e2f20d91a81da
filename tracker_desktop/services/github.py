"""The person's GitHub activity (seed 003): commits, pull requests and issues they authored,
synced through the REST API into `github_items` for reports and the activity feed.

A personal access token (`tracker-desktop github connect`, read from stdin) is kept in the OS
keyring. Searches are paginated through the `Link` header; a rate limit (403/429 with
`Retry-After`, or `X-RateLimit-Remaining: 0` until `X-RateLimit-Reset`) is waited out when the
wait is short, else the sync stops with a message and the next one carries on. Items are
stored once (by kind and GitHub id); a second sync of the same days adds nothing.
`GITHUB_API_URL` overrides the base URL (GitHub Enterprise, tests).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import httpx

    from storage.ai import GithubItem
    from storage.uow import UnitOfWorkFactory
    from tracker_desktop.domain.clock import Clock

logger = logging.getLogger(__name__)

TOKEN_NAME = "github_token"
LOGIN_STATE = "github.login"
SYNCED_STATE = "github.synced"
DEFAULT_API = "https://api.github.com"
MAX_PAGES = 10  # the search API returns at most 1,000 results (10 pages of 100)
MAX_TITLE = 500


class GithubError(RuntimeError):
    """A problem a person can act on (bad token, rate limit, unreachable API)."""


@dataclass(frozen=True, slots=True)
class SyncResult:
    login: str
    fetched: int
    new: int | None  # None: the items were handed to the writer, not stored yet
    since: date

    def to_json(self) -> dict[str, Any]:
        return {"login": self.login, "fetched": self.fetched, "new": self.new,
                "since": self.since.isoformat()}


def api_url() -> str:
    return os.environ.get("GITHUB_API_URL", "").rstrip("/") or DEFAULT_API


class GithubSync:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, token: Callable[[], str | None], *,
                 sleep: Callable[[float], None] | None = None, max_wait: float = 120.0,
                 write: Callable[[Callable[[], object]], None] | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._token = token
        self._sleep = sleep or (lambda seconds: time.sleep(seconds))
        self.max_wait = max_wait
        # Where the store step runs: at once (a CLI verb), or on the tracker's writer thread.
        self._write = write or (lambda fn: fn())

    def _client(self, token: str) -> httpx.Client:
        import httpx

        return httpx.Client(base_url=api_url(), timeout=30.0, headers={
            "Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "tracker-desktop"})

    def verify(self, token: str) -> str:
        """The login the token belongs to (GithubError if GitHub refuses it)."""
        with self._client(token) as client:
            user = self._get(client, "/user").json()
        login = user.get("login") if isinstance(user, dict) else None
        if not isinstance(login, str) or not login:
            raise GithubError("GitHub's /user answer has no login")
        return login

    def remember(self, login: str) -> None:
        with self._uow(write=True) as u:
            u.state.set(LOGIN_STATE, login, self._clock.now())
            u.commit()

    def login(self) -> str | None:
        with self._uow() as u:
            v = u.state.get(LOGIN_STATE)
        return None if v is None else str(v.value)

    def sync(self, days: int = 30) -> SyncResult:
        token = self._token()
        if not token:
            raise GithubError("GitHub is not connected: run `tracker-desktop github connect` "
                              "and paste a personal access token")
        since = (self._clock.now() - timedelta(days=days)).date()
        with self._client(token) as client:
            login = self.login() or self._get(client, "/user").json()["login"]
            items = [*self._commits(client, login, since),
                     *self._issues(client, login, since, "pr"),
                     *self._issues(client, login, since, "issue")]
        added: list[int] = []

        def store() -> None:
            with self._uow(write=True) as u:
                added.append(u.ai.github_add(items))
                u.state.set(SYNCED_STATE, self._clock.now().isoformat(), self._clock.now())
                u.commit()

        self._write(store)
        # Handed to a writer thread, the count is not known yet (None).
        return SyncResult(login, len(items), added[0] if added else None, since)

    def _commits(self, client: httpx.Client, login: str, since: date) -> list[GithubItem]:
        from storage.ai import GithubItem

        out = []
        for it in self._search(client, "/search/commits",
                               f"author:{login} author-date:>={since.isoformat()}",
                               "author-date"):
            commit = it.get("commit") or {}
            when = (commit.get("author") or {}).get("date") or (commit.get("committer") or {}).get("date")
            repo = (it.get("repository") or {}).get("full_name", "")
            if not it.get("sha") or not when:
                continue
            out.append(GithubItem("commit", str(it["sha"]), repo,
                                  (commit.get("message") or "").split("\n", 1)[0][:MAX_TITLE],
                                  it.get("html_url", ""), "", _when(when)))
        return out

    def _issues(self, client: httpx.Client, login: str, since: date, kind: str
                ) -> list[GithubItem]:
        from storage.ai import GithubItem

        out = []
        for it in self._search(client, "/search/issues",
                               f"author:{login} type:{kind} created:>={since.isoformat()}",
                               "created"):
            repo_url = it.get("repository_url", "")
            repo = "/".join(repo_url.rstrip("/").split("/")[-2:]) if repo_url else ""
            ident = it.get("node_id") or it.get("id")
            if ident is None or not it.get("created_at"):
                continue
            out.append(GithubItem("pull_request" if kind == "pr" else "issue", str(ident), repo,
                                  str(it.get("title", ""))[:MAX_TITLE], it.get("html_url", ""),
                                  str(it.get("state", "")), _when(it["created_at"])))
        return out

    def _search(self, client: httpx.Client, path: str, q: str, sort: str) -> list[dict[str, Any]]:
        url: str | None = path
        params: dict[str, Any] | None = {"q": q, "sort": sort, "order": "desc", "per_page": 100}
        items: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            if url is None:
                break
            r = self._get(client, url, params)
            body = r.json()
            items.extend(x for x in body.get("items", []) if isinstance(x, dict))
            url = r.links.get("next", {}).get("url")
            params = None  # the next link carries the query
        return items

    def _get(self, client: httpx.Client, url: str, params: dict[str, Any] | None = None
             ) -> httpx.Response:
        import httpx

        for _attempt in range(5):
            try:
                r = client.get(url, params=params)
            except httpx.HTTPError as exc:
                raise GithubError(f"could not reach GitHub at {api_url()}: {exc}") from None
            if r.status_code == 401:
                raise GithubError("GitHub refused the token (401): connect again with a valid "
                                  "personal access token")
            wait = self._rate_limit_wait(r)
            if wait is not None:
                if wait > self.max_wait:
                    raise GithubError(f"GitHub's rate limit is reached; it resets in "
                                      f"{wait / 60:.0f} min — the next sync carries on")
                logger.info("GitHub rate limit: waiting %.0f s", wait)
                self._sleep(wait)
                continue
            if r.status_code >= 400:
                raise GithubError(f"GitHub answered {r.status_code} for {r.request.url.path}: "
                                  f"{r.text[:200]}")
            return r
        raise GithubError("GitHub kept rate-limiting the sync; the next sync carries on")

    def _rate_limit_wait(self, r: httpx.Response) -> float | None:
        if r.status_code not in (403, 429):
            return None
        retry_after = r.headers.get("retry-after")
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                return 60.0
        if r.headers.get("x-ratelimit-remaining") == "0":
            try:
                reset = float(r.headers.get("x-ratelimit-reset", "0"))
            except ValueError:
                return 60.0
            return max(0.0, reset - self._clock.now().timestamp()) + 1
        return None if r.status_code == 403 else 60.0


def _when(text: str) -> datetime:
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
