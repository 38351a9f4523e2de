"""``siar keys``: credential-encryption keys."""

from __future__ import annotations

import click
from cryptography.fernet import Fernet

from scheduler.cli._context import bilingual_errors, open_uow, utcnow


@click.group()
def keys() -> None:
    """Kunci enkripsi kredensial / credential-encryption keys."""


@keys.command("generate")
def generate() -> None:
    """Cetak kunci baru untuk SIAR_SECRET_KEY / print a new key for SIAR_SECRET_KEY."""
    click.echo(Fernet.generate_key().decode())


@keys.command("rotate")
@bilingual_errors
def rotate() -> None:
    """Enkripsi ulang semua kredensial dengan kunci terbaru / re-encrypt every credential with the newest key.

    Put the new key first in SIAR_SECRET_KEY (``NEW,OLD``), run this, then drop OLD.
    """
    from scheduler.services.accounts import secrets
    from scheduler.services.people.actors import Actor

    count = secrets.rotate_all(open_uow(), Actor.system(), now=utcnow())
    click.echo(f"{count} akun dienkripsi ulang / {count} accounts re-encrypted")
