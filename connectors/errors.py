"""The connector error taxonomy and the one mechanism that maps platform failures into it.

Taxonomy (docs/design.md#error-categories):

* ``RateLimited(retry_at)`` -- pause the account until ``retry_at``;
* ``AuthExpired`` -- the account needs reconnecting (token revoked, challenge, 2FA);
* ``Rejected(code, user_message)`` -- permanent: fix the post (``MediaError`` is one);
* ``Transient`` -- the request surely did not apply: retry later;
* ``Ambiguous`` -- it may have applied: reconcile before any retry.

Each connector keeps ONE table of ``Rule`` rows (predicate, taxonomy class,
code, Bahasa Indonesia and English message). It turns a library exception into
a ``Failure`` (status, platform codes, network state) and calls ``classify``,
which walks its table and then the ``COMMON_RULES`` here (network, 429, 5xx,
401, other 4xx). Messages are written for a KIM admin; they never contain
credentials or the library's own exception text (which may hold URLs with
tokens): the ``detail`` kept for operators is scrubbed.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

import requests
import urllib3.exceptions

from connectors.redaction import scrub

NetworkState = Literal["not_sent", "maybe_sent"]


class ConnectorError(Exception):
    """Base of the taxonomy. ``message_id``/``message_en`` are safe to show to a KIM admin."""

    kind: ClassVar[str] = "error"
    default_message_id: ClassVar[str] = "Terjadi kesalahan pada platform."
    default_message_en: ClassVar[str] = "The platform reported an error."

    def __init__(
        self,
        message_id: str | None = None,
        message_en: str | None = None,
        *,
        code: str | int | None = None,
        platform: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.message_id = message_id or self.default_message_id
        self.message_en = message_en or self.default_message_en
        self.code = str(code) if code is not None else self.kind
        self.platform = platform
        # Operator-facing hint (exception class, HTTP status, platform codes); scrubbed.
        self.detail = scrub(detail) if detail else None
        super().__init__(self.message_en)

    def message(self, lang: str = "id") -> str:
        """The admin-facing message in ``lang`` ("id" first, "en" otherwise)."""
        return self.message_id if lang == "id" else self.message_en

    def __str__(self) -> str:
        where = f"{self.platform}:" if self.platform else ""
        return f"[{where}{self.code}] {self.message_id} / {self.message_en}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, platform={self.platform!r}, "
            f"message_en={self.message_en!r}, detail={self.detail!r})"
        )


class RateLimited(ConnectorError):
    kind = "rate_limited"
    default_message_id = "Batas permintaan platform tercapai; akun dijeda sampai batas dibuka lagi."
    default_message_en = "The platform's rate limit was reached; the account is paused until it resets."

    def __init__(self, retry_at: datetime, *args: Any, **kwargs: Any) -> None:
        self.retry_at = retry_at
        super().__init__(*args, **kwargs)

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f", retry_at={self.retry_at.isoformat()!r})"


class AuthExpired(ConnectorError):
    kind = "auth_expired"
    default_message_id = "Akses ke akun ini tidak berlaku lagi; sambungkan ulang akun."
    default_message_en = "Access to this account is no longer valid; reconnect the account."


class Rejected(ConnectorError):
    """Permanent: the platform will not take this post as it is."""

    kind = "rejected"
    default_message_id = "Platform menolak postingan ini; periksa isi postingan."
    default_message_en = "The platform rejected this post; check its content."

    @property
    def user_message(self) -> str:
        """What the member should fix, in Bahasa Indonesia (``message_en`` has English)."""
        return self.message_id


class MediaError(Rejected):
    """A media file that cannot be prepared for a platform (bad, too big, unsupported)."""

    kind = "media_rejected"
    default_message_id = "Berkas media tidak dapat dipakai."
    default_message_en = "The media file cannot be used."


class Transient(ConnectorError):
    """The request surely did not apply: safe to retry later."""

    kind = "transient"
    default_message_id = "Platform sedang tidak dapat dihubungi; akan dicoba lagi."
    default_message_en = "The platform could not be reached; it will be retried."


class Ambiguous(ConnectorError):
    """The request may have applied: reconcile (find_recent) before retrying."""

    kind = "ambiguous"
    default_message_id = "Hasil pengiriman tidak pasti; sistem akan memeriksa apakah postingan sudah terbit."
    default_message_en = "The outcome is unknown; Siar will check whether the post was published."


# --------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class Failure:
    """A platform failure, normalized for matching against a rule table."""

    exc: BaseException
    create: bool  # the failed call was a create (never retried)
    status: int | None = None  # HTTP status when a response was received
    codes: tuple[Any, ...] = ()  # platform error codes / types
    message: str = ""  # platform message, for matching only
    retry_at: datetime | None = None  # from rate-limit headers, when known
    network: NetworkState | None = None

    def __post_init__(self) -> None:
        if self.network is None:
            object.__setattr__(self, "network", network_state(self.exc))


ErrorFactory = type[ConnectorError] | Callable[[Failure], type[ConnectorError]]


@dataclass(frozen=True)
class Rule:
    """One row of a connector's error table."""

    when: Callable[[Failure], bool]
    error: ErrorFactory
    code: str
    message_id: str
    message_en: str


def ambiguous_if_create(failure: Failure) -> type[ConnectorError]:
    """Ambiguous for a create (it may have applied), Transient for reads/deletes."""
    return Ambiguous if failure.create else Transient


# Predicate helpers so the tables read like tables.
def status_is(*statuses: int) -> Callable[[Failure], bool]:
    return lambda f: f.status in statuses


