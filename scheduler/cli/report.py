"""``siar report engagement --from --to --by GROUP --format csv|xlsx|table``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from scheduler.cli._context import bilingual_errors, fail, utcnow

GROUP_HELP = "kim, kelurahan, kecamatan, platform, account, subject, category, day, week, month"


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(
            f"tanggal {field} harus YYYY-MM-DD, bukan '{value}'", f"the {field} date must be YYYY-MM-DD, not '{value}'"
        )
        raise  # unreachable: fail() exits


@click.group()
def report() -> None:
    """Laporan / reports."""


@report.command("engagement")
@click.option("--from", "first", required=True, help="Tanggal awal (lokal, YYYY-MM-DD) / start date.")
@click.option("--to", "last", required=True, help="Tanggal akhir (lokal, YYYY-MM-DD) / end date.")
@click.option(
    "--by",
    "groups",
    multiple=True,
    default=("kim",),
    show_default=True,
    help=f"Pengelompokan, boleh diulang atau dipisah koma / grouping, repeat or comma-separate: {GROUP_HELP}.",
)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "table"]), default="table", show_default=True)
@click.option("--kim", default=None, help="Hanya KIM ini (slug) / only this KIM.")
@click.option("--platform", type=click.Choice(["x", "facebook", "instagram"]), default=None)
@click.option(
    "--csv-dialect",
    type=click.Choice(["id", "intl"]),
    default="id",
    show_default=True,
    help="id: ';' dan koma desimal (Excel Indonesia) / intl: ',' and decimal point.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Berkas keluaran (wajib untuk xlsx kecuali ke pipa) / output file.",
)
@bilingual_errors
def engagement(
    first: str,
    last: str,
    groups: tuple[str, ...],
    fmt: str,
    kim: str | None,
    platform: str | None,
    csv_dialect: str,
    output: Path | None,
) -> None:
    """Laporan keterlibatan per kelompok / engagement report per grouping."""
    from config.settings import get_settings
    from scheduler.services.engagement.reports import build_report, render
    from scheduler.services.people.actors import Actor
    from scheduler.store.db import make_engine

    wanted = [g.strip() for item in groups for g in item.split(",") if g.strip()]
    engine = make_engine(get_settings().db_url, sqlite_begin="deferred")
    try:
        data = build_report(
            engine,
            Actor.system(),
            first=_date(first, "awal/start"),
            last=_date(last, "akhir/end"),
            groups=wanted,
            now=utcnow(),
            kim=kim,
            platform=platform,
        )
    finally:
        engine.dispose()
    payload = render(data, fmt, csv_dialect=csv_dialect)
    if output is not None:
        output.write_bytes(payload)
        click.echo(f"Laporan ditulis ke / report written to {output}", err=True)
        return
    if fmt == "xlsx" and sys.stdout.isatty():
        fail(
            "XLSX tidak bisa ditampilkan di terminal; pakai --output FILE",
            "XLSX cannot be shown in a terminal; use --output FILE",
        )
    if fmt == "table":
        click.echo(payload.decode("utf-8"), nl=False)
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
