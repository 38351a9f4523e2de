"""The caller's language: Bahasa Indonesia by default, English on request.

Two consumers:

- the JSON API (``language``): an ``Accept-Language`` header naming ``id`` or
  ``en`` (first one wins), else the signed-in user's language, else Indonesian;
- the HTML pages (``page_language``): the language switch (cookie
  ``siar_lang``), else the user's own setting, else Indonesian. The browser's
  Accept-Language is not consulted there: most phones in Malang announce
  English, and the interface is Indonesian first.

Page texts live in gettext catalogues, ``locale/{id,en}/LC_MESSAGES/messages.po``
(msgids in English). They are read with Babel at first use and compiled in
memory, so no build step is needed; ``translations(lang)`` returns the
``gettext.NullTranslations``-compatible object templates call ``_()`` on.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

SUPPORTED = ("id", "en")
DEFAULT = "id"
LANG_COOKIE = "siar_lang"
LOCALE_DIR = Path(__file__).with_name("locale")


def from_header(value: str | None) -> str | None:
    """The first supported language in an Accept-Language header, honouring q-values."""
    if not value:
        return None
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(value.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower().split("-")[0]
        q = 1.0
        for param in pieces[1:]:
            name, _, number = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(number)
                except ValueError:
                    q = 0.0
        if tag in SUPPORTED and q > 0:
            choices.append((-q, index, tag))
    return min(choices)[2] if choices else None


def language(request: Request) -> str:
    """The language chosen for this API request so far (see module docstring)."""
    header = from_header(request.headers.get("accept-language"))
    if header:
        return header
    return getattr(request.state, "user_language", None) or DEFAULT


def page_language(request: Request) -> str:
    """The language of an HTML page: the switch's cookie, the user's setting, or Indonesian."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in SUPPORTED:
        return chosen
    user = getattr(request.state, "user_language", None)
    return user if user in SUPPORTED else DEFAULT


def pick(lang: str, message_id: str, message_en: str) -> str:
    return message_en if lang == "en" else message_id


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(SUPPORTED))
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (read from its .po once per process).

    A precompiled ``messages.mo`` beside the .po is used when it is newer
    (``pybabel compile``); otherwise the .po is compiled in memory.
    """
    if lang not in SUPPORTED:
        lang = DEFAULT
    po = catalogue_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return Translations(handle, domain="messages")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")
