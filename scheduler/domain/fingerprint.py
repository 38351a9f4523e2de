"""Content fingerprints: recognise our own post among an account's recent posts.

After an ambiguous outcome (timeout, dropped connection) reconcile lists the
account's recent posts and looks for ours. Platforms hand text back changed,
so the text is normalised before hashing. What is normalised, and why:

* Unicode NFKC (composed accents, full-width forms, ligatures) and casefold.
* HTML entities are unescaped (X returns ``&amp;``, ``&lt;``, ``&gt;``).
* URLs are removed entirely: X rewrites every link to ``https://t.co/...``,
  Facebook may drop a link into a preview card, others expand short links.
* Zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM) and variation
  selectors are removed; a platform may strip or add them around emoji.
* Every run of whitespace (spaces, tabs, line breaks, NBSP) becomes one
  space, and the ends are trimmed: apps collapse and trim whitespace.
* A trailing ellipsis ``…``/``...`` is **not** removed: a truncated preview
  should not match the full text.

``content_fingerprint`` adds the ordered media hashes (sha256 of the original
bytes), so the same words with other photos are another post.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable

_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\ufe00-\ufe0f\u00ad]")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """The comparable form of a post's text (see the module doc for what changes)."""
    t = html.unescape(text or "")
    t = unicodedata.normalize("NFKC", t)
    t = _URL.sub(" ", t)
    t = _INVISIBLE.sub("", t)
    t = t.casefold()
    return _SPACE.sub(" ", t).strip()


def text_fingerprint(text: str) -> str:
    """``"t1:" + sha256`` of the normalised text, for matching text seen on a platform."""
    digest = hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
    return f"t1:{digest}"


def content_fingerprint(text: str, media_hashes: Iterable[str] = ()) -> str:
    """``"c1:" + sha256`` of the normalised text and the ordered media hashes."""
    h = hashlib.sha256()
    h.update(b"siar-content-v1\x00")
    h.update(normalize_text(text).encode("utf-8"))
    for m in media_hashes:
        h.update(b"\x00")
        h.update(m.strip().lower().encode("ascii", "replace"))
    return f"c1:{h.hexdigest()}"
