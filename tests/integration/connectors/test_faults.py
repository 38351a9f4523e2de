"""Sandbox faults -> the right taxonomy error, one table for all connectors.

Each row: connector, fault, what is called, the error class and code
expected, and how many posts the platform must hold afterwards (None: not
checked). The create is never re-sent: the sandbox counts create requests.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.base import AccountRef
from connectors.errors import Ambiguous, AuthExpired, ConnectorError, RateLimited, Rejected, Transient
from connectors.facebook import FacebookConnector
from connectors.instagram import InstagramConnector
from connectors.transport import Timeouts
from connectors.x import XConnector

SHORT = Timeouts(connect=1.0, read=0.6)


def _connector(platform: str, sandbox_url: str, timeouts: Timeouts = SHORT):
    """The platform's connector on a site whose configured sandbox is ``sandbox_url``."""
    return {"x": XConnector, "facebook": FacebookConnector, "instagram": InstagramConnector}[platform](
        timeouts=timeouts, sandbox_url=sandbox_url
    )


CONTENT = {"x": "text", "facebook": "text", "instagram": "photo"}

# fault name -> (setup on the sandbox, call: "publish" | "read")
Fault = Callable[[Any, str, str], None]
FAULTS: dict[str, tuple[Fault, str]] = {
    "5xx-on-create": (lambda sb, p, h: sb.set_faults(p, error_rate=1.0, only="create"), "publish"),
    "5xx-on-read": (lambda sb, p, h: sb.set_faults(p, error_rate=1.0, only="all"), "read"),
    "drop-after-apply": (lambda sb, p, h: sb.set_faults(p, drop_rate=1.0, only="create"), "publish"),
    "hang-past-timeout": (lambda sb, p, h: sb.set_faults(p, hang_rate=1.0, hang_s=1.5, only="create"), "publish"),
    "rate-limit-fault": (lambda sb, p, h: sb.set_faults(p, rate_limit_rate=1.0, only="create"), "publish"),
    "token-expired": (lambda sb, p, h: sb.set_account_state(p, h, token_expired=True), "publish"),
    "challenge": (lambda sb, p, h: sb.set_account_state(p, h, session_dead=True, challenge=True), "publish"),
    "two-factor": (lambda sb, p, h: sb.set_account_state(p, h, session_dead=True, two_factor=True), "publish"),
}

# (connector, fault, expected class, expected code, posts held afterwards)
TABLE = [
    ("x", "5xx-on-create", Ambiguous, "server_error", 0),
    ("x", "5xx-on-read", Transient, "server_error", None),
    ("x", "drop-after-apply", Ambiguous, "connection_lost", 1),
    ("x", "hang-past-timeout", Ambiguous, "connection_lost", 0),
    ("x", "rate-limit-fault", RateLimited, "rate_limited", 0),
    ("x", "token-expired", AuthExpired, "unauthorized", 0),
    ("facebook", "5xx-on-create", Ambiguous, None, 0),
    ("facebook", "5xx-on-read", Transient, None, None),
    ("facebook", "drop-after-apply", Ambiguous, "connection_lost", 1),
    ("facebook", "hang-past-timeout", Ambiguous, "connection_lost", 0),
    ("facebook", "rate-limit-fault", RateLimited, "rate_limited", 0),
    ("facebook", "token-expired", AuthExpired, "token_expired", 0),
    ("instagram", "5xx-on-create", Ambiguous, "server_error", 0),
    ("instagram", "5xx-on-read", Transient, None, None),
    ("instagram", "drop-after-apply", Ambiguous, "connection_lost", 1),
    ("instagram", "hang-past-timeout", Ambiguous, "connection_lost", 0),
    ("instagram", "rate-limit-fault", RateLimited, "rate_limited", 0),
    ("instagram", "challenge", AuthExpired, "challenge_required", 0),
    ("instagram", "two-factor", AuthExpired, "challenge_required", 0),
]


@pytest.fixture
def faulty(sandbox):
    """The session sandbox; every fault and limit is cleared afterwards."""
    yield sandbox
    sandbox.clear_faults()
    for platform in ("x", "facebook", "instagram"):
        sandbox.set_rate_limits(platform, account_limit=100_000, app_limit=1_000_000, window_s=900)


