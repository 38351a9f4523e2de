"""Media preparation on generated files: prepared correctly, or rejected with a clear message."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from connectors import media
from connectors.errors import MediaError, Rejected


def _jpeg(path: Path, size=(800, 600), mode="RGB", colour=(200, 120, 40), **save) -> Path:
    Image.new(mode, size, colour).save(path, "JPEG", **save)
    return path


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose IHDR claims huge dimensions (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )
    return path


def _exif_with_orientation_and_gps(path: Path) -> Path:
    image = Image.new("RGB", (200, 100), (10, 200, 10))
    image.paste((250, 0, 0), (0, 0, 20, 20))  # a red corner to follow the rotation
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "KameraKIM"
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (7.0, 58.0, 0.0)
    gps[3] = "E"
    gps[4] = (112.0, 37.0, 0.0)
    image.save(path, "JPEG", exif=exif)
    return path


def _assert_clean_jpeg(path: Path) -> Image.Image:
    raw = path.read_bytes()
    assert raw[:2] == b"\xff\xd8", "output must be a JPEG"
    assert b"Exif" not in raw and b"KameraKIM" not in raw
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        exif = image.getexif()
        assert not exif.get_ifd(0x8825), "GPS location must be stripped"
        assert 0x0112 not in exif
        return image.copy()


# (name, file maker, platform, expected (width, height) or None)
PREPARED = [
    ("jpeg-facebook", lambda p: _jpeg(p / "a.jpg"), "facebook", (800, 600)),
    ("jpeg-x", lambda p: _jpeg(p / "a.jpg"), "x", (800, 600)),
    ("jpeg-instagram-in-range", lambda p: _jpeg(p / "a.jpg", (1000, 800)), "instagram", (1000, 800)),
    ("tall-instagram-padded-to-4x5", lambda p: _jpeg(p / "t.jpg", (400, 1000)), "instagram", (800, 1000)),
    ("wide-instagram-padded-to-1.91", lambda p: _jpeg(p / "w.jpg", (1910, 500)), "instagram", (1440, 754)),
    ("big-instagram-scaled-to-1440", lambda p: _jpeg(p / "b.jpg", (3000, 3000)), "instagram", (1440, 1440)),
    ("cmyk", lambda p: _jpeg(p / "c.jpg", (300, 300), mode="CMYK", colour=(0, 255, 0, 0)), "facebook", (300, 300)),
]


@pytest.mark.parametrize("name,make,platform,expected", PREPARED, ids=[row[0] for row in PREPARED])
def test_images_are_prepared(tmp_path, name, make, platform, expected):
    source = make(tmp_path)
    prepared = media.prepare_image(source, platform, tmp_path / "out")
    image = _assert_clean_jpeg(prepared.path)
    assert image.size == expected == (prepared.width, prepared.height)
    assert prepared.size_bytes == prepared.path.stat().st_size <= media.IMAGE_RULES[platform].max_bytes
    if platform == "instagram":
        assert media.IG_MIN_ASPECT - 0.01 <= image.size[0] / image.size[1] <= media.IG_MAX_ASPECT + 0.01
        assert max(image.size) <= media.IG_MAX_SIDE


def test_padding_keeps_every_pixel_and_pads_white(tmp_path):
    source = _jpeg(tmp_path / "tall.jpg", (400, 1000), colour=(0, 0, 255), quality=95)
    with Image.open(media.prepare_image(source, "instagram", tmp_path / "o").path) as opened:
        out = opened.convert("RGB")
    assert out.size == (800, 1000)
    left, centre = out.getpixel((5, 500)), out.getpixel((400, 500))
    assert all(c > 240 for c in left), "padding is white"
    assert centre[2] > 200 and centre[0] < 40, "the product photo is kept, not cropped"


def test_png_with_alpha_becomes_rgb_on_white(tmp_path):
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (50, 50, 150, 150))
    source = tmp_path / "logo.png"
    image.save(source)
    out = _assert_clean_jpeg(media.prepare_image(source, "x", tmp_path / "o").path)
    assert all(c > 240 for c in out.getpixel((5, 5)))  # transparent -> white
    red = out.getpixel((100, 100))
    assert red[0] > 200 and red[1] < 50


def test_exif_orientation_applied_and_gps_removed(tmp_path):
    source = _exif_with_orientation_and_gps(tmp_path / "hp.jpg")
    with Image.open(source) as original:
        assert original.getexif().get_ifd(0x8825), "the fixture really carries GPS"
    out = _assert_clean_jpeg(media.prepare_image(source, "facebook", tmp_path / "o").path)
    assert out.size == (100, 200), "rotated upright by EXIF orientation"
    red_corner = out.getpixel((95, 5))  # top-left moved to top-right after a 90° clockwise turn
    assert red_corner[0] > 180 and red_corner[1] < 90


def test_output_is_reduced_until_it_fits_the_byte_limit(tmp_path, monkeypatch):
    import random

    rnd = random.Random(7)
    noisy = Image.frombytes("RGB", (600, 600), bytes(rnd.getrandbits(8) for _ in range(600 * 600 * 3)))
    source = tmp_path / "noise.png"
    noisy.save(source)
    monkeypatch.setitem(media.IMAGE_RULES, "x", media.ImageRules(max_bytes=60_000, max_side=4096))
    prepared = media.prepare_image(source, "x", tmp_path / "o")
    assert prepared.size_bytes <= 60_000


# (name, file maker, expected error code, words the message must carry in id / en)
REJECTED = [
    (
        "text-named-jpg",
        lambda p: (p / "menu.jpg").write_text("bukan gambar") and p / "menu.jpg",
        "media_unknown_format",
        "bukan gambar",
        "not a recognised image",
    ),
    (
        "truncated-jpeg",
        lambda p: _truncate(_jpeg(p / "cut.jpg", (640, 480), quality=95)),
        "media_truncated",
        "terpotong",
        "truncated",
    ),
    (
        "pixel-bomb-header",
        lambda p: _png_header_only(p / "bomb.png", 100_000, 100_000),
        "media_too_many_pixels",
        "megapiksel",
        "megapixels",
    ),
    (
        "over-our-pixel-limit",
        lambda p: _png_header_only(p / "big.png", 8000, 6000),
        "media_too_many_pixels",
        "megapiksel",
        "megapixels",
    ),
    (
        "unsupported-format-bmp",
        lambda p: _save(p / "old.bmp", "BMP"),
        "media_unsupported_format",
        "tidak didukung",
        "not supported",
    ),
    ("missing-file", lambda p: p / "nothing.jpg", "media_missing", "tidak ditemukan", "not found"),
]


def _truncate(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _save(path: Path, fmt: str) -> Path:
    Image.new("RGB", (50, 50), "white").save(path, fmt)
    return path


@pytest.mark.parametrize("name,make,code,word_id,word_en", REJECTED, ids=[row[0] for row in REJECTED])
def test_bad_images_are_rejected_clearly(tmp_path, name, make, code, word_id, word_en):
    source = make(tmp_path)
    with pytest.raises(MediaError) as caught:
        media.prepare_image(source, "instagram", tmp_path / "o")
    error = caught.value
    assert isinstance(error, Rejected)  # permanent: the member must fix the file
    assert error.code == code
    assert word_id in error.message_id and word_en in error.message_en
    assert Path(source).name in error.message_id
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir()), "no partial output"


def test_tiny_mp4_is_accepted(tmp_path, make_mp4):
    clip = make_mp4("promo.mp4", with_moov=False)  # ftyp + mdat only
    prepared = media.check_video(clip, "instagram")
    assert prepared.mime == "video/mp4" and prepared.size_bytes == clip.stat().st_size


@pytest.mark.parametrize(
    "content,code",
    [
        (b"not a video at all, just words", "media_not_mp4"),
        (b"\x1aE\xdf\xa3" + b"\x00" * 40, "media_not_mp4"),  # Matroska/WebM magic
    ],
)
def test_non_mp4_video_is_rejected(tmp_path, content, code):
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    with pytest.raises(MediaError) as caught:
        media.check_video(path, "x")
    assert caught.value.code == code and "MP4" in caught.value.message_id


def test_video_over_the_platform_limit_is_rejected(tmp_path, make_mp4, monkeypatch):
    clip = make_mp4()
    monkeypatch.setitem(media.VIDEO_MAX_BYTES, "instagram", 100)
    with pytest.raises(MediaError) as caught:
        media.check_video(clip, "instagram")
    assert caught.value.code == "media_too_large"


def test_placeholder_thumbnail_is_a_jpeg(tmp_path):
    thumb = media.placeholder_thumbnail(tmp_path / "t" / "cover.jpg")
    with Image.open(thumb) as image:
        assert image.format == "JPEG"
