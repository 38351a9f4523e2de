"""PlatformRules.parts / check: the one place a text becomes what a platform publishes."""

from __future__ import annotations

import pytest

from scheduler.domain.model import MediaKind
from scheduler.domain.rules import MediaInfo, check_content, rules_for, validate_content
from scheduler.domain.tweet_text import split_thread, x_weighted_length

PARAGRAPHS = "\n\n".join(f"Paragraf {n}: " + " ".join(f"kata{n}_{w}" for w in range(30)) for n in range(5))
PHOTO = MediaInfo(MediaKind.IMAGE, "image/jpeg", 100_000, 1200, 800)


def test_x_text_that_fits_is_one_part_as_written_thread_or_not() -> None:
    text = "  Halo Malang!\n"
    assert rules_for("x").parts(text) == (text,)
    assert rules_for("x").parts(text, as_thread=True) == (text,)


def test_x_long_text_as_a_thread_is_split_once_by_split_thread() -> None:
    parts = rules_for("x").parts(PARAGRAPHS, as_thread=True)
    assert parts == tuple(split_thread(PARAGRAPHS)) and len(parts) > 1
    assert all(x_weighted_length(p) <= 280 for p in parts)


def test_x_long_text_not_as_a_thread_stays_whole_and_is_refused() -> None:
    checked = check_content("x", PARAGRAPHS, [])
    assert checked.parts == (PARAGRAPHS,)
    assert [p.code for p in checked.problems] == ["text_too_long"]


def test_a_media_only_thread_has_one_empty_part() -> None:
    assert rules_for("x").parts("", as_thread=True) == ("",)
    assert rules_for("x").parts(" " * 300, as_thread=True) == ("",)
    assert check_content("x", "", [PHOTO], as_thread=True).parts == ("",)


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_platforms_without_threads_have_no_parts(platform: str) -> None:
    assert rules_for(platform).parts(PARAGRAPHS, as_thread=True) is None
    assert check_content(platform, PARAGRAPHS, [PHOTO], as_thread=True).parts is None


def test_check_returns_the_problems_validate_returns_and_the_parts() -> None:
    for text, as_thread in (
        (PARAGRAPHS, True),
        (PARAGRAPHS, False),
        ("kata " * 2000, True),
        ("halo \ufffe " * 100, True),
    ):
        checked = check_content("x", text, [], as_thread=as_thread)
        assert checked.problems == validate_content("x", text, [], as_thread=as_thread)
    refused = check_content("x", "halo \ufffe " * 100, [], as_thread=True)
    assert refused.parts is None
    assert [p.code for p in refused.problems] == ["x_invalid_characters"]
    too_many = check_content("x", "kata " * 2000, [], as_thread=True)
    assert [p.code for p in too_many.problems] == ["thread_too_long"]
    assert too_many.parts is not None and len(too_many.parts) > 25
