"""Arrows point inward: nothing below the web layer imports it.

Which test checks which rule: docs/design.md#layers-and-the-import-contract.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_services_store_domain_connectors_never_import_the_web_layer():
    offenders = []
    for package in ("scheduler/services", "scheduler/store", "scheduler/domain", "connectors", "workers"):
        for path in (ROOT / package).rglob("*.py"):
            if any(
                m == "scheduler.web" or m.startswith("scheduler.web.") or m.startswith(("fastapi", "starlette"))
                for m in _imports(path)
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from scheduler.web.deps import ActorDep\n")
    assert "scheduler.web.deps" in _imports(bad)
