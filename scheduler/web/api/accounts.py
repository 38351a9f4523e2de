"""Social accounts: connect (with credentials, or a sandbox account), read, check, slots, pacing.

Credentials are write-only: accepted in ``POST``, stored encrypted, never
returned (no output schema has a field for them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field, model_validator

from scheduler.domain.model import Platform, SocialAccount
from scheduler.services.accounts import manage as accounts
from scheduler.services.accounts import platform_check as account_checks
from scheduler.services.people.authz import Cap
from scheduler.web.api.kims import resolve_kim_id
from scheduler.web.deps import ActorDep, ContextDep, LanguageDep, NowDep, SettingsDep, UowDep, only
from scheduler.web.schemas import (
    KIM_FILTER,
    KIM_TO_ACT_IN,
    Flag,
    Id,
    IdPath,
    InputModel,
    Int,
    OutputModel,
    TimeZoneName,
)

router = APIRouter(prefix="/accounts", tags=["accounts"])


class SlotIO(InputModel):
    weekday: Int = Field(ge=0, le=6, description="0 = Senin / Monday")
    at: str = Field(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM (00:00-23:59), local to the account's zone"
    )


class AccountIn(InputModel):
    kim: Id | str | None = Field(default=None, description=KIM_TO_ACT_IN)
    platform: Platform
    handle: str = Field(min_length=1, max_length=100)
    credentials: dict[str, Any] | None = Field(default=None, description="Write-only")
    sandbox: Flag = False
    timezone: TimeZoneName | None = Field(default=None, description="Default: the KIM's zone")
    slots: list[SlotIO] = Field(default_factory=list, max_length=168)

    @model_validator(mode="after")
    def _credentials_or_sandbox(self) -> AccountIn:
        if self.sandbox == (self.credentials is not None):
            raise ValueError("give either credentials or sandbox=true / isi credentials atau sandbox=true")
        return self


class SlotOut(OutputModel):
    weekday: int
    at: str


class AccountOut(OutputModel):
    id: int
    kim_id: int
    platform: str
    handle: str
    status: str
    status_reason: str | None
    paused_until: datetime | None
    timezone: str
    slots: list[SlotOut]
    min_spacing_seconds: int | None
    daily_cap: int | None
    sandbox: bool
    created_at: datetime | None

    @classmethod
    def of(cls, a: SocialAccount) -> AccountOut:
        assert a.id is not None
        return cls(
            id=a.id,
            kim_id=a.kim_id,
            platform=str(a.platform),
            handle=a.handle,
            status=str(a.status),
            status_reason=a.status_reason,
            paused_until=a.paused_until,
            timezone=a.timezone,
            slots=[SlotOut(weekday=s.weekday, at=s.at.strftime("%H:%M")) for s in a.slots],
            min_spacing_seconds=a.min_spacing_seconds,
            daily_cap=a.daily_cap,
            sandbox=a.sandbox,
            created_at=a.created_at,
        )


class SlotsIn(InputModel):
    slots: list[SlotIO] = Field(max_length=168)


class PacingIn(InputModel):
    min_spacing_seconds: Int | None = Field(default=None, ge=0, le=7 * 86400)
    daily_cap: Int | None = Field(default=None, ge=1, le=1000)


class CheckOut(OutputModel):
    ok: bool
    status: str
    remote_user_id: str | None = None
    error: dict[str, str] | None = None


@router.post("", status_code=201, response_model=AccountOut, **only(Cap.MANAGE_ACCOUNTS))
def add_account(body: AccountIn, actor: ActorDep, uow: UowDep, now: NowDep, settings: SettingsDep) -> AccountOut:
    """Connect an account to a KIM (KIM admins). ``{"sandbox": true}`` makes a training account.

    Credentials hold the platform's known keys only (scheduler/services/accounts/credentials.py): an
    address or any unknown key is refused, and nothing is stored.
    """
    kim_id = resolve_kim_id(uow, actor, body.kim)
    from scheduler.services.people.authz import authorize

    authorize(actor, Cap.MANAGE_ACCOUNTS, kim_id, what="kim")  # before calling the sandbox
    credentials = body.credentials
    if body.sandbox:
        credentials = account_checks.create_sandbox_credentials(
            settings.sandbox_url, body.platform.value, body.handle.lstrip("@")
        )
    account = accounts.add_account(
        uow,
        actor,
        kim_id=kim_id,
        platform=body.platform,
        handle=body.handle,
        credentials=credentials or {},
        now=now,
        sandbox=body.sandbox,
        timezone=body.timezone,
        slots=[s.model_dump() for s in body.slots],
    )
    return AccountOut.of(account)


@router.get("", response_model=list[AccountOut])
def list_accounts(
    actor: ActorDep,
    uow: UowDep,
    kim: str | None = Query(default=None, max_length=100, description=KIM_FILTER),
) -> list[AccountOut]:
    """The accounts of the visible KIMs, by KIM and id."""
    kim_id = resolve_kim_id(uow, actor, kim) if kim else None
    return [AccountOut.of(a) for a in accounts.list_accounts(uow, actor, kim_id)]


@router.get("/{account_id:int}", response_model=AccountOut)
def get_account(account_id: IdPath, actor: ActorDep, uow: UowDep) -> AccountOut:
    return AccountOut.of(accounts.get_account(uow, actor, account_id))


@router.post("/{account_id:int}/check", response_model=CheckOut, **only(Cap.MANAGE_ACCOUNTS))
def check_account(
    account_id: IdPath, actor: ActorDep, uow: UowDep, now: NowDep, ctx: ContextDep, lang: LanguageDep
) -> CheckOut:
    """Ask the platform whether the stored credentials still work."""
    assert ctx.connector_for is not None
    result = account_checks.check_account(uow, actor, account_id, connector_for=ctx.connector_for, now=now)
    error = (
        None
        if result.ok
        else {
            "code": result.error_code or "check_failed",
            "message": (result.message_en if lang == "en" else result.message_id) or "",
        }
    )
    return CheckOut(ok=result.ok, status=result.status, remote_user_id=result.remote_user_id, error=error)


@router.put("/{account_id:int}/slots", response_model=AccountOut, **only(Cap.MANAGE_ACCOUNTS))
def set_slots(account_id: IdPath, body: SlotsIn, actor: ActorDep, uow: UowDep, now: NowDep) -> AccountOut:
    """Replace the weekly posting slots."""
    return AccountOut.of(accounts.set_slots(uow, actor, account_id, [s.model_dump() for s in body.slots], now=now))


@router.put("/{account_id:int}/pacing", response_model=AccountOut, **only(Cap.MANAGE_ACCOUNTS))
def set_pacing(account_id: IdPath, body: PacingIn, actor: ActorDep, uow: UowDep, now: NowDep) -> AccountOut:
    """Minimum spacing and daily cap (null: the platform's default)."""
    return AccountOut.of(
        accounts.set_pacing(
            uow, actor, account_id, now=now, min_spacing_seconds=body.min_spacing_seconds, daily_cap=body.daily_cap
        )
    )
