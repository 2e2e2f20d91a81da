"""HTTP routes. Dependencies (`SessionDep`, `CurrentUser`) keep each route to its use case; every
route under /me, /aggregates, /teams acts only on the caller's own data."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, Iterator

import orjson
from fastapi import (APIRouter, BackgroundTasks, Depends, HTTPException, Path, Query, Request,
                     Response, status)
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from . import badges as badge_rules
from . import store
from .state import ServerState
from .models import User
from .schemas import (
    AggregateIn,
    BadgeOut,
    DayValues,
    ExportOut,
    Health,
    JoinIn,
    LeaderboardOut,
    LoginIn,
    MeOut,
    Metric,
    MyAggregatesOut,
    MyDay,
    Period,
    PrivacyIn,
    PrivacyOut,
    PushOut,
    RefreshIn,
    RegisterIn,
    TeamBoardOut,
    TeamEntry,
    TeamIn,
    TeamOut,
    TokensOut,
)
from .security import InvalidToken, make_access_token, pseudonym

router = APIRouter()
bearer = HTTPBearer(auto_error=False)
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
EARLIEST = date(2000, 1, 1)
MAX_RANGE_DAYS = 366


async def server(request: Request) -> ServerState:
    return request.app.state.server  # type: ignore[no-any-return]


ServerDep = Annotated[ServerState, Depends(server)]


def session(srv: ServerDep) -> Iterator[Session]:
    with srv.sessions() as s:
        yield s


SessionDep = Annotated[Session, Depends(session)]


def _limited(retry_after: int, what: str) -> HTTPException:
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, f"too many {what}; retry later",
                         headers={"Retry-After": str(retry_after)})


def _unauthorized(detail: str = "not signed in") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


async def _count(srv: ServerState, later: BackgroundTasks, key: str, limit: int, what: str) -> None:
    """One request against a rate limit: in memory while the key is far from its limit, else
    counted in the shared store, the database or Redis (off the event loop). The batched counts
    go to the shared store after the response, at most once a second."""
    limiter = srv.limiter
    if not limiter.try_local(key, limit):
        wait = await run_in_threadpool(limiter.hit, key, limit)
        if wait is not None:
            raise _limited(wait, what)
    if limiter.flush_due():
        later.add_task(limiter.flush)


async def per_ip(request: Request, srv: ServerDep, later: BackgroundTasks) -> None:
    ip = request.client.host if request.client else "unknown"
    await _count(srv, later, f"ip:{ip}", srv.settings.ip_per_minute, "requests from this address")


async def caller(srv: ServerDep, later: BackgroundTasks,
                 creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> int:
    """The signed-in user's id, from the access token (checked once per token), counted against
    the per-user rate limit. Whether the account still exists is the route's check."""
    if creds is None:
        raise _unauthorized()
    try:
        user_id = srv.tokens.user_id(creds.credentials)
    except InvalidToken:
        raise _unauthorized("invalid or expired access token") from None
    await _count(srv, later, f"user:{user_id}", srv.settings.user_per_minute,
                 "requests for this account")
    return user_id


CallerId = Annotated[int, Depends(caller)]


def current_user(user_id: CallerId, s: SessionDep) -> User:
    user = s.get(User, user_id)
    if user is None:  # the account was deleted: its tokens die with it
        raise _unauthorized("no such account")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def _unprocessable(msg: str, *loc: str) -> HTTPException:
    """A 422 in the shape FastAPI's own validation errors have (and /openapi.json promises for
    422): `{"detail": [{"loc": [...], "msg": ..., "type": "value_error"}]}`."""
    return HTTPException(422, [{"loc": list(loc) or ["body"], "msg": msg, "type": "value_error"}])


def _parse_day(value: str, what: str = "date") -> date:
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise _unprocessable(f"{what} must be a real YYYY-MM-DD date", "query", what) from None
    if d < EARLIEST:
        raise _unprocessable(f"{what} is before {EARLIEST}", "query", what)
    return d


