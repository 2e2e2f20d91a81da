"""The leaderboard server's API, on SQLite and on a real PostgreSQL (the `db_url` fixture)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

MON = "2026-03-02"  # a Monday; the week is 2026-03-02..08, the month March


def day(n: int) -> str:
    return (date.fromisoformat(MON) + timedelta(days=n)).isoformat()


# ---- auth ------------------------------------------------------------------------------------

def test_register_login_and_usernames_unique_case_insensitively(client, user):
    alice = user("alice")
    r = client.post("/api/v1/auth/register", json={"username": "ALICE", "password": "another pw"})
    assert r.status_code == 409
    r = client.post("/api/v1/auth/login", json={"username": "Alice", "password": alice.password})
    assert r.status_code == 200 and r.json()["user_id"] == alice.id
    r = client.post("/api/v1/auth/login", json={"username": "alice", "password": "wrong pw"})
    assert r.status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    assert alice.get("/api/v1/me").json()["username"] == "alice"


def test_refresh_tokens_rotate_and_a_replayed_one_revokes_the_family(client, user):
    alice = user("alice")
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": alice.refresh})
    assert r.status_code == 200
    second = r.json()["refresh_token"]
    assert second != alice.refresh
    # The first token again (stolen and replayed): refused, and its successor dies with it.
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": alice.refresh}).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": second}).status_code == 401


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, user):
    alice = user("alice")
    codes = [client.post("/api/v1/auth/login", json={"username": "alice", "password": f"bad {i}"}
                         ).status_code for i in range(5)]
    assert codes == [401, 401, 401, 401, 423]
    r = client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    assert r.status_code == 423 and int(r.headers["Retry-After"]) > 0


def test_rate_limits_per_address_and_per_user_answer_429_with_retry_after(make_server):
    client = make_server(ip_per_minute=3, user_per_minute=4)
    for i in range(3):
        assert client.post("/api/v1/auth/register",
                           json={"username": f"user{i}", "password": "password 1"}).status_code in (201,)
    r = client.post("/api/v1/auth/register", json={"username": "user9", "password": "password 1"})
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 61
    client2 = make_server(ip_per_minute=100, user_per_minute=4)
    token = client2.post("/api/v1/auth/login", json={"username": "user0", "password": "password 1"}
                         ).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    codes = [client2.get("/api/v1/me", headers=h).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]


def test_a_forged_or_expired_token_is_refused(client, user):
    import jwt

    alice = user("alice")
    forged = jwt.encode({"sub": str(alice.id), "exp": 9999999999, "typ": "access"}, "not the server key, but as long as one",
                        algorithm="HS256")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    from sync.server.security import make_access_token

    key = client.app.state.server.keys.jwt_key
    expired = make_access_token(key, alice.id, 15, now=datetime.now(timezone.utc).timestamp() - 3600)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"}).status_code == 401


# ---- aggregates ------------------------------------------------------------------------------

def test_pushing_the_same_day_twice_changes_nothing(user):
    alice = user("alice")
    alice.visible()
    body = dict(coding_seconds=1800, languages={"Python": 1800})
    assert alice.push(MON, **body)["changed"] is True
    before = alice.board(period="week", metric="coding", date=MON)
    assert alice.push(MON, **body)["changed"] is False
    assert alice.board(period="week", metric="coding", date=MON) == before
    assert before["entries"][0]["value"] == 1800
    # A changed day replaces what was there (not added to it).
    alice.push(MON, coding_seconds=600)
    assert alice.board(period="week", metric="coding", date=MON)["entries"][0]["value"] == 600


@pytest.mark.parametrize("path,body,why", [
    ("2999-01-01", {"active_seconds": 1}, "future"),
    ("2026-02-30", {"active_seconds": 1}, "date"),
    ("1999-12-31", {"active_seconds": 1}, "before"),
    (MON, {"active_seconds": 86401}, "less than or equal"),
    (MON, {"active_seconds": 10, "coding_seconds": 20}, "exceeds"),
    (MON, {"active_seconds": 10, "languages": {"<script>": 5}}, "sane name"),
    (MON, {"active_seconds": 10, "languages": {"Python": -5}}, "greater than"),
    (MON, {"active_seconds": 10, "device": "a/b\n"}, "pattern"),
    (MON, {"active_seconds": 10, "extra": 1}, "Extra"),
])
def test_bad_pushes_are_422_and_store_nothing(user, path, body, why):
    alice = user("alice")
    r = alice.put(f"/api/v1/aggregates/{path}", json=body)
    assert r.status_code == 422 and why.lower() in r.text.lower(), r.text
    assert alice.get("/api/v1/me/aggregates", params={"start": "2026-01-01", "end": "2026-12-31"}
                     ).json()["days"] == []



@pytest.mark.parametrize("path,params", [
    ("/api/v1/leaderboards/teams", {"date": "0000-00-00"}),  # found by schemathesis
    ("/api/v1/leaderboards", {"date": "2026-02-30"}),
    ("/api/v1/me/aggregates", {"start": "2026-03-02", "end": "2026-03-01"}),
])
def test_every_422_has_the_validation_error_shape_the_openapi_promises(user, path, params):
    r = user("alice").get(path, params=params)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and {"loc", "msg", "type"} <= set(detail[0])

def test_tomorrow_is_accepted_the_day_after_is_not(user):
    alice = user("alice")
    today = datetime.now(timezone.utc).date()
    assert alice.put(f"/api/v1/aggregates/{today + timedelta(days=1)}",
                     json={"active_seconds": 5}).status_code == 200
    assert alice.put(f"/api/v1/aggregates/{today + timedelta(days=2)}",
                     json={"active_seconds": 5}).status_code == 422


def test_devices_are_combined_and_me_aggregates_shows_the_split(user):
    alice = user("alice")
    alice.visible(share_languages=True)
    alice.push(MON, device="laptop", coding_seconds=1000, languages={"Python": 1000},
               productivity_score=80)
    alice.push(MON, device="desktop", active_seconds=1200, coding_seconds=500,
               languages={"Python": 200, "Rust": 300}, productivity_score=50)
    alice.push(MON, device="laptop", coding_seconds=1000, languages={"Python": 1000},
               productivity_score=80)  # again: not counted twice
    days = alice.get("/api/v1/me/aggregates", params={"start": MON, "end": MON}).json()["days"]
    assert set(days[0]["devices"]) == {"laptop", "desktop"}
    total = days[0]["total"]
    assert total["coding_seconds"] == 1500 and total["active_seconds"] == 4800
    assert total["languages"] == {"Python": 1200, "Rust": 300}
    assert total["productivity_score"] == pytest.approx((80 * 3600 + 50 * 1200) / 4800)
    assert alice.board(period="day", metric="coding", date=MON)["entries"][0]["value"] == 1500
    assert alice.board(period="month", metric="productivity", date=MON)["entries"][0]["value"] == \
        pytest.approx((80 * 3600 + 50 * 1200) / 4800, abs=1e-3)
    assert alice.board(period="week", language="Python", date=MON)["entries"][0]["value"] == 1200


# ---- leaderboards -----------------------------------------------------------------------------

def test_leaderboards_rank_by_metric_period_language_with_ties_and_privacy(client, user):
    a, b, c, d = user("ann"), user("bob"), user("cyd"), user("dan")
    for u in (a, b, c):
        u.visible(share_languages=True)
    a.push(MON, coding_seconds=3000, focus_seconds=600, languages={"Python": 3000}, productivity_score=40)
    b.push(MON, coding_seconds=1000, focus_seconds=2400, languages={"Go": 1000}, productivity_score=90)
    c.push(day(1), coding_seconds=3000, focus_seconds=600, languages={"Python": 100, "Go": 2900},
           productivity_score=60)
    d.push(MON, coding_seconds=3600, languages={"Python": 3600})  # opted out: never shown
    names = lambda board: [(e["rank"], e["name"], e["value"]) for e in board["entries"]]  # noqa: E731
    assert names(a.board(period="week", metric="coding", date=MON)) == [
        (1, "Ann", 3000), (1, "Cyd", 3000), (3, "Bob", 1000)]
    assert names(a.board(period="day", metric="coding", date=MON)) == [(1, "Ann", 3000), (2, "Bob", 1000)]
    assert [n for _, n, _ in names(a.board(period="week", metric="focus", date=MON))] == ["Bob", "Ann", "Cyd"]
    assert [n for _, n, _ in names(a.board(period="month", metric="productivity", date=MON))] == \
        ["Bob", "Cyd", "Ann"]
    assert names(a.board(period="week", language="Go", date=MON)) == [(1, "Cyd", 2900), (2, "Bob", 1000)]
    assert names(a.board(period="week", language="Python", date=MON)) == [(1, "Ann", 3000), (2, "Cyd", 100)]
    # Another week: empty. Not sharing languages: off the language boards only.
    assert a.board(period="week", metric="coding", date=day(7))["entries"] == []
    c.put("/api/v1/me/privacy", json={"share_languages": False})
    assert [n for _, n, _ in names(a.board(period="week", language="Go", date=MON))] == ["Bob"]
    # Anonymous: a stable pseudonym, never the name.
    b.put("/api/v1/me/privacy", json={"anonymous": True})
    first = [e for e in a.board(period="week", date=MON)["entries"] if e["user_id"] == b.id][0]["name"]
    again = [e for e in c.board(period="week", date=MON)["entries"] if e["user_id"] == b.id][0]["name"]
    assert first == again and first.startswith("anonymous-") and "bob" not in first.lower()
    # Opting out again: gone from every board.
    a.put("/api/v1/me/privacy", json={"leaderboard_visible": False})
    for metric in ("coding", "active", "focus", "productivity"):
        assert a.id not in [e["user_id"] for e in b.board(period="week", metric=metric, date=MON)["entries"]]
    assert d.id not in [e["user_id"] for e in b.board(period="week", language="Python", date=MON)["entries"]]
    assert a.get("/api/v1/leaderboards", params={"metric": "focus", "language": "Go"}).status_code == 422


def test_teams_rank_members_within_and_teams_by_totals(client, user):
    a, b, c, d = user("ann"), user("bob"), user("cyd"), user("dan")
    for u in (a, b, c, d):
        u.visible()
    red = a.post("/api/v1/teams", json={"name": "Red"}).json()
    blue = c.post("/api/v1/teams", json={"name": "Blue"}).json()
    assert b.post("/api/v1/teams/join", json={"invite_code": red["invite_code"]}).json()["members"] == 2
    d.post("/api/v1/teams/join", json={"invite_code": blue["invite_code"]})
    assert b.post("/api/v1/teams/join", json={"invite_code": "nope"}).status_code == 404
    a.push(MON, coding_seconds=100)
    b.push(MON, coding_seconds=2000)
    c.push(MON, coding_seconds=1500)
    d.push(MON, coding_seconds=1000)
    within = a.board(period="week", team=red["team_id"], date=MON)["entries"]
    assert [(e["rank"], e["name"]) for e in within] == [(1, "Bob"), (2, "Ann")]
    teams = a.get("/api/v1/leaderboards/teams", params={"period": "week", "date": MON}).json()["entries"]
    assert [(t["rank"], t["name"], t["value"], t["members"]) for t in teams] == [
        (1, "Blue", 2500, 2), (2, "Red", 2100, 2)]
    # Not a member: the team's board is not found (its existence is not confirmed either).
    assert a.get("/api/v1/leaderboards", params={"team": blue["team_id"]}).status_code == 404
    assert b.post(f"/api/v1/teams/{red['team_id']}/leave").status_code == 204
    assert [t["team_id"] for t in b.get("/api/v1/teams").json()] == []
    assert b.get("/api/v1/leaderboards", params={"team": red["team_id"]}).status_code == 404
    assert b.post(f"/api/v1/teams/{blue['team_id']}/leave").status_code == 404


# ---- badges, privacy, export, delete ------------------------------------------------------------

def test_badges_are_computed_on_push(user):
    alice = user("alice")
    for n in range(7):
        alice.push(day(n), active_seconds=20000, coding_seconds=6000, focus_seconds=4 * 3600 if n == 3 else 0,
                   languages={name: 3700 for name in ("Python", "Go", "Rust", "C", "Zig")} if n == 0 else {})
    got = {b["code"]: b["earned_on"] for b in alice.get("/api/v1/me/badges").json()}
    assert got == {"streak_7": day(6), "coding_10h": day(5), "focus_marathon": day(3),
                   "polyglot": day(0)}


def test_badges_come_from_whichever_push_earns_them_in_any_order(user):
    """Badges are checked only when a push can earn one (a day becoming active, coding or a
    language growing, a day reaching a focus marathon): pushes out of order, re-pushes and a second
    device still earn each on the right day."""
    alice = user("alice")
    for n in (0, 1, 2, 4, 5, 6):
        alice.push(day(n), active_seconds=3600, coding_seconds=3000)
    assert alice.get("/api/v1/me/badges").json() == []
    alice.push(day(4), active_seconds=3600, coding_seconds=3000)  # unchanged: nothing new
    alice.push(day(3), active_seconds=3600, coding_seconds=0)  # fills the gap: 7 days in a row
    got = lambda: {b["code"]: b["earned_on"] for b in alice.get("/api/v1/me/badges").json()}  # noqa: E731
    assert got() == {"streak_7": day(6)}
    # A re-push that grows a day's coding crosses 10 hours: 6 x 3000 s so far, day 3 adds 18000,
    # so the running total reaches 36000 s on day 6.
    alice.push(day(3), active_seconds=20000, coding_seconds=18000)
    assert got() == {"streak_7": day(6), "coding_10h": day(6)}
    # Languages from two devices: the fifth with an hour comes from the desktop.
    alice.push(day(1), languages={n: 3600 for n in ("Python", "Go", "Rust", "C")},
               coding_seconds=3000)
    assert "polyglot" not in got()
    alice.push(day(2), device="desktop", active_seconds=100, languages={"Zig": 3600})
    alice.push(day(2), device="desktop", active_seconds=100, focus_seconds=4 * 3600,
               languages={"Zig": 3600})
    assert got() == {"streak_7": day(6), "coding_10h": day(6), "polyglot": day(2),
                     "focus_marathon": day(2)}


def _rows_of(db_url, user_id):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        out = {t: conn.execute(text(f"SELECT count(*) FROM {t} WHERE user_id = :u"), {"u": user_id}).scalar()
               for t in ("device_days", "period_totals", "period_languages", "refresh_tokens",
                         "team_members", "badges")}
        out["users"] = conn.execute(text("SELECT count(*) FROM users WHERE id = :u"), {"u": user_id}).scalar()
        out["teams"] = conn.execute(text("SELECT count(*) FROM teams")).scalar()
    engine.dispose()
    return out


def test_export_has_everything_and_delete_removes_every_row(db_url, client, user):
    alice, bob = user("alice"), user("bob")
    alice.visible(anonymous=True)
    team = alice.post("/api/v1/teams", json={"name": "Solo"}).json()
    for n in range(7):
        alice.push(day(n), coding_seconds=100, languages={"Python": 100})
    bob.push(MON)
    export = alice.get("/api/v1/me/export").json()
    assert export["user"]["username"] == "alice" and export["user"]["privacy"]["anonymous"]
    assert len(export["aggregates"]) == 7 and export["teams"][0]["team_id"] == team["team_id"]
    assert [b["code"] for b in export["badges"]] == ["streak_7"]
    assert all(v > 0 for v in _rows_of(db_url, alice.id).values())
    assert alice.delete("/api/v1/me").status_code == 204
    assert set(_rows_of(db_url, alice.id).values()) == {0}
    assert alice.get("/api/v1/me").status_code == 401  # its tokens died with it
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": alice.refresh}).status_code == 401
    assert bob.get("/api/v1/me/aggregates", params={"start": MON, "end": MON}).json()["days"]


def test_a_deleted_accounts_id_is_never_given_again_so_its_tokens_stay_dead(client, user):
    """SQLite hands the highest rowid out again once its row is gone: the server must not, or a
    deleted account's access token (valid for minutes more) would push into the next account."""
    alice, bob = user("alice"), user("bob")
    assert bob.delete("/api/v1/me").status_code == 204
    carol = user("carol")
    assert carol.id not in (alice.id, bob.id)
    bob_body = {"device": "laptop", "active_seconds": 3600}
    assert client.put(f"/api/v1/aggregates/{MON}", json=bob_body, headers=bob.h).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": bob.refresh}).status_code == 401
    assert carol.get("/api/v1/me/aggregates", params={"start": MON, "end": MON}).json()["days"] == []
    assert carol.delete("/api/v1/me").status_code == 204
    assert user("dave").id > carol.id  # and after a second deletion


