"""Pipeline integration fixtures: the sandbox and the site kit (``sitekit.py``).

``sitekit.py`` is loaded under the unique name ``pipeline_sitekit`` (pytest
runs with --import-mode=importlib, so sibling modules are not importable by
a bare name); tests import from it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

# Not ``pytest_plugins`` (allowed only in the rootdir conftest): importing the
# fixtures makes them available to this directory.
from sandbox.pytest_plugin import clean_sandbox, sandbox  # noqa: F401

if "pipeline_sitekit" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("pipeline_sitekit", Path(__file__).with_name("sitekit.py"))
    _kit = importlib.util.module_from_spec(_spec)
    sys.modules["pipeline_sitekit"] = _kit
    _spec.loader.exec_module(_kit)


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
