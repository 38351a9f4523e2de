"""``siar keys``: credential-encryption keys."""
from __future__ import annotations

import click
from cryptography.fernet import Fernet


@click.group()
def keys() -> None:
    """Kunci enkripsi kredensial / credential-encryption keys."""


@keys.command("generate")
def generate() -> None:
    """Cetak kunci baru untuk SIAR_SECRET_KEY / print a new key for SIAR_SECRET_KEY."""
    click.echo(Fernet.generate_key().decode())
