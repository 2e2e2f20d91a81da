"""The server's use cases over one SQLAlchemy session: accounts, pushes and the period totals
they keep current, leaderboards, teams, badges, privacy. Routes call these; they commit."""

from __future__ import annotations

import functools
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, cast

from sqlalchemy import (Connection, Engine, Table, and_, bindparam, case, delete, func, or_,
                        select, tuple_, update)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import badges as badge_rules
from .models import (
    Badge,
    DeviceDay,
    PeriodLanguage,
    PeriodTotal,
    RateBucket,
    RefreshToken,
    ServerSecret,
    Team,
    TeamMember,
    User,
)

PERIOD_KINDS = {"day": "d", "week": "w", "month": "m"}
VALUE_FIELDS = ("active_seconds", "coding_seconds", "productive_seconds", "productivity_score",
                "focus_sessions", "focus_seconds", "languages", "categories")


class Conflict(Exception):
    pass


class NotFound(Exception):
    pass


# ---- periods ---------------------------------------------------------------------------------

def period_bounds(kind: str, day: date) -> tuple[date, date]:
    if kind == "d":
        return day, day
    if kind == "w":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    nxt = (start + timedelta(days=32)).replace(day=1)
    return start, nxt - timedelta(days=1)


# ---- shared state: secrets (the rate limits are in limits.py) ------------------------------

def _insert(session_or_conn: Any, model: Any) -> Any:
    name = session_or_conn.get_bind().dialect.name if isinstance(session_or_conn, Session) \
        else session_or_conn.dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(model)


def server_secret(engine: Engine, name: str) -> str:
    """A secret every instance shares: the first instance to ask makes it."""
    with engine.begin() as conn:
        stmt = _insert(conn, ServerSecret).values(name=name, value=secrets.token_urlsafe(48))
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
        return str(conn.execute(select(ServerSecret.value).where(ServerSecret.name == name)).scalar_one())


# ---- accounts ------------------------------------------------------------------------------

def create_user(s: Session, username: str, password_hash: str, display_name: str | None,
                *, _again: bool = True) -> User:
    key = username.lower()
    if s.scalar(select(User.id).where(User.username_key == key)) is not None:
        raise Conflict("that username is taken")
    user = User(username=username, username_key=key, display_name=display_name,
                password_hash=password_hash, created_at=datetime.now(timezone.utc),
                failed_logins=0, leaderboard_visible=False, anonymous=False, share_languages=False)
    floor = _retired_id_floor(s)
    if floor is not None:
        user.id = max(floor, s.scalar(select(func.max(User.id))) or 0) + 1
    s.add(user)
    try:
        s.flush()
    except Exception as exc:  # the unique index: another instance registered it meanwhile
        from sqlalchemy.exc import IntegrityError

        if isinstance(exc, IntegrityError):
            s.rollback()
            if floor is not None and _again and find_user(s, username) is None:
                # Not the username: another instance took the id chosen above just now.
                return create_user(s, username, password_hash, display_name, _again=False)
            raise Conflict("that username is taken") from None
        raise
    return user


RETIRED_ID_FLOOR = "retired_user_id"  # server_secrets: the highest id a deleted account had


def _retired_id_floor(s: Session) -> int | None:
    if s.get_bind().dialect.name != "sqlite":
        return None
    value = s.scalar(select(ServerSecret.value).where(ServerSecret.name == RETIRED_ID_FLOOR))
    return int(value) if value is not None else None


def find_user(s: Session, username: str) -> User | None:
    return s.scalar(select(User).where(User.username_key == username.lower()))


def record_failed_login(s: Session, user_id: int, after: int, lock_seconds: float,
                        now: float) -> float | None:
    """Count a failed login atomically (in the database, for every instance); the lock's end
    when this failure locks the account."""
    row = s.execute(
        update(User).where(User.id == user_id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)).one()
    locked = None
    if row[0] >= after:
        locked = now + lock_seconds
        s.execute(update(User).where(User.id == user_id).values(locked_until=locked, failed_logins=0))
    s.commit()
    return locked


def clear_failed_logins(s: Session, user_id: int) -> None:
    s.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=None))


