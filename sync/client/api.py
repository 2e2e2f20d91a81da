"""HTTP client for the leaderboard server (httpx), with retries (tenacity) on what a retry can
fix: the server unreachable, 5xx, 429."""

from __future__ import annotations

import logging
from typing import Any, Callable

import httpx
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from .errors import ServerUnavailable, SyncError

__all__ = ["ServerUnavailable", "SyncApi", "SyncError"]

logger = logging.getLogger(__name__)


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, ServerUnavailable)


class SyncApi:
    def __init__(self, base_url: str, *, timeout: float = 10.0, attempts: int = 3,
                 backoff: float = 0.5, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)
        self._attempts = attempts
        self._backoff = backoff
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        # Told of rotated tokens so they are saved (each refresh token works once).
        self.on_tokens: Callable[[str, str], None] | None = None

    def close(self) -> None:
        self._client.close()

    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        @retry(retry=retry_if_exception(_retryable), stop=stop_after_attempt(self._attempts),
               wait=wait_exponential(multiplier=self._backoff, max=8), reraise=True)
        def once() -> httpx.Response:
            try:
                r = self._client.request(method, path, **kw)
            except httpx.TransportError as exc:
                raise ServerUnavailable(f"cannot reach {self.base_url}: {exc}") from None
            if r.status_code >= 500 or r.status_code == 429:
                raise ServerUnavailable(f"{self.base_url} answered {r.status_code}")
            return r

        return once()

    def _json(self, r: httpx.Response) -> Any:
        if r.status_code >= 400:
            try:
                detail = r.json().get("detail")
            except ValueError:
                detail = r.text
            if isinstance(detail, list):  # FastAPI's validation errors
                detail = "; ".join(str(d.get("msg", d)) for d in detail)
            raise SyncError(r.status_code, f"the server refused ({r.status_code}): {detail}")
        return None if r.status_code == 204 else r.json()

    def _authed(self, method: str, path: str, **kw: Any) -> Any:
        r = self._send(method, path, headers=self._auth(), **kw)
        if r.status_code == 401 and self.refresh_token:
            self.refresh()
            r = self._send(method, path, headers=self._auth(), **kw)
        return self._json(r)

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"} if self.access_token else {}

    def _take_tokens(self, body: dict[str, Any]) -> dict[str, Any]:
        self.access_token, self.refresh_token = body["access_token"], body["refresh_token"]
        if self.on_tokens is not None:
            self.on_tokens(body["access_token"], body["refresh_token"])
        return body

    # ---- auth ----
    def register(self, username: str, password: str, display_name: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"username": username, "password": password}
        if display_name:
            body["display_name"] = display_name
        return self._take_tokens(self._json(self._send("POST", "/api/v1/auth/register", json=body)))

    def login(self, username: str, password: str) -> dict[str, Any]:
        return self._take_tokens(self._json(self._send(
            "POST", "/api/v1/auth/login", json={"username": username, "password": password})))

    def refresh(self) -> dict[str, Any]:
        return self._take_tokens(self._json(self._send(
            "POST", "/api/v1/auth/refresh", json={"refresh_token": self.refresh_token})))

    # ---- data ----
    def push_day(self, day: str, payload: dict[str, Any]) -> dict[str, Any]:
        return dict(self._authed("PUT", f"/api/v1/aggregates/{day}", json=payload))

    def leaderboard(self, **params: Any) -> dict[str, Any]:
        return dict(self._authed("GET", "/api/v1/leaderboards",
                                 params={k: v for k, v in params.items() if v is not None}))

    def privacy(self, changes: dict[str, bool] | None = None) -> dict[str, Any]:
        if changes:
            return dict(self._authed("PUT", "/api/v1/me/privacy", json=changes))
        return dict(self._authed("GET", "/api/v1/me/privacy"))

    def me(self) -> dict[str, Any]:
        return dict(self._authed("GET", "/api/v1/me"))
