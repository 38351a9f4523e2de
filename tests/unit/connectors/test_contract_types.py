"""Value types, taxonomy, registry, redaction and the import contract (no I/O)."""

from __future__ import annotations

import ast
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import connectors
from connectors.base import AccountRef, Connector, Content, MediaFile, Metrics
from connectors.errors import (
    Ambiguous,
    AuthExpired,
    ConnectorError,
    Failure,
    RateLimited,
    Rejected,
    Rule,
    Transient,
    classify,
    status_is,
)
from connectors.fake import FakeConnector
from connectors.graph_versions import DEFAULT_VERSION
from connectors.redaction import register_credentials, scrub
from connectors.registry import DuplicateConnector, Registry, UnknownPlatform, default_registry

SECRET = "s3cr3t-token-value-1234"


def test_account_ref_repr_never_shows_credentials():
    seen: list[dict] = []
    ref = AccountRef(
        "x", "kim_bareng", {"access_token": SECRET, "platform": "x"}, sandbox=True, on_credentials_changed=seen.append
    )
    for text in (repr(ref), str(ref), f"{ref}", repr([ref])):
        assert SECRET not in text and "kim_bareng" in text
    ref.credentials_changed({"access_token": "new"})
    assert seen == [{"access_token": "new"}]


def test_account_ref_from_stored_credentials():
    ref = AccountRef.from_credentials(
        {"platform": "facebook", "handle": "kim", "page_id": "1", "sandbox_base_url": "http://127.0.0.1:1"}
    )
    # An address inside the credentials makes nothing a sandbox account, nor decides a destination.
    assert (ref.platform, ref.handle, ref.sandbox) == ("facebook", "kim", False)
    assert AccountRef.from_credentials({"platform": "x"}, sandbox=True).sandbox is True
    with pytest.raises(AuthExpired) as caught:
        ref.credential("page_access_token")
    assert "sambungkan ulang" in caught.value.message_id


def test_taxonomy_messages_are_bilingual_and_safe():
    retry_at = datetime(2026, 1, 1, tzinfo=UTC)
    errors = [RateLimited(retry_at), AuthExpired(), Rejected(code="duplicate"), Transient(), Ambiguous()]
    for error in errors:
        assert isinstance(error, ConnectorError)
        assert error.message("id") == error.message_id and error.message("en") == error.message_en
        assert error.message_id != error.message_en
    assert errors[0].retry_at == retry_at
    assert errors[2].user_message == errors[2].message_id


def test_detail_is_scrubbed():
    register_credentials({"page_access_token": SECRET})
    error = Transient(detail=f"GET /{DEFAULT_VERSION}/me?access_token={SECRET}&fields=id")
    assert SECRET not in repr(error) and SECRET not in str(error)


class _Boom(Exception):
    pass


TABLE = (Rule(lambda f: isinstance(f.exc, _Boom), Rejected, "boom", "Meledak.", "Boom."),)


@pytest.mark.parametrize(
    "failure,kind,code",
    [
        (Failure(_Boom(), True), "rejected", "boom"),
        (Failure(ValueError(), True, status=429), "rate_limited", "rate_limited"),
        (Failure(ValueError(), True, status=503), "ambiguous", "server_error"),
        (Failure(ValueError(), False, status=503), "transient", "server_error"),
        (Failure(ValueError(), True, status=401), "auth_expired", "unauthorized"),
        (Failure(ValueError(), True, status=422), "rejected", "rejected"),
        (Failure(ValueError(), True), "ambiguous", "unknown"),
        (Failure(ValueError(), False), "transient", "unknown"),
    ],
)
def test_classify_table_then_common_rules(failure, kind, code):
    error = classify(failure, TABLE, platform="fake")
    assert (error.kind, error.code, error.platform) == (kind, code, "fake")


def test_rate_limit_uses_the_platform_instant_or_a_default_pause():
    at = datetime(2030, 5, 1, 3, 0, tzinfo=UTC)
    assert classify(Failure(ValueError(), True, status=429, retry_at=at), (), platform="x").retry_at == at
    now = datetime(2030, 1, 1, tzinfo=UTC)
    error = classify(Failure(ValueError(), True, status=429), (), platform="x", now=lambda: now)
    assert error.retry_at == now + timedelta(minutes=15)
    assert status_is(429)(Failure(ValueError(), True, status=429))


def test_registry_rejects_a_second_connector_for_a_platform():
    registry = Registry()
    registry.register(FakeConnector("x"))
    with pytest.raises(DuplicateConnector):
        registry.register(FakeConnector("x"))
    with pytest.raises(UnknownPlatform):
        registry.get("myspace")
    assert registry.platforms() == ["x"]


def test_default_registry_has_the_three_real_connectors():
    registry = default_registry()
    assert registry.platforms() == ["facebook", "instagram", "x"]
    for name in registry.platforms():
        connector = registry.get(name)
        assert isinstance(connector, Connector) and connector.platform == name
        assert connector.limits.max_text > 0


def test_log_redaction_on_library_loggers(caplog):
    register_credentials({"access_token": SECRET, "settings": {"authorization_data": {"sessionid": "sess-98765432"}}})
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("urllib3.connectionpool").debug(
            '"GET /%s/me?access_token=%s HTTP/1.1" 200', DEFAULT_VERSION, SECRET
        )
        logging.getLogger("requests_oauthlib.oauth1_auth").debug(
            "Updated headers: %s", {"Authorization": f'oauth_token="{SECRET}"'}
        )
        logging.getLogger("private_request").info("cookie sessionid=sess-98765432; Path=/")
    assert SECRET not in caplog.text and "sess-98765432" not in caplog.text
    assert caplog.text.count("***") >= 3
    assert scrub("Authorization: Bearer IGT:2:abcdef") == "Authorization: Bearer ***"


def test_content_helpers():
    content = Content(
        "halo", media=[MediaFile(Path("a.jpg"), "image", "image/jpeg"), MediaFile(Path("b.mp4"), "video", "video/mp4")]
    )
    assert len(content.images) == 1 and len(content.videos) == 1
    assert Metrics(likes=1).views is None


def test_connectors_never_import_scheduler():
    """Arrows point inward: nothing under connectors/ imports scheduler or workers.

    docs/design.md#layers-and-the-import-contract
    """
    root = Path(connectors.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in {"scheduler", "workers"}]
    assert offenders == []


def test_facebook_connector_imports_under_w_error_with_a_fresh_compile(tmp_path):
    """facebook-sdk's non-raw regex is a SyntaxError under -W error when compiled; we import it safely."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import connectors.facebook"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
