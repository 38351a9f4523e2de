"""Hashtag extraction that works for Indonesian and other Unicode text.

A hashtag is ``#`` (or the full-width ``＃``) followed by letters, marks,
digits, ``_`` or the joiners ZWJ/ZWNJ, with at least one letter ("#1" is not
a tag, as on every platform). Marks are included so that tags in Aksara Jawa
(``#ꦩꦭꦁ``) or with combining accents stay whole; the text is NFC-normalised
first. A ``#`` right after a letter/digit or ``&`` is not a tag (``C#``,
``&#39;``), and URLs are skipped (``https://x.id/#promo`` is not a tag).
"""

from __future__ import annotations

import re
import unicodedata

_HASH = "#\uff03"
_JOINERS = "\u200c\u200d"
# Good enough to keep URL fragments out; exact URL detection is X's (twitter-text).
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


def _is_tag_char(ch: str) -> bool:
    return ch == "_" or ch in _JOINERS or unicodedata.category(ch)[0] in "LMN"


def extract_hashtags(text: str, unique: bool = True) -> list[str]:
    """The hashtags in ``text``, without ``#``, in order of appearance.

    ``unique=True`` drops repeats, compared case-insensitively (``#Malang`` and
    ``#malang`` are one tag; the first spelling is kept). ``unique=False``
    returns every occurrence, which is what a conservative limit check counts.
    """
    norm = unicodedata.normalize("NFC", text)
    norm = _URL.sub(lambda m: " " * len(m.group(0)), norm)
    tags: list[str] = []
    seen: set[str] = set()
    i, n = 0, len(norm)
    while i < n:
        ch = norm[i]
        if ch in _HASH and (i == 0 or not (_is_tag_char(norm[i - 1]) or norm[i - 1] in "&" + _HASH)):
            j = i + 1
            while j < n and _is_tag_char(norm[j]):
                j += 1
            tag = norm[i + 1 : j].strip(_JOINERS)
            if tag and any(c.isalpha() for c in tag):
                key = tag.casefold()
                if not unique or key not in seen:
                    tags.append(tag)
                    seen.add(key)
            i = max(j, i + 1)
            continue
        i += 1
    return tags


def count_hashtags(text: str) -> int:
    """Every hashtag occurrence, repeats included (the strict count for limits)."""
    return len(extract_hashtags(text, unique=False))
