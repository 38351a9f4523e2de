"""``siar seed``: load shipped reference data."""

from __future__ import annotations

import click


@click.group()
def seed() -> None:
    """Isi data acuan / load reference data."""


@seed.command("malang")
def malang() -> None:
    """Muat 5 kecamatan dan 57 kelurahan Kota Malang (aman diulang) / load Kota Malang's kelurahan (idempotent)."""
    from scheduler.store import migrate
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.seed import seed_malang

    if migrate.current() is None:
        raise click.ClickException(
            "Basis data belum dimigrasikan; jalankan `siar db upgrade` dulu. "
            "/ Database not migrated; run `siar db upgrade` first."
        )
    engine = make_engine()
    try:
        with make_session_factory(engine).begin() as session:
            result = seed_malang(session)
    finally:
        engine.dispose()
    click.echo(
        f"Ditambahkan: {result.kelurahan_added} kelurahan di {result.kecamatan_added} kecamatan "
        f"(total {result.kelurahan_total} kelurahan di {result.kecamatan_total} kecamatan). "
        f"/ Added {result.kelurahan_added} kelurahan in {result.kecamatan_added} kecamatan."
    )