def _json(body: BaseModel) -> Response:
    """The body as JSON, serialized once by pydantic (FastAPI would validate the model against
    the route's response_model again first): for the routes every client calls often."""
    return Response(body.model_dump_json(), media_type="application/json")


def _today() -> date:
    return datetime.now(timezone.utc).date()


# ---- health ------------------------------------------------------------------------------

@router.get("/healthz", response_model=Health)
def healthz(s: SessionDep) -> Health:
    s.execute(text("SELECT 1"))
    return Health(status="ok", database=s.get_bind().dialect.name)


# ---- auth --------------------------------------------------------------------------------

def _tokens(srv: ServerState, s: Session, user_id: int, family: str | None = None) -> TokensOut:
    refresh = srv.shared(s).issue_refresh(user_id, srv.settings.refresh_days, family)
    s.commit()
    return TokensOut(user_id=user_id, refresh_token=refresh,
                     access_token=make_access_token(srv.keys.jwt_key, user_id,
                                                    srv.settings.access_minutes))


@router.post("/api/v1/auth/register", status_code=201, response_model=TokensOut,
             dependencies=[Depends(per_ip)],
             responses={409: {"description": "username taken"}, 429: {"description": "rate limited"}})
def register(body: RegisterIn, srv: ServerDep, s: SessionDep) -> TokensOut:
    try:
        user = store.create_user(s, body.username, srv.passwords.hash(body.password),
                                 body.display_name)
    except store.Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    return _tokens(srv, s, user.id)


@router.post("/api/v1/auth/login", response_model=TokensOut, dependencies=[Depends(per_ip)],
             responses={401: {"description": "wrong username or password"},
                        423: {"description": "account locked"}, 429: {"description": "rate limited"}})
def login(body: LoginIn, srv: ServerDep, s: SessionDep) -> TokensOut:
    wait = srv.limiter.hit(f"login:{body.username.lower()}", srv.settings.login_per_minute)
    if wait is not None:
        raise _limited(wait, "logins for this username")
    user = store.find_user(s, body.username)
    now = time.time()
    shared = srv.shared(s)
    if user is not None:
        until = shared.locked_until(user.id)
        if until is not None and until > now:
            raise HTTPException(423, "account locked after too many failed logins; retry later",
                                headers={"Retry-After": str(int(until - now) + 1)})
    if not srv.passwords.verify(user.password_hash if user else None, body.password) or user is None:
        if user is not None:
            locked = shared.failed_login(user.id, srv.settings.lockout_after,
                                         srv.settings.lockout_minutes * 60, now)
            if locked is not None:
                raise HTTPException(423, "account locked after too many failed logins",
                                    headers={"Retry-After": str(int(locked - now) + 1)})
        raise _unauthorized("wrong username or password")
    shared.clear_failed_logins(user.id)
    return _tokens(srv, s, user.id)


@router.post("/api/v1/auth/refresh", response_model=TokensOut, dependencies=[Depends(per_ip)],
             responses={401: {"description": "invalid, expired or reused refresh token"}})
def refresh(body: RefreshIn, srv: ServerDep, s: SessionDep) -> TokensOut:
    found = srv.shared(s).rotate_refresh(body.refresh_token)
    if found is None:
        raise _unauthorized("invalid, expired or already used refresh token")
    user_id, family = found
    if s.get(User, user_id) is None:  # the account was deleted (a token Redis still held)
        raise _unauthorized("no such account")
    return _tokens(srv, s, user_id, family)


# ---- aggregates --------------------------------------------------------------------------

@router.put("/api/v1/aggregates/{day}", response_model=PushOut,
            responses={401: {"description": "not signed in"}, 422: {"description": "invalid day"}})
