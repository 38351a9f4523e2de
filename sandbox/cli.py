"""``siar sandbox ...``: run the platform sandbox."""

from __future__ import annotations

import click


@click.group()
def sandbox() -> None:
    """Sandbox platform (X, Facebook, Instagram) untuk latihan, demo dan pengujian."""


@sandbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat dengar / listen address.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0 = bebas / any free port).")
@click.option(
    "--state",
    type=click.Path(dir_okay=False),
    default=None,
    help="Berkas SQLite agar data bertahan saat restart / SQLite file so data survives a restart.",
)
def serve_command(host: str, port: int, state: str | None) -> None:
    """Jalankan sandbox (ketiga platform dan API admin di satu origin) / Serve the sandbox."""
    from sandbox.server import serve

    where = state or "sementara, dibuang saat berhenti / temporary, discarded on exit"
    serve(
        host,
        port,
        state,
        announce=lambda url: click.echo(
            f"Sandbox Siar di / at {url} (admin: {url}/_sandbox/, state: {where})", err=False
        ),
    )


@sandbox.command("account")
@click.argument("platform", type=click.Choice(["x", "facebook", "instagram"]))
@click.argument("handle")
@click.option(
    "--url",
    default="http://127.0.0.1:8765",
    show_default=True,
    help="Origin sandbox yang berjalan / origin of the running sandbox.",
)
def account_command(platform: str, handle: str, url: str) -> None:
    """Buat akun latihan dan cetak kredensialnya (JSON) / Create a training account, print its credentials."""
    import json

    import requests

    try:
        reply = requests.post(
            url.rstrip("/") + "/_sandbox/accounts", json={"platform": platform, "handle": handle}, timeout=10
        )
    except requests.RequestException as exc:
        raise click.ClickException(
            f"Sandbox tidak terjangkau di {url} / sandbox not reachable at {url}: {exc}"
        ) from exc
    if reply.status_code >= 400:
        raise click.ClickException(reply.json().get("error", {}).get("message", reply.text))
    click.echo(json.dumps(reply.json(), indent=2))
