"""validate(): table-driven, per connector, no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base import Content, MediaFile
from connectors.facebook import FacebookConnector
from connectors.instagram import InstagramConnector
from connectors.testing import write_jpeg, write_mp4
from connectors.x import XConnector, tweets_of


@pytest.fixture
def files(tmp_path: Path) -> dict[str, MediaFile]:
    return {
        "jpg": MediaFile(write_jpeg(tmp_path / "a.jpg"), "image", "image/jpeg"),
        "mp4": MediaFile(write_mp4(tmp_path / "v.mp4"), "video", "video/mp4"),
        "missing": MediaFile(tmp_path / "hilang.jpg", "image", "image/jpeg"),
    }


CONNECTORS = {"x": XConnector(), "facebook": FacebookConnector(), "instagram": InstagramConnector()}
TAGS = " ".join(f"#t{i}" for i in range(31))

# (connector, text, media keys, X thread parts, expected problem codes)
TABLE = [
    ("x", "Halo Malang", [], (), []),
    ("x", "a" * 280, [], (), []),
    ("x", "a" * 281, [], (), ["text_too_long"]),
    ("x", "🍌" * 141, [], (), ["text_too_long"]),  # emoji weigh 2
    ("x", "a" * 1000, [], ("a" * 280, "a" * 280, "a" * 280, "a" * 160), []),  # the parts are posted
    ("x", "", [], ("a" * 280, "a" * 281), ["text_too_long"]),  # each part must fit
    ("x", "", [], ("", " "), ["empty"]),
    ("x", "", [], (), ["empty"]),
    ("x", "foto", ["jpg"] * 5, (), ["too_many_media"]),
    ("x", "campur", ["jpg", "mp4"], (), ["mixed_media"]),
    ("x", "hilang", ["missing"], (), ["media_missing"]),
    ("facebook", "Halo", [], (), []),
    ("facebook", TAGS, [], (), ["too_many_hashtags"]),
    ("facebook", "", [], (), ["empty"]),
    ("instagram", "Tanpa foto", [], (), ["media_required"]),
    ("instagram", "foto", ["jpg"], (), []),
    ("instagram", "album", ["jpg"] * 10, (), []),
    ("instagram", "album", ["jpg"] * 11, (), ["too_many_media"]),
    ("instagram", TAGS, ["jpg"], (), ["too_many_hashtags"]),
    ("instagram", "x" * 2201, ["jpg"], (), ["text_too_long"]),
    ("instagram", "dua video", ["mp4", "mp4"], (), ["too_many_videos"]),
]


@pytest.mark.parametrize("name,text,media,parts,codes", TABLE)
def test_validate(files, name, text, media, parts, codes):
    content = Content(text, media=[files[k] for k in media], thread_parts=parts or ())
    problems = CONNECTORS[name].validate(content)
    assert [p.code for p in problems] == codes
    for problem in problems:
        assert problem.message_id and problem.message_en and problem.message_id != problem.message_en


def test_x_posts_the_parts_it_is_given_and_never_splits():
    parts = ("Bagian satu\n\ndengan baris kosong ", "bagian dua https://malangkota.go.id/kim")
    assert tweets_of(Content("teks lain sama sekali", thread_parts=parts)) == list(parts)
    assert tweets_of(Content("a" * 1000)) == ["a" * 1000], "no parts: the text is one tweet"
    assert tweets_of(Content("Halo", link="https://malangkota.go.id")) == ["Halo\n\nhttps://malangkota.go.id"]


def test_x_thread_link_must_be_in_a_part():
    link = "https://malangkota.go.id/kim"
    missing = Content("teks", link=link, thread_parts=("satu", "dua"))
    inside = Content("teks", link=link, thread_parts=("satu", f"dua {link}"))
    assert [p.code for p in CONNECTORS["x"].validate(missing)] == ["link_not_in_thread"]
    assert CONNECTORS["x"].validate(inside) == []


def test_limits_describe_each_platform():
    assert CONNECTORS["x"].limits.text_counting == "twitter-text-weighted"
    assert CONNECTORS["instagram"].limits.requires_media
    assert CONNECTORS["instagram"].limits.min_aspect == pytest.approx(0.8)
