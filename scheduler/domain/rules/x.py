"""X (Twitter) posting rules.

https://docs.x.com/fundamentals/counting-characters
https://docs.x.com/x-api/media/quickstart/media-upload-chunked (media limits)
https://help.x.com/en/using-x/x-images, https://help.x.com/en/using-x/x-videos
"""

from __future__ import annotations

from ..errors import Problem
from ..tweet_text import (
    X_MAX_WEIGHTED,
    invalid_characters_error,
    split_thread,
    x_has_invalid_characters,
    x_weighted_length,
)
from .base import AspectRule, MediaKindRules, PlatformRules


def _invalid_characters(text: str) -> list[Problem]:
    if not x_has_invalid_characters(text):
        return []
    e = invalid_characters_error()
    return [Problem(e.code, e.field, e.message_id, e.message_en, platform="x")]


X_RULES = PlatformRules(
    platform="x",
    name="X",
    docs=("https://docs.x.com/fundamentals/counting-characters",),
    text_limit=X_MAX_WEIGHTED,
    text_counting=("hitungan X: tautan 23, emoji dan huruf CJK 2", "X count: links 23, emoji and CJK 2"),
    count_text=x_weighted_length,
    image=MediaKindRules(
        mime_types=frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"}),
        max_count=4,
        max_bytes=5_000_000,
        oversize_fixable=True,
    ),
    video=MediaKindRules(
        mime_types=frozenset({"video/mp4", "video/quicktime"}),
        max_count=1,
        max_bytes=512_000_000,
        oversize_fixable=False,
        aspect=AspectRule(1 / 3, 3.0, "1:3 dan 3:1", fixable=False),
        min_seconds=0.5,
        max_seconds=140,
    ),
    max_media=4,
    mix_allowed=False,
    solo_mime_types=frozenset({"image/gif"}),  # an animated GIF is posted alone
    split_thread=split_thread,
    max_thread=25,  # X's composer limit for one thread
    extra_checks=(_invalid_characters,),
)
