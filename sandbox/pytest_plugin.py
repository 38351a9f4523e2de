"""Pytest plugin: a session-wide sandbox server.

The root tests/conftest.py enables it for the whole run. Elsewhere, enable it
in a conftest.py by importing the fixtures:
``from sandbox.pytest_plugin import clean_sandbox, sandbox  # noqa: F401``
(pytest allows ``pytest_plugins = ["sandbox.pytest_plugin"]`` only in the rootdir
conftest; in an area conftest it fails the whole collection), or with
``pytest -p sandbox.pytest_plugin``.
The ``sandbox`` fixture is shared by the whole test session (one server), so
tests should use their own handles (``sandbox.create_account("x", f"kim_{uuid}")``)
or ask for ``clean_sandbox``, which resets it first and clears faults,
holds and counters afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.testing import SandboxHandle, running_sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxHandle]:
    """A running sandbox server for the whole test session."""
    with running_sandbox() as handle:
        yield handle


@pytest.fixture
def clean_sandbox(sandbox: SandboxHandle) -> Iterator[SandboxHandle]:
    """The session sandbox, reset before the test and without faults or holds after it."""
    sandbox.reset()
    yield sandbox
    sandbox.clear_faults()
    for platform in ("x", "facebook", "instagram"):
        sandbox.hold(platform, enabled=False)