def push(day: Annotated[str, Path(pattern=DATE_PATTERN)], body: AggregateIn, user_id: CallerId,
         srv: ServerDep) -> Response:
    d = _parse_day(day)
    if d > _today() + timedelta(days=1):
        raise _unprocessable("date is in the future (beyond tomorrow)", "path", "day")
    values = body.model_dump(exclude={"device"})
    # Coding and productive time are parts of active time; focus time is not (a session may
    # run while away from the keyboard).
    for f in ("coding_seconds", "productive_seconds"):
        if values[f] > body.active_seconds + 1e-6:
            raise _unprocessable(f"{f} exceeds active_seconds", "body", f)
    with srv.sessions() as s:
        try:
            changed = store.push_day(s, user_id, d, body.device, values)
        except store.NotFound:  # the account was deleted: its tokens die with it
            raise _unauthorized("no such account") from None
        s.commit()
    return _json(PushOut(date=d, device=body.device, changed=changed))


@router.get("/api/v1/me/aggregates", response_model=MyAggregatesOut)
def my_aggregates(user: CurrentUser, s: SessionDep,
                  start: Annotated[str, Query(pattern=DATE_PATTERN)],
                  end: Annotated[str, Query(pattern=DATE_PATTERN)]) -> MyAggregatesOut:
    a, b = _parse_day(start, "start"), _parse_day(end, "end")
    if b < a or (b - a).days > MAX_RANGE_DAYS:
        raise _unprocessable(f"end must be on or after start, at most {MAX_RANGE_DAYS} days",
                             "query", "end")
    days = [MyDay(date=r["date"], total=DayValues(**r["total"]),
                  devices={k: DayValues(**v) for k, v in r["devices"].items()})
            for r in store.my_days(s, user.id, a, b)]
    return MyAggregatesOut(start=a, end=b, days=days)


# ---- leaderboards ------------------------------------------------------------------------

def _period(period: str, on: str | None) -> tuple[str, date, date]:
    kind = store.PERIOD_KINDS[period]
    start, end = store.period_bounds(kind, _parse_day(on) if on else _today())
    return kind, start, end


@router.get("/api/v1/leaderboards", response_model=LeaderboardOut,
            responses={404: {"description": "not a team of yours"}})
