"""Asset URLs with a content hash, and their cache lifetime.

``/static/<name>?v=<hash>`` (and ``/charts.css?v=<hash>``) may be cached by
browsers for a year (``IMMUTABLE``): a change of content changes the URL.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"


def versioned(url: str, content: bytes) -> str:
    """``<url>?v=<first 10 hex digits of the content's SHA-256>``."""
    return f"{url}?v={hashlib.sha256(content).hexdigest()[:10]}"


@lru_cache(maxsize=64)
def static_url(name: str) -> str:
    """``/static/<name>?v=<content hash>``."""
    path = STATIC_DIR / name
    return versioned(f"/static/{name}", path.read_bytes() if path.is_file() else b"")
