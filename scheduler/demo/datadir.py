"""The demo's data directory: created fresh, recognised again, and its small state file.

A directory is only ever deleted (``--fresh``) if it carries the demo's
marker file or is empty, so ``siar demo --fresh --data-dir ~`` cannot wipe a
home directory. ``demo.json`` (mode 0600) remembers what a second run needs:
the sandbox port (every child's ``SIAR_SANDBOX_URL``), the printed passwords
and the API token (both exist nowhere else in clear).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scheduler.demo.catalog import DemoLogin
from scheduler.domain.errors import InvalidInput

MARKER = ".siar-demo"
STATE = "demo.json"


def prepare(data_dir: Path, fresh: bool) -> bool:
    """Make ``data_dir`` ready; True if it is new (or was wiped by ``fresh``)."""
    marked = (data_dir / MARKER).exists()
    non_empty = data_dir.exists() and any(data_dir.iterdir())
    if non_empty and not marked:
        raise InvalidInput(
            "not_a_demo_dir",
            f"{data_dir} berisi berkas lain dan bukan direktori demo Siar; pilih --data-dir yang kosong.",
            f"{data_dir} holds other files and is not a Siar demo directory; choose an empty --data-dir.",
            field="data_dir",
        )
    # An earlier run that stopped before it finished seeding left no state file: start over.
    if data_dir.exists() and (fresh or (marked and not (data_dir / STATE).exists())):
        shutil.rmtree(data_dir)
    new = not (data_dir / STATE).exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("Direktori data `siar demo` / data directory of `siar demo`\n")
    return new


def load_state(data_dir: Path) -> dict[str, Any] | None:
    """What an earlier run remembered, or None."""
    path = data_dir / STATE
    if not path.exists():
        return None
    state = json.loads(path.read_text())
    if not isinstance(state, dict):
        raise ValueError(f"{path}: not a JSON object")
    return state


def save_state(data_dir: Path, *, sandbox_port: int, logins: list[DemoLogin], api_token: str) -> None:
    """Remember the sandbox port, passwords and API token (file readable by its owner only)."""
    path = data_dir / STATE
    data = {"sandbox_port": sandbox_port, "api_token": api_token, "logins": [asdict(p) for p in logins]}
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=2)
    os.replace(path.with_suffix(".tmp"), path)


def logins_of(state: dict[str, Any]) -> list[DemoLogin]:
    return [DemoLogin(**p) for p in state.get("logins", [])]
