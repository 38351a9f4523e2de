"""The shared transport: sandbox rewrite, timeouts, no retries, dropped connections, refusal."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from connectors.errors import Failure, classify, network_state
from connectors.graph_versions import DEFAULT_VERSION
from connectors.transport import (
    FACEBOOK_ORIGINS,
    X_ORIGINS,
    OriginNotAllowed,
    SiarTransport,
    Timeouts,
    mount_transport,
)


def _session(base_url: str, origins=X_ORIGINS, timeouts=Timeouts()) -> requests.Session:
    session = requests.Session()
    mount_transport(session, origins, sandbox_base_url=base_url, timeouts=timeouts)
    return session


def test_rewrites_real_origin_to_sandbox_keeping_path_and_query(http_server):
    base, recorder = http_server
    session = _session(base)
    response = session.get("https://api.twitter.com/2/tweets?ids=1,2&tweet.fields=public_metrics")
    assert response.json() == {"ok": True}
    session.post("https://api.x.com/2/media/upload/initialize", json={"a": 1})
    assert [(m, p) for m, p, _ in recorder.requests] == [
        ("GET", "/2/tweets?ids=1,2&tweet.fields=public_metrics"),
        ("POST", "/2/media/upload/initialize"),
    ]


def test_lookalike_and_unmapped_origins_are_refused_for_a_sandbox_account(http_server):
    base, recorder = http_server
    session = _session(base, FACEBOOK_ORIGINS)
    for url in ("https://api.twitter.com/2/tweets", f"https://graph.facebook.com.evil.example/{DEFAULT_VERSION}/me"):
        with pytest.raises(OriginNotAllowed) as caught:
            session.get(url)
        assert network_state(caught.value) == "not_sent"
    assert recorder.requests == []


def test_read_timeout_is_always_set(http_server):
    base, recorder = http_server
    recorder.behaviour = lambda handler: time.sleep(1.0)
    session = _session(base, timeouts=Timeouts(connect=1.0, read=0.2))
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout) as caught:
        session.post("https://api.twitter.com/2/tweets", json={"text": "halo"})
    assert time.monotonic() - started < 0.9
    assert network_state(caught.value) == "maybe_sent"


def test_timeout_fills_missing_parts_only():
    adapter = SiarTransport(timeouts=Timeouts(connect=3, read=7))
    assert adapter._timeout(None) == (3, 7)
    assert adapter._timeout((None, 2)) == (3, 2)
    assert adapter._timeout(11) == 11


def _drop_without_answer(handler):
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def test_create_is_sent_once_even_when_the_connection_drops(http_server):
    base, recorder = http_server
    recorder.behaviour = _drop_without_answer
    session = _session(base)
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        session.post("https://api.twitter.com/2/tweets", json={"text": "sekali saja"})
    assert len(recorder.requests) == 1, "no retry at the HTTP layer"
    failure = Failure(caught.value, create=True)
    assert failure.network == "maybe_sent"
    assert classify(failure, (), platform="x").kind == "ambiguous"
    assert classify(Failure(caught.value, create=False), (), platform="x").kind == "transient"


def _short_body(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "500")
    handler.end_headers()
    handler.wfile.write(b'{"data": {"id": "1"')
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def test_connection_dropped_mid_body_is_a_connection_error(http_server):
    base, recorder = http_server
    recorder.behaviour = _short_body
    session = _session(base)
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        session.post("https://api.twitter.com/2/tweets", json={"text": "x"})
    assert classify(Failure(caught.value, create=True), (), platform="x").kind == "ambiguous"


def test_connection_refused_is_transient_even_for_a_create():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    session = _session(f"http://127.0.0.1:{port}")
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        session.post("https://api.twitter.com/2/tweets", json={"text": "x"})
    failure = Failure(caught.value, create=True)
    assert failure.network == "not_sent"
    assert classify(failure, (), platform="x").kind == "transient"


def test_real_accounts_keep_the_real_origin():
    session = requests.Session()
    adapter = mount_transport(session, X_ORIGINS)
    assert adapter.target is None
    assert session.get_adapter("https://api.twitter.com/2/tweets") is adapter
    assert adapter.max_retries.total == 0


def _answer_408(handler):
    handler.send_response(408)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def test_a_408_answer_is_a_connection_failure_not_a_library_retry(http_server):
    from connectors.transport import INSTAGRAM_ORIGINS, ServerTimedOut

    base, recorder = http_server
    recorder.behaviour = _answer_408
    session = _session(base, INSTAGRAM_ORIGINS)
    with pytest.raises(ServerTimedOut) as caught:
        session.post("https://i.instagram.com/api/v1/media/configure/", data={"a": "1"})
    assert len(recorder.requests) == 1
    assert classify(Failure(caught.value, create=True), (), platform="instagram").kind == "ambiguous"


def test_real_accounts_reach_no_other_origin_http_or_https(http_server):
    base, recorder = http_server
    session = requests.Session()
    mount_transport(session, X_ORIGINS)  # a real account: no sandbox
    for url in (
        f"{base}/2/users/me",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/",
        "http://api.twitter.com/2/users/me",
        "https://api.twitter.com.evil.example/2/users/me",
    ):
        with pytest.raises(OriginNotAllowed) as caught:
            session.get(url)
        assert network_state(caught.value) == "not_sent"
    assert recorder.requests == []


def _redirect_to(location: str):
    def answer(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def test_a_redirect_to_another_host_is_refused(http_server):
    """The sandbox (or a platform) answering "go there" cannot send a request elsewhere."""
    base, recorder = http_server
    recorder.behaviour = _redirect_to("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(OriginNotAllowed):
        _session(base).get("https://api.twitter.com/2/users/me")
    assert [p for _, p, _ in recorder.requests] == ["/2/users/me"]


@pytest.mark.parametrize(
    "given, origin",
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        (" http://127.0.0.1:8765/ ", "http://127.0.0.1:8765"),
        ("https://sandbox.kim.test", "https://sandbox.kim.test"),
        ("", None),
        (None, None),
    ],
)
def test_the_sandbox_origin_is_normalised(given, origin):
    from connectors.transport import sandbox_origin

    assert sandbox_origin(given) == origin


@pytest.mark.parametrize(
    "given",
    [
        "http://127.0.0.1:8765/x",
        "ftp://127.0.0.1",
        "127.0.0.1:8765",
        "http://a:b@127.0.0.1",
        "http://127.0.0.1:8765?x=1",
        "https://",
    ],
)
def test_a_sandbox_url_that_is_not_an_origin_is_refused(given):
    from connectors.transport import sandbox_origin

    with pytest.raises(ValueError):
        sandbox_origin(given)
