"""Media uploads: identify the file, store it by content hash, record a MediaAsset.

Images are opened with Pillow (which also refuses decompression bombs) to
learn their real format and size; the file name's extension is never
trusted. Videos are recognised by their ISO-BMFF ``ftyp`` box (MP4/MOV).
Per-platform variants (resizing, padding to an aspect ratio) are made later
by ``connectors/media.py``; this keeps the original bytes.

The same bytes uploaded twice in one KIM give the same asset (no new row).
Files are written before the row is committed; a failed commit leaves an
unreferenced, content-addressed file, never a row without its file.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import warnings
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from scheduler.domain import input_checks as checks
from scheduler.domain.model import MediaAsset, MediaKind
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found

MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_VIDEO_BYTES = 512 * 1024 * 1024  # X's limit; Instagram and Facebook accept less or as much
_IMAGE_MIME = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
_VIDEO_BRANDS = {b"qt  ": ("video/quicktime", ".mov")}  # everything else with ftyp: MP4


def _identify(data: bytes) -> tuple[MediaKind, str, str, int | None, int | None]:
    """(kind, mime type, extension, width, height) or InvalidInput(file)."""
    if len(data) >= 12 and data[4:8] == b"ftyp":
        mime, ext = _VIDEO_BRANDS.get(data[8:12], ("video/mp4", ".mp4"))
        return MediaKind.VIDEO, mime, ext, None, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()  # a truncated or corrupt file fails here, not at publish time
                fmt, (width, height) = image.format or "", image.size
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise checks.invalid(
            "file",
            "unsupported_media",
            "Berkas bukan foto (JPEG, PNG, GIF, WebP) atau video (MP4, MOV) yang sah.",
            "The file is not a valid photo (JPEG, PNG, GIF, WebP) or video (MP4, MOV).",
        ) from None
    if fmt not in _IMAGE_MIME:
        raise checks.invalid(
            "file",
            "unsupported_media",
            f"Format gambar {fmt} tidak didukung; pakai JPEG, PNG, GIF atau WebP.",
            f"Image format {fmt} is not supported; use JPEG, PNG, GIF or WebP.",
        )
    mime, ext = _IMAGE_MIME[fmt]
    return MediaKind.IMAGE, mime, ext, width, height


def _write(root: Path, key: str, data: bytes) -> None:
    path = root / key
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # atomic: readers never see half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def upload_media(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kim_id: int,
    filename: str,
    data: bytes,
    now: datetime,
    media_dir: Path | None = None,
) -> MediaAsset:
    """Store an uploaded photo or video for a KIM; returns the (possibly existing) asset."""
    authorize(actor, Cap.WRITE_POST, kim_id, what="kim")
    if not data:
        raise checks.invalid("file", "empty_file", "Berkas kosong.", "The file is empty.")
    if len(data) > MAX_VIDEO_BYTES:
        raise checks.invalid(
            "file",
            "file_too_large",
            "Berkas terlalu besar (maksimal 512 MB).",
            "The file is too large (at most 512 MB).",
        )
    kind, mime, ext, width, height = _identify(data)
    if kind == MediaKind.IMAGE and len(data) > MAX_IMAGE_BYTES:
        raise checks.invalid(
            "file", "file_too_large", "Foto terlalu besar (maksimal 30 MB).", "The photo is too large (at most 30 MB)."
        )
    digest = hashlib.sha256(data).hexdigest()
    if media_dir is None:
        from config.settings import get_settings

        media_dir = get_settings().media_dir
    with uow:
        if uow.kims.get(kim_id) is None:
            raise not_found("kim", "kim")
        existing = uow.media.get_by_hash(kim_id, digest)
        if existing is not None:
            return existing
        key = f"kim-{kim_id}/{digest[:2]}/{digest}{ext}"
        _write(Path(media_dir), key, data)
        asset = uow.media.add(
            MediaAsset(
                kim_id=kim_id,
                content_hash=digest,
                kind=kind,
                mime_type=mime,
                size_bytes=len(data),
                storage_key=key,
                width=width,
                height=height,
                uploaded_by=actor.user_id,
                created_at=now,
            )
        )
        uow.flush()
        audit.record(
            uow,
            actor,
            "media.upload",
            now,
            kim_id=kim_id,
            media_id=asset.id,
            kind=kind.value,
            size_bytes=len(data),
            filename=(filename or "")[:200],
        )
        uow.commit()
        return asset
