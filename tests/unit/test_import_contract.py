"""Import contract (docs/design.md#layers-and-the-import-contract): arrows point inward.

* ``scheduler/domain`` imports only the standard library (minus modules that
  do I/O or read a clock), ``dateutil`` and ``twitter_text``, and itself; and
  it never calls ``datetime.now()``-style clocks (functions take ``now``).
* ``connectors/`` never imports ``scheduler``.
* ``sandbox/`` never imports ``scheduler``.

The scanner reads source with ``ast`` (no import side effects), resolves
relative imports against the file's package, and also sees
``importlib.import_module("x")`` / ``__import__("x")`` with a literal name.
A self-check proves it flags a synthetic bad file, so this test can fail.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Third-party or project code that does I/O, plus stdlib modules that do I/O,
# start processes, or read the clock. Dotted entries match that module and below.
FORBIDDEN_IN_DOMAIN = frozenset(
    {
        "sqlalchemy",
        "alembic",
        "celery",
        "kombu",
        "redis",
        "requests",
        "httpx",
        "urllib3",
        "aiohttp",
        "tweepy",
        "facebook",
        "instagrapi",
        "fastapi",
        "starlette",
        "uvicorn",
        "psycopg",
        "psycopg2",
        "PIL",
        "pydantic_settings",
        "curl_cffi",
        "boto3",
        "connectors",
        "workers",
        "config",
        "sandbox",
        "scheduler.store",
        "scheduler.services",
        "scheduler.web",
        "scheduler.cli",
        "socket",
        "ssl",
        "subprocess",
        "urllib",
        "http",
        "sqlite3",
        "smtplib",
        "ftplib",
        "asyncio",
        "multiprocessing",
        "threading",
        "shutil",
        "tempfile",
        "os",
        "time",
        "select",
        "selectors",
        "signal",
        "pathlib",
        "io",
        "logging",
    }
)
ALLOWED_THIRD_PARTY_IN_DOMAIN = frozenset({"dateutil", "twitter_text"})
CLOCK_CALLS = frozenset({"now", "utcnow", "today", "time", "monotonic", "perf_counter"})


@dataclass(frozen=True)
class Rule:
    package_root: str  # e.g. "scheduler.domain"
    forbidden: frozenset[str]
    allowlist_only: bool  # only stdlib + allowed third party + own package
    no_clock: bool


DOMAIN_RULE = Rule("scheduler.domain", FORBIDDEN_IN_DOMAIN, True, True)
CONNECTORS_RULE = Rule("connectors", frozenset({"scheduler"}), False, False)
SANDBOX_RULE = Rule("sandbox", frozenset({"scheduler"}), False, False)


def _matches(module: str, banned: str) -> bool:
    return module == banned or module.startswith(banned + ".")


def imported_modules(source: str, module_name: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in ``source``; "<escapes>" if a relative
    import climbs above the top-level package."""
    tree = ast.parse(source)
    parts = module_name.split(".")
    pkg = parts if is_package else parts[:-1]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
                out.append((node.lineno, base))
                out += [(node.lineno, f"{base}.{a.name}") for a in node.names]
                continue
            up = node.level - 1
            if up >= len(pkg):
                out.append((node.lineno, "<escapes>"))
                continue
            base_parts = pkg[: len(pkg) - up] + (node.module.split(".") if node.module else [])
            base = ".".join(base_parts)
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("import_module", "__import__"):
                out.append((node.lineno, node.args[0].value))
    return out


