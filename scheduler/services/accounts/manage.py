"""Social accounts of a KIM: connect, posting slots, pacing, reconnect (KIM admins), and the
account as a connector sees it (:func:`connector_account`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, time
from typing import Any

from connectors.base import AccountRef, AuthExpired
from scheduler.domain import input_checks as checks
from scheduler.domain import states
from scheduler.domain.errors import Conflict
from scheduler.domain.model import AccountStatus, Platform, PostingSlot, SocialAccount, TargetState
from scheduler.domain.timezones import zone_name
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.accounts import secrets
from scheduler.services.accounts.credentials import check_credentials
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found

MAX_SLOTS = 7 * 24


def _platform(value: Platform | str) -> Platform:
    return checks.member(
        Platform,
        value,
        "platform",
        "Platform tidak dikenal (x, facebook, instagram).",
        "Unknown platform (x, facebook, instagram).",
    )


def check_slots(slots: Iterable[PostingSlot | Mapping[str, Any]]) -> list[PostingSlot]:
    """Posting slots, validated, deduplicated and sorted by weekday and time."""
    out: set[PostingSlot] = set()
    for raw in slots:
        slot = raw if isinstance(raw, PostingSlot) else PostingSlot(weekday=raw.get("weekday"), at=raw.get("at"))  # type: ignore[arg-type]
        at = slot.at
        if isinstance(at, str):
            try:
                at = time.fromisoformat(at)
            except ValueError:
                at = None
        if not isinstance(slot.weekday, int) or not 0 <= slot.weekday <= 6 or not isinstance(at, time):
            raise checks.invalid(
                "slots",
                "invalid_slot",
                "Slot harus berisi hari 0-6 (Senin=0) dan jam JJ:MM.",
                "A slot needs a weekday 0-6 (Monday=0) and a time HH:MM.",
            )
        out.add(PostingSlot(weekday=slot.weekday, at=at.replace(second=0, microsecond=0, tzinfo=None)))
    if len(out) > MAX_SLOTS:
        raise checks.invalid("slots", "too_many_slots", "Terlalu banyak slot.", "Too many slots.")
    return sorted(out, key=lambda s: (s.weekday, s.at))


def _load(uow: AbstractUnitOfWork, actor: Actor, account_id: int, cap: Cap) -> SocialAccount:
    account = uow.accounts.get(account_id)
    if account is None:
        raise not_found("account", "account")
    authorize(actor, cap, account.kim_id, what="account")
    return account


def add_account(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kim_id: int,
    platform: Platform | str,
    handle: str,
    credentials: Mapping[str, Any],
    now: datetime,
    sandbox: bool = False,
    timezone: str | None = None,
    slots: Iterable[PostingSlot | Mapping[str, Any]] = (),
) -> SocialAccount:
    """Connect a social account to a KIM; credentials are checked, then stored encrypted only.

    ``sandbox``: a training account, whose requests go to the site's sandbox
    (``SIAR_SANDBOX_URL``); its credentials come from that sandbox
    (:func:`platform_check.create_sandbox_credentials`).
    """
    authorize(actor, Cap.MANAGE_ACCOUNTS, kim_id, what="kim")
    platform = _platform(platform)
    handle = checks.required_text((handle or "").strip().lstrip("@"), "handle", "Nama akun", "Account handle", 100)
    checked_slots = check_slots(slots)
    encrypted = secrets.encrypt_credentials(check_credentials(platform, credentials))
    with uow:
        kim = uow.kims.get(kim_id)
        if kim is None:
            raise not_found("kim", "kim")
        zone = zone_name(timezone or kim.timezone)
        for other in uow.accounts.list_by_kim(kim_id):
            if other.platform == platform and other.handle.lower() == handle.lower():
                raise Conflict(
                    "account_exists",
                    f"Akun {platform} @{handle} sudah tersambung.",
                    f"The {platform} account @{handle} is already connected.",
                    field="handle",
                )
        account = uow.accounts.add(
            SocialAccount(
                kim_id=kim_id,
                platform=platform,
                handle=handle,
                credentials_encrypted=encrypted,
                sandbox=bool(sandbox),
                timezone=zone,
                slots=checked_slots,
                created_at=now,
            )
        )
        uow.flush()
        audit.record(
            uow,
            actor,
            "account.add",
            now,
            kim_id=kim_id,
            account_id=account.id,
            platform=platform.value,
            handle=handle,
            sandbox=bool(sandbox),
        )
        uow.commit()
        return account


def get_account(uow: AbstractUnitOfWork, actor: Actor, account_id: int) -> SocialAccount:
    """An account the actor may see (never its clear credentials)."""
    with uow:
        return _load(uow, actor, account_id, Cap.READ_KIM)


def list_accounts(uow: AbstractUnitOfWork, actor: Actor, kim_id: int | None) -> list[SocialAccount]:
    """The accounts of a KIM the actor may see; ``None``: of every KIM it may see, by KIM."""
    if kim_id is None and actor.is_kim_bound:
        kim_id = actor.kim_id
    authorize(actor, Cap.READ_KIM, kim_id, what="kim")
    with uow:
        if kim_id is not None:
            return uow.accounts.list_by_kim(kim_id)
        if actor.is_kim_bound:  # bound to no KIM at all: nothing to see
            return []
        return [a for kim in uow.kims.list() if kim.id is not None for a in uow.accounts.list_by_kim(kim.id)]


def set_slots(
    uow: AbstractUnitOfWork,
    actor: Actor,
    account_id: int,
    slots: Iterable[PostingSlot | Mapping[str, Any]],
    *,
    now: datetime,
) -> SocialAccount:
    """Replace the account's weekly posting slots (local times in the account's zone)."""
    checked = check_slots(slots)
    with uow:
        account = _load(uow, actor, account_id, Cap.MANAGE_ACCOUNTS)
        account.slots = checked
        audit.record(
            uow,
            actor,
            "account.slots",
            now,
            kim_id=account.kim_id,
            account_id=account.id,
            slots=[f"{s.weekday}@{s.at:%H:%M}" for s in checked],
        )
        uow.commit()
        return account


def set_pacing(
    uow: AbstractUnitOfWork,
    actor: Actor,
    account_id: int,
    *,
    now: datetime,
    min_spacing_seconds: int | None = None,
    daily_cap: int | None = None,
) -> SocialAccount:
    """Override the platform's default pacing; None goes back to the default."""
    if min_spacing_seconds is not None and not 0 <= min_spacing_seconds <= 7 * 86400:
        raise checks.invalid(
            "min_spacing_seconds",
            "invalid_spacing",
            "Jarak minimal harus antara 0 detik dan 7 hari.",
            "The minimum spacing must be between 0 seconds and 7 days.",
        )
    if daily_cap is not None and not 1 <= daily_cap <= 1000:
        raise checks.invalid(
            "daily_cap",
            "invalid_daily_cap",
            "Batas harian harus antara 1 dan 1000.",
            "The daily cap must be between 1 and 1000.",
        )
    with uow:
        account = _load(uow, actor, account_id, Cap.MANAGE_ACCOUNTS)
        account.min_spacing_seconds = min_spacing_seconds
        account.daily_cap = daily_cap
        audit.record(
            uow,
            actor,
            "account.pacing",
            now,
            kim_id=account.kim_id,
            account_id=account.id,
            min_spacing_seconds=min_spacing_seconds,
            daily_cap=daily_cap,
        )
        uow.commit()
        return account


