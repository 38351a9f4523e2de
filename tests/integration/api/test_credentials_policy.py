"""Every path that writes credentials refuses unknown and address-like keys, and stores nothing.

The paths: ``POST /api/v1/accounts`` (the API, and the Akun page's connect form,
which posts to it), the Akun page's reconnect form, and ``{"sandbox": true}``
(credentials issued by the configured sandbox, stored without its address).
There is no API update of credentials, and no CSV or CLI command writes them.
"""

from __future__ import annotations

import html
import json

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from siar_api_kit import PASSWORD, error_of

from scheduler.services.accounts import secrets
from scheduler.store.tables import audit_events, social_accounts
from scheduler.web.app import create_app

SECRET = "TOKEN-VALUE-7f3a9c-never-shown"
GOOD = {
    "x": {
        "consumer_key": "ck-kim",
        "consumer_secret": SECRET,
        "access_token": "1480-" + SECRET,
        "access_token_secret": SECRET,
        "user_id": "1480",
    },
    "facebook": {"page_id": "104882", "page_access_token": SECRET},
    "instagram": {
        "username": "kim.polehan",
        "password": SECRET,
        "settings": {"authorization_data": {"ds_user_id": "77", "sessionid": SECRET}},
    },
}
BAD = [  # (what is added to good credentials, code, field)
    ({"sandbox_base_url": "http://127.0.0.1:9999"}, "credentials_address_not_allowed", "credentials.sandbox_base_url"),
    ({"base_url": "http://169.254.169.254"}, "credentials_address_not_allowed", "credentials.base_url"),
    ({"proxy": "http://10.0.0.1:3128"}, "credentials_address_not_allowed", "credentials.proxy"),
    ({"api_host": "graph.facebook.com.evil.example"}, "credentials_address_not_allowed", "credentials.api_host"),
    ({"catatan": "dari pak RT"}, "credentials_unknown_key", "credentials.catatan"),
]


def _login(client: TestClient, email: str) -> str:
    r = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


def _account_row(engine: sa.Engine, account_id: int) -> sa.Row:
    with engine.connect() as conn:
        return conn.execute(sa.select(social_accounts).where(social_accounts.c.id == account_id)).one()


def _reconnects(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(audit_events).where(audit_events.c.action == "account.reconnect")
        ).scalar_one()


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
@pytest.mark.parametrize("platform", sorted(GOOD))
def test_api_connect_refuses_addresses_and_unknown_keys(client, world, rows, platform):
    before = rows()
    auth = world.auth("admin_a")
    for added, code, field in BAD:
        body = {"platform": platform, "handle": f"kim_{platform}", "credentials": {**GOOD[platform], **added}}
        r = client.post("/api/v1/accounts", json=body, headers=auth)
        assert r.status_code == 422, r.text
        error = error_of(r)
        assert (error["code"], field in error["fields"]) == (code, True), error
        assert "kredensial" in error["message"].lower()
        english = client.post("/api/v1/accounts", json=body, headers={**auth, "Accept-Language": "en"})
        assert "credentials" in error_of(english)["message"].lower()
        assert error_of(english)["message"] != error["message"]
        assert SECRET not in r.text + english.text
        assert rows() == before, f"{added} wrote something"
    missing = {k: v for k, v in GOOD[platform].items() if k != next(iter(GOOD[platform]))}
    r = client.post(
        "/api/v1/accounts", json={"platform": platform, "handle": "kurang", "credentials": missing}, headers=auth
    )
    assert r.status_code == 422 and error_of(r)["code"] == "credentials_missing_key"
    assert rows() == before