def test_privacy_defaults_to_invisible(user):
    alice = user("alice")
    assert alice.get("/api/v1/me/privacy").json() == {
        "leaderboard_visible": False, "anonymous": False, "share_languages": False}
    alice.push(MON, coding_seconds=100)
    assert alice.board(period="week", date=MON)["entries"] == []


# ---- nobody reads or changes another's data -------------------------------------------------------

def test_every_route_needs_a_token_but_health_and_auth(client):
    spec = client.get("/openapi.json").json()
    open_paths = {"/healthz", "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh"}
    checked = 0
    for path, methods in spec["paths"].items():
        if path in open_paths:
            continue
        for method in methods:
            url = path.replace("{day}", MON).replace("{team_id}", "1")
            r = client.request(method.upper(), url, json={})
            assert r.status_code == 401, (method, path, r.status_code)
            checked += 1
    assert checked >= 12


def test_a_stolen_token_for_one_user_cannot_touch_anothers_data(db_url, client, user):
    alice, mallory = user("alice"), user("mallory")
    alice.visible()
    team = alice.post("/api/v1/teams", json={"name": "A-team"}).json()
    alice.push(MON, device="laptop", coding_seconds=100)
    before = alice.get("/api/v1/me/export").json()
    # Mallory holds only her own token: every route acts on her own data, never Alice's.
    assert mallory.get("/api/v1/me").json()["user_id"] == mallory.id
    assert mallory.get("/api/v1/me/aggregates", params={"start": MON, "end": MON}).json()["days"] == []
    assert mallory.get("/api/v1/me/badges").json() == []
    assert mallory.get("/api/v1/me/export").json()["aggregates"] == []
    assert mallory.get("/api/v1/teams").json() == []
    assert mallory.get("/api/v1/leaderboards", params={"team": team["team_id"]}).status_code == 404
    assert mallory.post(f"/api/v1/teams/{team['team_id']}/leave").status_code == 404
    assert mallory.get("/api/v1/me/privacy").json()["leaderboard_visible"] is False  # hers, not Alice's
    own = mallory.post("/api/v1/teams", json={"name": "M-team"}).json()
    assert own["members"] == 1 and [t["team_id"] for t in mallory.get("/api/v1/teams").json()] == [own["team_id"]]
    assert alice.get("/api/v1/leaderboards", params={"team": own["team_id"]}).status_code == 404
    # Team totals show teams, never a member's name; Alice's team counts only her.
    totals = mallory.get("/api/v1/leaderboards/teams", params={"period": "week", "date": MON}).json()
    assert [(t["name"], t["members"]) for t in totals["entries"]] == [("A-team", 1)]
    mallory.put("/api/v1/me/privacy", json={"leaderboard_visible": False, "anonymous": True})
    mallory.push(MON, device="laptop", coding_seconds=5)  # same day and device name: her own row
    # There is no parameter naming another user: user_id in a body is refused outright.
    r = mallory.put(f"/api/v1/aggregates/{MON}", json={"active_seconds": 1, "user_id": alice.id})
    assert r.status_code == 422
    assert mallory.delete("/api/v1/me").status_code == 204
    after = alice.get("/api/v1/me/export").json()
    assert after == before
    assert alice.board(period="week", date=MON)["entries"][0]["value"] == 100


def test_health_and_openapi(client):
    assert client.get("/healthz").json()["status"] == "ok"
    assert "/api/v1/leaderboards" in client.get("/openapi.json").json()["paths"]
