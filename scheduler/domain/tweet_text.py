"""X (Twitter) text: weighted length and thread splitting.

Length is counted by ``twitter-text-parser`` (twitter-text v3 config): every
URL counts 23, code points up to U+10FF and some punctuation count 1, others
(CJK, Aksara Jawa, ...) count 2, and an emoji sequence (ZWJ family, flag,
keycap, skin tone) counts 2 as a whole. Text is NFC-normalised first.
https://docs.x.com/fundamentals/counting-characters
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from functools import lru_cache

from .errors import InvalidInput

with warnings.catch_warnings():
    # twitter_text imports pkg_resources, which warns on import (setuptools<81 pinned).
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", UserWarning)
    from twitter_text import parse_tweet
    from twitter_text.has_invalid_characters import has_invalid_characters

X_MAX_WEIGHTED = 280
_WORD = re.compile(r"\S+")


def x_weighted_length(text: str) -> int:
    """The weighted length X uses for its 280 limit."""
    return int(parse_tweet(text).weightedLength)


def x_has_invalid_characters(text: str) -> bool:
    """True if the text holds characters X refuses (U+FFFE, U+FEFF, U+FFFF, ...)."""
    return bool(text) and has_invalid_characters(unicodedata.normalize("NFC", text))


def _fits(text: str, limit: int) -> bool:
    return x_weighted_length(text) <= limit


@lru_cache(maxsize=4096)
def _piece_weight(piece: str) -> int:
    return x_weighted_length(piece)


def _graphemes(word: str) -> list[str]:
    """Split into user-perceived characters, well enough not to break emoji or accents.

    A cluster is a base followed by marks, variation selectors, skin tones,
    emoji tag characters, keycaps, and ZWJ + the next character; regional
    indicators pair up into flags.
    """
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        j = i + 1
        if 0x1F1E6 <= ord(word[i]) <= 0x1F1FF and j < n and 0x1F1E6 <= ord(word[j]) <= 0x1F1FF:
            j += 1
        while j < n:
            cp = ord(word[j])
            if (
                unicodedata.category(word[j]) in ("Mn", "Mc", "Me")
                or 0xFE00 <= cp <= 0xFE0F
                or 0x1F3FB <= cp <= 0x1F3FF
                or 0xE0020 <= cp <= 0xE007F
                or cp == 0x20E3
            ):
                j += 1
            elif cp == 0x200D and j + 1 < n:
                j += 2
            else:
                break
        out.append(word[i:j])
        i = j
    return out


def _hard_split(word: str, limit: int) -> list[str]:
    """Cut one over-long word into pieces that fit, at character-cluster boundaries."""
    pieces: list[str] = []
    clusters = _graphemes(word)
    while clusters:
        lo, hi = 1, len(clusters)  # the largest prefix that fits (binary search)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _fits("".join(clusters[:mid]), limit):
                lo = mid
            else:
                hi = mid - 1
        pieces.append("".join(clusters[:lo]))
        clusters = clusters[lo:]
    return pieces


def split_thread(text: str, limit: int = X_MAX_WEIGHTED) -> list[str]:
    """Split ``text`` into tweets of weighted length <= ``limit``, on word boundaries.

    Greedy: each tweet takes as many whole words as fit; inside a tweet the
    original spacing and line breaks are kept, between tweets the whitespace
    is dropped. A single word longer than a tweet (rare: a very long run of
    CJK or Aksara Jawa without spaces) is cut between characters, never inside
    an emoji or accent. URLs never contain spaces, so they are never cut.
    Raises InvalidInput for characters X refuses; empty text gives ``[]``.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    if x_has_invalid_characters(text):
        raise invalid_characters_error()
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    n = len(words)
    # Weighted length is additive across whitespace in practice (URLs and emoji
    # never span a space), so word and gap weights give a cheap estimate of
    # where a tweet ends; a real parse of the tweet then confirms or corrects
    # it. Two parses per tweet instead of one per word.
    weight = [_piece_weight(text[a:b]) for a, b in words]
    gap = [0] + [_piece_weight(text[words[k - 1][1] : words[k][0]]) for k in range(1, n)]
    tweets: list[str] = []
    i = 0
    while i < n:
        start, end = words[i]
        current = weight[i]
        if current > limit:
            # Cut the word; its last piece may still share a tweet with the next words.
            pieces = _hard_split(text[start:end], limit)
            tweets.extend(pieces[:-1])
            start = end - len(pieces[-1])
            current = x_weighted_length(pieces[-1])
        j = i + 1
        while j < n and current + gap[j] + weight[j] <= limit:
            current += gap[j] + weight[j]
            j += 1
        while j - 1 > i and not _fits(text[start : words[j - 1][1]], limit):
            j -= 1
        while j < n and _fits(text[start : words[j][1]], limit):
            j += 1
        tweets.append(text[start : words[j - 1][1]])
        i = j
    return tweets


def invalid_characters_error() -> InvalidInput:
    """The error for text holding characters X refuses (shared by split and validate)."""
    return InvalidInput(
        "x_invalid_characters",
        "Teks berisi karakter tak terlihat yang ditolak X. Hapus lalu ketik ulang bagian itu.",
        "The text contains invisible characters X refuses. Delete and retype that part.",
        field="text",
    )
