"""Checks and helpers every connector shares (no platform branches here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from connectors import media as media_prep
from connectors.base import Content, Limits, Problem, Rejected

HASHTAG = re.compile(r"(?:^|(?<=\s))#\w+", re.UNICODE)


def with_link(content: Content) -> str:
    """The text with ``content.link`` appended unless the text already contains it."""
    if content.link and content.link not in content.text:
        return f"{content.text}\n\n{content.link}".strip()
    return content.text


def batches(items: list[str], size: int) -> Iterator[list[str]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def media_problems(content: Content, limits: Limits) -> list[Problem]:
    """Count/type/size checks shared by the connectors (limits say what each accepts)."""
    problems: list[Problem] = []
    images, videos = content.images, content.videos
    if len(content.media) > limits.max_media or len(images) > limits.max_images:
        problems.append(
            Problem(
                "too_many_media",
                f"Maksimal {limits.max_images} gambar per postingan.",
                f"At most {limits.max_images} images per post.",
                "media",
            )
        )
    if len(videos) > limits.max_videos:
        problems.append(
            Problem(
                "too_many_videos",
                f"Maksimal {limits.max_videos} video per postingan.",
                f"At most {limits.max_videos} video per post.",
                "media",
            )
        )
    if images and videos and not limits.mixed_media:
        problems.append(
            Problem(
                "mixed_media",
                "Gambar dan video tidak bisa digabung dalam satu postingan.",
                "Images and a video cannot be combined in one post.",
                "media",
            )
        )
    for item in content.media:
        try:
            size = Path(item.path).stat().st_size
        except OSError:
            problems.append(
                Problem(
                    "media_missing",
                    f"Berkas media tidak ditemukan ({Path(item.path).name}).",
                    f"Media file not found ({Path(item.path).name}).",
                    "media",
                )
            )
            continue
        if item.kind == "video" and size > limits.video_max_bytes:
            problems.append(
                Problem(
                    "video_too_large",
                    f"Video melebihi {limits.video_max_bytes // media_prep.MB} MB.",
                    f"The video exceeds {limits.video_max_bytes // media_prep.MB} MB.",
                    "media",
                )
            )
    return problems


def hashtag_problems(text: str, limits: Limits) -> list[Problem]:
    """Too many hashtags for ``limits.max_hashtags`` (None: no limit)."""
    limit = limits.max_hashtags
    count = len(HASHTAG.findall(text))
    if limit is None or count <= limit:
        return []
    return [
        Problem(
            "too_many_hashtags",
            f"Maksimal {limit} tagar per postingan (ada {count}).",
            f"At most {limit} hashtags per post (found {count}).",
        )
    ]


def reject_if_invalid(problems: list[Problem], platform: str) -> None:
    """Refuse content before any request leaves: the first problem becomes ``Rejected``."""
    if problems:
        first = problems[0]
        raise Rejected(first.message_id, first.message_en, code=first.code, platform=platform)
