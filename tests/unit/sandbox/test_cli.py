"""``siar sandbox`` is routed to sandbox.cli and documents its options."""

from __future__ import annotations

from click.testing import CliRunner

from scheduler.cli import main


def test_siar_sandbox_serve_help():
    result = CliRunner().invoke(main, ["sandbox", "serve", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--host", "--port", "--state"):
        assert option in result.output


def test_sandbox_stands_alone():
    """The sandbox never imports the application (nor config, connectors, workers), except the tables
    it shares with Siar: Meta's Graph API versions and their end dates, and X's prices (standard library only)."""
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, sandbox\n"
        "for m in pkgutil.iter_modules(sandbox.__path__):\n"
        "    if m.name != '__main__': importlib.import_module('sandbox.' + m.name)\n"
        "shared = {'connectors', 'connectors.graph_versions', 'connectors.x_prices'}\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('scheduler', 'config', 'connectors', 'workers')\n"
        "       and m not in shared]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_siar_sandbox_account_prints_credentials():
    from sandbox.testing import running_sandbox

    with running_sandbox() as sb:
        result = CliRunner().invoke(main, ["sandbox", "account", "facebook", "kim_cli", "--url", sb.base_url])
        assert result.exit_code == 0, result.output
        assert '"page_access_token"' in result.output
    unreachable = CliRunner().invoke(main, ["sandbox", "account", "x", "kim", "--url", "http://127.0.0.1:9"])
    assert unreachable.exit_code != 0 and "tidak terjangkau" in unreachable.output
