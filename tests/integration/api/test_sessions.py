"""Web sign-in: argon2 password check, session cookie flags, CSRF, throttling, sign-out (everywhere)."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from siar_api_kit import PASSWORD, error_of

from scheduler.store.web_tables import web_sessions


def _login(client, email, password=PASSWORD, **kw):
    return client.post("/auth/login", json={"email": email, "password": password}, **kw)


def test_login_sets_hardened_cookies_and_stores_only_a_hash(client, world, engine):
    r = _login(client, world.emails["member_a"])
    assert r.status_code == 200, r.text
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("siar_session="))
    lowered = session.lower()
    assert "httponly" in lowered and "secure" in lowered and "samesite=lax" in lowered
    session_id = session.split(";")[0].split("=", 1)[1]
    with engine.connect() as conn:
        stored = conn.execute(sa.select(web_sessions.c.token_hash)).scalars().all()
    assert len(stored) == 1 and session_id not in stored[0] and len(stored[0]) == 64
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["email"] == world.emails["member_a"]


def test_form_login_redirects_only_inside_the_site(client, world):
    r = client.post(
        "/auth/login",
        data={"email": world.emails["admin_a"], "password": PASSWORD, "next": "https://evil.example/x"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"
    r = client.post(
        "/auth/login",
        data={"email": world.emails["admin_a"], "password": PASSWORD, "next": "/posts"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/posts"


def test_csrf_required_for_cookie_writes(client, world, rows):
    csrf = _login(client, world.emails["member_a"]).json()["csrf_token"]
    body = {"text": "Kopi", "targets": [{"account_id": world.a.account_id}], "schedule": {"next_slot": True}}
    before = rows()
    r = client.post("/api/v1/posts", json=body)
    assert r.status_code == 403 and error_of(r)["code"] == "csrf_failed"
    r = client.post("/api/v1/posts", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    assert rows() == before
    r = client.post("/api/v1/posts", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    # A form post carries the token as a field.
    r = client.post("/auth/logout", data={"csrf_token": csrf})
    assert r.status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_throttled_after_five(client, world):
    email = world.emails["staff"]
    for _ in range(5):
        r = _login(client, email, "salah-sekali")
        assert r.status_code == 401 and error_of(r)["code"] == "bad_credentials"
        assert error_of(r)["message"] == "Email atau kata sandi salah."
        assert "siar_session" not in r.headers.get("set-cookie", "")
    r = _login(client, email)  # even the right password waits now
    assert r.status_code == 429 and "Coba lagi" in error_of(r)["message"]
    assert int(r.headers["retry-after"]) > 0
    r = _login(client, email, headers={"Accept-Language": "en"})
    assert "Try again" in error_of(r)["message"]
    # Another account from the same address is not affected.
    assert _login(client, world.emails["member_a"]).status_code == 200


def test_failed_form_sign_in_shows_the_page_again_with_401_then_429(client, world):
    """Without JavaScript the form posts itself: a refusal is the sign-in page with the message."""
    email = world.emails["admin_b"]
    form = {"email": email, "password": "salah-sekali", "next": "/approvals"}
    for _ in range(5):
        r = client.post("/auth/login", data=form, follow_redirects=False)
        assert r.status_code == 401 and r.headers["content-type"].startswith("text/html")
        assert "Email atau kata sandi salah." in r.text
        assert f'value="{email}"' in r.text and 'value="/approvals"' in r.text
        assert "siar_session" not in r.headers.get("set-cookie", "")
    r = client.post("/auth/login", data={**form, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 429 and "Coba lagi" in r.text and int(r.headers["retry-after"]) > 0
    assert "siar_session" not in r.headers.get("set-cookie", "")


def test_unknown_e_mail_is_the_same_401_as_a_wrong_password(client):
    r = _login(client, "tidak-ada@siar.test", headers={"Accept-Language": "en"})
    assert r.status_code == 401 and error_of(r) == {
        "code": "bad_credentials",
        "message": "Wrong e-mail or password.",
        "fields": {},
    }


def test_sign_out_everywhere(app, world):
    from fastapi.testclient import TestClient

    phone = TestClient(app, base_url="https://testserver")
    laptop = TestClient(app, base_url="https://testserver")
    _login(phone, world.emails["admin_a"])
    csrf = _login(laptop, world.emails["admin_a"]).json()["csrf_token"]
    assert phone.get("/api/v1/me").status_code == 200
    r = laptop.post("/auth/logout-all", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json() == {"revoked_sessions": 2}
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 401
    # API tokens are separate and keep working.
    assert phone.get("/api/v1/me", headers=world.auth("admin_a")).status_code == 200


def test_login_input_errors(client):
    assert client.post("/auth/login", content=b"{nope", headers={"content-type": "application/json"}).status_code == 400
    r = client.post("/auth/login", json={"email": "a@b.c", "password": "x", "remember": True})
    assert r.status_code == 422 and "remember" in error_of(r)["fields"]


def test_cross_site_requests_refused(client, world, rows):
    r = client.post(
        "/auth/login",
        data={"email": world.emails["member_a"], "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and error_of(r)["code"] == "cross_origin"
    csrf = _login(client, world.emails["member_a"], headers={"Origin": "https://testserver"}).json()["csrf_token"]
    before = rows()
    r = client.post("/auth/logout-all", headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"})
    assert r.status_code == 403
    assert rows() == before
    assert client.get("/api/v1/me").status_code == 200


def test_ended_sessions_are_purged_at_the_next_sign_in(client, world, engine):
    from datetime import datetime, timedelta

    csrf = _login(client, world.emails["admin_a"]).json()["csrf_token"]
    client.post("/auth/logout", headers={"X-CSRF-Token": csrf})
    with engine.begin() as conn:  # pretend the sign-out was a while ago
        conn.execute(web_sessions.update().values(revoked_at=datetime.now(UTC) - timedelta(minutes=1)))
    _login(client, world.emails["admin_a"])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_sessions)).scalar_one() == 1