def issue_refresh(s: Session, user_id: int, days: float, family: str | None = None) -> str:
    from .security import new_refresh_token

    token, digest = new_refresh_token()
    # Expired tokens go as new ones come (used but live ones stay: they catch a replay).
    s.execute(delete(RefreshToken).where(RefreshToken.user_id == user_id,
                                         RefreshToken.expires_at < time.time()))
    s.add(RefreshToken(token_hash=digest, user_id=user_id, family=family or secrets.token_hex(16),
                       expires_at=time.time() + days * 86400, used=False))
    return token


def rotate_refresh(s: Session, token: str) -> tuple[int, str] | None:
    """Mark the token used (atomically: of two instances racing with it, one wins) and return
    (user_id, family). A token presented again revokes its family: it was stolen or replayed."""
    from .security import hash_refresh_token

    digest = hash_refresh_token(token)
    row = s.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == digest, RefreshToken.used.is_(False),
               RefreshToken.expires_at > time.time())
        .values(used=True)
        .returning(RefreshToken.user_id, RefreshToken.family)).first()
    if row is not None:
        return int(row[0]), str(row[1])
    family = s.scalar(select(RefreshToken.family).where(RefreshToken.token_hash == digest))
    if family is not None:
        s.execute(delete(RefreshToken).where(RefreshToken.family == family))
        s.commit()
    return None


def delete_user(s: Session, user_id: int) -> None:
    """Every row of the account, explicitly (not trusting every backend's cascades)."""
    teams = list(s.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id)))
    for model in (Badge, PeriodLanguage, PeriodTotal, DeviceDay, RefreshToken, TeamMember):
        s.execute(delete(model).where(model.user_id == user_id))
    s.execute(delete(RateBucket).where(RateBucket.key == f"user:{user_id}"))
    s.execute(delete(User).where(User.id == user_id))
    if s.get_bind().dialect.name == "sqlite":
        # SQLite hands the highest rowid out again once its row is gone: the next account would
        # get this id, and a token of this one (up to 15 minutes left) would act as it.
        # PostgreSQL's sequences never reuse an id.
        floor = max(_retired_id_floor(s) or 0, user_id)
        s.merge(ServerSecret(name=RETIRED_ID_FLOOR, value=str(floor)))
    for team_id in teams:
        if s.scalar(select(func.count()).select_from(TeamMember).where(TeamMember.team_id == team_id)) == 0:
            s.execute(delete(Team).where(Team.id == team_id))


@dataclass(frozen=True, slots=True)
class DatabaseShared:
    """Lockouts and refresh tokens in the database, in a request's session: what
    redis_state.RedisShared keeps in Redis, with the same methods (`ServerState.shared` picks)."""

    s: Session

    def locked_until(self, user_id: int) -> float | None:
        user = self.s.get(User, user_id)  # the request's loaded user: no query
        return user.locked_until if user is not None else None

    def failed_login(self, user_id: int, after: int, lock_seconds: float,
                     now: float) -> float | None:
        return record_failed_login(self.s, user_id, after, lock_seconds, now)

    def clear_failed_logins(self, user_id: int) -> None:
        clear_failed_logins(self.s, user_id)

    def issue_refresh(self, user_id: int, days: float, family: str | None = None) -> str:
        return issue_refresh(self.s, user_id, days, family)

    def rotate_refresh(self, token: str) -> tuple[int, str] | None:
        return rotate_refresh(self.s, token)

    def forget_user(self, user_id: int) -> None:
        """Nothing: `delete_user` removed the account's tokens and counters with its rows."""


# ---- pushes --------------------------------------------------------------------------------

_STREAK_CODES = tuple(f"streak_{n}" for n in badge_rules.STREAKS)
_TOTAL_FIELDS = ("active_seconds", "coding_seconds", "productive_seconds", "score_points",
                 "scored_seconds", "focus_sessions", "focus_seconds")


def user_exists(conn: Connection, user_id: int) -> bool:
    return conn.execute(_USER_EXISTS, {"uid": user_id}).first() is not None


# The statements of a push, built once (Core tables, bound parameters: SQLAlchemy compiles each
# once per dialect and psycopg prepares them), the upserts per dialect.
_users, _days = cast(Table, User.__table__), cast(Table, DeviceDay.__table__)
_totals, _langs = cast(Table, PeriodTotal.__table__), cast(Table, PeriodLanguage.__table__)
_badges = cast(Table, Badge.__table__)
_langs_hour = (select(_langs.c.language)
               .where(_langs.c.user_id == bindparam("uid"), _langs.c.kind == "m")
               .group_by(_langs.c.language)
               .having(func.sum(_langs.c.seconds) >= badge_rules.POLYGLOT_SECONDS).subquery())
