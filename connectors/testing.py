"""Test support other areas can use: small generated media files (no fixtures shipped)."""

from __future__ import annotations

import struct
from pathlib import Path

from PIL import Image


def mp4_bytes(width: int = 320, height: int = 240, duration_s: int = 2, *, with_moov: bool = True) -> bytes:
    """A tiny ISO-BMFF file: ``ftyp``, ``moov`` (mvhd, trak/tkhd, mdia/hdlr "vide") and ``mdat``.

    Not playable, but carries what Siar and instagrapi read: the ftyp magic,
    width/height (tkhd) and duration (mvhd).
    """

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    mdat = box(b"mdat", b"\x00" * 64)
    if not with_moov:
        return ftyp + mdat
    timescale = 1000
    mvhd = box(b"mvhd", bytes(4) + bytes(8) + struct.pack(">II", timescale, duration_s * timescale) + bytes(80))
    tkhd = bytearray(84)
    struct.pack_into(">II", tkhd, 76, width << 16, height << 16)
    hdlr = box(b"hdlr", bytes(8) + b"vide" + bytes(12) + b"video\x00")
    trak = box(b"trak", box(b"tkhd", bytes(tkhd)) + box(b"mdia", hdlr))
    return ftyp + box(b"moov", mvhd + trak) + mdat


def write_mp4(path: Path, width: int = 320, height: int = 240, duration_s: int = 2, *, with_moov: bool = True) -> Path:
    """Write ``mp4_bytes(...)`` of these arguments to ``path``."""
    path.write_bytes(mp4_bytes(width, height, duration_s, with_moov=with_moov))
    return path


def write_jpeg(path: Path, size: tuple[int, int] = (800, 600), colour: tuple[int, int, int] = (200, 120, 40)) -> Path:
    """A plain JPEG of ``size``."""
    Image.new("RGB", size, colour).save(path, "JPEG", quality=85)
    return path
