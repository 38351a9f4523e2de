"""Facebook Page posting rules.

https://developers.facebook.com/docs/graph-api/reference/page/feed/ (message, attached_media)
https://developers.facebook.com/docs/graph-api/reference/page/photos/
https://developers.facebook.com/docs/video-api/guides/publishing
"""

from __future__ import annotations

from .base import MediaKindRules, PlatformRules, utf16_length

FACEBOOK_RULES = PlatformRules(
    platform="facebook",
    name="Facebook",
    docs=("https://developers.facebook.com/docs/graph-api/reference/page/feed/",),
    text_limit=63_206,
    text_counting=("karakter", "characters"),
    count_text=utf16_length,
    image=MediaKindRules(
        mime_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
        max_count=10,
        max_bytes=10_000_000,
        oversize_fixable=True,
    ),
    # Facebook takes far larger videos with resumable upload; facebook-sdk sends
    # one non-resumable multipart request, so Siar keeps videos to 1 GB.
    video=MediaKindRules(
        mime_types=frozenset({"video/mp4", "video/quicktime"}),
        max_count=1,
        max_bytes=1_000_000_000,
        oversize_fixable=False,
        min_seconds=1,
        max_seconds=240 * 60,
    ),
    max_media=10,
    min_media=0,  # a text-only Page post is fine
    mix_allowed=False,  # photos go as attached_media, a video alone via /videos
)