def status_between(low: int, high: int) -> Callable[[Failure], bool]:
    return lambda f: f.status is not None and low <= f.status <= high


def code_in(*codes: Any) -> Callable[[Failure], bool]:
    return lambda f: any(c in codes for c in f.codes)


def message_has(*needles: str) -> Callable[[Failure], bool]:
    lowered = tuple(n.lower() for n in needles)
    return lambda f: any(n in f.message.lower() for n in lowered)


def exc_is(*classes: type[BaseException]) -> Callable[[Failure], bool]:
    return lambda f: isinstance(f.exc, classes)


def network_is(state: NetworkState) -> Callable[[Failure], bool]:
    return lambda f: f.network == state


def all_of(*predicates: Callable[[Failure], bool]) -> Callable[[Failure], bool]:
    return lambda f: all(p(f) for p in predicates)


COMMON_RULES: tuple[Rule, ...] = (
    Rule(
        network_is("not_sent"),
        Transient,
        "network_unreachable",
        "Platform tidak dapat dihubungi (permintaan belum terkirim); akan dicoba lagi.",
        "The platform could not be reached (nothing was sent); it will be retried.",
    ),
    Rule(
        network_is("maybe_sent"),
        ambiguous_if_create,
        "connection_lost",
        "Sambungan terputus setelah permintaan terkirim; sistem akan memeriksa hasilnya.",
        "The connection dropped after the request was sent; Siar will check the outcome.",
    ),
    Rule(status_is(429), RateLimited, "rate_limited", RateLimited.default_message_id, RateLimited.default_message_en),
    Rule(
        status_between(500, 599),
        ambiguous_if_create,
        "server_error",
        "Platform mengalami gangguan (5xx); sistem akan memeriksa hasilnya.",
        "The platform had a server error (5xx); Siar will check the outcome.",
    ),
    Rule(status_is(401), AuthExpired, "unauthorized", AuthExpired.default_message_id, AuthExpired.default_message_en),
    Rule(status_between(400, 499), Rejected, "rejected", Rejected.default_message_id, Rejected.default_message_en),
)

DEFAULT_RATE_LIMIT_PAUSE = timedelta(minutes=15)


def classify(
    failure: Failure,
    table: tuple[Rule, ...],
    *,
    platform: str,
    now: Callable[[], datetime] | None = None,
) -> ConnectorError:
    """Map ``failure`` to a taxonomy error: first matching row of ``table``, then COMMON_RULES.

    Nothing matched: an unknown failure on a create is Ambiguous (it may have
    applied), elsewhere Transient.
    """
    for rule in (*table, *COMMON_RULES):
        if rule.when(failure):
            cls = rule.error if isinstance(rule.error, type) else rule.error(failure)
            return _build(cls, rule.code, rule.message_id, rule.message_en, failure, platform, now)
    cls = Ambiguous if failure.create else Transient
    return _build(cls, "unknown", cls.default_message_id, cls.default_message_en, failure, platform, now)


def _build(
    cls: type[ConnectorError],
    code: str,
    message_id: str,
    message_en: str,
    failure: Failure,
    platform: str,
    now: Callable[[], datetime] | None,
) -> ConnectorError:
    detail = describe(failure)
    if issubclass(cls, RateLimited):
        retry_at = failure.retry_at or (now or utcnow)() + DEFAULT_RATE_LIMIT_PAUSE
        return cls(retry_at, message_id, message_en, code=code, platform=platform, detail=detail)
    return cls(message_id, message_en, code=code, platform=platform, detail=detail)


def describe(failure: Failure) -> str:
    """Operator hint without library text that may carry URLs: class, status, codes, message."""
    parts = [type(failure.exc).__name__]
    if failure.status is not None:
        parts.append(f"status={failure.status}")
    if failure.codes:
        parts.append(f"codes={list(failure.codes)}")
    if failure.network:
        parts.append(f"network={failure.network}")
    if failure.message:
        parts.append(f"message={failure.message[:200]!r}")
    return " ".join(parts)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Exceptions that prove nothing left this machine: no connection was made.
_NOT_SENT = (
    requests.exceptions.ConnectTimeout,
    urllib3.exceptions.ConnectTimeoutError,  # includes NewConnectionError, NameResolutionError
    ConnectionRefusedError,
)
# Exceptions after which the request may have reached the platform.
_MAYBE_SENT = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
    http.client.HTTPException,
    ConnectionError,
    socket.timeout,
)


def network_state(exc: BaseException | None) -> NetworkState | None:
    """Whether a network failure happened before sending ("not_sent") or possibly after.

    Walks the exception's cause/context chain and wrapped reasons, because the
    libraries wrap requests' errors (instagrapi re-raises them as its own).
    """
    from connectors.transport import OriginNotAllowed  # local: transport imports errors' users

    seen: set[int] = set()
    stack: list[Any] = [exc]
    maybe_sent = False
    while stack:
        current = stack.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (*_NOT_SENT, OriginNotAllowed)):
            return "not_sent"
        if isinstance(current, _MAYBE_SENT):
            maybe_sent = True
        stack.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        stack.extend(a for a in current.args if isinstance(a, BaseException))
    return "maybe_sent" if maybe_sent else None


@dataclass
class ErrorMapper:
    """Binds a connector's table and platform: ``mapper(exc, create=..., **facts)``."""

    platform: str
    table: tuple[Rule, ...]
    now: Callable[[], datetime] = field(default=utcnow)

    def __call__(self, failure: Failure) -> ConnectorError:
        return classify(failure, self.table, platform=self.platform, now=self.now)
