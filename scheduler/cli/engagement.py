"""``siar engagement refresh [--kim SLUG] [--now]``: run one engagement round now."""

from __future__ import annotations

import json

import click

from scheduler.cli._context import bilingual_errors


@click.group()
def engagement() -> None:
    """Keterlibatan (suka, komentar, tayangan) / engagement collection."""


@engagement.command()
@click.option("--kim", "kim_slug", default=None, help="Hanya KIM ini (slug) / only this KIM (slug).")
@click.option(
    "--now",
    "force",
    is_flag=True,
    help="Segarkan semua unggahan terbit yang belum melewati usia maksimum, tanpa menunggu "
    "jadwal (tetap dalam batas panggilan) / refresh every published post younger than the "
    "maximum age now, not only the due ones (still within the call budgets).",
)
@click.option(
    "--max-age-days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Berhenti menyegarkan unggahan setelah sekian hari (bawaan 90) / stop refreshing posts "
    "older than this many days (default 90).",
)
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON / JSON output.")
@bilingual_errors
def refresh(kim_slug: str | None, force: bool, max_age_days: int | None, as_json: bool) -> None:
    """Jalankan satu putaran pengambilan metrik / run one metrics collection round."""
    import sqlalchemy as sa

    from config.settings import get_settings
    from scheduler.domain.engagement import RefreshPolicy
    from scheduler.domain.errors import NotFound
    from scheduler.services.engagement.collection import refresh_round
    from scheduler.services.engagement.config import EngagementConfig
    from scheduler.services.wiring import build_pipeline
    from scheduler.store.tables import kims

    settings = get_settings()
    pipeline = build_pipeline(settings)
    if kim_slug:
        with pipeline.engine.connect() as conn:
            if conn.execute(sa.select(kims.c.id).where(kims.c.slug == kim_slug)).first() is None:
                raise NotFound("kim_not_found", f"KIM '{kim_slug}' tidak ditemukan.", f"KIM '{kim_slug}' not found.")
    config = EngagementConfig.from_settings(settings)
    if max_age_days:
        config = EngagementConfig(policy=RefreshPolicy.with_max_age_days(max_age_days), profiles=config.profiles)
    report = refresh_round(pipeline, config, kim_slug=kim_slug, force=force)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    click.echo(
        f"Putaran selesai / round done: {report.due} jatuh tempo / due, {report.measured} diukur / "
        f"measured, {report.missing} hilang / missing, {report.waiting_budget} menunggu batas panggilan / "
        f"waiting for budget, {report.deferred_rate_limited} ditunda (rate limit) / deferred, "
        f"{report.failed} gagal sementara / failed for now, {report.unconfirmed} tak terlihat di feed / "
        f"not seen in the feed, {report.calls} panggilan / calls."
    )
    for line in report.errors:
        click.echo(f"  - {line}", err=True)