def _new_account(sb, platform: str, renewed: list | None = None) -> AccountRef:
    import uuid

    creds = sb.create_account(platform, f"kim_{uuid.uuid4().hex[:10]}")
    return AccountRef.from_credentials(
        creds, sandbox=True, on_credentials_changed=(renewed.append if renewed is not None else None)
    )


def _secrets(account: AccountRef) -> list[str]:
    creds = account.credentials
    values = [
        creds.get(k)
        for k in (
            "consumer_secret",
            "access_token",
            "access_token_secret",
            "bearer_token",
            "page_access_token",
            "password",
        )
    ]
    settings = creds.get("settings") or {}
    values.append((settings.get("authorization_data") or {}).get("sessionid"))
    return [v for v in values if isinstance(v, str) and len(v) >= 6]


@pytest.mark.parametrize("platform,fault,expected,code,posts", TABLE, ids=[f"{r[0]}-{r[1]}" for r in TABLE])
def test_fault_maps_to_taxonomy_without_leaking_secrets(
    faulty, content_for, caplog, platform, fault, expected, code, posts
):
    connector = _connector(platform, faulty.base_url)
    account = _new_account(faulty, platform)
    setup, call = FAULTS[fault]
    setup(faulty, platform, account.handle)
    content = content_for(CONTENT[platform])

    with caplog.at_level(logging.DEBUG):
        with pytest.raises(ConnectorError) as caught:
            if call == "publish":
                connector.publish(account, content)
            else:
                connector.find_recent(account, datetime.now(UTC) - timedelta(hours=1))
    error = caught.value
    assert type(error) is expected, repr(error)
    if code is not None:
        assert error.code == code
    assert error.message_id and error.message_en and error.message_id != error.message_en
    if expected is RateLimited:
        assert error.retry_at > datetime.now(UTC)

    faulty.clear_faults()
    if posts is not None:
        held = [p for p in faulty.posts(platform, account.handle) if not p.get("deleted")]
        assert len(held) == posts
        for post in held:  # the create went out once and was never re-sent
            assert post.get("create_requests", 1) == 1

    library_log = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(("sandbox", "aiohttp")))
    for secret in _secrets(account):
        for text in (str(error), repr(error), error.detail or "", library_log):
            assert secret not in text, f"a credential leaked ({fault})"


@pytest.mark.parametrize("platform", ["x", "facebook"])
def test_duplicate_text_is_rejected(faulty, content_for, platform):
    connector = _connector(platform, faulty.base_url, Timeouts())
    account = _new_account(faulty, platform)
    content = content_for("text")
    connector.publish(account, content)
    with pytest.raises(Rejected) as caught:
        connector.publish(account, content)
    assert caught.value.code == "duplicate"
    assert "ubah teks" in caught.value.message_id


def test_x_rate_limit_retry_at_is_the_reset_instant(faulty, content_for):
    seen: list[dict[str, str]] = []

    class Watching(XConnector):
        def _client(self, account):
            client = super()._client(account)
            client.session.hooks["response"].append(lambda r, *a, **k: seen.append(dict(r.headers)))
            return client

    faulty.set_rate_limits("x", account_limit=0, window_s=600)
    account = _new_account(faulty, "x")
    with pytest.raises(RateLimited) as caught:
        Watching(timeouts=SHORT, sandbox_url=faulty.base_url).publish(account, content_for("text"))
    reset = int(seen[-1]["x-rate-limit-reset"])
    assert caught.value.retry_at == datetime.fromtimestamp(reset, UTC)
    assert caught.value.retry_at > datetime.now(UTC) + timedelta(minutes=5)


def test_facebook_page_rate_limit_pauses_the_account(faulty, content_for):
    faulty.set_rate_limits("facebook", account_limit=0, window_s=600, account_code=32)
    account = _new_account(faulty, "facebook")
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        _connector("facebook", faulty.base_url).publish(account, content_for("text"))
    # Graph's x-app-usage/x-page-usage carry percentages, not a reset time: the
    # connector pauses for Facebook's one-hour rolling window unless told better.
    assert before + timedelta(minutes=59) <= caught.value.retry_at <= before + timedelta(minutes=61)


