"""The use-case modules of this area reach storage only through the ports.

They import no SQLAlchemy, no store, web, CLI or worker code, and never read
the clock (every function takes ``now``), so the fake unit of work and a fixed
clock exercise them completely.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[3] / "scheduler" / "services"
MODULES = ["accounts", "actors", "audit", "authz", "checks", "kims", "media", "ports", "posts",
           "scheduling", "secrets", "subjects", "tokens", "users"]
FORBIDDEN = ("sqlalchemy", "scheduler.store", "scheduler.web", "scheduler.cli", "workers",
             "celery", "fastapi")
CLOCKS = {"now", "utcnow", "today"}


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found += [f"line {node.lineno}: imports {n}" for n in names
                  if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCKS and isinstance(node.func.value, (ast.Name, ast.Attribute))
                and getattr(node.func.value, "id", getattr(node.func.value, "attr", "")) in
                {"datetime", "date"}):
            found.append(f"line {node.lineno}: reads the clock")
    return found


def test_the_checker_flags_a_bad_module():
    bad = "import sqlalchemy\nfrom scheduler.store.orm import x\nfrom datetime import datetime\nt = datetime.now()\n"
    assert len(violations(bad)) == 3


@pytest.mark.parametrize("name", MODULES)
def test_service_module_keeps_to_its_layer(name):
    assert violations((SERVICES / f"{name}.py").read_text()) == []
