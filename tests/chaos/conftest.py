"""Chaos fixtures: the pipeline's site kit and the sandbox, with short leases.

``SIAR_LEASE_SECONDS=4`` so that an expired lease (a killed worker) shows
within seconds; sweep and reconcile are also nudged through the real broker
(``Site.nudge``) instead of waiting for beat's 10 s / 30 s ticks.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from sandbox.pytest_plugin import clean_sandbox, sandbox  # noqa: F401

if "pipeline_sitekit" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "pipeline_sitekit", Path(__file__).parents[1] / "integration" / "pipeline" / "sitekit.py"
    )
    _kit = importlib.util.module_from_spec(_spec)
    sys.modules["pipeline_sitekit"] = _kit
    _spec.loader.exec_module(_kit)

LEASE_SECONDS = 4


@pytest.fixture(scope="module")
def restore_env():
    """Give the process its SIAR_* environment back after a module built a site."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("SIAR_")}
    yield
    from config.settings import get_settings

    for key in [k for k in os.environ if k.startswith("SIAR_")]:
        del os.environ[key]
    os.environ.update(saved)
    get_settings.cache_clear()