@pytest.mark.parametrize("platform", sorted(GOOD))
def test_api_connect_stores_the_platforms_own_keys(client, world, engine, platform):
    r = client.post(
        "/api/v1/accounts",
        json={"platform": platform, "handle": f"kim_{platform}", "credentials": GOOD[platform]},
        headers=world.auth("admin_a"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["sandbox"] is False and SECRET not in r.text
    row = _account_row(engine, r.json()["id"])
    assert row.sandbox is False and SECRET not in row.credentials_encrypted
    assert dict(secrets.decrypt_credentials(row.credentials_encrypted)) == GOOD[platform]


def test_the_pages_connect_form_goes_through_the_same_check(client, world, rows):
    csrf = _login(client, world.emails["admin_a"])
    page = client.get("/accounts")
    assert page.status_code == 200 and 'data-api="/api/v1/accounts" id="connect"' in page.text
    before = rows()
    # What siar.js sends for the form: JSON, the CSRF header, the page's language.
    credentials = {**GOOD["x"], "sandbox_base_url": "http://127.0.0.1:9999"}
    r = client.post(
        "/api/v1/accounts",
        headers={"X-CSRF-Token": csrf, "Accept-Language": "id"},
        json={"platform": "x", "handle": "kim_baru", "credentials": credentials},
    )
    assert r.status_code == 422 and error_of(r)["code"] == "credentials_address_not_allowed"
    assert "alamat" in error_of(r)["message"]
    assert rows() == before


@pytest.mark.parametrize("added, code, field", BAD)
def test_page_reconnect_refuses_and_changes_nothing(client, world, engine, added, code, field):
    account_id = world.a.account_id
    csrf = _login(client, world.emails["admin_a"])
    stored, reconnects = _account_row(engine, account_id), _reconnects(engine)
    words = {
        "credentials_address_not_allowed": {"id": "tidak boleh berisi alamat", "en": "may not hold an address"},
        "credentials_unknown_key": {"id": "tidak dikenal", "en": "unknown key"},
    }[code]
    for lang in ("id", "en"):
        client.cookies.set("siar_lang", lang)
        r = client.post(
            f"/accounts/{account_id}/reconnect",
            follow_redirects=False,
            data={"csrf_token": csrf, "credentials": json.dumps({**GOOD["x"], **added})},
        )
        assert r.status_code == 400, r.text
        shown = html.unescape(r.text)
        assert words[lang] in shown.lower() and f"'{field.split('.')[-1]}'" in shown
        assert SECRET not in shown
    assert _account_row(engine, account_id) == stored, "the account changed"
    assert _reconnects(engine) == reconnects


def test_page_reconnect_stores_good_credentials(client, world, engine):
    account_id = world.a.account_id
    csrf = _login(client, world.emails["admin_a"])
    r = client.post(
        f"/accounts/{account_id}/reconnect",
        follow_redirects=False,
        data={"csrf_token": csrf, "credentials": json.dumps(GOOD["x"])},
    )
    assert r.status_code == 303, r.text
    row = _account_row(engine, account_id)
    assert dict(secrets.decrypt_credentials(row.credentials_encrypted)) == GOOD["x"]
    assert row.sandbox is False


def test_page_reconnect_cannot_turn_a_real_account_into_a_sandbox_one(client, world, engine):
    account_id = world.a.account_id
    csrf = _login(client, world.emails["admin_a"])
    stored = _account_row(engine, account_id)
    r = client.post(
        f"/accounts/{account_id}/reconnect", follow_redirects=False, data={"csrf_token": csrf, "sandbox": "1"}
    )
    assert r.status_code == 400 and "bukan akun latihan" in r.text
    assert _account_row(engine, account_id) == stored


def test_a_sandbox_account_stores_no_address_and_reconnects_from_the_configured_sandbox(
    settings, engine, world, sandbox
):
    app = create_app(settings.model_copy(update={"sandbox_url": sandbox.base_url}), engine=engine)
    with TestClient(app, base_url="https://testserver") as client:
        r = client.post(
            "/api/v1/accounts",
            json={"platform": "instagram", "handle": "latihan_ig", "sandbox": True},
            headers=world.auth("admin_a"),
        )
        assert r.status_code == 201, r.text
        account_id = r.json()["id"]
        row = _account_row(engine, account_id)
        assert row.sandbox is True
        stored = dict(secrets.decrypt_credentials(row.credentials_encrypted))
        assert "sandbox_base_url" not in stored and sandbox.base_url not in str(stored)
        assert stored["settings"] and stored["username"] == "latihan_ig"

        csrf = _login(client, world.emails["admin_a"])
        r = client.post(
            f"/accounts/{account_id}/reconnect", follow_redirects=False, data={"csrf_token": csrf, "sandbox": "1"}
        )
        assert r.status_code == 303, r.text
        renewed = dict(secrets.decrypt_credentials(_account_row(engine, account_id).credentials_encrypted))
        assert "sandbox_base_url" not in renewed and renewed["username"] == "latihan_ig"
