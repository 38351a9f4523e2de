"""What posts promote: UMKM with their products, and tourist destinations.

KIM admins register those of their own KIM; staff and superadmins any (a
subject without a KIM is shared city data every KIM may pick).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from scheduler.domain import input_checks as checks
from scheduler.domain.model import Destination, Product, Umkm
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found


def _place(uow: AbstractUnitOfWork, actor: Actor, kelurahan_code: str, kim_id: int | None) -> str:
    if kim_id is not None:
        authorize(actor, Cap.MANAGE_POSTS, kim_id, what="kim")
        if uow.kims.get(kim_id) is None:
            raise not_found("kim", "kim")
    else:
        authorize(actor, Cap.MANAGE_REGISTRY)
    kelurahan = uow.kelurahan.get((kelurahan_code or "").strip())
    if kelurahan is None:
        raise checks.invalid(
            "kelurahan",
            "unknown_kelurahan",
            f"Kelurahan '{kelurahan_code}' tidak dikenal.",
            f"Unknown kelurahan '{kelurahan_code}'.",
        )
    return kelurahan.code


_Subject = TypeVar("_Subject", bound=Umkm | Destination)


def _register(
    uow: AbstractUnitOfWork,
    actor: Actor,
    kind: str,
    subject: Callable[[str], _Subject],
    store: Callable[[AbstractUnitOfWork, _Subject], _Subject],
    *,
    kelurahan_code: str,
    kim_id: int | None,
    now: datetime,
) -> _Subject:
    """Store ``subject(kelurahan code)`` of a checked place and audit ``<kind>.add`` (detail ``<kind>_id``)."""
    with uow:
        code = _place(uow, actor, kelurahan_code, kim_id)
        stored = store(uow, subject(code))
        uow.flush()
        audit.record(uow, actor, f"{kind}.add", now, kim_id=kim_id, **{f"{kind}_id": stored.id})
        uow.commit()
        return stored


def add_umkm(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kelurahan_code: str,
    name: str,
    now: datetime,
    owner: str = "",
    kim_id: int | None = None,
) -> Umkm:
    """Register a UMKM (small business) of a kelurahan."""
    name = checks.required_text(name, "name", "Nama UMKM", "Business name", 200)
    return _register(
        uow,
        actor,
        "umkm",
        lambda code: Umkm(kelurahan_code=code, name=name, owner=(owner or "").strip()[:200], kim_id=kim_id),
        lambda u, umkm: u.subjects.add_umkm(umkm),
        kelurahan_code=kelurahan_code,
        kim_id=kim_id,
        now=now,
    )


def add_product(
    uow: AbstractUnitOfWork, actor: Actor, *, umkm_id: int, name: str, now: datetime, category: str = ""
) -> Product:
    """Add a product (e.g. keripik tempe) to a UMKM."""
    name = checks.required_text(name, "name", "Nama produk", "Product name", 200)
    with uow:
        umkm = uow.subjects.get_umkm(umkm_id)
        if umkm is None:
            raise not_found("subject", "umkm")
        if umkm.kim_id is not None:
            authorize(actor, Cap.MANAGE_POSTS, umkm.kim_id, what="subject")
        else:
            authorize(actor, Cap.MANAGE_REGISTRY)
        assert umkm.id is not None  # a stored UMKM
        product = uow.subjects.add_product(Product(umkm_id=umkm.id, name=name, category=(category or "").strip()[:100]))
        uow.flush()
        audit.record(uow, actor, "product.add", now, kim_id=umkm.kim_id, product_id=product.id)
        uow.commit()
        return product


def add_destination(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kelurahan_code: str,
    name: str,
    now: datetime,
    category: str = "",
    kim_id: int | None = None,
) -> Destination:
    """Register a tourist destination of a kelurahan."""
    name = checks.required_text(name, "name", "Nama destinasi", "Destination name", 200)
    return _register(
        uow,
        actor,
        "destination",
        lambda code: Destination(
            kelurahan_code=code, name=name, category=(category or "").strip()[:100], kim_id=kim_id
        ),
        lambda u, destination: u.subjects.add_destination(destination),
        kelurahan_code=kelurahan_code,
        kim_id=kim_id,
        now=now,
    )
