"""KIMs: register one (staff), list the visible ones."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import Field

from scheduler.domain.model import DEFAULT_TIMEZONE, Kim
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap
from scheduler.services.registry import kims
from scheduler.web.dates import IsoDate
from scheduler.web.deps import ActorDep, NowDep, UowDep, only
from scheduler.web.schemas import MAX_ID, Flag, IdPath, InputModel, OutputModel, TimeZoneName

router = APIRouter(prefix="/kims", tags=["kims"])


class KimIn(InputModel):
    kelurahan: str = Field(
        min_length=1,
        max_length=100,
        description="Kode atau nama kelurahan / the kelurahan's code or name (`GET /api/v1/kelurahan`); unknown: 404",
    )
    name: str = Field(min_length=1, max_length=120, pattern=r"\S", description="Not only spaces")
    slug: str | None = Field(
        default=None,
        max_length=80,
        pattern="[A-Za-z0-9]",
        description="Default: made from the name (or the kelurahan's code)",
    )
    formed_on: IsoDate | None = Field(default=None, description="Not after today in the KIM's time zone")
    timezone: TimeZoneName = DEFAULT_TIMEZONE  # type: ignore[assignment]  # a name, as the validator gives
    allow_self_approval: Flag = False


class KimOut(OutputModel):
    id: int
    name: str
    slug: str
    kelurahan_code: str
    formed_on: date | None
    timezone: str
    allow_self_approval: bool
    created_at: datetime | None


def resolve_kim_id(uow: AbstractUnitOfWork, actor: Actor, kim: int | str | None) -> int:
    """A KIM reference from a request (id, slug, or nothing = the caller's own KIM)."""
    from scheduler.domain import input_checks as checks
    from scheduler.services.people.authz import not_found

    if kim is None or kim == "":
        if actor.kim_id is None:
            raise checks.invalid("kim", "kim_required", "Sebutkan KIM-nya.", "Name the KIM.")
        return actor.kim_id
    if isinstance(kim, int) or (isinstance(kim, str) and kim.isascii() and kim.isdigit()):
        if not 1 <= int(kim) <= MAX_ID:
            raise not_found("kim", "kim")
        found: Kim = kims.get_kim(uow, actor, kim_id=int(kim))
    else:
        found = kims.get_kim(uow, actor, slug=kim)
    assert found.id is not None
    return found.id


@router.post("", status_code=201, response_model=KimOut, **only(Cap.MANAGE_REGISTRY))
def create_kim(body: KimIn, actor: ActorDep, uow: UowDep, now: NowDep) -> Kim:
    """Register the KIM of a kelurahan (staff, superadmin)."""
    return kims.create_kim(
        uow,
        actor,
        kelurahan_code=body.kelurahan,
        name=body.name,
        now=now,
        slug=body.slug,
        formed_on=body.formed_on,
        timezone=body.timezone,
        allow_self_approval=body.allow_self_approval,
    )


@router.get("", response_model=list[KimOut])
def list_kims(actor: ActorDep, uow: UowDep) -> list[Kim]:
    """The KIMs the caller may see: its own, or all for staff."""
    return kims.list_kims(uow, actor)


@router.get("/{kim_id:int}", response_model=KimOut)
def get_kim(kim_id: IdPath, actor: ActorDep, uow: UowDep) -> Kim:
    return kims.get_kim(uow, actor, kim_id=kim_id)
