"""``siar db``: the database schema (Alembic migrations)."""

from __future__ import annotations

import click


@click.group()
def db() -> None:
    """Basis data / database."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Revisi tujuan / target revision.")
def upgrade(revision: str) -> None:
    """Migrasikan basis data yang dikonfigurasi / migrate the configured database."""
    from config.settings import get_settings
    from scheduler.store import migrate

    url = get_settings().db_url  # migrate.upgrade creates a SQLite file's directory
    before = migrate.current(url)
    after = migrate.upgrade(url, revision)
    if before == after:
        click.echo(f"Basis data sudah pada revisi {after}. / Database already at revision {after}.")
    else:
        click.echo(
            f"Basis data dimigrasikan dari {before or 'kosong'} ke revisi {after}. "
            f"/ Database migrated from {before or 'empty'} to revision {after}."
        )


@db.command("current")
def current() -> None:
    """Tampilkan revisi basis data / show the database revision."""
    from config.settings import get_settings
    from scheduler.store import migrate

    revision = migrate.current(get_settings().db_url)
    head = migrate.head()
    if revision is None:
        click.echo(f"Basis data belum dimigrasikan (terbaru: {head}). / Database not migrated (head: {head}).")
    else:
        note = "terbaru / head" if revision == head else f"terbaru / head: {head}"
        click.echo(f"{revision} ({note})")
