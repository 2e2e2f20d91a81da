"""`SyncService`: the account (opt-in), the preview, pushes of changed days and what the server
shows back. Off until the person registers or logs in.

What was sent is kept in the desktop database's `state` table (`sync.account`, `sync.sent`: each
day's fingerprint when the server accepted it), so a day is sent again only when it changed, and
a day the server never accepted stays pending however long the server is down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Callable, Protocol

from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.days import days
from tracker_desktop.domain.focus import FinishedSession
from tracker_desktop.domain.summary import DaySummary

from .errors import ServerUnavailable
from .payload import day_key, day_payload, fingerprint, is_empty

if TYPE_CHECKING:
    from .api import SyncApi

logger = logging.getLogger(__name__)

ACCOUNT_KEY = "sync.account"
SENT_KEY = "sync.sent"
BACKOFF_KEY = "sync.backoff"
MAX_PENDING_DAYS = 90  # how far back a long outage is caught up
KEEP_SENT_DAYS = 120
BACKOFF_START = timedelta(minutes=15)
BACKOFF_MAX = timedelta(hours=4)


class NotOptedIn(Exception):
    pass


class Secrets(Protocol):
    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Account:
    server: str
    username: str
    user_id: int
    device: str
    since: str  # the day sync was opted into (ISO)

    def to_json(self) -> dict[str, Any]:
        return {"server": self.server, "username": self.username, "user_id": self.user_id,
                "device": self.device, "since": self.since}


@dataclass(frozen=True, slots=True)
class PushResult:
    sent: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # left for the next try
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "unchanged": self.unchanged, "pending": self.pending,
                "error": self.error}


def _http_api(base_url: str) -> "SyncApi":
    from .api import SyncApi  # httpx and tenacity: only once something is sent

    return SyncApi(base_url)


class SyncService:
    def __init__(self, uow: Callable[..., Any], clock: Clock, tz: tzinfo,
                 summaries: Callable[[date, date], dict[date, DaySummary]],
                 secrets: Callable[[], Secrets], device: str,
                 api_factory: Callable[[str], "SyncApi"] | None = None,
                 write: Callable[[Callable[[], object]], None] | None = None) -> None:
        self._uow = uow
        self.clock = clock
        self.tz = tz
        self._summaries = summaries
        self._secrets_factory = secrets
        self._secrets: Secrets | None = None
        self.device = device
        self._api_factory = api_factory or _http_api
        # How state is written: at once (CLI), or handed to the tracker's writer thread.
        self._write = write or (lambda fn: fn())

    # ---- state ----
    def _get(self, key: str) -> Any:
        with self._uow() as uow:
            stored = uow.state.get(key)
        return stored.value if stored else None

    def _set(self, key: str, value: Any) -> None:
        def run() -> None:
            with self._uow(write=True) as uow:
                uow.state.set(key, value, self.clock.now())
                uow.commit()

        self._write(run)

    @property
    def secrets(self) -> Secrets:
        if self._secrets is None:
            self._secrets = self._secrets_factory()
        return self._secrets

    def account(self) -> Account | None:
        value = self._get(ACCOUNT_KEY)
        return Account(**value) if value else None

    def _secret_name(self, account: Account, kind: str) -> str:
        return f"sync:{account.server}:{account.username}:{kind}"

    def _api(self, account: Account) -> "SyncApi":
        api = self._api_factory(account.server)
        api.access_token = self.secrets.get(self._secret_name(account, "access"))
        api.refresh_token = self.secrets.get(self._secret_name(account, "refresh"))
        api.on_tokens = lambda a, r: self._save_tokens(account, a, r)
        return api

    def _save_tokens(self, account: Account, access: str, refresh: str) -> None:
        self.secrets.set(self._secret_name(account, "access"), access)
        self.secrets.set(self._secret_name(account, "refresh"), refresh)

    # ---- opting in and out ----
    def sign_in(self, server: str, username: str, password: str, *, register: bool,
                display_name: str | None = None) -> Account:
        api = self._api_factory(server)
        try:
            body = api.register(username, password, display_name) if register \
                else api.login(username, password)
        finally:
            api.close()
        account = Account(api.base_url, username, int(body["user_id"]), self.device,
                          self.clock.now().astimezone(self.tz).date().isoformat())
        self._save_tokens(account, body["access_token"], body["refresh_token"])
        self._set(ACCOUNT_KEY, account.to_json())
        return account

    def logout(self) -> Account | None:
        account = self.account()
        if account is None:
            return None
        for kind in ("access", "refresh"):
            self.secrets.delete(self._secret_name(account, kind))
        self._set(ACCOUNT_KEY, None)
        self._set(SENT_KEY, None)
        self._set(BACKOFF_KEY, None)
        return account

    def _require(self) -> Account:
        account = self.account()
        if account is None:
            raise NotOptedIn("sync is off: opt in with `tracker-desktop sync register` or "
                             "`sync login` first")
        return account

    # ---- what would be sent ----
    def _today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def _window(self, days_back: int, sent: dict[str, str]) -> tuple[date, date]:
        """The days to look at: the last `days_back`, and back to the oldest day never accepted
        since the last success (a long outage), at most MAX_PENDING_DAYS."""
        today = self._today()
        first = today - timedelta(days=max(1, days_back) - 1)
        last_ok = max((date.fromisoformat(k) for k in sent), default=None)
        if last_ok is not None and last_ok < first:
            first = last_ok
        return max(first, today - timedelta(days=MAX_PENDING_DAYS - 1)), today

    def _sessions(self) -> list[FinishedSession]:
        with self._uow() as uow:
            return list(uow.focus.finished())

    def preview(self, days_back: int = 7) -> dict[str, dict[str, Any]]:
        """Exactly the bodies a push would send, by day (days with nothing recorded are skipped)."""
        sent = self._get(SENT_KEY) or {}
        first, last = self._window(days_back, sent)
        summaries = self._summaries(first, last)
        sessions = self._sessions()
        out: dict[str, dict[str, Any]] = {}
        for d in days(first, last):
            summary = summaries.get(d) or DaySummary.empty(d, *self._bounds(d))
            payload = day_payload(summary, sessions, self.tz, self.device)
            if not is_empty(payload) or day_key(d) in sent:
                out[day_key(d)] = payload
        return out

    def _bounds(self, d: date) -> tuple[datetime, datetime]:
        start = datetime.combine(d, datetime.min.time(), self.tz)
        return start, start + timedelta(days=1)

    # ---- pushing ----
    def push(self, days_back: int = 7) -> PushResult:
        """Send every day whose aggregates changed since the server last accepted them."""
        account = self._require()
        sent: dict[str, str] = dict(self._get(SENT_KEY) or {})
        result = PushResult()
        api = self._api(account)
        try:
            for day, payload in self.preview(days_back).items():
                fp = fingerprint(payload)
                if sent.get(day) == fp:
                    result.unchanged.append(day)
                    continue
                if result.error is not None:
                    result.pending.append(day)
                    continue
                try:
                    api.push_day(day, payload)
                except ServerUnavailable as exc:
                    result = PushResult(result.sent, result.unchanged, [*result.pending, day], str(exc))
                    continue
                sent[day] = fp
                result.sent.append(day)
        finally:
            api.close()
            if result.sent:
                keep = (self._today() - timedelta(days=KEEP_SENT_DAYS)).isoformat()
                self._set(SENT_KEY, {k: v for k, v in sent.items() if k >= keep})
        return result

    def scheduled_push(self) -> PushResult | None:
        """The tracker's job: nothing unless opted in; after a failure, wait (doubling from
        15 minutes up to 4 hours) before trying again. Days stay pending meanwhile."""
        if self.account() is None:
            return None
        now = self.clock.now()
        backoff = self._get(BACKOFF_KEY) or {}
        next_try = backoff.get("next")
        if next_try and now < datetime.fromisoformat(next_try):
            return None
        result = self.push()
        if result.error is not None:
            failures = int(backoff.get("failures", 0)) + 1
            wait = min(BACKOFF_MAX, BACKOFF_START * 2 ** (failures - 1))
            logger.warning("sync push failed (%s); %d day(s) pending, next try in %s",
                           result.error, len(result.pending), wait)
            self._set(BACKOFF_KEY, {"failures": failures, "next": (now + wait).isoformat()})
        elif backoff:
            self._set(BACKOFF_KEY, None)
        return result

    def status(self) -> dict[str, Any]:
        account = self.account()
        if account is None:
            return {"opted_in": False}
        sent = self._get(SENT_KEY) or {}
        pending = [d for d, p in self.preview().items() if sent.get(d) != fingerprint(p)]
        backoff = self._get(BACKOFF_KEY) or {}
        return {"opted_in": True, **account.to_json(), "days_sent": len(sent),
                "last_day_sent": max(sent, default=None), "pending": pending,
                "failures": backoff.get("failures", 0), "next_try": backoff.get("next")}

    # ---- what the server shows ----
    def leaderboard(self, **params: Any) -> dict[str, Any]:
        api = self._api(self._require())
        try:
            return api.leaderboard(**params)
        finally:
            api.close()

    def privacy(self, changes: dict[str, bool] | None = None) -> dict[str, Any]:
        api = self._api(self._require())
        try:
            return api.privacy(changes)
        finally:
            api.close()
