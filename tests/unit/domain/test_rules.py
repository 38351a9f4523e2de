"""Platform content rules: one table of cases per platform, run by one tester."""

from __future__ import annotations

import pytest

from scheduler.domain.errors import InvalidInput, errors_only
from scheduler.domain.model import MediaAsset, MediaKind
from scheduler.domain.rules import RULES, MediaInfo, rules_for, validate_content


def img(w: int = 1080, h: int = 1080, size: int = 500_000, mime: str = "image/jpeg") -> MediaInfo:
    return MediaInfo(MediaKind.IMAGE, mime, size, w, h)


def vid(w: int = 1080, h: int = 1920, secs: float = 30, size: int = 20_000_000, mime: str = "video/mp4") -> MediaInfo:
    return MediaInfo(MediaKind.VIDEO, mime, size, w, h, secs)


TAGS = lambda n: " ".join(f"#tag{i}x" for i in range(n))  # noqa: E731

# (platform, text, media, as_thread, expected error codes, expected warning codes)
CASES = [
    # ---- X
    ("x", "Halo Malang", [], False, [], []),
    ("x", "", [img()], False, [], []),
    ("x", "  ", [], False, ["empty_post"], []),
    ("x", "a" * 281, [], False, ["text_too_long"], []),
    ("x", "kata " * 100, [], True, [], []),
    ("x", "kata " * 2000, [], True, ["thread_too_long"], []),
    ("x", "foto", [img()] * 4, False, [], []),
    ("x", "foto", [img()] * 5, False, ["too_many_media"], []),
    ("x", "video", [vid(1920, 1080)], False, [], []),
    ("x", "dua video", [vid(), vid()], False, ["too_many_media"], []),
    ("x", "campur", [img(), vid()], False, ["media_mixed"], []),
    ("x", "gif", [img(mime="image/gif"), img()], False, ["media_must_be_alone"], []),
    ("x", "gif", [img(mime="image/gif")], False, [], []),
    ("x", "besar", [img(size=6_000_000)], False, [], ["media_will_be_shrunk"]),
    ("x", "panjang", [vid(secs=141)], False, ["video_too_long"], []),
    ("x", "lebar", [vid(4000, 1000)], False, ["aspect_not_allowed"], []),
    ("x", "tiff", [img(mime="image/tiff")], False, ["media_type_not_supported"], []),
    ("x", "zero \ufeff width", [], False, ["x_invalid_characters"], []),
    ("x", "panjang \ufffe " + "kata " * 100, [], True, ["x_invalid_characters"], []),
    ("x", "panjang \ufffe " + "kata " * 100, [], False, ["text_too_long", "x_invalid_characters"], []),
    ("x", TAGS(40), [], False, ["text_too_long"], []),  # X has no tag limit, but length
    # ---- Facebook
    ("facebook", "Hanya teks, boleh.", [], False, [], []),
    ("facebook", "a" * 63_206, [], False, [], []),
    ("facebook", "a" * 63_207, [], False, ["text_too_long"], []),
    ("facebook", "a" * 500, [], True, ["text_too_long"] * 0, []),
    ("facebook", "foto", [img()] * 10, False, [], []),
    ("facebook", "foto", [img()] * 11, False, ["too_many_media"], []),
    ("facebook", "campur", [img(), vid()], False, ["media_mixed"], []),
    ("facebook", "video", [vid(secs=600)], False, [], []),
    ("facebook", "dua video", [vid(), vid()], False, ["too_many_media"], []),
    ("facebook", "", [], False, ["empty_post"], []),
    ("facebook", TAGS(60), [], False, [], []),
    # ---- Instagram
    ("instagram", "Caption", [img()], False, [], []),
    ("instagram", "Tanpa foto", [], False, ["media_required"], []),
    ("instagram", "", [img()], False, [], []),
    ("instagram", "a" * 2200, [img()], False, [], []),
    ("instagram", "a" * 2201, [img()], False, ["text_too_long"], []),
    ("instagram", "\U0001f600" * 1100, [img()], False, [], []),
    ("instagram", "\U0001f600" * 1101, [img()], False, ["text_too_long"], []),
    ("instagram", TAGS(30), [img()], False, [], []),
    ("instagram", TAGS(31), [img()], False, ["too_many_hashtags"], []),
    ("instagram", "#sama " * 31, [img()], False, ["too_many_hashtags"], []),  # repeats count
    ("instagram", "karusel", [img()] * 10, False, [], []),
    ("instagram", "karusel", [img()] * 11, False, ["too_many_media"], []),
    ("instagram", "campur boleh", [img(), vid()], False, [], []),
    ("instagram", "4:5", [img(1080, 1350)], False, [], []),
    ("instagram", "1.91:1", [img(1910, 1000)], False, [], []),
    ("instagram", "9:16", [img(1080, 1920)], False, [], ["aspect_will_be_padded"]),
    ("instagram", "3:1", [img(3000, 1000)], False, [], ["aspect_will_be_padded"]),
    ("instagram", "video 9:16", [vid(1080, 1920)], False, [], []),
    ("instagram", "video 1:3", [vid(1000, 3000)], False, ["aspect_not_allowed"], []),
    ("instagram", "video 2 s", [vid(secs=2)], False, ["video_too_short"], []),
    ("instagram", "video besar", [vid(size=200_000_000)], False, ["media_too_large"], []),
    ("instagram", "ukuran ?", [MediaInfo(MediaKind.IMAGE, "image/jpeg", 1000)], False, [], []),
]


@pytest.mark.parametrize(
    "platform,text,media,as_thread,errors,warnings", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rules_table(platform, text, media, as_thread, errors, warnings) -> None:  # type: ignore[no-untyped-def]
    problems = validate_content(platform, text, media, as_thread=as_thread)
    assert sorted(p.code for p in problems if p.severity == "error") == sorted(errors)
    assert sorted(p.code for p in problems if p.severity == "warning") == sorted(warnings)
    for p in problems:
        assert p.platform == platform and p.field in ("text", "media")
        assert p.message_id and p.message_en and p.message_id != p.message_en


def test_every_platform_has_rules_and_docs() -> None:
    from scheduler.domain.model import Platform

    assert set(RULES) == set(Platform)
    assert all(r.docs and r.docs[0].startswith("https://") for r in RULES.values())


def test_unknown_platform_is_invalid_input_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as exc:
        rules_for("tiktok")
    assert exc.value.field == "platform" and "tiktok" in exc.value.message_id


def test_problems_become_one_bilingual_invalid_input() -> None:
    problems = validate_content("instagram", TAGS(31), [img(1080, 1920)])
    err = InvalidInput.from_problems(problems)
    assert err.code == "too_many_hashtags" and err.field == "text"
    assert err.as_dict("id")["fields"]["text"].startswith("Instagram: Terlalu banyak tagar")
    assert err.as_dict("en")["message"].startswith("Too many hashtags")
    assert len(errors_only(err.problems)) == 1 and len(err.problems) == 2
    with pytest.raises(ValueError):
        InvalidInput.from_problems(validate_content("instagram", "ok", [img(1080, 1920)]))


def test_media_info_from_asset() -> None:
    a = MediaAsset(
        kim_id=1,
        content_hash="ab",
        kind=MediaKind.IMAGE,
        mime_type="image/png",
        size_bytes=10,
        storage_key="k",
        width=800,
        height=1000,
    )
    m = MediaInfo.from_asset(a)
    assert m.aspect == 0.8 and m.kind == MediaKind.IMAGE
