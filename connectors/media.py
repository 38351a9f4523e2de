"""Media preparation with Pillow: open defensively, normalise, and fit each platform's rules.

What happens to an image:

1. opened defensively: unknown or unsupported formats, a text file named
   ``.jpg``, truncated files and decompression bombs (more than
   ``MAX_IMAGE_PIXELS``) raise ``MediaError`` with a message in Bahasa
   Indonesia and English;
2. EXIF orientation applied (``ImageOps.exif_transpose``), then every piece of
   metadata (EXIF incl. GPS location, XMP, ICC comments) dropped by re-encoding;
3. CMYK, palette and alpha images converted to RGB (transparency composited on white);
4. fitted to the platform: Instagram is PADDED (never cropped: product photos
   keep every pixel) with white to an aspect within 4:5..1.91:1 and scaled to a
   longest side of 1440 px; X and Facebook are only scaled when too large;
5. saved as a baseline JPEG, lowering quality (then size) until it fits the byte limit.

Videos are checked, not transcoded (no ffmpeg here): the container must be
MP4 (an ``ftyp`` box at the start) and within the platform's size limit. An
Instagram video needs a JPEG cover: use the one supplied, else
``placeholder_thumbnail`` makes a plain one (a real frame needs ffmpeg).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from connectors.errors import MediaError

MB = 1024 * 1024

# Limits, from each platform's published media rules (checked 2026; keep the source beside each):
# Instagram Content Publishing "Image specifications": JPEG, max 8 MB, aspect 4:5..1.91:1, width <= 1440.
IG_IMAGE_MAX_BYTES = 8 * MB
IG_MIN_ASPECT = 4 / 5
IG_MAX_ASPECT = 1.91
IG_MAX_SIDE = 1440
# Instagram feed video (private API via instagrapi): MP4; we keep Meta's 100 MB feed-video ceiling.
IG_VIDEO_MAX_BYTES = 100 * MB
# X "Media best practices": images 5 MB (JPEG/PNG/WEBP), video 512 MB (MP4) via chunked upload.
X_IMAGE_MAX_BYTES = 5 * MB
X_VIDEO_MAX_BYTES = 512 * MB
X_MAX_SIDE = 4096
# Facebook Page photos: the brief's ceiling is 10 MB; Graph's /photos reference advises smaller
# files (recalled, not re-verified here: "less than 4 MB"), so we aim for 4 MB and never exceed 10.
FB_IMAGE_MAX_BYTES = 4 * MB
FB_IMAGE_HARD_MAX_BYTES = 10 * MB
FB_VIDEO_MAX_BYTES = 1024 * MB  # non-resumable /videos upload: up to 1 GB
FB_MAX_SIDE = 2048

# Decompression-bomb guard: well under Pillow's own warning threshold (89 Mpx).
MAX_IMAGE_PIXELS = 40_000_000
ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


@dataclass(frozen=True)
class ImageRules:
    max_bytes: int
    max_side: int
    min_aspect: float | None = None
    max_aspect: float | None = None


IMAGE_RULES: dict[str, ImageRules] = {
    "instagram": ImageRules(IG_IMAGE_MAX_BYTES, IG_MAX_SIDE, IG_MIN_ASPECT, IG_MAX_ASPECT),
    "x": ImageRules(X_IMAGE_MAX_BYTES, X_MAX_SIDE),
    "facebook": ImageRules(FB_IMAGE_MAX_BYTES, FB_MAX_SIDE),
}
VIDEO_MAX_BYTES: dict[str, int] = {
    "instagram": IG_VIDEO_MAX_BYTES,
    "x": X_VIDEO_MAX_BYTES,
    "facebook": FB_VIDEO_MAX_BYTES,
}


@dataclass(frozen=True)
class PreparedMedia:
    """A file ready to upload."""

    path: Path
    mime: str
    size_bytes: int
    width: int | None = None
    height: int | None = None


def _reject(code: str, message_id: str, message_en: str, path: Path | None = None) -> MediaError:
    name = f" ({path.name})" if path is not None else ""
    return MediaError(message_id + name, message_en + name, code=code)


def open_image(path: Path) -> Image.Image:
    """Open and fully decode an image, or raise ``MediaError`` saying why not."""
    path = Path(path)
    try:
        # Pillow warns above its own limit and raises above twice it; under
        # ``-W error`` the warning is raised too. We reject far earlier anyway.
        image = Image.open(path)
    except FileNotFoundError:
        raise _reject("media_missing", "Berkas media tidak ditemukan", "The media file was not found", path) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(path) from None
    except UnidentifiedImageError:
        raise _reject(
            "media_unknown_format",
            "Berkas ini bukan gambar yang dikenali (format tidak dikenal atau rusak)",
            "This file is not a recognised image (unknown format or damaged)",
            path,
        ) from None
    if image.format not in ACCEPTED_IMAGE_FORMATS:
        fmt = image.format
        image.close()
        raise _reject(
            "media_unsupported_format",
            f"Format gambar {fmt} tidak didukung; gunakan JPEG, PNG atau WEBP",
            f"Image format {fmt} is not supported; use JPEG, PNG or WEBP",
            path,
        )
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise _too_many_pixels(path)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        image.close()
        raise _reject(
            "media_truncated",
            "Berkas gambar rusak atau terpotong; unggah ulang berkas aslinya",
            "The image file is damaged or truncated; upload the original file again",
            path,
        ) from None
    return image


def _too_many_pixels(path: Path) -> MediaError:
    return _reject(
        "media_too_many_pixels",
        f"Ukuran gambar terlalu besar (lebih dari {MAX_IMAGE_PIXELS // 1_000_000} megapiksel)",
        f"The image has too many pixels (more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels)",
        path,
    )


def normalise(image: Image.Image) -> Image.Image:
    """Apply EXIF orientation and return an RGB image with no metadata attached."""
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")  # CMYK, L, P, I;16 ...
    # A fresh image carries no EXIF/XMP/GPS/comments: only the pixels go on.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def pad_to_aspect(image: Image.Image, min_aspect: float, max_aspect: float) -> Image.Image:
    """Pad with white (never crop) so width/height lies within [min_aspect, max_aspect]."""
    width, height = image.size
    aspect = width / height
    if aspect < min_aspect:  # too tall: widen
        new_size = (int(round(height * min_aspect)), height)
    elif aspect > max_aspect:  # too wide: heighten
        new_size = (width, int(round(width / max_aspect)))
    else:
        return image
    canvas = Image.new("RGB", new_size, "white")
    canvas.paste(image, ((new_size[0] - width) // 2, (new_size[1] - height) // 2))
    return canvas


def _fit_side(image: Image.Image, max_side: int) -> Image.Image:
    if max(image.size) <= max_side:
        return image
    scale = max_side / max(image.size)
    size = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def prepare_image(source: Path, platform: str, out_dir: Path) -> PreparedMedia:
    """Prepare ``source`` for ``platform``; write a JPEG into ``out_dir``; raise ``MediaError``."""
    rules = IMAGE_RULES[platform]
    with open_image(Path(source)) as opened:
        image = normalise(opened)
    if rules.min_aspect is not None and rules.max_aspect is not None:
        image = pad_to_aspect(image, rules.min_aspect, rules.max_aspect)
    image = _fit_side(image, rules.max_side)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{Path(source).stem}-{platform}.jpg"
    for _ in range(6):
        for quality in (90, 80, 70):
            image.save(target, "JPEG", quality=quality, optimize=True)
            size = target.stat().st_size
            if size <= rules.max_bytes:
                return PreparedMedia(target, "image/jpeg", size, image.size[0], image.size[1])
        image = image.resize(
            (max(1, int(image.size[0] * 0.8)), max(1, int(image.size[1] * 0.8))),
            Image.Resampling.LANCZOS,
        )
    raise _reject(
        "media_too_large",
        f"Gambar tidak dapat diperkecil di bawah {rules.max_bytes // MB} MB",
        f"The image cannot be reduced below {rules.max_bytes // MB} MB",
        Path(source),
    )


def is_mp4(path: Path) -> bool:
    """True when the file starts with an ISO-BMFF ``ftyp`` box (MP4/MOV family)."""
    with open(path, "rb") as fh:
        head = fh.read(12)
    return len(head) >= 12 and head[4:8] == b"ftyp" and int.from_bytes(head[:4], "big") >= 8


def check_video(source: Path, platform: str) -> PreparedMedia:
    """Check a video's container (MP4 by magic bytes) and size for ``platform``."""
    source = Path(source)
    try:
        size = source.stat().st_size
        mp4 = is_mp4(source)
    except FileNotFoundError:
        raise _reject("media_missing", "Berkas media tidak ditemukan", "The media file was not found", source) from None
    if not mp4:
        raise _reject(
            "media_not_mp4",
            "Video harus berformat MP4",
            "The video must be an MP4 file",
            source,
        )
    limit = VIDEO_MAX_BYTES[platform]
    if size > limit:
        raise _reject(
            "media_too_large",
            f"Video lebih besar dari batas {limit // MB} MB",
            f"The video is larger than the {limit // MB} MB limit",
            source,
        )
    return PreparedMedia(source, "video/mp4", size)


def placeholder_thumbnail(out_path: Path, size: tuple[int, int] = (1080, 1080)) -> Path:
    """A plain JPEG cover for a video when none was supplied (no ffmpeg to grab a frame)."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (236, 236, 236)).save(out_path, "JPEG", quality=85)
    return out_path


def file_size(path: Path) -> int:
    return os.stat(path).st_size
