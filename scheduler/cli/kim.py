"""``siar kim``: the KIM registry from the command line (runs as the operator)."""

from __future__ import annotations

from datetime import datetime

import click

from scheduler.cli._context import bilingual_errors, open_uow, utcnow


@click.group()
def kim() -> None:
    """Daftar KIM / the KIM registry."""


@kim.command("add")
@click.option("--kelurahan", "kelurahan_code", required=True, help="Kode kelurahan, mis. arjosari.")
@click.option("--name", required=True, help="Nama KIM.")
@click.option("--slug", default=None, help="Slug URL (bawaan: dari nama).")
@click.option(
    "--formed-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Tanggal pembentukan (YYYY-MM-DD)."
)
@click.option("--timezone", default="Asia/Jakarta", show_default=True, help="Zona waktu IANA.")
@click.option("--allow-self-approval", is_flag=True, help="Admin tunggal boleh menyetujui unggahannya sendiri.")
@bilingual_errors
def add(
    kelurahan_code: str,
    name: str,
    slug: str | None,
    formed_on: datetime | None,
    timezone: str,
    allow_self_approval: bool,
) -> None:
    """Daftarkan KIM sebuah kelurahan / register the KIM of a kelurahan."""
    from scheduler.services.people.actors import Actor
    from scheduler.services.registry.kims import create_kim

    created = create_kim(
        open_uow(),
        Actor.system(),
        kelurahan_code=kelurahan_code,
        name=name,
        slug=slug,
        formed_on=formed_on.date() if formed_on else None,
        timezone=timezone,
        allow_self_approval=allow_self_approval,
        now=utcnow(),
    )
    click.echo(f"KIM dibuat / KIM created: {created.slug} (id {created.id}, kelurahan {created.kelurahan_code})")