_USER_EXISTS = select(_users.c.id).where(_users.c.id == bindparam("uid"))
# The user's row locked, with what the badge checks start from: the badges held, all-time coding
# seconds and the languages with an hour all-time (from the month rows: a few per year).
_LOCK_USER = (select(
    _users.c.id,
    select(func.aggregate_strings(_badges.c.code, ",")).where(_badges.c.user_id == bindparam("uid"))
    .scalar_subquery(),
    select(func.coalesce(func.sum(_totals.c.coding_seconds), 0.0))
    .where(_totals.c.user_id == bindparam("uid"), _totals.c.kind == "m").scalar_subquery(),
    select(func.aggregate_strings(_langs_hour.c.language, ",")).scalar_subquery())
    .where(_users.c.id == bindparam("uid")).with_for_update(of=_users))
# Every device's days of a push's week and month; categories only of the day pushed (the totals
# do not use them: only the comparison with what is pushed does).
_DAYS_OF = (select(_days.c.day, _days.c.device, *(_days.c[f] for f in VALUE_FIELDS[:-1]),
                   case((and_(_days.c.day == bindparam("day"), _days.c.device == bindparam("device")),
                         _days.c.categories)))
            .where(_days.c.user_id == bindparam("uid"), _days.c.day >= bindparam("lo"),
                   _days.c.day <= bindparam("hi")))
_IS_MEMBER = select(TeamMember.user_id).where(TeamMember.team_id == bindparam("team"),
                                             TeamMember.user_id == bindparam("uid"))


@functools.cache
def _drop_languages(n: int) -> Any:
    """A delete of `n` (kind, start, language) rows of one user's period languages."""
    return delete(_langs).where(_langs.c.user_id == bindparam("uid"), or_(*(
        and_(_langs.c.kind == bindparam(f"k_{i}"), _langs.c.start == bindparam(f"st_{i}"),
             _langs.c.language == bindparam(f"lang_{i}")) for i in range(n))))


@functools.cache
def _upsert(dialect: str, table: Table) -> Any:
    """An upsert of one row into `table` (its parameters the column names), built once per
    dialect: SQLAlchemy compiles it once and psycopg prepares it. Rows replace what they collide
    with; badges are never replaced."""
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return _on_conflict(make(table), table)


def _on_conflict(ins: Any, table: Table) -> Any:
    """`ins` replacing the row it collides with on `table`'s key (badges: kept as they are)."""
    keys = [c.name for c in table.primary_key.columns]
    if table is _badges:
        return ins.on_conflict_do_nothing(index_elements=keys)
    return ins.on_conflict_do_update(index_elements=keys, set_={
        c.name: ins.excluded[c.name] for c in table.c if c.name not in keys})


def _unnested(columns: Iterable[Any], prefix: str) -> Any:
    """PostgreSQL: rows from one array parameter per column (`<prefix><column>`), unnested."""
    columns = list(columns)
    return func.unnest(*(bindparam(prefix + c.name, type_=postgresql.ARRAY(c.type)) for c in columns)
                       ).table_valued(*(c.name for c in columns)).render_derived()


def _upsert_unnested(table: Table, prefix: str) -> Any:
    names = [c.name for c in table.c]
    rows = _unnested(table.c, prefix)
    ins = postgresql.insert(table).from_select(names, select(*(rows.c[n] for n in names)))
    return _on_conflict(ins, table)


@functools.cache
def _pg_push_writes() -> Any:
    """PostgreSQL: every write of a push in one statement of fixed shape (compiled and prepared
    once): the device day, the three totals and the languages upserted, the languages that left a
    period deleted (data-modifying CTEs; the rows they touch are disjoint)."""
    day = _on_conflict(postgresql.insert(_days).values(
        {c.name: bindparam("d_" + c.name, type_=c.type) for c in _days.c}), _days)
    gone = _unnested([_langs.c.kind, _langs.c.start, _langs.c.language], "g_")
    drop = delete(_langs).where(
        _langs.c.user_id == bindparam("g_user_id"),
        tuple_(_langs.c.kind, _langs.c.start, _langs.c.language).in_(
            select(gone.c.kind, gone.c.start, gone.c.language)))
    return _upsert_unnested(_langs, "l_").add_cte(
        day.cte("push_day"), _upsert_unnested(_totals, "t_").cte("push_totals"),
        drop.cte("push_gone"))


