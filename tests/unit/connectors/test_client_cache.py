"""ClientCache: one built client per account and thread, bounded, rebuilt on new credentials."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from connectors.base import AccountCheck, AccountRef, Ambiguous, Rejected
from connectors.clients import ClientCache, client_key, credentials_digest, drops_client_on_failure

SECRET = "rahasia-token-kim-polehan"


class Built:
    """A stand-in client: remembers which account built it and whether it was closed."""

    def __init__(self, account: AccountRef) -> None:
        self.handle = account.handle
        self.closed = False


class Recorder:
    def __init__(self) -> None:
        self.built: list[Built] = []

    def build(self, account: AccountRef) -> Built:
        client = Built(account)
        self.built.append(client)
        return client

    @staticmethod
    def close(client: Built) -> None:
        client.closed = True


def _account(handle: str = "kim_polehan", token: str = SECRET, sandbox: bool = True) -> AccountRef:
    return AccountRef("x", handle, {"access_token": token, "user_id": "42"}, sandbox)


def _cache(**kwargs: Any) -> tuple[ClientCache[Built], Recorder]:
    recorder = Recorder()
    return ClientCache(recorder.build, recorder.close, **kwargs), recorder


def test_same_account_gets_the_same_client():
    cache, recorder = _cache()
    first = cache.get(_account())
    # Another AccountRef over an equal (fresh) credentials dict: the same identity.
    assert cache.get(_account()) is first
    assert cache.get(AccountRef("x", "kim_polehan", {"user_id": "42", "access_token": SECRET}, True)) is first
    assert len(recorder.built) == 1 and len(cache) == 1


def test_changed_credentials_build_a_new_client():
    cache, recorder = _cache()
    old = cache.get(_account(token=SECRET))
    new = cache.get(_account(token=SECRET + "-baru"))
    assert new is not old and len(recorder.built) == 2
    assert cache.get(_account(token=SECRET)) is old, "the old entry stays until it ages out"


@pytest.mark.parametrize(
    "other",
    [
        _account(handle="kim_dampit"),
        _account(sandbox=False),
        AccountRef("facebook", "kim_polehan", {"access_token": SECRET, "user_id": "42"}, True),
    ],
)
def test_platform_handle_and_sandbox_are_part_of_the_identity(other):
    cache, _ = _cache()
    assert cache.get(other) is not cache.get(_account())


def test_key_holds_no_credential_in_clear():
    key = client_key(_account())
    assert SECRET not in repr(key)
    assert key[:3] == ("x", "kim_polehan", True)
    assert key[3] == credentials_digest({"user_id": "42", "access_token": SECRET}), "canonical: key order is irrelevant"


def test_cache_is_bounded_and_evicts_the_least_recently_used():
    cache, recorder = _cache(maxsize=3)
    a, b, c = (cache.get(_account(handle=h)) for h in ("kim_a", "kim_b", "kim_c"))
    assert cache.get(_account(handle="kim_a")) is a  # a is now the most recent
    d = cache.get(_account(handle="kim_d"))
    assert len(cache) == 3
    assert b.closed and not (a.closed or c.closed or d.closed)
    assert cache.get(_account(handle="kim_b")) is not b, "the evicted account is rebuilt"
    assert len(recorder.built) == 5 and len(cache) == 3


def test_threads_never_share_a_client():
    cache, _ = _cache()
    mine = cache.get(_account())
    seen: dict[str, Built] = {}

    def other_thread() -> None:
        seen["first"] = cache.get(_account())
        seen["second"] = cache.get(_account())

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen["first"] is seen["second"], "reused within its own thread"
    assert seen["first"] is not mine
    assert cache.get(_account()) is mine


def test_an_idle_client_is_rebuilt_and_closed():
    now = [100.0]
    cache, _ = _cache(max_idle_s=30.0, clock=lambda: now[0])
    first = cache.get(_account())
    now[0] += 29.0
    assert cache.get(_account()) is first, "use refreshes the idle clock"
    now[0] += 29.0
    assert cache.get(_account()) is first
    now[0] += 31.0
    rebuilt = cache.get(_account())
    assert rebuilt is not first and first.closed


def test_discard_and_rekey():
    cache, _ = _cache()
    old_account, renewed = _account(token=SECRET), _account(token=SECRET + "-renewed")
    client = cache.get(old_account)
    cache.rekey(old_account, renewed)
    assert not client.closed, "the moved client stays usable"
    assert cache.get(renewed) is client
    assert cache.get(old_account) is not client
    cache.discard(renewed)
    assert client.closed and cache.get(renewed) is not client


def test_a_client_that_fails_to_close_is_still_dropped():
    def close(client: Built) -> None:
        raise OSError("already gone")

    cache: ClientCache[Built] = ClientCache(Built, close, maxsize=1)
    first = cache.get(_account(handle="kim_a"))
    cache.get(_account(handle="kim_b"))
    assert cache.get(_account(handle="kim_a")) is not first


class _Connector:
    """The shape ``drops_client_on_failure`` expects: ``_clients`` and ``(self, account, ...)``."""

    def __init__(self) -> None:
        self._clients, self.recorder = _cache()
        self.fail_with: BaseException | None = None
        self.check_error: Any = None

    @drops_client_on_failure
    def publish(self, account: AccountRef) -> Built:
        client = self._clients.get(account)
        if self.fail_with is not None:
            raise self.fail_with
        return client

    @drops_client_on_failure
    def check(self, account: AccountRef) -> AccountCheck:
        self._clients.get(account)
        return AccountCheck(self.check_error is None, "x", account.handle, error=self.check_error)


def _mapped_from(original: BaseException, error: Exception) -> Exception:
    """``error`` raised ``from None`` while handling ``original``, as the connectors do."""
    try:
        try:
            raise original
        except Exception:
            raise error from None
    except Exception as raised:
        return raised


@pytest.mark.parametrize(
    "failure,dropped",
    [
        (requests.ConnectionError("connection aborted"), True),
        (_mapped_from(requests.ReadTimeout("read timed out"), Ambiguous(code="connection_lost")), True),
        (_mapped_from(requests.ConnectionError("reset"), Ambiguous(code="thread_partial")), True),
        (Ambiguous(code="connection_lost"), True),
        (Rejected(code="duplicate"), False),
        (_mapped_from(ValueError("bad json"), Ambiguous(code="unknown")), False),
        (RuntimeError("soft time limit exceeded"), True),  # escaped the taxonomy: stopped half way
    ],
)
def test_a_network_failure_or_an_unmapped_one_drops_the_client(failure, dropped):
    connector = _Connector()
    client = connector.publish(_account())
    connector.fail_with = failure
    with pytest.raises(type(failure)):
        connector.publish(_account())
    connector.fail_with = None
    assert (connector.publish(_account()) is not client) == dropped
    assert client.closed == dropped


def test_a_check_that_met_a_network_failure_drops_the_client():
    connector = _Connector()
    client = connector.publish(_account())
    connector.check_error = Rejected(code="wrong_page")
    connector.check(_account())
    assert connector.publish(_account()) is client
    connector.check_error = Ambiguous(code="connection_lost")
    connector.check(_account())
    assert connector.publish(_account()) is not client and client.closed


def test_a_forked_child_never_reuses_the_parents_clients(monkeypatch):
    import connectors.clients as clients

    cache, _ = _cache()
    parent = cache.get(_account())
    real_pid = clients.os.getpid()
    monkeypatch.setattr(clients.os, "getpid", lambda: real_pid + 1)
    child = cache.get(_account())
    assert child is not parent
    assert not parent.closed, "the parent's sockets are not the child's to close"
    assert cache.get(_account()) is child
