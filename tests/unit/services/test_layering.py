"""The use-case modules of this area reach storage only through the ports.

They import no SQLAlchemy, no store, web, CLI or worker code, and never read
the clock (every function takes ``now``), so the fake unit of work and a fixed
clock exercise them completely.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SCHEDULER = Path(__file__).resolve().parents[3] / "scheduler"
SERVICES = SCHEDULER / "services"
#: Role folders whose every module keeps to the layer (docs/architecture.md).
FOLDERS = ["accounts", "audit", "posts", "registry"]
#: Single modules: people/ except sessions and login_throttle, which read and write their web tables
#: directly. (``scheduler/ports.py`` is checked too; the domain's checks are test_import_contract's.)
SINGLE = ["people/actors.py", "people/authz.py", "people/tokens.py", "people/users.py"]
MODULES = sorted(
    [f"services/{f.relative_to(SERVICES)}" for folder in FOLDERS for f in (SERVICES / folder).glob("*.py")]
    + [f"services/{name}" for name in SINGLE]
    + ["ports.py"]
)
FORBIDDEN = ("sqlalchemy", "scheduler.store", "scheduler.web", "scheduler.cli", "workers", "celery", "fastapi")
CLOCKS = {"now", "utcnow", "today"}


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found += [
            f"line {node.lineno}: imports {n}" for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)
        ]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLOCKS
            and isinstance(node.func.value, (ast.Name, ast.Attribute))
            and getattr(node.func.value, "id", getattr(node.func.value, "attr", "")) in {"datetime", "date"}
        ):
            found.append(f"line {node.lineno}: reads the clock")
    return found


def test_the_checker_flags_a_bad_module():
    bad = "import sqlalchemy\nfrom scheduler.store.orm import x\nfrom datetime import datetime\nt = datetime.now()\n"
    assert len(violations(bad)) == 3


def test_every_folder_is_found():
    for folder in FOLDERS:
        assert len(list((SERVICES / folder).glob("*.py"))) >= 3, folder


@pytest.mark.parametrize("name", MODULES)
def test_service_module_keeps_to_its_layer(name):
    assert violations((SCHEDULER / name).read_text()) == []
