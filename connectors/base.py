"""The connector contract: value types, the error taxonomy and the Connector protocol.

Every platform connector (``x.py``, ``facebook.py``, ``instagram.py``, and the
``fake.py`` used by unit tests) has the same shape:

* ``platform`` (``"x"``, ``"facebook"``, ``"instagram"``) and ``limits``;
* ``validate(content) -> list[Problem]`` (no I/O);
* ``publish(account, content) -> PublishResult`` -- exactly ONE create call
  (a thread or an album is one logical create); never retried inside;
* ``find_recent(account, since) -> list[RemotePost]`` -- for reconciliation;
* ``fetch_metrics(account, remote_ids) -> dict[id, Metrics | Missing]`` -- batched;
* ``delete(account, remote_id)``;
* ``check(account) -> AccountCheck``.

They return these value types, never raw JSON, and raise only the taxonomy
below (docs/design.md#error-categories). Nothing here imports
``scheduler``: arrows point inward.

Credentials that change (an Instagram session renewed by a fresh login) are
handed back through ``AccountRef.on_credentials_changed``: the caller stores
the new dict, encrypted, with the account. The callback runs before the
connector method returns or raises, so a renewed session is kept even when the
call that renewed it fails afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from connectors.errors import (  # re-exported: the taxonomy is part of the contract
    Ambiguous,
    AuthExpired,
    ConnectorError,
    MediaError,
    RateLimited,
    Rejected,
    Transient,
)

__all__ = [
    "AccountCheck",
    "AccountRef",
    "Ambiguous",
    "AuthExpired",
    "Connector",
    "ConnectorError",
    "Content",
    "Limits",
    "MediaError",
    "MediaFile",
    "Metrics",
    "Missing",
    "Problem",
    "PublishResult",
    "RateLimited",
    "Rejected",
    "RemotePost",
    "Transient",
]

MediaKindName = Literal["image", "video"]


@dataclass(frozen=True, repr=False)
class AccountRef:
    """One social account as a connector sees it.

    ``credentials`` is the decrypted dict the caller stores (the sandbox
    credentials contract: /_sandbox/accounts answers exactly this dict).
    ``sandbox`` set means a training account: every request goes to the
    sandbox the connector was configured with, never to the real platform.
    Where requests go is never part of the account (``transport.destination``).
    The repr never shows credentials.
    """

    platform: str
    handle: str
    credentials: Mapping[str, Any] = field(default_factory=dict, compare=False)
    sandbox: bool = False
    # Called with the complete new credentials dict when a connector renewed
    # them (e.g. a fresh Instagram login). The caller encrypts and stores it.
    on_credentials_changed: Callable[[dict[str, Any]], None] | None = field(default=None, compare=False)

    @classmethod
    def from_credentials(
        cls,
        credentials: Mapping[str, Any],
        *,
        sandbox: bool = False,
        on_credentials_changed: Callable[[dict[str, Any]], None] | None = None,
    ) -> AccountRef:
        """Build a ref from a credentials dict carrying ``platform`` and ``handle``.

        Nothing in the dict decides where requests go (a ``sandbox_base_url``
        the sandbox puts in the credentials it issues is ignored).
        """
        return cls(
            platform=str(credentials["platform"]),
            handle=str(credentials.get("handle", "")),
            credentials=dict(credentials),
            sandbox=sandbox,
            on_credentials_changed=on_credentials_changed,
        )

    def credential(self, name: str) -> str:
        """A required credential value; a missing one is an AuthExpired (reconnect the account)."""
        value = self.credentials.get(name)
        if value in (None, ""):
            raise AuthExpired(
                "Kredensial akun tidak lengkap; sambungkan ulang akun ini.",
                "The account's credentials are incomplete; reconnect this account.",
                code="missing_credential",
                platform=self.platform,
                detail=f"missing {name}",
            )
        return str(value)

    def credentials_changed(self, new_credentials: Mapping[str, Any]) -> None:
        """Hand renewed credentials back to the caller (no-op without a callback)."""
        if self.on_credentials_changed is not None:
            self.on_credentials_changed(dict(new_credentials))

    def __repr__(self) -> str:
        sandbox = ", sandbox=True" if self.sandbox else ""
        return f"AccountRef(platform={self.platform!r}, handle={self.handle!r}{sandbox})"

    __str__ = __repr__


@dataclass(frozen=True)
class MediaFile:
    """A local media file to publish. ``thumbnail`` is an optional JPEG for a video."""

    path: Path
    kind: MediaKindName
    mime: str
    thumbnail: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        if self.thumbnail is not None:
            object.__setattr__(self, "thumbnail", Path(self.thumbnail))


@dataclass(frozen=True)
class Content:
    """What to publish on one account.

    ``thread_parts``: on X, the tweets to post, in order, each replying to the
    one before (the media go with the first), exactly as given: the caller
    splits the text (Siar: the same rules that validated it and showed it
    to the author), connectors never do. Empty: one tweet of ``text``.
    Other platforms post ``text`` whole and ignore it.
    ``link``: a URL to attach (Facebook link preview; appended to the text
    elsewhere; on an X thread it must already be in one of the parts).
    """

    text: str = ""
    media: tuple[MediaFile, ...] = ()
    thread_parts: tuple[str, ...] = ()
    link: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "media", tuple(self.media))
        object.__setattr__(self, "thread_parts", tuple(self.thread_parts))

    @property
    def images(self) -> tuple[MediaFile, ...]:
        return tuple(m for m in self.media if m.kind == "image")

    @property
    def videos(self) -> tuple[MediaFile, ...]:
        return tuple(m for m in self.media if m.kind == "video")


@dataclass(frozen=True)
class Problem:
    """One reason a content cannot be published as is (from ``validate``)."""

    code: str
    message_id: str
    message_en: str
    field: str = "text"


@dataclass(frozen=True)
class Limits:
    """What a platform accepts. Sizes in bytes; aspect as width/height."""

    max_text: int
    text_counting: str  # "twitter-text-weighted" or "unicode-codepoints"
    max_media: int
    max_images: int
    max_videos: int
    mixed_media: bool  # images and a video in one post
    image_types: tuple[str, ...]
    video_types: tuple[str, ...]
    image_max_bytes: int
    video_max_bytes: int
    min_aspect: float | None = None
    max_aspect: float | None = None
    max_image_side: int | None = None
    max_hashtags: int | None = None
    requires_media: bool = False
    min_carousel: int = 2
    supports_thread: bool = False
    supports_link: bool = True


@dataclass(frozen=True)
class PublishResult:
    """The outcome of one successful create.

    ``remote_id`` identifies the post (on X the first tweet of a thread);
    ``part_ids`` lists every remote object created (all tweets of a thread).
    """

    remote_id: str
    permalink: str
    published_at: datetime
    part_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemotePost:
    """A post found on the platform (reconciliation)."""

    remote_id: str
    text: str
    created_at: datetime | None
    permalink: str
    media_count: int = 0


@dataclass(frozen=True)
class Metrics:
    """Normalized engagement for one post; ``raw`` keeps the platform's payload."""

    likes: int = 0
    comments: int = 0
    shares: int = 0
    views: int | None = None
    reach: int | None = None
    saves: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Missing:
    """The platform did not return this post (deleted, not visible, unknown id)."""

    remote_id: str
    reason: str = "not_found"


@dataclass(frozen=True)
class AccountCheck:
    """Result of ``check``: ``ok`` with the remote user id, or the error that says why not."""

    ok: bool
    platform: str
    handle: str
    remote_user_id: str | None = None
    error: ConnectorError | None = None


@runtime_checkable
class Connector(Protocol):
    """The shape every connector has (see module docstring)."""

    platform: str
    limits: Limits

    def validate(self, content: Content) -> list[Problem]: ...

    def publish(self, account: AccountRef, content: Content) -> PublishResult: ...

    def find_recent(self, account: AccountRef, since: datetime) -> list[RemotePost]: ...

    def fetch_metrics(self, account: AccountRef, remote_ids: list[str]) -> dict[str, Metrics | Missing]: ...

    def delete(self, account: AccountRef, remote_id: str) -> None: ...

    def check(self, account: AccountRef) -> AccountCheck: ...
