"""The server's use cases over one SQLAlchemy session: accounts, pushes and the period totals
they keep current, leaderboards, teams, badges, privacy. Routes call these; they commit."""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from sqlalchemy import Engine, and_, case, delete, func, or_, select, update
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


# ---- shared state: secrets, rate limits --------------------------------------------------------

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


def hit(engine: Engine, key: str, limit: int, window_seconds: int = 60,
        now: float | None = None) -> int | None:
    """Count one request against `key`; the seconds to wait if it is over `limit` in this window
    (None: allowed). One atomic upsert, so every instance on the database counts together."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    with engine.begin() as conn:
        ins = _insert(conn, RateBucket).values(key=key, window=window, count=1)
        stmt = ins.on_conflict_do_update(
            index_elements=["key"],
            set_={"count": case((RateBucket.window == window, RateBucket.count + 1), else_=1),
                  "window": window},
        ).returning(RateBucket.count)
        count = int(conn.execute(stmt).scalar_one())
    if count > limit:
        return max(1, int((window + 1) * window_seconds - now) + 1)
    return None


# ---- accounts ------------------------------------------------------------------------------

def create_user(s: Session, username: str, password_hash: str, display_name: str | None) -> User:
    key = username.lower()
    if s.scalar(select(User.id).where(User.username_key == key)) is not None:
        raise Conflict("that username is taken")
    user = User(username=username, username_key=key, display_name=display_name,
                password_hash=password_hash, created_at=datetime.now(timezone.utc),
                failed_logins=0, leaderboard_visible=False, anonymous=False, share_languages=False)
    s.add(user)
    try:
        s.flush()
    except Exception as exc:  # the unique index: another instance registered it meanwhile
        from sqlalchemy.exc import IntegrityError

        if isinstance(exc, IntegrityError):
            s.rollback()
            raise Conflict("that username is taken") from None
        raise
    return user


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
    for team_id in teams:
        if s.scalar(select(func.count()).select_from(TeamMember).where(TeamMember.team_id == team_id)) == 0:
            s.execute(delete(Team).where(Team.id == team_id))


# ---- pushes --------------------------------------------------------------------------------

_DAY_VALUES = [getattr(DeviceDay, f) for f in VALUE_FIELDS]


def push_day(s: Session, user_id: int, day: date, device: str, values: Mapping[str, Any]) -> bool:
    """Upsert one device's day and bring the user's day, week and month totals and badges up to
    date. Returns False (and writes nothing) when the day is exactly as stored."""
    # One push per user at a time (two machines pushing together): the totals are recomputed
    # from every device's rows, so they must see each other's.
    s.execute(select(User.id).where(User.id == user_id).with_for_update())
    new = {f: values[f] for f in VALUE_FIELDS}
    stored = s.execute(select(*_DAY_VALUES).where(
        DeviceDay.user_id == user_id, DeviceDay.day == day, DeviceDay.device == device)).first()
    if stored is not None and dict(zip(VALUE_FIELDS, stored)) == new:
        return False
    key = {"user_id": user_id, "day": day, "device": device}
    changes = {**new, "updated_at": datetime.now(timezone.utc)}
    ins = _insert(s, DeviceDay).values(**key, **changes)
    s.execute(ins.on_conflict_do_update(index_elements=list(key), set_=changes))
    _refresh_periods(s, user_id, day)
    _refresh_badges(s, user_id, day)
    return True


def _refresh_periods(s: Session, user_id: int, day: date) -> None:
    """The user's day, week and month totals (and languages) from every device's rows: one read,
    one upsert, one delete and one insert, whatever the number of devices and days."""
    spans = {kind: period_bounds(kind, day) for kind in ("d", "w", "m")}
    lo = min(a for a, _ in spans.values())
    hi = max(b for _, b in spans.values())
    rows = s.execute(select(DeviceDay.day, DeviceDay.active_seconds, DeviceDay.coding_seconds,
                            DeviceDay.productive_seconds, DeviceDay.productivity_score,
                            DeviceDay.focus_sessions, DeviceDay.focus_seconds, DeviceDay.languages)
                     .where(DeviceDay.user_id == user_id, DeviceDay.day >= lo,
                            DeviceDay.day <= hi)).all()
    totals_rows: list[dict[str, Any]] = []
    language_rows: list[dict[str, Any]] = []
    for kind, (start, end) in spans.items():
        t: dict[str, Any] = {"user_id": user_id, "kind": kind, "start": start, "active_seconds": 0.0,
             "coding_seconds": 0.0, "productive_seconds": 0.0, "score_points": 0.0,
             "scored_seconds": 0.0, "focus_sessions": 0, "focus_seconds": 0.0}
        langs: dict[str, float] = defaultdict(float)
        for r in rows:
            if not start <= r.day <= end:
                continue
            t["active_seconds"] += r.active_seconds
            t["coding_seconds"] += r.coding_seconds
            t["productive_seconds"] += r.productive_seconds
            if r.productivity_score is not None and r.active_seconds > 0:
                t["score_points"] += r.productivity_score * r.active_seconds
                t["scored_seconds"] += r.active_seconds
            t["focus_sessions"] += r.focus_sessions
            t["focus_seconds"] += r.focus_seconds
            for name, secs in (r.languages or {}).items():
                langs[name] += secs
        t["productivity"] = t["score_points"] / t["scored_seconds"] if t["scored_seconds"] else None
        totals_rows.append(t)
        language_rows += [{"user_id": user_id, "kind": kind, "start": start, "language": n,
                           "seconds": v} for n, v in langs.items()]
    ins = _insert(s, PeriodTotal).values(totals_rows)
    s.execute(ins.on_conflict_do_update(
        index_elements=["user_id", "kind", "start"],
        set_={c: getattr(ins.excluded, c) for c in totals_rows[0] if c not in ("user_id", "kind", "start")}))
    s.execute(delete(PeriodLanguage).where(PeriodLanguage.user_id == user_id, or_(*(
        and_(PeriodLanguage.kind == kind, PeriodLanguage.start == start)
        for kind, (start, _end) in spans.items()))))
    if language_rows:
        s.execute(_insert(s, PeriodLanguage).values(language_rows))


def _refresh_badges(s: Session, user_id: int, day: date) -> None:
    """Badges not earned yet, from what they need: the last 100 days for streaks, all-time sums
    for coding hours (one aggregate), all-time languages only while polyglot is missing."""
    have = set(s.scalars(select(Badge.code).where(Badge.user_id == user_id)))
    if len(have) >= len(badge_rules.NAMES):
        return
    since = day - timedelta(days=max(badge_rules.STREAKS))
    recent = [badge_rules.Day(r.start, r.active_seconds, 0.0, r.focus_seconds)
              for r in s.execute(select(PeriodTotal.start, PeriodTotal.active_seconds,
                                        PeriodTotal.focus_seconds)
                                 .where(PeriodTotal.user_id == user_id, PeriodTotal.kind == "d",
                                        PeriodTotal.start >= since))]
    found = badge_rules.earned(recent, {})
    coding_codes = [f"coding_{h}h" for h in badge_rules.CODING_HOURS]
    if not have.issuperset(coding_codes):
        # Months hold the all-time sum in a few rows; when each threshold was crossed comes from
        # the days of the month that crossed it.
        months = s.execute(select(PeriodTotal.start, PeriodTotal.coding_seconds)
                           .where(PeriodTotal.user_id == user_id, PeriodTotal.kind == "m")
                           .order_by(PeriodTotal.start)).all()
        total = 0.0
        for start, coding in months:
            before, total = total, total + coding
            if any(before < h * 3600 <= total for h in badge_rules.CODING_HOURS):
                days_of = s.execute(select(PeriodTotal.start, PeriodTotal.coding_seconds)
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
    if "polyglot" not in have:
        langs: dict[str, float] = dict(s.execute(
            select(PeriodLanguage.language, func.sum(PeriodLanguage.seconds))
            .where(PeriodLanguage.user_id == user_id, PeriodLanguage.kind == "m")
            .group_by(PeriodLanguage.language)).all())
        polyglot = badge_rules.earned([badge_rules.Day(day, 0, 0, 0)], langs).get("polyglot")
        if polyglot is not None:
            found.setdefault("polyglot", polyglot)
    for code, when in found.items():
        if code not in have:
            s.add(Badge(user_id=user_id, code=code, earned_on=when))


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


def board(s: Session, kind: str, start: date, metric: str, *, language: str | None = None,
          team: int | None = None, limit: int = 100) -> list[Row]:
    """Opted-in users over one period, best first (ties by user id, so pages are stable)."""
    if language is not None:
        value = PeriodLanguage.seconds
        q = (select(User.id, User.username, User.display_name, User.anonymous, value)
             .join(PeriodLanguage, PeriodLanguage.user_id == User.id)
             .where(PeriodLanguage.kind == kind, PeriodLanguage.start == start,
                    PeriodLanguage.language == language, User.share_languages.is_(True)))
        uid = PeriodLanguage.user_id
    else:
        value = _metric_value(metric)
        q = (select(User.id, User.username, User.display_name, User.anonymous, value)
             .join(PeriodTotal, PeriodTotal.user_id == User.id)
             .where(PeriodTotal.kind == kind, PeriodTotal.start == start))
        uid = PeriodTotal.user_id
    q = q.where(User.leaderboard_visible.is_(True), value > 0)
    if team is not None:
        q = q.where(uid.in_(select(TeamMember.user_id).where(TeamMember.team_id == team)))
    q = q.order_by(value.desc(), uid).limit(limit)
    return [Row(int(a), b, c, bool(d), float(e)) for a, b, c, d, e in s.execute(q).all()]


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


def is_member(s: Session, user_id: int, team_id: int) -> bool:
    return s.get(TeamMember, (team_id, user_id)) is not None


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
