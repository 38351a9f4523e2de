"""``siar worker``: a Celery worker on Siar's queues (Celery's own worker command)."""

from __future__ import annotations

import click

from scheduler.cli._context import bilingual_errors

ALL_QUEUES = "dispatch,publish,engagement"

#: Celery worker steps Siar does not use. Gossip and mingle exchange worker
#: state over broadcast queues; Siar's liveness is the heartbeats table and
#: its state is the database. Gossip's restart after a lost Redis connection
#: is where Celery 5 workers die ("Error on restarting Gossip", then an
#: unrecoverable AttributeError on ``hostname``, celery/kombu#582), so a
#: worker without it reconnects instead of exiting. Remote control
#: (``celery inspect``) and task events for Flower (``-E``) are unaffected.
WITHOUT_STEPS = ("--without-gossip", "--without-mingle")


@click.command(context_settings={"ignore_unknown_options": True})
@click.option(
    "--queues",
    "-Q",
    default=ALL_QUEUES,
    show_default=True,
    help="Antrean yang dilayani / queues to consume (comma-separated).",
)
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(min=1),
    default=None,
    help="Jumlah proses/thread / worker processes or threads (default: CPU count).",
)
@click.option(
    "--pool",
    type=click.Choice(["prefork", "threads", "solo"]),
    default=None,
    help="Jenis pool Celery / Celery pool (default: prefork).",
)
@click.option("--hostname", "-n", default=None, help="Nama node / node name (e.g. w1@%h).")
@click.option("--loglevel", "-l", default=None, help="Tingkat log / log level (SIAR_LOG_LEVEL).")
@click.option(
    "--beat",
    "-B",
    "embed_beat",
    is_flag=True,
    help="Jalankan beat di proses ini (hanya untuk satu mesin) / embed beat (one machine only).",
)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@bilingual_errors
def worker(
    queues: str,
    concurrency: int | None,
    pool: str | None,
    hostname: str | None,
    loglevel: str | None,
    embed_beat: bool,
    celery_args: tuple[str, ...],
) -> None:
    """Jalankan worker Celery / run a Celery worker (extra arguments go to Celery)."""
    from config.settings import get_settings

    settings = get_settings()
    settings.ensure_dirs()
    settings.secret_keys()  # refuse to start without a usable key (production)
    argv = ["worker", f"--queues={queues}", f"--loglevel={loglevel or settings.log_level}", *WITHOUT_STEPS]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    if pool:
        argv.append(f"--pool={pool}")
    if hostname:
        argv.append(f"--hostname={hostname}")
    if embed_beat:
        argv.append("--beat")
    argv.extend(celery_args)
    from workers import app

    app.worker_main(argv)