def _columns(rows: list[dict[str, Any]], table: Table, prefix: str) -> dict[str, list[Any]]:
    return {prefix + c.name: [r[c.name] for r in rows] for c in table.c}


def push_day(s: Session, user_id: int, day: date, device: str, values: Mapping[str, Any]) -> bool:
    """Upsert one device's day and bring the user's day, week and month totals and badges up to
    date. Returns False (and writes nothing) when the day is exactly as stored; raises NotFound
    when the account is gone.

    Round trips: the user's row locked (with the badges held), every device's days of the week
    and month read once (the stored day among them), then the day, the three totals and the
    languages written; badge queries only when this push can have earned one."""
    conn = s.connection()
    # One push per user at a time (two machines pushing together): the totals are computed from
    # every device's rows, so they must see each other's.
    locked = conn.execute(_LOCK_USER, {"uid": user_id}).first()
    if locked is None:
        raise NotFound("no such account")
    have = set(locked[1].split(",")) if locked[1] else set()
    held = Held(have, float(locked[2]), set(locked[3].split(",")) if locked[3] else set())
    spans = {kind: period_bounds(kind, day) for kind in ("d", "w", "m")}
    lo = min(a for a, _ in spans.values())
    hi = max(b for _, b in spans.values())
    stored = {(r[0], r[1]): dict(zip(VALUE_FIELDS, r[2:]))
              for r in conn.execute(_DAYS_OF, {"uid": user_id, "lo": lo, "hi": hi, "day": day,
                                               "device": device})}
    new = {f: values[f] for f in VALUE_FIELDS}
    old = stored.get((day, device))
    if old == new:
        return False
    day_row = {"user_id": user_id, "day": day, "device": device, **new,
               "updated_at": datetime.now(timezone.utc)}
    before = _period_sums(stored, spans)
    stored[(day, device)] = new
    after = _period_sums(stored, spans)
    _write_periods(conn, day_row, spans, before, after)
    _refresh_badges(conn, user_id, day, held, before["d"], after["d"], old, new)
    return True


def _period_sums(rows: Mapping[tuple[date, str], Mapping[str, Any]],
                 spans: Mapping[str, tuple[date, date]]) -> dict[str, dict[str, Any]]:
    """Each period's totals over every device's days, its languages under "languages"."""
    out: dict[str, dict[str, Any]] = {}
    for kind, (start, end) in spans.items():
        t: dict[str, Any] = dict.fromkeys(_TOTAL_FIELDS, 0.0)
        t["focus_sessions"] = 0
        langs: dict[str, float] = defaultdict(float)
        for (d, _device), r in rows.items():
            if not start <= d <= end:
                continue
            t["active_seconds"] += r["active_seconds"]
            t["coding_seconds"] += r["coding_seconds"]
            t["productive_seconds"] += r["productive_seconds"]
            if r["productivity_score"] is not None and r["active_seconds"] > 0:
                t["score_points"] += r["productivity_score"] * r["active_seconds"]
                t["scored_seconds"] += r["active_seconds"]
            t["focus_sessions"] += r["focus_sessions"]
            t["focus_seconds"] += r["focus_seconds"]
            for name, secs in (r["languages"] or {}).items():
                langs[name] += secs
        t["productivity"] = t["score_points"] / t["scored_seconds"] if t["scored_seconds"] else None
        t["languages"] = dict(langs)
        out[kind] = t
    return out


