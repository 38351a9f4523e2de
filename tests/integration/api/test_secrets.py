"""No credential in clear text: not in any table, column or log line, not in any answer.

Sandbox accounts of every platform are connected through the API (the app
asks the sandbox's admin API for their credentials) and checked with the real
connectors; plus one account per platform with hand-given credentials. Then
every table is dumped, every column as text, and searched together with the
captured logs for each credential value.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from fastapi.testclient import TestClient

from scheduler.web.app import create_app

PLATFORMS = ("x", "facebook", "instagram")
# The values that grant access (ids, handles, device models and the like do not).
SECRET_WORDS = ("token", "secret", "password", "sessionid", "consumer_key")


# Hand-given credentials of each platform, in the shape its connector reads.
MANUAL = {
    "x": {
        "consumer_key": "MANUAL-x-CONSUMER-KEY-1b2c",
        "consumer_secret": "MANUAL-x-CONSUMER-SECRET-3d4e",
        "access_token": "1-MANUAL-x-TOKEN-7f3a9c",
        "access_token_secret": "MANUAL-x-TOKEN-SECRET-5f6a",
        "user_id": "1",
    },
    "facebook": {"page_id": "1048", "page_access_token": "MANUAL-facebook-TOKEN-7f3a9c"},
    "instagram": {
        "username": "kim_manual",
        "password": "kata-sandi-rahasia-99",
        "settings": {"authorization_data": {"ds_user_id": "1", "sessionid": "1%3AMANUALSESSION%3A8"}},
    },
}


def _secret_values(credentials: dict, found: set[str]) -> None:
    for key, value in credentials.items():
        if isinstance(value, dict):
            _secret_values(value, found)
        elif isinstance(value, str) and any(w in key for w in SECRET_WORDS) and len(value) >= 8:
            found.add(value)


def test_no_credentials_in_database_logs_or_answers(settings, engine, world, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    app = create_app(settings.model_copy(update={"sandbox_url": sandbox.base_url}), engine=engine)
    secrets: set[str] = set()
    answers: list[str] = []
    with TestClient(app, base_url="https://testserver") as client:
        auth = world.auth("admin_a")
        for platform in PLATFORMS:
            handle = f"latihan_{platform}_{world.a.id}"
            r = client.post(
                "/api/v1/accounts", json={"platform": platform, "handle": handle, "sandbox": True}, headers=auth
            )
            assert r.status_code == 201, r.text
            answers.append(r.text)
            assert r.json()["sandbox"] is True
            _secret_values(sandbox.credentials(platform, handle), secrets)
            check = client.post(f"/api/v1/accounts/{r.json()['id']}/check", headers=auth)
            assert check.status_code == 200, check.text
            assert check.json()["ok"] is True, check.text
            _secret_values(sandbox.credentials(platform, handle), secrets)  # a login may renew them
            answers += [check.text, client.get(f"/api/v1/accounts/{r.json()['id']}", headers=auth).text]
            manual = MANUAL[platform]
            _secret_values(manual, secrets)
            r = client.post(
                "/api/v1/accounts",
                json={"platform": platform, "handle": f"manual_{platform}", "credentials": manual},
                headers=auth,
            )
            assert r.status_code == 201, r.text
            answers.append(r.text)
        answers.append(client.get("/api/v1/audit", headers=auth).text)
        # A failing check must not leak either.
        answers.append(client.post(f"/api/v1/accounts/{r.json()['id']}/check", headers=auth).text)
    assert len(secrets) >= 12
    dump: list[str] = []
    inspector = sa.inspect(engine)
    with engine.connect() as conn:
        for table in inspector.get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                dump.extend(str(v) for v in row)
    text = "\n".join(dump)
    logs = "\n".join(r.getMessage() + " " + str(r.args) for r in caplog.records) + caplog.text
    for secret in secrets:
        assert secret not in text, "credential found in the database"
        assert secret not in logs, "credential found in the logs"
        assert all(secret not in a for a in answers), "credential found in an API answer"
    # Tokens and passwords of the world's users are not stored in clear either.
    for token in world.tokens.values():
        assert token.split("_", 2)[2] not in text
    assert "rahasia-kim-123" not in text
