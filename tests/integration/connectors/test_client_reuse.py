"""Connectors reuse one library client, session and keep-alive connection per account (and thread).

Observed from the client side: the urllib3 pool behind the session counts the
TCP connections it opened (``num_connections``) and the requests it sent.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

import connectors.facebook
import connectors.x
from connectors.base import AccountRef, Content
from connectors.errors import Ambiguous, AuthExpired
from connectors.facebook import FacebookConnector
from connectors.graph_versions import DEFAULT_VERSION as GRAPH
from connectors.instagram import InstagramConnector
from connectors.transport import RefusingAdapter, SiarTransport, Timeouts
from connectors.x import XConnector

FAST = Timeouts(connect=2.0, read=5.0)
SHORT = Timeouts(connect=1.0, read=0.6)
CONTENT = {"x": "text", "facebook": "text", "instagram": "photo"}
PROBE_URL = {
    "x": "https://api.x.com/2/tweets",
    "facebook": f"https://graph.facebook.com/{GRAPH}/me",
    "instagram": "https://i.instagram.com/api/v1/feed/",
}


def _connector(platform: str, sb: Any, timeouts: Timeouts = FAST) -> Any:
    """The platform's connector on a site whose configured sandbox is ``sb``."""
    return {"x": XConnector, "facebook": FacebookConnector, "instagram": InstagramConnector}[platform](
        timeouts=timeouts, sandbox_url=sb.base_url
    )


def _client(connector: Any, account: AccountRef) -> Any:
    """The library client the connector holds for ``account`` (Facebook: the GraphAPI)."""
    if isinstance(connector, FacebookConnector):
        return connector._graph(account)[0]
    return connector._client(account)


def _session(connector: Any, account: AccountRef) -> requests.Session:
    client = _client(connector, account)
    return client.private if isinstance(connector, InstagramConnector) else client.session


def _pool_counts(session: requests.Session) -> tuple[int, int]:
    """(TCP connections opened, requests sent) over every pool of the session's adapters."""
    adapters = {id(a): a for a in session.adapters.values()}.values()
    pools = [a.poolmanager.pools[key] for a in adapters for key in a.poolmanager.pools.keys()]
    return sum(p.num_connections for p in pools), sum(p.num_requests for p in pools)


def _account(sb, platform: str) -> AccountRef:
    creds = sb.create_account(platform, f"kim_{uuid.uuid4().hex[:10]}")
    return AccountRef.from_credentials(creds, sandbox=True)


@pytest.fixture
def faulty(sandbox):
    """The session sandbox; faults are cleared afterwards."""
    yield sandbox
    sandbox.clear_faults()


@pytest.mark.parametrize("platform", ["x", "facebook", "instagram"])
def test_publishes_for_one_account_share_one_client_and_one_connection(sandbox, content_for, platform):
    connector = _connector(platform, sandbox)
    account = _account(sandbox, platform)
    connector.publish(account, content_for(CONTENT[platform]))
    client = _client(connector, account)
    connections, sent = _pool_counts(_session(connector, account))
    assert connections == 1 and sent >= 1

    connector.publish(account, content_for(CONTENT[platform]))
    connector.find_recent(account, datetime(2020, 1, 1, tzinfo=UTC))
    assert _client(connector, account) is client
    connections, sent_after = _pool_counts(_session(connector, account))
    assert connections == 1, "the keep-alive connection is reused"
    assert sent_after >= sent + 2
    assert len([p for p in sandbox.posts(platform, account.handle) if not p.get("deleted")]) == 2

    # The cached session still carries the sandbox transport with this connector's timeouts.
    session = _session(connector, account)
    adapter = session.get_adapter(PROBE_URL[platform])
    assert isinstance(adapter, SiarTransport) and adapter.timeouts == FAST
    assert isinstance(session.get_adapter("https://example.com/"), RefusingAdapter)


@pytest.mark.parametrize("platform", ["x", "facebook"])
def test_changed_credentials_get_their_own_client(sandbox, content_for, platform):
    connector = _connector(platform, sandbox)
    account = _account(sandbox, platform)
    connector.publish(account, content_for("text"))
    reconnected = AccountRef.from_credentials({**account.credentials, "connected_by": "admin-kim"}, sandbox=True)
    connector.publish(reconnected, content_for("text"))
    assert _client(connector, reconnected) is not _client(connector, account)