def mark_needs_reconnect(
    uow: AbstractUnitOfWork, actor: Actor, account_id: int, *, reason: str, now: datetime
) -> SocialAccount:
    """Flag an account whose credentials stopped working (workers: ``Actor.system()``)."""
    with uow:
        account = _load(uow, actor, account_id, Cap.MANAGE_ACCOUNTS)
        if account.status != AccountStatus.NEEDS_RECONNECT:
            account.status = AccountStatus.NEEDS_RECONNECT
            account.status_reason = (reason or "").strip()[:500] or None
            audit.record(
                uow,
                actor,
                "account.needs_reconnect",
                now,
                kim_id=account.kim_id,
                account_id=account.id,
                reason=account.status_reason,
            )
            uow.commit()
        return account


def reconnect(
    uow: AbstractUnitOfWork, actor: Actor, account_id: int, *, credentials: Mapping[str, Any], now: datetime
) -> SocialAccount:
    """Store fresh credentials, make the account active again, and reschedule its
    ``needs_reconnect`` targets (an instant already past moves to the next paced one)."""
    from scheduler.services.posts import scheduling  # scheduling imports accounts' neighbours

    with uow:
        account = _load(uow, actor, account_id, Cap.MANAGE_ACCOUNTS)
        encrypted = secrets.encrypt_credentials(check_credentials(account.platform, credentials))
        account.credentials_encrypted = encrypted
        account.status = AccountStatus.ACTIVE
        account.status_reason = None
        account.paused_until = None
        assert account.id is not None  # a stored account
        waiting = uow.targets.for_account_in_states(account.id, [TargetState.NEEDS_RECONNECT])
        for target in sorted(waiting, key=lambda t: (t.scheduled_at is None, t.scheduled_at)):
            states.transition(target, TargetState.SCHEDULED, now)
            scheduling.repace_if_past(uow, account, target, now)
        audit.record(
            uow, actor, "account.reconnect", now, kim_id=account.kim_id, account_id=account.id, rescheduled=len(waiting)
        )
        uow.commit()
        return account


def connector_account(
    platform: str,
    handle: str,
    credentials_encrypted: str,
    *,
    sandbox: bool,
    decrypt: Callable[[str], Mapping[str, Any]],
    on_credentials_changed: Callable[[dict[str, Any]], None] | None = None,
) -> AccountRef:
    """The account as a connector sees it: the one place an ``AccountRef`` is built
    (publishing, engagement collection, the account check).

    The credentials are decrypted in memory only; unreadable ones raise
    ``AuthExpired`` (the account must be reconnected). Where the connector sends
    the requests is the site's configuration alone: the platform's own origins,
    or for a training account (``sandbox``) the configured sandbox
    (``SIAR_SANDBOX_URL``, given to the connectors when they are built). Nothing
    stored with the account, credentials included, names a destination.
    """
    try:
        credentials = dict(decrypt(credentials_encrypted).items())
    except Exception:
        raise AuthExpired(
            "Kredensial akun tidak bisa dibuka; sambungkan ulang akun ini.",
            "The account's credentials cannot be read; reconnect this account.",
            code="credentials_unreadable",
            platform=str(platform),
        ) from None
    return AccountRef(
        platform=str(platform),
        handle=handle,
        credentials=credentials,
        sandbox=bool(sandbox),
        on_credentials_changed=on_credentials_changed,
    )