@pytest.mark.parametrize("platform", ["x", "facebook", "instagram"])
def test_connection_refused_is_transient_even_on_a_create(sandbox, content_for, platform):
    account = _new_account(sandbox, platform)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The site's configured sandbox is down (nothing listens on its port).
    with pytest.raises(Transient) as caught:
        _connector(platform, f"http://127.0.0.1:{port}").publish(account, content_for(CONTENT[platform]))
    assert caught.value.code == "network_unreachable"


def test_instagram_dead_session_logs_in_once_and_hands_back_new_settings(sandbox, content_for):
    renewed: list[dict] = []
    account = _new_account(sandbox, "instagram", renewed)
    old_session = account.credentials["settings"]["authorization_data"]["sessionid"]
    sandbox.set_account_state("instagram", account.handle, session_dead=True)
    connector = _connector("instagram", sandbox.base_url)

    # The upload (not the create) meets the dead session: one fresh login, the
    # upload is repeated, then the single configure call publishes.
    result = connector.publish(account, content_for("photo"))
    assert result.remote_id
    assert len(renewed) == 1
    new_session = renewed[0]["settings"]["authorization_data"]["sessionid"]
    assert new_session and new_session != old_session
    assert renewed[0]["password"] == account.credentials["password"], "the whole credentials dict comes back"
    assert [p["create_requests"] for p in sandbox.posts("instagram", account.handle)] == [1]

    logins_before = _logins(sandbox)
    stored = AccountRef.from_credentials(renewed[0], sandbox=True, on_credentials_changed=renewed.append)
    assert connector.publish(stored, content_for("video")).remote_id  # video rupload authenticates by cookie
    assert connector.publish(stored, content_for("photo")).remote_id
    assert connector.check(stored).ok
    assert len(renewed) == 1 and _logins(sandbox) == logins_before, "the stored session is reused"


def _logins(sb) -> int:
    ops = sb.request_counts("instagram")["ops"]
    return sum(n for op, n in ops.items() if "login" in op)


def test_instagram_dead_session_and_wrong_password_needs_reconnect(sandbox, content_for):
    renewed: list[dict] = []
    account = _new_account(sandbox, "instagram", renewed)
    sandbox.set_account_state("instagram", account.handle, session_dead=True)
    wrong = AccountRef.from_credentials(
        {**account.credentials, "password": "bukan-sandinya"}, sandbox=True, on_credentials_changed=renewed.append
    )
    with pytest.raises(AuthExpired) as caught:
        _connector("instagram", sandbox.base_url).publish(wrong, content_for("photo"))
    assert caught.value.code == "bad_password" and renewed == []
    assert sandbox.posts("instagram", account.handle) == []


def test_x_thread_failing_after_its_first_tweet_is_ambiguous(faulty, content_for):
    """Part of a thread is live: retrying would duplicate it, so the outcome is Ambiguous."""
    import threading

    account = _new_account(faulty, "x")
    outcome: dict[str, BaseException] = {}

    def publish() -> None:
        try:
            connector = _connector("x", faulty.base_url, Timeouts(connect=1.0, read=10.0))
            connector.publish(account, content_for("thread"))
        except BaseException as exc:
            outcome["error"] = exc

    faulty.hold("x", enabled=True, timeout_s=10)
    worker = threading.Thread(target=publish)
    worker.start()
    try:
        faulty.wait_held("x", 1)
        assert faulty.release("x", "apply") == 1  # first tweet goes live
        faulty.wait_held("x", 1)
        assert faulty.release("x", "error") == 1  # the reply fails with a 5xx
    finally:
        faulty.hold("x", enabled=False)
        worker.join(timeout=10)
    error = outcome.get("error")
    assert isinstance(error, Ambiguous) and error.code == "thread_partial", repr(error)
    assert len([p for p in faulty.posts("x", account.handle) if not p.get("deleted")]) == 1
