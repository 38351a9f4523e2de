"""Seed the demo site through the services: KIMs, people, subjects, sandbox accounts.

Everything a person could do goes through the same service functions the web
app and the CLI use (so the checks, encryption and audit events apply):
``create_kim``, ``add_user``, ``create_token``, ``add_account`` (credentials
encrypted), ``set_slots``, ``set_pacing``. UMKM, products and destinations have
no service yet and are added through the unit of work's subject repository.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from scheduler.demo.catalog import KIMS, DemoKim, DemoLogin, logins
from scheduler.demo.sandbox_admin import SandboxAdmin
from scheduler.domain.model import Destination, PostingSlot, Product, SubjectKind, Umkm, saved_id
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.accounts.credentials import issued_by_sandbox
from scheduler.services.accounts.manage import add_account, set_pacing
from scheduler.services.people.actors import Actor
from scheduler.services.people.tokens import create_token
from scheduler.services.people.users import add_user
from scheduler.services.registry.kims import create_kim

PLATFORMS = ("x", "facebook", "instagram")
#: Demo pacing: the platform defaults (5, 10 and 30 minutes between posts)
#: would spread the sample posts over hours; the demo wants them in minutes.
DEMO_MIN_SPACING_SECONDS = 10
DEMO_DAILY_CAP = 200
#: Weekly posting slots of every demo account ("next free slot" in the web app): 07:00, 12:00, 19:00 WIB.
DEMO_SLOT_TIMES = (time(7, 0), time(12, 0), time(19, 0))

UowFactory = Callable[[], AbstractUnitOfWork]


@dataclass
class SeededKim:
    """The ids of one seeded KIM."""

    spec: DemoKim
    id: int
    admin_id: int
    member_id: int
    accounts: dict[str, int] = field(default_factory=dict)  # platform -> account id
    #: product or destination name -> (kind, id): what the KIM's posts promote
    subjects: dict[str, tuple[SubjectKind, int]] = field(default_factory=dict)


@dataclass
class SeededSite:
    kims: list[SeededKim]
    logins: list[DemoLogin]
    api_token: str = field(repr=False, default="")


def new_password() -> str:
    """A password that is easy to read aloud in a training session ("malang-7f3a9c")."""
    return f"malang-{secrets.token_hex(3)}"


def seed_site(
    make_uow: UowFactory,
    sandbox: SandboxAdmin,
    now: datetime,
    password_for: Callable[[DemoLogin], str] = lambda _: new_password(),
) -> SeededSite:
    """Create the demo's KIMs, people, subjects and sandbox accounts; returns their ids.

    Runs once on an empty database (after migration and the Malang seed).
    """
    system = Actor.system()
    people = [replace(p, password=password_for(p)) for p in logins()]
    kim_ids: dict[str, int] = {}
    for spec in KIMS:
        kim = create_kim(
            make_uow(),
            system,
            kelurahan_code=spec.kelurahan_code,
            name=spec.name,
            slug=spec.slug,
            formed_on=date.fromisoformat(spec.formed_on),
            now=now,
        )
        kim_ids[spec.slug] = saved_id(kim)
    user_ids: dict[str, int] = {}
    for person in people:
        user = add_user(
            make_uow(),
            system,
            email=person.email,
            role=person.role,
            password=person.password,
            name=person.name,
            kim_slug=person.kim_slug,
            now=now,
        )
        user_ids[person.email] = saved_id(user)
    staff = next(p for p in people if p.role == "staff")
    token = create_token(make_uow(), system, staff.email, name="siar demo", now=now).token
    seeded = []
    for spec in KIMS:
        kim_id = kim_ids[spec.slug]
        admin = next(p for p in people if p.kim_slug == spec.slug and p.role == "admin")
        member = next(p for p in people if p.kim_slug == spec.slug and p.role == "member")
        site_kim = SeededKim(spec, kim_id, user_ids[admin.email], user_ids[member.email])
        _add_subjects(make_uow(), site_kim)
        for platform in PLATFORMS:
            site_kim.accounts[platform] = _connect(make_uow, sandbox, kim_id, platform, spec.handle, now)
        seeded.append(site_kim)
    return SeededSite(seeded, people, token)


def _add_subjects(uow: AbstractUnitOfWork, kim: SeededKim) -> None:
    with uow:
        for umkm_spec in kim.spec.umkm:
            umkm = uow.subjects.add_umkm(
                Umkm(kelurahan_code=kim.spec.kelurahan_code, name=umkm_spec.name, owner=umkm_spec.owner, kim_id=kim.id)
            )
            uow.flush()
            for product in umkm_spec.products:
                row = uow.subjects.add_product(
                    Product(umkm_id=saved_id(umkm), name=product.name, category=product.category)
                )
                uow.flush()
                kim.subjects[product.name] = (SubjectKind.PRODUCT, saved_id(row))
        for dest in kim.spec.destinations:
            destination = uow.subjects.add_destination(
                Destination(
                    kelurahan_code=kim.spec.kelurahan_code, name=dest.name, category=dest.category, kim_id=kim.id
                )
            )
            uow.flush()
            kim.subjects[dest.name] = (SubjectKind.DESTINATION, saved_id(destination))
        uow.commit()


def _connect(
    make_uow: UowFactory, sandbox: SandboxAdmin, kim_id: int, platform: str, handle: str, now: datetime
) -> int:
    """A sandbox account for the KIM, connected through the accounts service (encrypted)."""
    credentials = issued_by_sandbox(platform, sandbox.create_account(platform, handle))
    slots = [PostingSlot(weekday=d, at=t) for d in range(7) for t in DEMO_SLOT_TIMES]
    # A training account: the workers send its requests to SIAR_SANDBOX_URL (the demo sets it).
    account = add_account(
        make_uow(),
        Actor.system(),
        kim_id=kim_id,
        platform=platform,
        handle=handle,
        credentials=credentials,
        now=now,
        sandbox=True,
        slots=slots,
    )
    set_pacing(
        make_uow(),
        Actor.system(),
        saved_id(account),
        now=now,
        min_spacing_seconds=DEMO_MIN_SPACING_SECONDS,
        daily_cap=DEMO_DAILY_CAP,
    )
    return saved_id(account)


def load_site(make_uow: UowFactory, people: list[DemoLogin], token: str) -> SeededSite:
    """The ids of an already seeded demo site (a second ``siar demo`` on the same directory)."""
    out = []
    with make_uow() as uow:
        for spec in KIMS:
            kim = uow.kims.get_by_slug(spec.slug)
            if kim is None:
                continue
            kim_id = saved_id(kim)
            admins = uow.users.list_by_kim(kim_id, None)
            admin = next((u for u in admins if u.role == "admin"), None)
            member = next((u for u in admins if u.role == "member"), None)
            if admin is None or member is None:
                continue
            site_kim = SeededKim(spec, kim_id, saved_id(admin), saved_id(member))
            for account in uow.accounts.list_by_kim(kim_id):
                site_kim.accounts[str(account.platform)] = saved_id(account)
            for product in uow.subjects.list_products(kim_id):
                site_kim.subjects[product.name] = (SubjectKind.PRODUCT, saved_id(product))
            for destination in uow.subjects.list_destinations(kim_id):
                site_kim.subjects[destination.name] = (SubjectKind.DESTINATION, saved_id(destination))
            out.append(site_kim)
    return SeededSite(out, people, token)
