"""Where a connector's requests go: the platform's own origins, or the configured sandbox. Nothing else.

An account only says whether it is a training account; where the sandbox is
comes from the site's configuration (``SIAR_SANDBOX_URL``), given to the
connector when it is built. The issue's case -- credentials carrying
``"sandbox_base_url": "http://127.0.0.1:9999"`` and *Cek koneksi* -- must never
reach that address, for a real account or a training one.

The real platforms are never contacted: the tests that let a real account
call out point the environment's HTTPS proxy at a local recorder, which sees
every host the library asked for (CONNECT) and refuses them all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from connectors.base import AccountRef, Content, MediaFile
from connectors.errors import Transient
from connectors.facebook import FacebookConnector
from connectors.instagram import InstagramConnector
from connectors.testing import write_jpeg
from connectors.transport import OriginNotAllowed, RefusingAdapter, SiarTransport, Timeouts
from connectors.x import XConnector
from sandbox.credentials import credentials_json
from sandbox.state import Account

QUICK = Timeouts(connect=2.0, read=3.0)
CONNECTORS = {"x": XConnector, "facebook": FacebookConnector, "instagram": InstagramConnector}
# One real origin per platform, and the hosts its check may ask for.
PROBE = {
    "x": "https://api.twitter.com/2/users/me",
    "facebook": "https://graph.facebook.com/v21.0/me",
    "instagram": "https://i.instagram.com/api/v1/accounts/current_user/",
}
HOSTS = {
    "x": {"api.twitter.com:443", "api.x.com:443", "upload.twitter.com:443"},
    "facebook": {"graph.facebook.com:443"},
    "instagram": {"i.instagram.com:443", "www.instagram.com:443", "b.i.instagram.com:443"},
}
PLATFORMS = tuple(CONNECTORS)


def _credentials(platform: str, named: str) -> dict[str, Any]:
    """Credentials in the sandbox's shape whose ``sandbox_base_url`` names ``named``."""
    account = Account(
        platform,
        "kim_latihan",
        "17",
        {
            "consumer_key": "ck",
            "consumer_secret": "cs",
            "access_token": "17-at",
            "access_token_secret": "ats",
            "bearer_token": "AAAA",
            "page_access_token": "EAAS",
            "password": "sandi",
            "sessionid": "17%3Ax%3A8",
        },
        {},
        1764000000.0,
    )
    return credentials_json(account, named)


def _sessions(connector: Any, account: AccountRef) -> list[requests.Session]:
    if isinstance(connector, FacebookConnector):
        return [connector._graph(account)[0].session]
    client = connector._client(account)
    if isinstance(connector, InstagramConnector):
        return [client.private, client.public, client.graphql]
    return [client.session]


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    """Records every request; a CONNECT (a proxied https request) is refused."""

    server: _Recorder

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        self.server.seen.append((self.command, self.path))
        status = 403 if self.command == "CONNECT" else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command != "CONNECT":
            self.wfile.write(b"{}")

    do_GET = do_POST = do_DELETE = do_CONNECT = _answer


@pytest.fixture
def servers() -> Iterator[dict[str, _Recorder]]:
    """``named``: the address in the credentials; ``sandbox``: the configured sandbox; ``proxy``."""
    made = {name: _Recorder() for name in ("named", "sandbox", "proxy")}
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in made.values()]
    for thread in threads:
        thread.start()
    try:
        yield made
    finally:
        for server in made.values():
            server.shutdown()
            server.server_close()


