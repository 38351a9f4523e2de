"""The pipeline tests' site kit (``tests/integration/pipeline/sitekit.py``) for the benches.

Loaded under the same module name the tests' conftest gives it,
``pipeline_sitekit``, so both share one copy when a bench imports it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if "pipeline_sitekit" in sys.modules:
    kit = sys.modules["pipeline_sitekit"]
else:
    _spec = importlib.util.spec_from_file_location(
        "pipeline_sitekit", ROOT / "tests" / "integration" / "pipeline" / "sitekit.py"
    )
    kit = importlib.util.module_from_spec(_spec)
    sys.modules["pipeline_sitekit"] = kit
    _spec.loader.exec_module(kit)  # type: ignore[union-attr]
