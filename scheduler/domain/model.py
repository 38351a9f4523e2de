"""Siar's entities (docs/design.md#domain).

Plain dataclasses: no ORM, no I/O, no clock. ``scheduler/store`` maps them
imperatively from the outside (cosmicpython style), so every field here is a
column or a relationship there. Instants are timezone-aware UTC ``datetime``s;
a zone travels beside an instant as an IANA name (``"Asia/Jakarta"``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol

DEFAULT_TIMEZONE = "Asia/Jakarta"


class Identified(Protocol):
    """An entity whose ``id`` the store assigns at its first flush."""

    id: int | None


def saved_id(entity: Identified) -> int:
    """The id of an entity the store has flushed; ``ValueError`` if it has none yet."""
    if entity.id is None:
        raise ValueError(f"{type(entity).__name__} has no id yet: flush it first")
    return entity.id


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:  # "x", not "Platform.X"
        return str(self.value)


class Role(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"
    STAFF = "staff"
    SUPERADMIN = "superadmin"


class Platform(StrEnum):
    X = "x"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    NEEDS_RECONNECT = "needs_reconnect"
    PAUSED = "paused"  # rate limited; see SocialAccount.paused_until


class ReviewState(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELED = "canceled"


class ScheduleKind(StrEnum):
    AT = "at"  # an instant chosen in a named zone
    NEXT_SLOT = "next_slot"  # the account's next free posting slot
    RECURRING = "recurring"  # an RFC 5545 RRULE from a local start


class TargetState(StrEnum):
    PENDING = "pending"  # post not yet approved
    SCHEDULED = "scheduled"
    QUEUED = "queued"  # claimed by dispatch under a lease
    PUBLISHING = "publishing"  # attempt row written, create call under way
    RETRY_WAIT = "retry_wait"
    PUBLISHED = "published"
    FAILED = "failed"
    NEEDS_RECONNECT = "needs_reconnect"
    UNKNOWN = "unknown"  # may or may not have been applied: reconcile
    CANCELED = "canceled"


class SubjectKind(StrEnum):
    PRODUCT = "product"
    DESTINATION = "destination"


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class AttemptOutcome(StrEnum):
    STARTED = "started"
    PUBLISHED = "published"
    RATE_LIMITED = "rate_limited"
    AUTH_EXPIRED = "auth_expired"
    REJECTED = "rejected"
    TRANSIENT = "transient"
    AMBIGUOUS = "ambiguous"
    LEASE_EXPIRED = "lease_expired"


@dataclass(frozen=True)
class PostingSlot:
    """A weekly local posting time: ``weekday`` 0=Monday .. 6=Sunday."""

    weekday: int
    at: time


@dataclass
class Kecamatan:
    code: str
    name: str


@dataclass
class Kelurahan:
    code: str
    name: str
    kecamatan_code: str


@dataclass
class Kim:
    kelurahan_code: str
    name: str
    slug: str
    formed_on: date | None = None
    timezone: str = DEFAULT_TIMEZONE
    # A KIM with a single admin may allow that admin to approve their own posts.
    allow_self_approval: bool = False
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class User:
    email: str
    name: str
    role: Role
    password_hash: str = ""
    kim_id: int | None = None  # None for staff and superadmin
    language: str = "id"  # "id" (Bahasa Indonesia) or "en"
    active: bool = True
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class ApiToken:
    user_id: int
    token_hash: str  # argon2 hash of the secret part; the clear token is shown once
    prefix: str  # public lookup part of the token
    name: str = ""
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    id: int | None = None


@dataclass
class SocialAccount:
    kim_id: int
    platform: Platform
    handle: str
    credentials_encrypted: str = ""  # Fernet token; never the clear JSON
    sandbox: bool = False  # a training account: its requests go to the configured sandbox
    status: AccountStatus = AccountStatus.ACTIVE
    paused_until: datetime | None = None
    status_reason: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    slots: list[PostingSlot] = field(default_factory=list)
    min_spacing_seconds: int | None = None  # None: the platform default
    daily_cap: int | None = None  # None: the platform default
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class Umkm:
    kelurahan_code: str
    name: str
    owner: str = ""
    kim_id: int | None = None
    id: int | None = None


@dataclass
class Product:
    umkm_id: int
    name: str
    category: str = ""  # e.g. "keripik", "kopi", "makanan olahan"
    id: int | None = None


@dataclass
class Destination:
    kelurahan_code: str
    name: str
    category: str = ""  # e.g. "wisata kampung", "taman", "kuliner"
    kim_id: int | None = None
    id: int | None = None


@dataclass
class MediaAsset:
    kim_id: int
    content_hash: str  # sha256 hex of the original bytes
    kind: MediaKind
    mime_type: str
    size_bytes: int
    storage_key: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    uploaded_by: int | None = None
    created_at: datetime | None = None
    id: int | None = None


@dataclass
class MediaVariant:
    """A platform-ready derivative of a MediaAsset (e.g. Instagram JPEG padded to 4:5)."""

    asset_id: int
    platform: Platform
    storage_key: str
    mime_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    id: int | None = None


@dataclass
class Post:
    kim_id: int
    author_id: int
    text: str
    media_ids: list[int] = field(default_factory=list)  # ordered
    tags: list[str] = field(default_factory=list)
    subject_kind: SubjectKind | None = None
    subject_id: int | None = None
    review_state: ReviewState = ReviewState.DRAFT
    schedule_kind: ScheduleKind = ScheduleKind.AT
    schedule_at: datetime | None = None  # UTC instant (AT) or first occurrence (RECURRING)
    schedule_zone: str = DEFAULT_TIMEZONE  # the zone the author chose the time in
    recurrence_rule: str | None = None  # RFC 5545 RRULE, local to schedule_zone
    recurrence_until: datetime | None = None
    expanded_until: datetime | None = None  # recurring: targets exist up to here
    as_thread: bool = False  # X: split over-long text into a thread
    dedupe_key: str | None = None  # CSV import: same row twice creates nothing
    reviewed_by: int | None = None
    reviewed_at: datetime | None = None
    rejection_reason: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    targets: list[PostTarget] = field(default_factory=list)
    id: int | None = None


@dataclass
class PostTarget:
    """One post on one account, at one instant (one occurrence for recurring posts)."""

    account_id: int
    post_id: int | None = None
    text_override: str | None = None
    # X: the tweets this target publishes, in order (one unless it is a thread),
    # as checked when its content was last written (rules.PlatformRules.parts);
    # empty on platforms without threads.
    thread_parts: list[str] = field(default_factory=list)
    scheduled_at: datetime | None = None  # UTC
    scheduled_zone: str = DEFAULT_TIMEZONE
    occurrence: int = 0  # recurring posts: 0, 1, 2 ...
    state: TargetState = TargetState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None  # retry_wait: when to queue again
    lease_token: str | None = None
    lease_until: datetime | None = None
    content_fingerprint: str | None = None  # for reconciliation after an unknown outcome
    remote_id: str | None = None
    permalink: str | None = None
    published_at: datetime | None = None
    last_error_code: str | None = None
    last_error_message: str | None = None  # a message a member can act on
    # latest engagement (the history lives in EngagementSnapshot)
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    reach: int | None = None
    saves: int | None = None
    metrics_captured_at: datetime | None = None
    remote_missing: bool = False  # deleted or missing on the platform
    engagement_due_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None


@dataclass
class PublishAttempt:
    target_id: int
    number: int
    started_at: datetime
    lease_token: str | None = None
    finished_at: datetime | None = None
    outcome: AttemptOutcome = AttemptOutcome.STARTED
    error_code: str | None = None
    error_message: str | None = None
    id: int | None = None


@dataclass
class EngagementSnapshot:
    target_id: int
    captured_at: datetime
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    reach: int | None = None
    saves: int | None = None
    remote_missing: bool = False
    raw: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class AuditEvent:
    at: datetime
    action: str  # "post.create", "post.approve", ...
    actor_id: int | None = None  # None for the system (workers)
    kim_id: int | None = None
    post_id: int | None = None
    target_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
