"""Small input checks shared by the services; each raises a typed, bilingual error.

A zone name is checked by :func:`scheduler.domain.timezones.zone_name`, an instant by
:func:`scheduler.domain.timezones.require_aware`.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import TypeVar

from .errors import InvalidInput

E = TypeVar("E", bound=Enum)

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


def email(value: str | None) -> str:
    """A normalized (stripped, lower-case) e-mail address."""
    text = (value or "").strip().lower()
    if not _EMAIL.match(text) or len(text) > 254:
        raise invalid("email", "invalid_email", "Alamat email tidak sah.", "The e-mail address is not valid.")
    return text


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: 'KIM Arjosari Berdaya' -> 'kim-arjosari-berdaya'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def member(kind: type[E], value: E | str, field: str, message_id: str, message_en: str) -> E:
    """``value`` as a member of the enum ``kind``; else InvalidInput ``unknown_<field>``."""
    try:
        return kind(value)
    except ValueError:
        raise invalid(field, f"unknown_{field}", message_id, message_en) from None


def page_bounds(page: int, per_page: int, max_per_page: int) -> None:
    """Refuse a page number below 1 or a page size outside ``1..max_per_page`` (``bad_page``)."""
    if page < 1 or not 1 <= per_page <= max_per_page:
        raise invalid(
            "page", "bad_page", "Nomor halaman atau ukuran halaman tidak sah.", "Invalid page number or page size."
        )
