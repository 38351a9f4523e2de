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
    timers: frozenset[str] = frozenset()  # clock calls allowed all the same (a monotonic time budget)


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
        found += [
            f"{module_name}:{line}: reads the clock with {c}" for line, c in clock_calls(source) if c not in rule.timers
        ]
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


# ---- layers by folder ------------------------------------------------------------------
#
# Every folder of the tree has one rule, and every module in it keeps it: a new module is
# covered the day it lands, and a new folder under scheduler/services fails the test until
# someone decides which kind it is. Why the pipeline and the read models may use Core SQL
# while the use cases may not: docs/decisions/0008-core-sql-in-the-pipeline-and-read-models.md.

OUTER = frozenset({"scheduler.web", "scheduler.cli", "scheduler.demo", "workers", "fastapi", "starlette"})
#: Use cases reach storage only through the unit of work (the ports in scheduler/ports.py).
USE_CASES = Rule("scheduler.services", OUTER | {"sqlalchemy", "scheduler.store", "celery", "kombu"}, False, True)
#: The publishing pipeline, engagement, the pages' read models and sign-in run Core SQL on the store.
#: Like the use cases they take ``now`` from their caller; a monotonic timer may bound a loop.
TIMERS = frozenset({"time.monotonic()", "time.perf_counter()"})
CORE_SQL = Rule("scheduler.services", OUTER | {"celery", "kombu"}, False, True, TIMERS)
#: Operations also reaches the broker (kombu) to say whether it is up.
OPERATIONS = Rule("scheduler.services", OUTER | {"celery"}, False, True, TIMERS)
SERVICE_FOLDERS: dict[str, Rule] = {
    "accounts": USE_CASES,
    "audit": USE_CASES,
    "people": USE_CASES,
    "posts": USE_CASES,
    "registry": USE_CASES,
    "signin": CORE_SQL,
    "publishing": CORE_SQL,
    "engagement": CORE_SQL,
    "read": CORE_SQL,
    "operations": OPERATIONS,
}
#: The only modules at the top of scheduler/services: the package and the wiring (settings, clock,
#: engine, connectors), which is the one place a service-layer clock is read.
SERVICES_TOP = {"__init__.py", "wiring.py"}
#: Outer folders: what each may never import (the store implements the services' ports, nothing more).
FOLDER_RULES: dict[str, Rule] = {
    "scheduler/store": Rule(
        "scheduler.store",
        OUTER | {"connectors", "celery", "kombu"} | {f"scheduler.services.{f}" for f in SERVICE_FOLDERS},
        False,
        False,
    ),
    "scheduler/web": Rule("scheduler.web", frozenset({"scheduler.cli", "scheduler.demo", "workers"}), False, False),
    "workers": Rule(
        "workers", frozenset({"scheduler.web", "scheduler.cli", "scheduler.demo", "fastapi", "starlette"}), False, False
    ),
    "connectors": Rule(
        "connectors", frozenset({"scheduler", "workers", "sandbox", "fastapi", "starlette"}), False, False
    ),
    "sandbox": Rule("sandbox", frozenset({"scheduler", "workers"}), False, False),
}
SERVICES_DIR = ROOT / "scheduler" / "services"


def test_every_services_module_sits_in_a_role_folder() -> None:
    top = {p.name for p in SERVICES_DIR.iterdir() if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__")}
    assert top - SERVICES_TOP == set(SERVICE_FOLDERS), "a module outside a role folder, or a folder with no rule"


@pytest.mark.parametrize("folder", sorted(SERVICE_FOLDERS))
def test_service_folder_keeps_to_its_layer(folder: str) -> None:
    n, problems = _scan(f"scheduler/services/{folder}", SERVICE_FOLDERS[folder])
    assert n >= 2, f"scheduler/services/{folder} not found"
    assert problems == []


@pytest.mark.parametrize("folder", sorted(FOLDER_RULES))
def test_outer_folder_keeps_to_its_layer(folder: str) -> None:
    n, problems = _scan(folder, FOLDER_RULES[folder])
    assert n >= 2, f"{folder} not found"
    assert problems == []


def test_folder_rules_can_fail() -> None:
    assert violations("import sqlalchemy as sa", "scheduler.services.posts.x", USE_CASES)
    assert violations("from scheduler.store import tables", "scheduler.services.posts.x", USE_CASES)
    assert violations("from datetime import datetime\nt = datetime.now()", "scheduler.services.read.x", CORE_SQL)
    assert violations("from scheduler.web import deps", "scheduler.services.read.x", CORE_SQL)
    assert violations("from scheduler.store import tables", "scheduler.services.read.x", CORE_SQL) == []
    assert violations("import time\nt = time.monotonic()", "scheduler.services.read.x", CORE_SQL) == []
    assert violations("import time\nt = time.time()", "scheduler.services.read.x", CORE_SQL)
    store = FOLDER_RULES["scheduler/store"]
    assert violations("from scheduler.services.publishing import publish", "scheduler.store.x", store)
    assert violations("from scheduler.services.ports import AbstractUnitOfWork", "scheduler.store.x", store) == []