def clock_calls(source: str) -> list[tuple[int, str]]:
    """Calls like ``datetime.now()``, ``date.today()``, ``time.time()``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLOCK_CALLS
            and isinstance(node.func.value, (ast.Name, ast.Attribute))
        ):
            owner = node.func.value.id if isinstance(node.func.value, ast.Name) else node.func.value.attr
            if owner in ("datetime", "date", "time"):
                out.append((node.lineno, f"{owner}.{node.func.attr}()"))
    return out


def violations(source: str, module_name: str, rule: Rule, is_package: bool = False) -> list[str]:
    """Human-readable contract violations of one source file."""
    found = []
    for line, mod in imported_modules(source, module_name, is_package):
        root = mod.split(".")[0]
        if mod == "<escapes>":
            found.append(f"{module_name}:{line}: relative import above the top-level package")
        elif any(_matches(mod, b) for b in rule.forbidden):
            found.append(f"{module_name}:{line}: imports {mod}")
        elif rule.allowlist_only and not (
            _matches(mod, rule.package_root)
            or root == "__future__"
            or root in ALLOWED_THIRD_PARTY_IN_DOMAIN
            or (root in sys.stdlib_module_names and root != "scheduler")
        ):
            found.append(f"{module_name}:{line}: imports {mod}, which is not on the allowlist")
    if rule.no_clock:
        found += [f"{module_name}:{line}: reads the clock with {c}" for line, c in clock_calls(source)]
    return found


def _scan(directory: str, rule: Rule) -> tuple[int, list[str]]:
    base = ROOT / directory
    files = sorted(base.rglob("*.py"))
    problems: list[str] = []
    for f in files:
        rel = f.relative_to(ROOT).with_suffix("")
        is_pkg = rel.name == "__init__"
        name = ".".join(rel.parent.parts if is_pkg else rel.parts)
        problems += violations(f.read_text(encoding="utf-8"), name, rule, is_package=is_pkg)
    return len(files), problems


# ---- the contract ------------------------------------------------------------------


def test_domain_imports_nothing_that_does_io() -> None:
    n, problems = _scan("scheduler/domain", DOMAIN_RULE)
    assert n >= 10, "the domain package was not found"
    assert problems == []


@pytest.mark.parametrize("directory,rule", [("connectors", CONNECTORS_RULE), ("sandbox", SANDBOX_RULE)])
def test_outer_packages_do_not_import_scheduler(directory: str, rule: Rule) -> None:
    n, problems = _scan(directory, rule)
    assert n >= 1, f"{directory}/ not found"
    assert problems == []


# ---- the scanner can fail ------------------------------------------------------------

BAD_DOMAIN = """
import requests
from sqlalchemy.orm import Session
import os.path
from ..store import repository
from .. import services
from . import model
from ...config import settings
import importlib
celery = importlib.import_module("celery")
import numpy
from datetime import datetime
stamp = datetime.now()
from twitter_text import parse_tweet
"""


def test_scanner_flags_a_synthetic_bad_domain_file() -> None:
    found = violations(BAD_DOMAIN, "scheduler.domain.bad", DOMAIN_RULE)
    text = "\n".join(found)
    for expected in (
        "imports requests",
        "imports sqlalchemy.orm",
        "imports os.path",
        "imports scheduler.store",
        "imports scheduler.services",
        "relative import above",
        "imports celery",
        "numpy, which is not on the allowlist",
        "datetime.now()",
    ):
        assert expected in text, expected
    assert "twitter_text" not in text and "scheduler.domain.model" not in text


def test_scanner_resolves_relative_imports_in_nested_packages() -> None:
    ok = "from ..errors import Problem\nfrom . import base\nfrom .. import model\n"
    assert violations(ok, "scheduler.domain.rules", DOMAIN_RULE, is_package=True) == []
    assert violations(ok, "scheduler.domain.rules.x", DOMAIN_RULE) == []
    assert "scheduler.domain.rules.x:1: imports scheduler.web" in violations(
        "from ... import web", "scheduler.domain.rules.x", DOMAIN_RULE
    )


def test_scanner_flags_scheduler_in_connectors_and_sandbox() -> None:
    for src in (
        "import scheduler",
        "from scheduler.domain import model",
        "from ..scheduler import x",
        "__import__('scheduler.services')",
    ):
        assert violations(src, "connectors.x", CONNECTORS_RULE), src
        assert violations(src, "sandbox.app", SANDBOX_RULE), src
    assert violations("import requests\nfrom .base import Connector", "connectors.x", CONNECTORS_RULE) == []