def _write_periods(conn: Connection, day_row: dict[str, Any],
                   spans: Mapping[str, tuple[date, date]],
                   before: Mapping[str, Mapping[str, Any]],
                   after: Mapping[str, Mapping[str, Any]]) -> None:
    """The device's day, the user's day, week and month totals and their languages: one
    statement on PostgreSQL; on SQLite (in process, no round trips) an upsert each, and a delete
    only when a language left a period."""
    user_id = day_row["user_id"]
    totals = [{"user_id": user_id, "kind": kind, "start": spans[kind][0],
               **{c: v for c, v in t.items() if c != "languages"}} for kind, t in after.items()]
    languages = [{"user_id": user_id, "kind": kind, "start": spans[kind][0], "language": n,
                  "seconds": v} for kind, t in after.items() for n, v in t["languages"].items()]
    gone = [{"kind": kind, "start": spans[kind][0], "language": n} for kind, t in before.items()
            for n in t["languages"] if n not in after[kind]["languages"]]
    if conn.dialect.name == "postgresql":
        conn.execute(_pg_push_writes(), {
            **{"d_" + k: v for k, v in day_row.items()}, **_columns(totals, _totals, "t_"),
            **_columns(languages, _langs, "l_"), "g_user_id": user_id,
            **{"g_" + k: [g[k] for g in gone] for k in ("kind", "start", "language")}})
        return
    upsert = functools.partial(_upsert, conn.dialect.name)
    conn.execute(upsert(_days), day_row)
    conn.execute(upsert(_totals), totals)
    if languages:
        conn.execute(upsert(_langs), languages)
    if gone:
        params: dict[str, Any] = {"uid": user_id}
        for i, g in enumerate(gone):
            params.update({f"k_{i}": g["kind"], f"st_{i}": g["start"], f"lang_{i}": g["language"]})
        conn.execute(_drop_languages(len(gone)), params)


@dataclass(frozen=True, slots=True)
class Held:
    """What a push's badge checks start from, read with the user's lock."""
    badges: set[str]
    coding_seconds: float  # all time, before this push
    hour_languages: set[str]  # languages with an hour or more all time, before this push


