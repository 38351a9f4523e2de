"""The KIM registry: one KIM per kelurahan at most (staff and superadmin)."""

from __future__ import annotations

from datetime import date, datetime

from scheduler.domain import input_checks as checks
from scheduler.domain.errors import Conflict, NotFound
from scheduler.domain.model import DEFAULT_TIMEZONE, Kim
from scheduler.domain.timezones import get_zone, zone_name
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found


def create_kim(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kelurahan_code: str,
    name: str,
    now: datetime,
    slug: str | None = None,
    formed_on: date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    allow_self_approval: bool = False,
) -> Kim:
    """Register the KIM of a kelurahan; returns it with its id.

    Unknown kelurahan -> NotFound(kelurahan), like any other reference to
    something that does not exist; a second KIM for the same kelurahan or a
    taken slug -> Conflict; an unknown zone -> InvalidInput(timezone). Without
    a ``slug`` it is made from the name, or, for a name with no letter or digit
    to make one of, from the kelurahan's code.
    """
    authorize(actor, Cap.MANAGE_REGISTRY)
    name = checks.required_text(name, "name", "Nama KIM", "KIM name", max_length=120)
    zone = zone_name(timezone)
    if slug and not checks.slugify(slug):
        raise checks.invalid(
            "slug", "invalid_slug", "Slug harus berisi huruf atau angka.", "The slug must contain letters or digits."
        )
    if formed_on is not None and formed_on > now.astimezone(get_zone(zone)).date():  # today there
        raise checks.invalid(
            "formed_on",
            "formed_in_future",
            "Tanggal pembentukan tidak boleh di masa depan.",
            "The formation date cannot be in the future.",
        )
    with uow:
        wanted = (kelurahan_code or "").strip()
        # The code, or the kelurahan's name ("Oro-oro Dowo" -> code "oro-oro-dowo").
        kelurahan = uow.kelurahan.get(wanted) or uow.kelurahan.get(checks.slugify(wanted))
        if kelurahan is None:
            raise NotFound(
                "unknown_kelurahan",
                f"Kelurahan '{kelurahan_code}' tidak dikenal.",
                f"Unknown kelurahan '{kelurahan_code}'.",
                field="kelurahan",
            )
        slug = checks.slugify(slug or name) or kelurahan.code
        if uow.kims.get_by_kelurahan(kelurahan.code) is not None:
            raise Conflict(
                "kim_exists_for_kelurahan",
                f"Kelurahan {kelurahan.name} sudah punya KIM.",
                f"Kelurahan {kelurahan.name} already has a KIM.",
                field="kelurahan",
            )
        if uow.kims.get_by_slug(slug) is not None:
            raise Conflict(
                "slug_taken", f"Slug '{slug}' sudah dipakai.", f"The slug '{slug}' is already taken.", field="slug"
            )
        kim = uow.kims.add(
            Kim(
                kelurahan_code=kelurahan.code,
                name=name,
                slug=slug,
                formed_on=formed_on,
                timezone=zone,
                allow_self_approval=allow_self_approval,
                created_at=now,
            )
        )
        uow.flush()
        audit.record(uow, actor, "kim.create", now, kim_id=kim.id, kelurahan=kelurahan.code, slug=slug)
        uow.commit()
        return kim


def get_kim(uow: AbstractUnitOfWork, actor: Actor, *, kim_id: int | None = None, slug: str | None = None) -> Kim:
    """A KIM by id or slug, if the actor may see it (else NotFound)."""
    with uow:
        kim = uow.kims.get(kim_id) if kim_id is not None else uow.kims.get_by_slug(slug or "")
        if kim is None:
            raise not_found("kim", "kim")
        authorize(actor, Cap.READ_KIM, kim.id, what="kim")
        return kim


def list_kims(uow: AbstractUnitOfWork, actor: Actor) -> list[Kim]:
    """The KIMs the actor may see (its own, or all of them for staff)."""
    with uow:
        return [k for k in uow.kims.list() if not actor.is_kim_bound or k.id == actor.kim_id]
