"""Instagram posting rules (feed photo, video, carousel through instagrapi).

https://help.instagram.com/1631821640426723 (image sizes and ratios)
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
(caption 2,200 characters, 30 hashtags, carousels of up to 10 items)

Aspect ratio: Instagram refuses feed photos outside 4:5 .. 1.91:1.
connectors/media.py pads such photos with plain borders, so an out-of-range
photo is a *warning* (the member sees what will happen), not an error.
Videos are sent as they are, so their ratio (9:16 .. 1.91:1) is an error.
"""

from __future__ import annotations

from .base import AspectRule, MediaKindRules, PlatformRules, utf16_length

INSTAGRAM_RULES = PlatformRules(
    platform="instagram",
    name="Instagram",
    docs=("https://help.instagram.com/1631821640426723",),
    text_limit=2_200,
    text_counting=("karakter; emoji dihitung 2", "characters; an emoji counts 2"),
    count_text=utf16_length,
    image=MediaKindRules(
        # media.py turns PNG/WebP into the JPEG instagrapi uploads.
        mime_types=frozenset({"image/jpeg", "image/png", "image/webp"}),
        max_count=10,
        max_bytes=8_000_000,
        oversize_fixable=True,
        aspect=AspectRule(0.8, 1.91, "4:5 dan 1,91:1", fixable=True),
    ),
    video=MediaKindRules(
        mime_types=frozenset({"video/mp4", "video/quicktime"}),
        max_count=10,
        max_bytes=100_000_000,
        oversize_fixable=False,
        aspect=AspectRule(9 / 16, 1.91, "9:16 dan 1,91:1", fixable=False),
        min_seconds=3,
        max_seconds=60,
    ),
    max_media=10,
    min_media=1,  # text-only posts do not exist on Instagram
    mix_allowed=True,  # a carousel may hold photos and videos
    max_hashtags=30,
)
