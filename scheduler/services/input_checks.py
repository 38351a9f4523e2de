"""Small input checks shared by the services; each raises a typed, bilingual error."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.domain.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def invalid(field: str, code: str, message_id: str, message_en: str) -> InvalidInput:
    """An InvalidInput naming ``field``."""
    return InvalidInput(code, message_id, message_en, field=field)


def required_text(value: str | None, field: str, label_id: str, label_en: str, max_length: int = 200) -> str:
    """Strip ``value``; refuse it empty or longer than ``max_length``."""
    text = (value or "").strip()
    if not text:
        raise invalid(field, f"{field}_required", f"{label_id} wajib diisi.", f"{label_en} is required.")
    if len(text) > max_length:
        raise invalid(
            field,
            f"{field}_too_long",
            f"{label_id} terlalu panjang (maksimal {max_length} karakter).",
            f"{label_en} is too long (at most {max_length} characters).",
        )
    return text


def zone(name: str | None, field: str = "timezone") -> str:
    """An IANA zone name that exists (e.g. ``Asia/Jakarta``)."""
    candidate = (name or "").strip()
    try:
        if not candidate or "\x00" in candidate:
            raise ZoneInfoNotFoundError(candidate)
        ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise invalid(
            field,
            "unknown_timezone",
            f"Zona waktu '{candidate}' tidak dikenal (contoh: Asia/Jakarta).",
            f"Unknown time zone '{candidate}' (e.g. Asia/Jakarta).",
        ) from None
    return candidate


def email(value: str | None) -> str:
    """A normalized (stripped, lower-case) e-mail address."""
    text = (value or "").strip().lower()
    if not _EMAIL.match(text) or len(text) > 254:
        raise invalid("email", "invalid_email", "Alamat email tidak sah.", "The e-mail address is not valid.")
    return text


def aware(value: datetime, field: str) -> datetime:
    """Refuse a naive datetime: an instant needs its zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise invalid(
            field,
            "naive_datetime",
            "Waktu harus menyertakan zona waktu atau selisih UTC.",
            "The time must carry a time zone or a UTC offset.",
        )
    return value


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: 'KIM Arjosari Berdaya' -> 'kim-arjosari-berdaya'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]
