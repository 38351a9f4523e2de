"""``siar sandbox ...``: run the platform sandbox."""
from __future__ import annotations

import click


@click.group()
def sandbox() -> None:
    """Sandbox platform (X, Facebook, Instagram) untuk latihan, demo dan pengujian."""


@sandbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat dengar / listen address.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0 = bebas / any free port).")
@click.option("--state", type=click.Path(dir_okay=False), default=None,
              help="Berkas SQLite agar data bertahan saat restart / SQLite file so data survives a restart.")
def serve_command(host: str, port: int, state: str | None) -> None:
    """Jalankan sandbox (ketiga platform dan API admin di satu origin) / Serve the sandbox."""
    from sandbox.server import serve

    where = state or "sementara, dibuang saat berhenti / temporary, discarded on exit"
    serve(host, port, state, announce=lambda url: click.echo(
        f"Sandbox Siar di / at {url} (admin: {url}/_sandbox/, state: {where})", err=False))
