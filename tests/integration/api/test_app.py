"""The application shell: 500 handler, languages, unknown routes, `siar serve`."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from siar_api_kit import error_of

from scheduler.services.people import users
from scheduler.services.people.actors import Actor


def test_unexpected_error_is_a_generic_500_with_a_logged_id(app, world, caplog):
    @app.get("/api/v1/_boom")
    def boom() -> None:
        raise RuntimeError("secret detail from deep inside")

    caplog.set_level(logging.ERROR, logger="siar.web")
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        r = client.get("/api/v1/_boom", headers={"Accept-Language": "en"})
    assert r.status_code == 500
    err = error_of(r)
    assert err["code"] == "internal_error"
    assert "secret detail" not in r.text and "Traceback" not in r.text
    error_id = err["message"].split("Quote code ")[1].split()[0]
    assert any(error_id in rec.getMessage() and rec.exc_info for rec in caplog.records)


def test_user_language_unless_header_says_otherwise(client, world, uow):
    now = datetime.now(UTC)
    users.add_user(
        uow, Actor.system(), email="english@siar.test", role="staff", password="password-123", now=now, language="en"
    )
    from scheduler.services.people import tokens

    token = tokens.create_token(uow, Actor.system(), "english@siar.test", now=now).token
    auth = {"Authorization": f"Bearer {token}"}
    assert error_of(client.get("/api/v1/posts/424242", headers=auth))["message"] == "Post not found."
    r = client.get("/api/v1/posts/424242", headers={**auth, "Accept-Language": "id-ID,id;q=0.9"})
    assert error_of(r)["message"] == "Unggahan tidak ditemukan."
    # Default for a request without a user: Indonesian.
    assert error_of(client.get("/api/v1/me"))["message"].startswith("Silakan masuk")


def test_unknown_route_and_method_use_the_envelope(client, world):
    assert error_of(client.get("/api/v1/tidak-ada"))["code"] == "not_found"
    r = client.delete("/api/v1/kims", headers=world.auth("staff"))
    assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_siar_serve_answers_health(settings):
    port = _free_port()
    env = {
        **os.environ,
        "SIAR_DATA_DIR": str(settings.data_dir),
        "SIAR_DATABASE_URL": settings.db_url,
        "SIAR_SECRET_KEY": settings.secret_key or "",
        "SIAR_ENV": "test",
        "SIAR_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "siar"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        proc.stderr.read().decode()[-2000:]
                        if proc.poll() is not None
                        else "siar serve did not answer within 30 s"
                    ) from None
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["database"]["ok"] is True
        assert httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_interactive_docs_are_served_without_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/openapi.json" in page.text
    # every script and stylesheet the page loads is one of ours
    assert "cdn." not in page.text and "https://" not in page.text.split("<body>")[0]
    for asset in ("/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css"):
        assert asset in page.text
        loaded = client.get(asset)
        assert loaded.status_code == 200 and len(loaded.content) > 10_000
