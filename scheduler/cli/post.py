"""``siar post add``: write, submit and approve a post from the command line.

Drives the publishing pipeline without the web app (operators, demos,
tests). It goes through the same services as the web (compose, submit,
approve), so every check, pacing and audit event applies.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scheduler.cli._context import bilingual_errors, fail, open_uow, utcnow

if TYPE_CHECKING:
    from scheduler.services.people.actors import Actor
    from scheduler.services.posts.scheduling import ScheduleIntent


@click.group()
def post() -> None:
    """Unggahan / posts."""


@post.command("add")
@click.option(
    "--account",
    "account_ids",
    type=int,
    multiple=True,
    required=True,
    help="ID akun media sosial (boleh berulang) / social account id (repeatable).",
)
@click.option("--text", required=True, help="Isi unggahan / post text.")
@click.option(
    "--media",
    "media_files",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="Berkas media (berulang) / media file (repeatable).",
)
@click.option(
    "--at",
    "at_text",
    default=None,
    help="Waktu ISO-8601; tanpa offset berarti zona --zone / ISO-8601 instant; without an offset it is read in --zone.",
)
@click.option("--next-slot", is_flag=True, help="Slot kosong berikutnya / the next free slot.")
@click.option(
    "--rrule",
    "rule",
    default=None,
    help="Berulang (RFC 5545, mis. FREQ=WEEKLY;BYDAY=MO) mulai --at / "
    "recurring (RFC 5545, e.g. FREQ=WEEKLY;BYDAY=MO) from --at.",
)
@click.option(
    "--until", "until_text", default=None, help="Akhir pengulangan (ISO-8601) / end of the recurrence (ISO-8601)."
)
@click.option("--zone", default=None, help="Zona waktu (default SIAR_TIMEZONE, WIB) / time zone.")
@click.option(
    "--as", "as_email", default=None, help="Penulis (email) / author's e-mail (default: the KIM's first admin)."
)
@click.option("--thread", is_flag=True, help="X: pecah teks panjang jadi utas / split into a thread.")
@click.option("--no-approve", is_flag=True, help="Hanya ajukan, jangan setujui / submit only, do not approve.")
@bilingual_errors
def add(
    account_ids: tuple[int, ...],
    text: str,
    media_files: tuple[Path, ...],
    at_text: str | None,
    next_slot: bool,
    rule: str | None,
    until_text: str | None,
    zone: str | None,
    as_email: str | None,
    thread: bool,
    no_approve: bool,
) -> None:
    """Buat, ajukan dan setujui unggahan / create, submit and approve a post."""
    from config.settings import get_settings
    from scheduler.domain.model import Role, saved_id
    from scheduler.domain.timezones import get_zone
    from scheduler.services.people.actors import Actor
    from scheduler.services.posts.compose import compose_post
    from scheduler.services.posts.review import approve_post
    from scheduler.services.posts.scheduling import ScheduleIntent

    settings = get_settings()
    zone = zone or settings.timezone
    if bool(at_text) == next_slot:
        fail("pilih salah satu: --at WAKTU atau --next-slot", "choose exactly one of --at TIME or --next-slot")
    if (rule or until_text) and not at_text:
        fail("--rrule dan --until perlu --at (kapan mulai)", "--rrule and --until need --at (when the series starts)")
    if until_text and not rule:
        fail("--until hanya untuk jadwal berulang (--rrule)", "--until is for recurring schedules only (--rrule)")
    if next_slot:
        intent = ScheduleIntent.next_slot()
    elif rule:
        start = _intent_at(at_text or "", zone).at
        until = _intent_at(until_text, zone).at if until_text else None
        if start is None:  # _intent_at always gives an instant
            raise ValueError("--at gave no instant")
        intent = ScheduleIntent.recurring(rule.strip(), start, zone, until)
    else:
        intent = _intent_at(at_text or "", zone)
    now = utcnow()
    uow = open_uow()
    with uow:
        found = [(i, uow.accounts.get(i)) for i in account_ids]
        missing = [i for i, a in found if a is None]
        if missing:
            fail(f"akun {missing} tidak ditemukan", f"account(s) {missing} not found")
        accounts = [a for _, a in found if a is not None]
        kim_ids = {a.kim_id for a in accounts}
        if len(kim_ids) != 1:
            fail("semua akun harus milik satu KIM", "all accounts must belong to one KIM")
        kim_id = kim_ids.pop()
        if as_email:
            author = uow.users.get_by_email(as_email)
            if author is None:
                fail(f"pengguna {as_email} tidak ditemukan", f"user {as_email} not found")
        else:
            admins = uow.users.list_by_kim(kim_id, Role.ADMIN)
            if not admins:
                fail("KIM ini belum punya admin; pakai --as EMAIL", "this KIM has no admin; use --as EMAIL")
            author = admins[0]
    actor = Actor.of(author)
    media_ids = _upload_media(actor, kim_id, media_files, now)
    created = compose_post(
        open_uow(),
        actor,
        kim_id=kim_id,
        text=text,
        targets=list(account_ids),
        schedule=intent,
        now=now,
        media_ids=media_ids,
        as_thread=thread,
        submit=True,
    )
    if not no_approve:
        # The operator at the server's console approves: Siar's system actor (audited as such).
        created = approve_post(open_uow(), Actor.system(), saved_id(created), now=now)
    tz = get_zone(zone)
    click.echo(f"Unggahan #{created.id} dibuat, status {created.review_state}.")
    for target in created.targets:
        when = target.scheduled_at.astimezone(tz).strftime("%d-%m-%Y %H:%M:%S %Z") if target.scheduled_at else "-"
        click.echo(f"  target #{target.id}: akun #{target.account_id}, {target.state}, {when}")


def _intent_at(text: str, zone: str) -> ScheduleIntent:
    from scheduler.services.posts.scheduling import ScheduleIntent

    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(
            f"waktu {text!r} bukan ISO-8601 (contoh 2026-12-01T09:00+07:00)",
            f"time {text!r} is not ISO-8601 (e.g. 2026-12-01T09:00+07:00)",
        )
    if at.tzinfo is None:
        return ScheduleIntent.at_local(at, zone)
    return ScheduleIntent.at_instant(at, zone)


def _upload_media(actor: Actor, kim_id: int, files: tuple[Path, ...], now: datetime) -> list[int]:
    """Store media files through the media service, if the installed Siar has one."""
    if not files:
        return []
    try:
        from scheduler.domain.model import saved_id
        from scheduler.services.posts import media as media_service

        upload = media_service.upload_media
    except (ImportError, AttributeError):
        fail(
            "unggah media lewat CLI belum tersedia di versi ini; kirim tanpa --media",
            "media upload from the CLI is not available in this version; post without --media",
        )
    ids = []
    for path in files:
        asset = upload(open_uow(), actor, kim_id=kim_id, filename=path.name, data=path.read_bytes(), now=now)
        ids.append(saved_id(asset))
    return ids
