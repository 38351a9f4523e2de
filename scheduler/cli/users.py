"""``siar user`` and ``siar token``: people and API tokens (runs as the operator)."""

from __future__ import annotations

import sys

import click

from scheduler.cli._context import bilingual_errors, fail, open_uow, utcnow


def _read_password() -> str:
    """One line from stdin (prompted twice, hidden, on a terminal)."""
    if sys.stdin.isatty():
        return click.prompt("Kata sandi / password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@click.group()
def user() -> None:
    """Pengguna / users."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["member", "admin", "staff", "superadmin"]), help="Peran.")
@click.option("--kim", "kim_slug", default=None, help="Slug KIM (anggota dan admin).")
@click.option("--name", default=None, help="Nama tampilan.")
@click.option("--language", default="id", type=click.Choice(["id", "en"]), show_default=True)
@bilingual_errors
def add_user(email: str, role: str, kim_slug: str | None, name: str | None, language: str) -> None:
    """Tambah pengguna; kata sandi dibaca dari stdin / add a user; password read from stdin."""
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user as add
    from scheduler.services.people.users import check_password

    password = _read_password()
    check_password(password)  # before touching the database
    created = add(
        open_uow(),
        Actor.system(),
        email=email,
        role=role,
        password=password,
        kim_slug=kim_slug,
        name=name,
        language=language,
        now=utcnow(),
    )
    click.echo(f"Pengguna dibuat / user created: {created.email} ({created.role}, id {created.id})")


@click.group()
def token() -> None:
    """Token API / API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="", help="Catatan untuk token ini.")
@bilingual_errors
def create(email: str, name: str) -> None:
    """Buat token API dan cetak sekali / create an API token and print it once."""
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.tokens import create_token

    issued = create_token(open_uow(), Actor.system(), email, name=name, now=utcnow())
    # The token alone on stdout, so `TOKEN=$(siar token create ...)` works.
    click.echo(issued.token)
    click.echo(
        f"Simpan token ini sekarang; tidak akan ditampilkan lagi (prefiks {issued.prefix}). "
        f"/ Store this token now; it will not be shown again (prefix {issued.prefix}).",
        err=True,
    )


@token.command("revoke")
@click.argument("prefix")
@bilingual_errors
def revoke(prefix: str) -> None:
    """Cabut token API berdasarkan prefiksnya / revoke an API token by its prefix."""
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.tokens import revoke_token

    if prefix.startswith("siar_"):  # the whole token was pasted: use its prefix only
        parts = prefix.split("_", 2)
        prefix = parts[1] if len(parts) > 1 else ""
    if not prefix:
        fail("prefiks token kosong", "the token prefix is empty")
    revoke_token(open_uow(), Actor.system(), prefix, now=utcnow())
    click.echo(f"Token dicabut / token revoked: {prefix}")