def leaderboard(user_id: CallerId, srv: ServerDep,
                period: Period = "week", metric: Metric = "coding",
                language: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
                team: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                date_: Annotated[str | None, Query(alias="date", pattern=DATE_PATTERN)] = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> Response:
    if language is not None and metric not in ("coding", "active"):
        raise _unprocessable("a language board ranks time: metric coding or active", "query",
                             "language")
    kind, start, end = _period(period, date_)
    with srv.reader.connect() as conn:
        if not store.user_exists(conn, user_id):
            raise _unauthorized("no such account")
        if team is not None and not store.is_member(conn, user_id, team):
            raise HTTPException(404, "no team of yours has that id")
        rows = store.board(conn, kind, start, metric, language=language, team=team, limit=limit)
    key = srv.keys.pseudonym_key
    # Built as plain JSON (the LeaderboardOut schema): 100 entries a request, every request.
    entries = [{"rank": rank, "user_id": r.user_id, "value": round(r.value, 3),
                "name": pseudonym(key, r.user_id) if r.anonymous else (r.display_name or r.username)}
               for rank, r in zip(store.ranks([r.value for r in rows]), rows)]
    body = {"period": period, "metric": metric, "start": start.isoformat(), "end": end.isoformat(),
            "language": language, "team": team, "entries": entries}
    return Response(orjson.dumps(body), media_type="application/json")


@router.get("/api/v1/leaderboards/teams", response_model=TeamBoardOut)
def team_leaderboard(user: CurrentUser, s: SessionDep, period: Period = "week",
                     metric: Metric = "coding",
                     date_: Annotated[str | None, Query(alias="date", pattern=DATE_PATTERN)] = None,
                     limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> TeamBoardOut:
    kind, start, end = _period(period, date_)
    rows = store.team_board(s, kind, start, metric, limit)
    entries = [TeamEntry(rank=rank, team_id=t, name=n, members=m, value=round(v, 3))
               for rank, (t, n, m, v) in zip(store.ranks([r[3] for r in rows]), rows)]
    return TeamBoardOut(period=period, metric=metric, start=start, end=end, entries=entries)


# ---- teams -------------------------------------------------------------------------------

@router.post("/api/v1/teams", status_code=201, response_model=TeamOut)
def create_team(body: TeamIn, user: CurrentUser, s: SessionDep) -> TeamOut:
    team = store.create_team(s, user.id, body.name)
    s.commit()
    return TeamOut(team_id=team.id, name=team.name, invite_code=team.invite_code, members=1)


@router.post("/api/v1/teams/join", response_model=TeamOut,
             responses={404: {"description": "unknown invite code"}})
def join_team(body: JoinIn, user: CurrentUser, s: SessionDep) -> TeamOut:
    try:
        team = store.join_team(s, user.id, body.invite_code)
    except store.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    s.commit()
    members = dict((t.id, n) for t, n in store.my_teams(s, user.id))[team.id]
    return TeamOut(team_id=team.id, name=team.name, invite_code=team.invite_code, members=members)


@router.post("/api/v1/teams/{team_id}/leave", status_code=204,
             responses={404: {"description": "not a team of yours"}})
def leave_team(team_id: Annotated[int, Path(ge=1, le=2**31 - 1)], user: CurrentUser,
               s: SessionDep) -> Response:
    try:
        store.leave_team(s, user.id, team_id)
    except store.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    s.commit()
    return Response(status_code=204)


@router.get("/api/v1/teams", response_model=list[TeamOut])
def my_teams(user: CurrentUser, s: SessionDep) -> list[TeamOut]:
    return [TeamOut(team_id=t.id, name=t.name, invite_code=t.invite_code, members=n)
            for t, n in store.my_teams(s, user.id)]


# ---- me: badges, privacy, export, delete -----------------------------------------------------

def _privacy(user: User) -> PrivacyOut:
    return PrivacyOut(leaderboard_visible=user.leaderboard_visible, anonymous=user.anonymous,
                      share_languages=user.share_languages)


def _badges(s: Session, user_id: int) -> list[BadgeOut]:
    return [BadgeOut(code=b.code, name=badge_rules.NAMES.get(b.code, b.code), earned_on=b.earned_on)
            for b in store.my_badges(s, user_id)]


@router.get("/api/v1/me", response_model=MeOut)
def me(user: CurrentUser) -> MeOut:
    return MeOut(user_id=user.id, username=user.username, display_name=user.display_name,
                 privacy=_privacy(user))


@router.get("/api/v1/me/badges", response_model=list[BadgeOut])
def my_badges(user: CurrentUser, s: SessionDep) -> list[BadgeOut]:
    return _badges(s, user.id)


@router.get("/api/v1/me/privacy", response_model=PrivacyOut)
def get_privacy(user: CurrentUser) -> PrivacyOut:
    return _privacy(user)


@router.put("/api/v1/me/privacy", response_model=PrivacyOut)
def put_privacy(body: PrivacyIn, user: CurrentUser, s: SessionDep) -> PrivacyOut:
    for field, value in body.model_dump(exclude_none=True).items():
        setattr(user, field, value)
    s.commit()
    return _privacy(user)


@router.get("/api/v1/me/export", response_model=ExportOut)
def export(user: CurrentUser, s: SessionDep) -> ExportOut:
    rows: list[dict[str, Any]] = []
    for day in store.my_days(s, user.id, EARLIEST, date(9999, 12, 31)):
        for device, values in day["devices"].items():
            rows.append({"date": day["date"].isoformat(), "device": device, **values})
    return ExportOut(user=me(user), aggregates=rows, badges=_badges(s, user.id),
                     teams=[TeamOut(team_id=t.id, name=t.name, invite_code=t.invite_code, members=n)
                            for t, n in store.my_teams(s, user.id)])


@router.delete("/api/v1/me", status_code=204)
def delete_me(user: CurrentUser, srv: ServerDep, s: SessionDep) -> Response:
    store.delete_user(s, user.id)
    s.commit()
    srv.shared(s).forget_user(user.id)
    return Response(status_code=204)
