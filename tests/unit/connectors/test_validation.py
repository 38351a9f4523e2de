"""validate(): table-driven, per connector, no network."""
from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base import Content, MediaFile
from connectors.facebook import FacebookConnector
from connectors.instagram import InstagramConnector
from connectors.testing import write_jpeg, write_mp4
from connectors.x import XConnector, split_thread, weighted_length


@pytest.fixture
def files(tmp_path: Path) -> dict[str, MediaFile]:
    return {
        "jpg": MediaFile(write_jpeg(tmp_path / "a.jpg"), "image", "image/jpeg"),
        "mp4": MediaFile(write_mp4(tmp_path / "v.mp4"), "video", "video/mp4"),
        "missing": MediaFile(tmp_path / "hilang.jpg", "image", "image/jpeg"),
    }


CONNECTORS = {"x": XConnector(), "facebook": FacebookConnector(), "instagram": InstagramConnector()}
TAGS = " ".join(f"#t{i}" for i in range(31))

# (connector, text, media keys, thread, expected problem codes)
TABLE = [
    ("x", "Halo Malang", [], False, []),
    ("x", "a" * 280, [], False, []),
    ("x", "a" * 281, [], False, ["text_too_long"]),
    ("x", "🍌" * 141, [], False, ["text_too_long"]),  # emoji weigh 2
    ("x", "a" * 1000, [], True, []),                   # a thread may be long
    ("x", "", [], False, ["empty"]),
    ("x", "foto", ["jpg"] * 5, False, ["too_many_media"]),
    ("x", "campur", ["jpg", "mp4"], False, ["mixed_media"]),
    ("x", "hilang", ["missing"], False, ["media_missing"]),
    ("facebook", "Halo", [], False, []),
    ("facebook", TAGS, [], False, ["too_many_hashtags"]),
    ("facebook", "", [], False, ["empty"]),
    ("instagram", "Tanpa foto", [], False, ["media_required"]),
    ("instagram", "foto", ["jpg"], False, []),
    ("instagram", "album", ["jpg"] * 10, False, []),
    ("instagram", "album", ["jpg"] * 11, False, ["too_many_media"]),
    ("instagram", TAGS, ["jpg"], False, ["too_many_hashtags"]),
    ("instagram", "x" * 2201, ["jpg"], False, ["text_too_long"]),
    ("instagram", "dua video", ["mp4", "mp4"], False, ["too_many_videos"]),
]


@pytest.mark.parametrize("name,text,media,thread,codes", TABLE)
def test_validate(files, name, text, media, thread, codes):
    content = Content(text, media=[files[k] for k in media], thread=thread)
    problems = CONNECTORS[name].validate(content)
    assert [p.code for p in problems] == codes
    for problem in problems:
        assert problem.message_id and problem.message_en and problem.message_id != problem.message_en


def test_thread_split_keeps_every_word_and_fits():
    text = "\n\n".join(" ".join(f"kata{p}_{w}" for w in range(40)) for p in range(5)) + " " + "🍌" * 200
    parts = split_thread(text)
    assert len(parts) > 1 and all(weighted_length(p) <= 280 for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split()), "nothing lost (a giant word is cut)"
    assert parts[0].split()[:3] == ["kata0_0", "kata0_1", "kata0_2"]


def test_limits_describe_each_platform():
    assert CONNECTORS["x"].limits.text_counting == "twitter-text-weighted"
    assert CONNECTORS["instagram"].limits.requires_media
    assert CONNECTORS["instagram"].limits.min_aspect == pytest.approx(0.8)
