"""Ready library clients kept per account, so repeated calls reuse one session.

Building a tweepy ``Client`` / facebook-sdk ``GraphAPI`` / instagrapi ``Client``
means a new ``requests.Session``, freshly mounted transports (each with its own
urllib3 pool) and a new TCP connection per call. ``ClientCache`` keeps the
built client of each account instead, so its session and keep-alive
connection serve the next publish, read or delete.

* Key: ``(platform, handle, sandbox, sha256 of the credentials)``.
  Credentials never appear in a key in clear; changed credentials (a
  reconnect, a renewed Instagram session) give another key, hence a new
  client, and the old entry ages out.
* Per thread: a ``requests.Session`` must not be shared between threads
  (Celery's threads pool), so each thread has its own entries. A forked child
  (Celery prefork) starts empty: inherited sockets are never reused.
* Bounded: least recently used first out beyond ``maxsize`` entries per thread.
* Idle clients older than ``max_idle_s`` are rebuilt: a connection idle that
  long may have been closed (or silently dropped by a NAT) by the other end,
  and a create sent into it would come back Ambiguous.
* A call that failed on the network (or outside the taxonomy) drops its
  client (``drops_client_on_failure``): the next call starts with a fresh
  session and connection.

Evicted and dropped clients are closed (their pooled connections released).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar

from connectors.base import AccountCheck, AccountRef
from connectors.errors import ConnectorError, network_state

C = TypeVar("C")
F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_MAXSIZE = 256
DEFAULT_MAX_IDLE_S = 30.0
# Taxonomy codes of failures on the wire (errors.COMMON_RULES).
NETWORK_CODES = frozenset({"network_unreachable", "connection_lost"})

ClientKey = tuple[str, str, bool, str]


def credentials_digest(credentials: Mapping[str, Any]) -> str:
    """sha256 of the credentials' canonical JSON (sorted keys): equal dicts, equal digest."""
    canonical = json.dumps(credentials, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def client_key(account: AccountRef) -> ClientKey:
    """The cache key of ``account``: identity in clear, credentials only as a digest."""
    return (account.platform, account.handle, account.sandbox, credentials_digest(account.credentials))


@dataclass
class _Entry(Generic[C]):
    client: C
    used_at: float


class _PerThread(threading.local):
    """One thread's entries (``threading.local`` runs ``__init__`` once per thread)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.entries: OrderedDict[ClientKey, _Entry[Any]] = OrderedDict()


class ClientCache(Generic[C]):
    """Per-thread LRU of built clients; ``build`` makes one, ``close`` releases one."""

    def __init__(
        self,
        build: Callable[[AccountRef], C],
        close: Callable[[C], None],
        *,
        maxsize: int = DEFAULT_MAXSIZE,
        max_idle_s: float = DEFAULT_MAX_IDLE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self._build = build
        self._close = close
        self.maxsize = maxsize
        self.max_idle_s = max_idle_s
        self._clock = clock
        self._local = _PerThread()

    def _entries(self) -> OrderedDict[ClientKey, _Entry[C]]:
        local = self._local
        if local.pid != os.getpid():  # forked: the parent's sockets are not ours to use or close
            local.pid, local.entries = os.getpid(), OrderedDict()
        return local.entries

    def get(self, account: AccountRef) -> C:
        """This thread's client for ``account``, built on first use (or after expiry)."""
        entries = self._entries()
        key = client_key(account)
        now = self._clock()
        entry = entries.get(key)
        if entry is not None and now - entry.used_at > self.max_idle_s:
            del entries[key]
            self._close_quietly(entry.client)
            entry = None
        if entry is None:
            entry = _Entry(self._build(account), now)
            self._insert(entries, key, entry)
        else:
            entry.used_at = now
            entries.move_to_end(key)
        return entry.client

    def rekey(self, old: AccountRef, new: AccountRef) -> None:
        """Move the client of ``old`` under ``new`` without closing it.

        For credentials renewed by the client itself (an Instagram login): it
        is the right client for the new credentials, and the old ones must not
        get it back.
        """
        entries = self._entries()
        entry = entries.pop(client_key(old), None)
        if entry is None:
            return
        new_key = client_key(new)
        replaced = entries.pop(new_key, None)
        if replaced is not None and replaced.client is not entry.client:
            self._close_quietly(replaced.client)
        entry.used_at = self._clock()
        self._insert(entries, new_key, entry)

    def discard(self, account: AccountRef) -> None:
        """Drop (and close) this thread's client for ``account``, if any."""
        entry = self._entries().pop(client_key(account), None)
        if entry is not None:
            self._close_quietly(entry.client)

    def __len__(self) -> int:
        """Clients held for the calling thread."""
        return len(self._entries())

    def _insert(self, entries: OrderedDict[ClientKey, _Entry[C]], key: ClientKey, entry: _Entry[C]) -> None:
        entries[key] = entry
        while len(entries) > self.maxsize:
            self._close_quietly(entries.popitem(last=False)[1].client)

    def _close_quietly(self, client: C) -> None:
        try:
            self._close(client)
        except Exception:
            pass


def spoils_client(error: BaseException) -> bool:
    """Whether a failure may have left the client or its connection unusable.

    A failure on the wire -- also once mapped into the taxonomy: by its code,
    or by its ``__context__`` (``raise ... from None`` keeps the original
    there) -- or anything that escaped the taxonomy (a bug, an interrupt such
    as Celery's soft time limit), which may have stopped the client half way.
    """
    if not isinstance(error, ConnectorError):
        return True
    return error.code in NETWORK_CODES or network_state(error) is not None


class _HasClients(Protocol):
    _clients: ClientCache[Any]


S = TypeVar("S", bound=_HasClients)
P = ParamSpec("P")
R = TypeVar("R")


def drops_client_on_failure(
    method: Callable[Concatenate[S, AccountRef, P], R],
) -> Callable[Concatenate[S, AccountRef, P], R]:
    """Decorate a connector method ``(self, account, ...)``: a spoiling failure drops the client.

    Covers a raised error and the ``error`` of a returned ``AccountCheck``.
    """

    @functools.wraps(method)
    def wrapper(self: S, account: AccountRef, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = method(self, account, *args, **kwargs)
        except BaseException as error:
            if spoils_client(error):
                self._clients.discard(account)
            raise
        if isinstance(result, AccountCheck) and result.error is not None and spoils_client(result.error):
            self._clients.discard(account)
        return result

    return wrapper
