"""The lock file (``constraints.txt``) pins every dependency ``pyproject.toml`` names.

CI and the README's test command install with ``-c constraints.txt``, so a
dependency added to ``pyproject.toml`` without refreshing the lock would be
installed at whatever version is newest that day. This test fails then, and
when a pin no longer satisfies the range ``pyproject.toml`` asks for.
Refresh: the command in the header of ``constraints.txt`` (also in the README).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def pins(text: str) -> dict[str, list[tuple[Version, Marker | None]]]:
    """Name -> the exact versions the lock pins for it (a universal lock may pin one per marker)."""
    found: dict[str, list[tuple[Version, Marker | None]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        (spec,) = req.specifier  # every line is exactly one ==
        assert spec.operator == "==", line
        found.setdefault(canonicalize_name(req.name), []).append((Version(spec.version), req.marker))
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        lines.extend(extra)
    return [Requirement(line) for line in lines]


LOCK = pins((ROOT / "constraints.txt").read_text())


@pytest.mark.parametrize("req", declared(), ids=str)
def test_every_declared_dependency_is_pinned_within_its_range(req):
    name = canonicalize_name(req.name)
    assert name in LOCK, f"{req.name} is in pyproject.toml but not in constraints.txt: refresh the lock"
    for version, _marker in LOCK[name]:
        assert req.specifier.contains(version, prereleases=True), (
            f"constraints.txt pins {req.name}=={version}, outside pyproject.toml's {req.specifier}"
        )


def test_the_check_can_fail():
    assert pins("celery==5.5.0\n") == {"celery": [(Version("5.5.0"), None)]}
    assert not Requirement("celery>=5.6").specifier.contains(Version("5.5.0"))
    with pytest.raises(AssertionError):
        pins("celery>=5.5\n")