@pytest.fixture
def proxied(servers, monkeypatch) -> _Recorder:
    """Every https request that leaves this process goes through the recording proxy."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, servers["proxy"].url)
    return servers["proxy"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_real_account_reaches_only_its_platforms_origins(servers, platform):
    named = servers["named"]
    connector = CONNECTORS[platform](timeouts=QUICK, sandbox_url=servers["sandbox"].url)
    account = AccountRef.from_credentials(_credentials(platform, named.url))  # a real account
    for session in _sessions(connector, account):
        adapter = session.get_adapter(PROBE[platform])
        assert isinstance(adapter, SiarTransport) and adapter.target is None, "no rewrite for a real account"
        for url in (
            f"{named.url}/2/users/me",
            "http://169.254.169.254/latest/meta-data/",
            "https://169.254.169.254/",
            PROBE[platform].replace(".com/", ".com.evil.example/", 1),
            f"{servers['sandbox'].url}/2/users/me",
        ):
            assert isinstance(session.get_adapter(url), RefusingAdapter), url
            with pytest.raises(OriginNotAllowed):
                session.get(url)
    assert named.seen == [] and servers["sandbox"].seen == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_checking_a_real_account_never_calls_the_address_in_its_credentials(servers, proxied, platform):
    connector = CONNECTORS[platform](timeouts=QUICK, sandbox_url=servers["sandbox"].url)
    account = AccountRef.from_credentials(_credentials(platform, servers["named"].url))
    check = connector.check(account)
    assert not check.ok and check.error is not None
    asked = {path for method, path in proxied.seen if method == "CONNECT"}
    assert asked and asked <= HOSTS[platform], asked  # the platform itself, through the operator's proxy
    assert servers["named"].seen == [] and servers["sandbox"].seen == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_training_account_goes_to_the_configured_sandbox_not_to_its_credentials(servers, proxied, platform):
    connector = CONNECTORS[platform](timeouts=QUICK, sandbox_url=servers["sandbox"].url)
    account = AccountRef.from_credentials(_credentials(platform, servers["named"].url), sandbox=True)
    connector.check(account)
    assert servers["sandbox"].seen, "the configured sandbox got the check"
    if platform == "x":
        assert ("GET", "/2/users/me") in servers["sandbox"].seen
    assert servers["named"].seen == [] and proxied.seen == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_training_account_on_a_site_without_sandbox_sends_nothing(servers, proxied, platform, tmp_path):
    connector = CONNECTORS[platform](timeouts=QUICK)  # SIAR_SANDBOX_URL unset
    account = AccountRef.from_credentials(_credentials(platform, servers["named"].url), sandbox=True)
    check = connector.check(account)
    assert not check.ok and isinstance(check.error, Transient)
    assert check.error.code == "sandbox_not_configured"
    assert "SIAR_SANDBOX_URL" in check.error.message_id and "SIAR_SANDBOX_URL" in check.error.message_en
    photo = MediaFile(write_jpeg(tmp_path / "p.jpg", (1080, 1080)), "image", "image/jpeg")
    with pytest.raises(Transient) as caught:
        connector.publish(account, Content("Keripik tempe #KIMMalang", media=(photo,)))
    assert caught.value.code == "sandbox_not_configured"
    assert all(s.seen == [] for s in servers.values())


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765/_sandbox",
        "ftp://127.0.0.1:8765",
        "http://user:pw@127.0.0.1:8765",
        "127.0.0.1:8765",
        "http://",
    ],
)
def test_the_configured_sandbox_must_be_an_origin(platform, url):
    with pytest.raises(ValueError):
        CONNECTORS[platform](sandbox_url=url)


def test_stored_instagram_settings_do_not_choose_the_transport(servers):
    creds = _credentials("instagram", servers["named"].url)
    creds["settings"] = {
        **creds["settings"],
        "tls_verify": False,
        "request_timeout": 99,
        "private_transport": "requests",
        "session_retry_total": 9,
        "public_request_retries_count": 9,
    }
    connector = InstagramConnector(timeouts=QUICK)
    cl = connector._client(AccountRef.from_credentials(creds))
    assert cl.private.verify is True and cl.public.verify is True
    assert cl.request_timeout == 1 and cl.session_retry_total != 9
    adapter = cl.private.get_adapter(PROBE["instagram"])
    assert isinstance(adapter, SiarTransport) and adapter.max_retries.total == 0
    assert creds["settings"]["tls_verify"] is False, "the stored credentials are left as they are"
