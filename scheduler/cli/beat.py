"""``siar beat``: the one Celery beat that ticks dispatch, sweep and reconcile."""

from __future__ import annotations

import click

from scheduler.cli._context import bilingual_errors


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--loglevel", "-l", default=None, help="Tingkat log / log level (SIAR_LOG_LEVEL).")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@bilingual_errors
def beat(loglevel: str | None, celery_args: tuple[str, ...]) -> None:
    """Jalankan Celery beat (satu saja per instalasi) / run Celery beat (exactly one per site).

    Two beats are harmless for correctness (claims are atomic) but waste work.
    """
    from config.settings import get_settings

    settings = get_settings()
    settings.ensure_dirs()
    argv = ["beat", f"--loglevel={loglevel or settings.log_level}", *celery_args]
    from workers import app

    app.start(argv)
