"""``siar serve``: the web application (JSON API and sign-in) under uvicorn."""

from __future__ import annotations

import click

from scheduler.cli._context import bilingual_errors


@click.command()
@click.option("--host", default=None, help="Alamat / address (SIAR_WEB_HOST, default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (SIAR_WEB_PORT, default 8000).")
@bilingual_errors
def serve(host: str | None, port: int | None) -> None:
    """Jalankan aplikasi web / run the web application."""
    import uvicorn

    from config.settings import get_settings
    from scheduler.web.app import create_app

    settings = get_settings()
    app = create_app(settings)
    # uvicorn's defaults: X-Forwarded-For is believed only from FORWARDED_ALLOW_IPS
    # (127.0.0.1 unless set), i.e. a reverse proxy on the same machine; the sign-in
    # throttle then sees each browser's own address.
    uvicorn.run(
        app, host=host or settings.web_host, port=port or settings.web_port, log_level=settings.log_level.lower()
    )