@pytest.mark.parametrize("platform", ["x", "facebook"])
def test_each_thread_has_its_own_session(sandbox, content_for, platform):
    connector = _connector(platform, sandbox)
    account = _account(sandbox, platform)
    contents = [content_for("text") for _ in range(4)]
    sessions: dict[str, list[requests.Session]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def work(name: str, mine: list[Content]) -> None:
        try:
            for content in mine:
                connector.publish(account, content)
                sessions[name].append(_session(connector, account))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=("a", contents[:2])),
        threading.Thread(target=work, args=("b", contents[2:])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    (a1, a2), (b1, b2) = sessions["a"], sessions["b"]
    assert a1 is a2 and b1 is b2, "each thread reuses its own session"
    assert a1 is not b1, "a requests.Session is never shared between threads"
    assert len(sandbox.posts(platform, account.handle)) == 4


@pytest.mark.parametrize(
    "platform,fault",
    [
        ("x", "drop"),
        ("facebook", "drop"),
        ("instagram", "drop"),
        ("x", "hang"),
        ("facebook", "hang"),
    ],
)
def test_a_network_failure_drops_the_client_and_the_next_call_works(faulty, content_for, platform, fault):
    connector = _connector(platform, faulty, SHORT)
    account = _account(faulty, platform)
    connector.publish(account, content_for(CONTENT[platform]))
    before = _client(connector, account)

    if fault == "drop":
        faulty.set_faults(platform, drop_rate=1.0, only="create")
    else:
        faulty.set_faults(platform, hang_rate=1.0, hang_s=1.5, only="create")
    with pytest.raises(Ambiguous) as caught:
        connector.publish(account, content_for(CONTENT[platform]))
    assert caught.value.code == "connection_lost"
    faulty.clear_faults()

    assert connector.publish(account, content_for(CONTENT[platform])).remote_id
    after = _client(connector, account)
    assert after is not before, "a fresh client (and connection) after a network failure"
    assert _pool_counts(_session(connector, account))[0] == 1


def _count_tempdirs(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[str]:
    made: list[str] = []
    real = module.TemporaryDirectory

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(kwargs.get("prefix", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "TemporaryDirectory", counting)
    return made


@pytest.mark.parametrize("platform,module", [("x", connectors.x), ("facebook", connectors.facebook)])
def test_a_temporary_directory_only_for_media(sandbox, content_for, monkeypatch, platform, module):
    made = _count_tempdirs(monkeypatch, module)
    connector = _connector(platform, sandbox)
    account = _account(sandbox, platform)
    connector.publish(account, content_for("text"))
    connector.publish(account, content_for("link"))
    assert made == []
    connector.publish(account, content_for("photo"))
    assert len(made) == 1


def test_instagram_login_client_serves_the_renewed_credentials(sandbox, content_for):
    logged_in: list[Any] = []

    class Recording(InstagramConnector):
        def _relogin(self, account: AccountRef, cl: Any) -> None:
            logged_in.append(cl)
            super()._relogin(account, cl)

    renewed: list[dict[str, Any]] = []
    creds = sandbox.create_account("instagram", f"kim_{uuid.uuid4().hex[:10]}")
    account = AccountRef.from_credentials(creds, sandbox=True, on_credentials_changed=renewed.append)
    sandbox.set_account_state("instagram", account.handle, session_dead=True)
    connector = Recording(timeouts=FAST, sandbox_url=sandbox.base_url)
    connector.publish(account, content_for("photo"))
    assert len(logged_in) == 1 and len(renewed) == 1

    stored = AccountRef.from_credentials(renewed[0], sandbox=True)
    assert connector._client(stored) is logged_in[0], "the client that logged in serves the new credentials"
    assert connector._client(account) is not logged_in[0], "the old credentials rebuild from their own settings"
    connector.publish(stored, content_for("photo"))
    assert len(logged_in) == 1


def test_same_session_is_used_by_every_method(sandbox, content_for):
    """publish, fetch_metrics, check and delete of one account: one connection in all."""
    connector = _connector("x", sandbox)
    account = _account(sandbox, "x")
    result = connector.publish(account, content_for("text"))
    connections, sent = _pool_counts(_session(connector, account))
    connector.fetch_metrics(account, [result.remote_id])
    assert connector.check(account).ok
    connector.delete(account, result.remote_id)
    assert _pool_counts(_session(connector, account)) == (connections, sent + 3)


@pytest.mark.parametrize("platform", ["x", "facebook"])
def test_accounts_on_one_thread_share_the_connection_to_a_host(sandbox, content_for, platform):
    """An HTTP connection belongs to the host: a second account's publish opens none."""
    connector = _connector(platform, sandbox)
    first, second = _account(sandbox, platform), _account(sandbox, platform)
    connector.publish(first, content_for(CONTENT[platform]))
    connections, sent = _pool_counts(_session(connector, first))
    connector.publish(second, content_for(CONTENT[platform]))
    assert _client(connector, second) is not _client(connector, first)
    assert _pool_counts(_session(connector, second)) == (connections, sent + 1)


def test_instagram_renewal_reaches_the_callers_callback_not_the_cached_one(sandbox, content_for):
    """The client is shared by equal credentials; the callback always comes from the call's AccountRef."""
    creds = sandbox.create_account("instagram", f"kim_{uuid.uuid4().hex[:10]}")
    first_caller: list[dict[str, Any]] = []
    second_caller: list[dict[str, Any]] = []
    connector = InstagramConnector(timeouts=FAST, sandbox_url=sandbox.base_url)
    first = AccountRef.from_credentials(creds, sandbox=True, on_credentials_changed=first_caller.append)
    connector.publish(first, content_for("photo"))
    client = connector._client(first)

    sandbox.set_account_state("instagram", first.handle, session_dead=True)
    second = AccountRef.from_credentials(creds, sandbox=True, on_credentials_changed=second_caller.append)
    assert connector._client(second) is client
    connector.publish(second, content_for("photo"))
    assert first_caller == [] and len(second_caller) == 1


def test_instagram_failed_login_drops_the_client(sandbox, content_for):
    creds = sandbox.create_account("instagram", f"kim_{uuid.uuid4().hex[:10]}")
    wrong = AccountRef.from_credentials({**creds, "password": "bukan-sandinya"}, sandbox=True)
    connector = InstagramConnector(timeouts=FAST, sandbox_url=sandbox.base_url)
    client = connector._client(wrong)
    sandbox.set_account_state("instagram", wrong.handle, session_dead=True)
    with pytest.raises(AuthExpired):
        connector.publish(wrong, content_for("photo"))
    assert connector._client(wrong) is not client, "a client whose login failed half way is never reused"
