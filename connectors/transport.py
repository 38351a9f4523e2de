"""The one HTTP transport every connector mounts on its library's own ``requests.Session``.

Why an adapter: tweepy, facebook-sdk and instagrapi all send through a
``requests.Session`` the caller can reach, and none sets a timeout by default
(docs/connectors.md). Mounting ``SiarTransport`` on the real platform origins gives,
without patching any library:

* timeouts on every request (connect 5 s / read 30 s unless told otherwise);
* NO retries at the HTTP layer (``max_retries=0``): a create call must never be
  re-sent behind the scheduler's back;
* sandbox redirection: for a sandbox account, scheme+host of the real origin is
  rewritten to the site's configured sandbox origin (``SIAR_SANDBOX_URL``, given
  to the connectors when they are built), path and query kept. OAuth1
  signatures were computed over the original https URL before ``send``, so the
  sandbox can verify them;
* a 408 answer raised as ``ServerTimedOut`` (a ConnectionError), because
  instagrapi would sleep 60 s and re-send the request, create included;
* a body read eagerly inside ``send``, so a connection dropped mid-body surfaces
  as ``requests.ConnectionError`` (libraries would otherwise see a
  ``ChunkedEncodingError`` and instagrapi re-sends after one).

Every other origin, ``https://`` or ``http://``, is refused (``OriginNotAllowed``),
for every account: a real account reaches only its platform's own origins, a
training account only the configured sandbox. Where requests go is decided by
the site's configuration alone (:func:`destination`), never by an account's
stored data; a redirect to another host is refused the same way.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from connectors.base import AccountRef
from connectors.errors import Transient

A = TypeVar("A", bound=HTTPAdapter)

# Real origins per platform (docs/connectors.md, "Transport and sandbox redirection").
X_ORIGINS = ("https://api.twitter.com", "https://api.x.com", "https://upload.twitter.com")
FACEBOOK_ORIGINS = ("https://graph.facebook.com",)
# b.i.instagram.com: instagrapi's CAA login fallback (Bloks, attestation) after a refused legacy login.
INSTAGRAM_ORIGINS = ("https://i.instagram.com", "https://www.instagram.com", "https://b.i.instagram.com")


@dataclass(frozen=True)
class Timeouts:
    """Connect and read timeouts in seconds, applied to every request."""

    connect: float = 5.0
    read: float = 30.0


class OriginNotAllowed(requests.exceptions.ConnectionError):
    """A request for an origin that is not mounted (not the platform's, not the sandbox); nothing was sent."""


class ServerTimedOut(requests.exceptions.ConnectionError):
    """The server answered 408: it gave up on the request. Raised as a connection failure
    because instagrapi answers a 408 by sleeping 60 s and re-sending (even a create)."""


def sandbox_origin(url: str | None) -> str | None:
    """``url`` as a bare origin (``http://127.0.0.1:8765``), or None for none; ValueError otherwise."""
    if url is None or not url.strip():
        return None
    parts = urlsplit(url.strip().rstrip("/"))
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise ValueError("the sandbox URL must be an origin like http://127.0.0.1:8765")
    return f"{parts.scheme}://{parts.netloc}"


def destination(account: AccountRef, sandbox_url: str | None) -> str | None:
    """Where ``account``'s requests go: None (the platform's own origins) or the sandbox origin.

    ``sandbox_url`` is the site's configured sandbox, given to the connector
    when it was built; the account only says whether it is a training account.
    A training account on a site without a sandbox sends nothing (it must never
    reach a real platform with its training credentials).
    """
    if not account.sandbox:
        return None
    if not sandbox_url:
        raise Transient(
            "Akun latihan (sandbox), tetapi server ini belum mengatur sandbox (SIAR_SANDBOX_URL); "
            "tidak ada yang dikirim.",
            "A training (sandbox) account, but this server has no sandbox configured "
            "(SIAR_SANDBOX_URL); nothing was sent.",
            code="sandbox_not_configured",
            platform=account.platform,
        )
    return sandbox_url


class SiarTransport(HTTPAdapter):
    """HTTPAdapter with fixed timeouts, no retries and optional origin rewrite."""

    def __init__(self, *, target_origin: str | None = None, timeouts: Timeouts = Timeouts()) -> None:
        super().__init__(max_retries=0)
        self.timeouts = timeouts
        origin = sandbox_origin(target_origin) if target_origin else None
        self.target = urlsplit(origin) if origin else None

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        timeout = self._timeout(timeout)
        if self.target is not None:
            request = request.copy()
            parts = urlsplit(request.url or "")
            request.url = urlunsplit((self.target.scheme, self.target.netloc, parts.path, parts.query, parts.fragment))
            proxies = {}  # the sandbox is local: never through an environment proxy
        response = super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        if response.status_code == 408:
            response.close()
            raise ServerTimedOut("the server answered 408 Request Timeout", request=request)
        if not stream:
            try:
                response.content  # noqa: B018 - read now, inside the transport
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
                response.close()
                raise requests.exceptions.ConnectionError(
                    "connection dropped while reading the response", request=request
                ) from exc
        return response

    def _timeout(self, timeout: Any) -> Any:
        if timeout is None:
            return (self.timeouts.connect, self.timeouts.read)
        if isinstance(timeout, tuple):
            connect, read = timeout
            return (connect or self.timeouts.connect, read or self.timeouts.read)
        return timeout


class RefusingAdapter(HTTPAdapter):
    """Mounted on ``https://`` and ``http://``: refuses any origin we did not map."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(request.url or ""))
        raise OriginNotAllowed(f"origin {origin} is not one of the platform's origins", request=request)


def mount_transport(
    session: requests.Session,
    origins: Iterable[str],
    *,
    sandbox_base_url: str | None = None,
    timeouts: Timeouts = Timeouts(),
) -> SiarTransport:
    """Mount this thread's ``SiarTransport`` on ``session`` for each real origin; return it.

    Prefixes end with "/" so ``https://api.x.com.example`` never matches.
    Every other ``https://`` and ``http://`` origin is refused. With a sandbox
    base URL (from :func:`destination`), the real origins are rewritten to it.

    The adapter (and so its urllib3 pool of keep-alive connections) is shared
    by every session this thread mounts with the same sandbox origin and
    timeouts: an HTTP connection belongs to a host, not to an account (each
    request carries its own credentials), so a worker publishing for many
    accounts reuses one connection per host instead of building a pool and
    connecting for every account.
    """
    adapter = _shared(
        ("siar", sandbox_base_url, timeouts),
        SiarTransport,
        lambda: SiarTransport(target_origin=sandbox_base_url, timeouts=timeouts),
    )
    refuse = _shared(("refuse",), RefusingAdapter, RefusingAdapter)
    session.mount("https://", refuse)
    session.mount("http://", refuse)
    if sandbox_base_url:
        session.trust_env = False  # the sandbox is local: never through an environment proxy
    for origin in origins:
        session.mount(origin.rstrip("/") + "/", adapter)
    return adapter


class _ThreadAdapters(threading.local):
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.adapters: dict[tuple[Any, ...], HTTPAdapter] = {}


_adapters = _ThreadAdapters()


def _shared(key: tuple[Any, ...], kind: type[A], build: Callable[[], A]) -> A:
    """This thread's adapter for ``key``, a ``kind`` (a forked child builds its own: no inherited sockets)."""
    if _adapters.pid != os.getpid():
        _adapters.pid, _adapters.adapters = os.getpid(), {}
    adapter = _adapters.adapters.get(key)
    if not isinstance(adapter, kind):  # not built yet (each key is built by one ``build``)
        adapter = _adapters.adapters[key] = build()
    return adapter
