"""The ``siar`` command.

Each group lives in its own module and is loaded only when named, so
``siar --help`` stays quick and a broken optional part cannot stop the rest.
"""

from __future__ import annotations

import importlib

import click

# command name -> "module:attribute" of a click command or group
COMMANDS: dict[str, str] = {
    "db": "scheduler.cli.db:db",
    "seed": "scheduler.cli.seed:seed",
    "kim": "scheduler.cli.kim:kim",
    "user": "scheduler.cli.users:user",
    "token": "scheduler.cli.users:token",
    "keys": "scheduler.cli.keys:keys",
    "sandbox": "sandbox.cli:sandbox",
    "worker": "scheduler.cli.worker:worker",
    "beat": "scheduler.cli.beat:beat",
    "status": "scheduler.cli.status:status",
    "post": "scheduler.cli.post:post",
    "serve": "scheduler.cli.serve:serve",
    "engagement": "scheduler.cli.engagement:engagement",
    "report": "scheduler.cli.report:report",
    "demo": "scheduler.cli.demo:demo",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="siar")
def main() -> None:
    """Siar: penjadwal dan pengirim silang unggahan media sosial untuk KIM Kota Malang."""