def _refresh_badges(conn: Connection, user_id: int, day: date, held: Held,
                    day_before: Mapping[str, Any], day_after: Mapping[str, Any],
                    old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> None:
    """Badges not held yet that this push can have earned (badges are checked on every push and
    never taken back, so what was earnable before is already held):
    - a streak only when the day became active (the last 100 days are read then);
    - coding hours only when the all-time coding time reaches a missing threshold (then the
      days of the month that crossed it are read for the day it was crossed);
    - polyglot only when a language's time grew and enough languages can have an hour (then the
      all-time languages are read);
    - a focus marathon when the day's focus reaches it."""
    have = held.badges
    found: dict[str, date] = {}
    if day_before["active_seconds"] <= 0 < day_after["active_seconds"] and \
            not have.issuperset(_STREAK_CODES):
        since = day - timedelta(days=max(badge_rules.STREAKS))
        recent = [badge_rules.Day(r.start, r.active_seconds, 0.0, r.focus_seconds)
                  for r in conn.execute(select(PeriodTotal.start, PeriodTotal.active_seconds,
                                            PeriodTotal.focus_seconds)
                                     .where(PeriodTotal.user_id == user_id, PeriodTotal.kind == "d",
                                            PeriodTotal.start >= since))]
        found.update(badge_rules.earned(recent, {}))
    if day_after["focus_seconds"] >= badge_rules.MARATHON_SECONDS:
        found.setdefault("focus_marathon", day)
    coding_now = held.coding_seconds - day_before["coding_seconds"] + day_after["coding_seconds"]
    if day_after["coding_seconds"] > day_before["coding_seconds"] and any(
            f"coding_{h}h" not in have and coding_now >= h * 3600 - 1e-6
            for h in badge_rules.CODING_HOURS):
        # Months hold the all-time sum in a few rows; when each threshold was crossed comes from
        # the days of the month that crossed it.
        months = conn.execute(select(PeriodTotal.start, PeriodTotal.coding_seconds)
                           .where(PeriodTotal.user_id == user_id, PeriodTotal.kind == "m")
                           .order_by(PeriodTotal.start)).all()
        total = 0.0
        for start, coding in months:
            before, total = total, total + coding
            if any(before < h * 3600 <= total for h in badge_rules.CODING_HOURS):
                days_of = conn.execute(select(PeriodTotal.start, PeriodTotal.coding_seconds)
                                    .where(PeriodTotal.user_id == user_id, PeriodTotal.kind == "d",
                                           PeriodTotal.start >= start,
                                           PeriodTotal.start <= period_bounds("m", start)[1])
                                    .order_by(PeriodTotal.start)).all()
                running = before
                for d, secs in days_of:
                    running += secs
                    for h in badge_rules.CODING_HOURS:
                        if before < h * 3600 <= running:
                            found.setdefault(f"coding_{h}h", d)
    old_langs = (old or {}).get("languages") or {}
    grown = {n for n, v in (new["languages"] or {}).items() if v > old_langs.get(n, 0.0)}
    if "polyglot" not in have and grown and \
            len(held.hour_languages | grown) >= badge_rules.POLYGLOT_LANGUAGES:
        langs: dict[str, float] = dict(conn.execute(
            select(PeriodLanguage.language, func.sum(PeriodLanguage.seconds))
            .where(PeriodLanguage.user_id == user_id, PeriodLanguage.kind == "m")
            .group_by(PeriodLanguage.language)).all())
        polyglot = badge_rules.earned([badge_rules.Day(day, 0, 0, 0)], langs).get("polyglot")
        if polyglot is not None:
            found.setdefault("polyglot", polyglot)
    new_badges = [{"user_id": user_id, "code": code, "earned_on": when}
                  for code, when in found.items() if code not in have]
    if new_badges:
        conn.execute(_upsert(conn.dialect.name, _badges), new_badges)


def my_days(s: Session, user_id: int, start: date, end: date) -> list[dict[str, Any]]:
    rows = s.scalars(select(DeviceDay).where(DeviceDay.user_id == user_id, DeviceDay.day >= start,
                                             DeviceDay.day <= end)
                     .order_by(DeviceDay.day, DeviceDay.device)).all()
    by_day: dict[date, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        by_day[r.day][r.device] = {f: getattr(r, f) for f in VALUE_FIELDS}
    out = []
    for d, devices in sorted(by_day.items()):
        out.append({"date": d, "devices": devices, "total": combine(devices.values())})
    return out


def combine(days: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Devices' values of one day added up; the score weighted by each device's active time."""
    total: dict[str, Any] = {"active_seconds": 0.0, "coding_seconds": 0.0, "productive_seconds": 0.0,
                             "productivity_score": None, "focus_sessions": 0, "focus_seconds": 0.0,
                             "languages": defaultdict(float), "categories": defaultdict(float)}
    points = scored = 0.0
    for v in days:
        for f in ("active_seconds", "coding_seconds", "productive_seconds", "focus_sessions",
                  "focus_seconds"):
            total[f] += v[f]
        if v["productivity_score"] is not None and v["active_seconds"] > 0:
            points += v["productivity_score"] * v["active_seconds"]
            scored += v["active_seconds"]
        for f in ("languages", "categories"):
            for n, secs in (v[f] or {}).items():
                total[f][n] += secs
    total["productivity_score"] = points / scored if scored else None
    total["languages"], total["categories"] = dict(total["languages"]), dict(total["categories"])
    return total


# ---- leaderboards ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Row:
    user_id: int
    username: str
    display_name: str | None
    anonymous: bool
    value: float


def _metric_value(metric: str) -> Any:
    return {"productivity": PeriodTotal.productivity, "coding": PeriodTotal.coding_seconds,
            "active": PeriodTotal.active_seconds, "focus": PeriodTotal.focus_seconds}[metric]


@functools.cache
def _board_query(metric: str, by_language: bool, in_team: bool) -> Any:
    """One board's statement, built once per shape; the period, language, team and limit are
    bound parameters."""
    if by_language:
        value = PeriodLanguage.seconds
        q = (select(User.id, User.username, User.display_name, User.anonymous, value)
             .join(PeriodLanguage, PeriodLanguage.user_id == User.id)
             .where(PeriodLanguage.kind == bindparam("kind"),
                    PeriodLanguage.start == bindparam("start"),
                    PeriodLanguage.language == bindparam("language"),
                    User.share_languages.is_(True)))
        uid = PeriodLanguage.user_id
    else:
        value = _metric_value(metric)
        q = (select(User.id, User.username, User.display_name, User.anonymous, value)
             .join(PeriodTotal, PeriodTotal.user_id == User.id)
             .where(PeriodTotal.kind == bindparam("kind"), PeriodTotal.start == bindparam("start")))
        uid = PeriodTotal.user_id
    q = q.where(User.leaderboard_visible.is_(True), value > 0)
    if in_team:
        q = q.where(uid.in_(select(TeamMember.user_id).where(TeamMember.team_id == bindparam("team"))))
    return q.order_by(value.desc(), uid).limit(bindparam("limit"))


def board(conn: Connection, kind: str, start: date, metric: str, *, language: str | None = None,
          team: int | None = None, limit: int = 100) -> list[Row]:
    """Opted-in users over one period, best first (ties by user id, so pages are stable)."""
    q = _board_query(metric if language is None else "", language is not None, team is not None)
    rows = conn.execute(q, {"kind": kind, "start": start, "language": language, "team": team,
                            "limit": limit})
    return [Row(int(a), b, c, bool(d), float(e)) for a, b, c, d, e in rows]


def ranks(values: list[float]) -> list[int]:
    """Competition ranks of values sorted best first: ties share a rank (1, 1, 3)."""
    out: list[int] = []
    for i, v in enumerate(values):
        out.append(out[-1] if i and v == values[i - 1] else i + 1)
    return out


def team_board(s: Session, kind: str, start: date, metric: str,
               limit: int = 100) -> list[tuple[int, str, int, float]]:
    """Teams by their opted-in members' totals: (team_id, name, members counted, value)."""
    if metric == "productivity":
        value = func.sum(PeriodTotal.score_points) / func.nullif(func.sum(PeriodTotal.scored_seconds), 0)
    else:
        value = func.sum(_metric_value(metric))
    q = (select(Team.id, Team.name, func.count(PeriodTotal.user_id), value)
         .join(TeamMember, TeamMember.team_id == Team.id)
         .join(User, and_(User.id == TeamMember.user_id, User.leaderboard_visible.is_(True)))
         .join(PeriodTotal, and_(PeriodTotal.user_id == User.id, PeriodTotal.kind == kind,
                                 PeriodTotal.start == start))
         .group_by(Team.id, Team.name)
         .having(value > 0)
         .order_by(value.desc(), Team.id).limit(limit))
    return [(int(a), str(b), int(c), float(d)) for a, b, c, d in s.execute(q).all()]


# ---- teams ---------------------------------------------------------------------------------

def create_team(s: Session, user_id: int, name: str) -> Team:
    team = Team(name=name, invite_code=secrets.token_urlsafe(12),
                created_at=datetime.now(timezone.utc))
    s.add(team)
    s.flush()
    s.add(TeamMember(team_id=team.id, user_id=user_id))
    return team


def join_team(s: Session, user_id: int, code: str) -> Team:
    team = s.scalar(select(Team).where(Team.invite_code == code))
    if team is None:
        raise NotFound("no team has that invite code")
    if s.get(TeamMember, (team.id, user_id)) is None:
        s.add(TeamMember(team_id=team.id, user_id=user_id))
    return team


def leave_team(s: Session, user_id: int, team_id: int) -> None:
    member = s.get(TeamMember, (team_id, user_id))
    if member is None:
        raise NotFound("you are not in that team")
    s.delete(member)
    s.flush()
    if s.scalar(select(func.count()).select_from(TeamMember).where(TeamMember.team_id == team_id)) == 0:
        s.execute(delete(Team).where(Team.id == team_id))


def is_member(s: Session | Connection, user_id: int, team_id: int) -> bool:
    conn = s.connection() if isinstance(s, Session) else s
    return conn.execute(_IS_MEMBER, {"uid": user_id, "team": team_id}).first() is not None


def my_teams(s: Session, user_id: int) -> list[tuple[Team, int]]:
    counts = (select(TeamMember.team_id, func.count().label("n")).group_by(TeamMember.team_id)
              .subquery())
    q = (select(Team, counts.c.n).join(TeamMember, TeamMember.team_id == Team.id)
         .join(counts, counts.c.team_id == Team.id)
         .where(TeamMember.user_id == user_id).order_by(Team.id))
    return [(t, int(n)) for t, n in s.execute(q).all()]


def my_badges(s: Session, user_id: int) -> list[Badge]:
    return list(s.scalars(select(Badge).where(Badge.user_id == user_id)
                          .order_by(Badge.earned_on, Badge.code)))
