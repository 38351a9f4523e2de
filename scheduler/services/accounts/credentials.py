"""What a social account's credentials may hold: one check per platform.

Every path that writes credentials (connecting an account through the API or
the Akun page, reconnecting it on that page, the demo) goes through
:func:`check_credentials` before anything is stored: known keys only, each with
its type and a bounded size. Anything else is refused with a bilingual error
that names the key, never a value -- an address above all
(``sandbox_base_url``, ``base_url``, ``proxy``...): where a connector sends an
account's requests is the site's configuration (the platform itself, or
``SIAR_SANDBOX_URL`` for a training account), never something a user typed or
stored.

The keys are what the connectors read (``connectors/x.py``, ``facebook.py``,
``instagram.py``) and what the sandbox issues (``sandbox/credentials.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
    field_validator,
)

from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import Platform

#: Keys the sandbox puts into the credentials it issues that Siar never stores.
SANDBOX_ONLY_KEYS = frozenset({"sandbox_base_url"})

#: Top-level keys of instagrapi 3.2's ``Client.get_settings()`` (a logged-in session).
INSTAGRAPI_SETTINGS_KEYS = frozenset(
    {
        "uuids",
        "mid",
        "ig_u_rur",
        "ig_www_claim",
        "authorization_data",
        "cookies",
        "last_login",
        "device_settings",
        "user_agent",
        "country",
        "country_code",
        "locale",
        "timezone_offset",
        "timezone_name",
        "push_disabled",
        "request_timeout",
        "public_request_retries_count",
        "public_request_retries_timeout",
        "session_retry_total",
        "session_retry_backoff_factor",
        "session_retry_statuses",
        "public_transport",
        "public_user_agent",
        "public_graphql_user_agent",
        "private_transport",
        "public_transport_impersonate",
        "tls_verify",
        "fbns_auth",
        "usdid",
    }
)
SETTINGS_MAX_CHARS = 16_000  # a real session's settings are 2-4 KB
SETTINGS_MAX_DEPTH = 4
SETTINGS_TEXT_MAX = 2_000  # one string inside the settings (a cookie, the user agent)
KEY_MAX = 100

# A key that names a place to send requests to is refused with its own message.
_ADDRESS_KEY = re.compile(
    r"url|uri|host|origin|endpoint|proxy|domain|server|address|base_?path"
    r"|(^|_)(ip|port|addr)($|_)",
    re.IGNORECASE,
)


def _id_text(value: Any) -> Any:
    """A numeric id typed as a JSON number is kept as text (the connectors compare text)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Printable ASCII without spaces: what the platforms' tokens and keys are made of.
Token = Annotated[str, StringConstraints(min_length=1, max_length=1024, pattern=r"^[!-~]+$")]
NumericId = Annotated[
    str, BeforeValidator(_id_text), StringConstraints(min_length=1, max_length=32, pattern=r"^[0-9]+$")
]
Handle = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[!-~]+$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f]+$")]


class _Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, hide_input_in_errors=True)

    handle: Handle | None = None


class XCredentials(_Credentials):
    """OAuth 1.0a user context of the KIM's X account (tweepy), plus its numeric id."""

    platform: Literal["x"] = "x"
    consumer_key: Token
    consumer_secret: Token
    access_token: Token
    access_token_secret: Token
    bearer_token: Token | None = None
    user_id: NumericId


class FacebookCredentials(_Credentials):
    """A long-lived Page access token and the Page's id (facebook-sdk)."""

    platform: Literal["facebook"] = "facebook"
    page_id: NumericId
    page_access_token: Token


class InstagramCredentials(_Credentials):
    """Login and a logged-in session (instagrapi ``Client.get_settings()``)."""

    platform: Literal["instagram"] = "instagram"
    username: Handle
    password: Password
    user_id: NumericId | None = None
    settings: dict[str, Any]

    @field_validator("settings")
    @classmethod
    def _settings(cls, value: dict[str, Any]) -> dict[str, Any]:
        _check_settings(value)
        return value


MODELS: dict[Platform, type[_Credentials]] = {
    Platform.X: XCredentials,
    Platform.FACEBOOK: FacebookCredentials,
    Platform.INSTAGRAM: InstagramCredentials,
}


class _SettingsProblem(ValueError):
    def __init__(self, kind: str, key: str) -> None:
        super().__init__(kind)
        self.kind, self.key = kind, key


def _check_settings(settings: dict[str, Any]) -> None:
    for key in settings:
        if key not in INSTAGRAPI_SETTINGS_KEYS:
            raise _SettingsProblem("unknown", key)
    try:
        size = len(json.dumps(settings))
    except (TypeError, ValueError):
        raise _SettingsProblem("not_json", "settings") from None
    if size > SETTINGS_MAX_CHARS:
        raise _SettingsProblem("too_big", "settings")
    _check_value(settings, "settings", 0)


def _check_value(value: Any, where: str, depth: int) -> None:
    if depth > SETTINGS_MAX_DEPTH:
        raise _SettingsProblem("too_deep", where)
    if isinstance(value, str) and len(value) > SETTINGS_TEXT_MAX:
        raise _SettingsProblem("too_long", where)
    if isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(key, str) or len(key) > KEY_MAX:
                raise _SettingsProblem("bad_key", where)
            _check_value(inner, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for inner in value:
            _check_value(inner, where, depth + 1)


def require_object(credentials: Any) -> None:
    """Raises InvalidInput ``credentials_invalid`` unless ``credentials`` is a non-empty mapping."""
    if not isinstance(credentials, Mapping) or not credentials:
        raise InvalidInput(
            "credentials_invalid",
            "Kredensial harus objek JSON yang tidak kosong.",
            "The credentials must be a non-empty JSON object.",
            field="credentials",
        )


def check_credentials(platform: Platform | str, credentials: Any) -> dict[str, Any]:
    """``credentials`` checked for ``platform``: what may be stored (ids as text).

    Raises InvalidInput (field ``credentials`` or ``credentials.<key>``) naming the
    first problem; every problem found is in ``fields``. Nothing in the error is
    a credential value.
    """
    platform = Platform(platform)
    require_object(credentials)
    model = MODELS[platform]
    try:
        checked = model.model_validate(dict(credentials))
    except ValidationError as exc:
        raise _refusal(platform, model, exc) from None
    return checked.model_dump(exclude_unset=True, exclude_none=True)


def issued_by_sandbox(platform: Platform | str, issued: Mapping[str, Any]) -> dict[str, Any]:
    """Credentials a sandbox issued, as Siar stores them: without the sandbox's own address
    (a training account's requests go to the configured sandbox), then checked as any other."""
    return check_credentials(platform, {k: v for k, v in issued.items() if k not in SANDBOX_ONLY_KEYS})


# -- errors ------------------------------------------------------------------

_NAMES = {Platform.X: "X", Platform.FACEBOOK: "Facebook", Platform.INSTAGRAM: "Instagram"}
_GET_SETTINGS_ID = "'settings' harus hasil Client.get_settings() dari instagrapi"
_GET_SETTINGS_EN = "'settings' must be instagrapi's Client.get_settings()"

# message -> (code, Indonesian, English); {key} is a key's name, never a value.
_MESSAGES = {
    "address": (
        "credentials_address_not_allowed",
        "Kredensial tidak boleh berisi alamat ('{key}'): tujuan permintaan ke platform diatur "
        "oleh server Siar, bukan oleh kredensial.",
        "Credentials may not hold an address ('{key}'): where requests to the platform go is "
        "set by the Siar server, not by credentials.",
    ),
    "unknown": (
        "credentials_unknown_key",
        "Kunci '{key}' tidak dikenal untuk kredensial {name}. Kunci yang boleh: {allowed}.",
        "Unknown key '{key}' in {name} credentials. Allowed keys: {allowed}.",
    ),
    "unknown_setting": (
        "credentials_unknown_key",
        "Kunci '{key}' tidak dikenal: " + _GET_SETTINGS_ID + ".",
        "Unknown key '{key}': " + _GET_SETTINGS_EN + ".",
    ),
    "missing": ("credentials_missing_key", "Kredensial {name} perlu '{key}'.", "{name} credentials need '{key}'."),
    "wrong_platform": (
        "credentials_wrong_platform",
        "Kredensial ini bukan untuk {name}.",
        "These credentials are not for {name}.",
    ),
    "too_long": (
        "credentials_too_long",
        "Isi '{key}' terlalu panjang (maksimal {limit} karakter).",
        "The value of '{key}' is too long (at most {limit} characters).",
    ),
    "empty": ("credentials_empty_value", "Isi '{key}' tidak boleh kosong.", "The value of '{key}' must not be empty."),
    "characters": (
        "credentials_bad_characters",
        "Isi '{key}' berisi karakter yang tidak boleh (misalnya spasi atau baris baru).",
        "The value of '{key}' holds characters that are not allowed (such as spaces or line breaks).",
    ),
    "invalid": (
        "credentials_invalid_value",
        "Isi '{key}' tidak sah (harus teks; id berupa angka).",
        "The value of '{key}' is not valid (it must be text; ids are numbers).",
    ),
    "invalid_setting": (
        "credentials_invalid_value",
        "Isi '{key}' tidak sah: " + _GET_SETTINGS_ID + ".",
        "The value of '{key}' is not valid: " + _GET_SETTINGS_EN + ".",
    ),
}
# pydantic's error types -> our messages (anything else: "invalid").
_BY_TYPE = {
    "extra_forbidden": "unknown",
    "missing": "missing",
    "literal_error": "wrong_platform",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "empty",
    "too_short": "empty",
    "string_pattern_mismatch": "characters",
}
_BY_SETTINGS_PROBLEM = {"unknown": "unknown_setting", "too_big": "too_long", "too_long": "too_long"}
# The problem a message leads with: the cause, before what follows from it.
_FIRST = {"credentials_wrong_platform": 0, "credentials_address_not_allowed": 1, "credentials_unknown_key": 2}


def _shown(key: Any) -> str:
    """A key as it may appear in a message: printable and short (never a value)."""
    text = "".join(ch for ch in str(key) if ch.isprintable())
    return text[:40] + ("..." if len(text) > 40 else "")


def _refusal(platform: Platform, model: type[_Credentials], exc: ValidationError) -> InvalidInput:
    problems = sorted(
        (_problem(platform, model, error) for error in exc.errors(include_input=False)),
        key=lambda problem: _FIRST.get(problem[1], len(_FIRST)),
    )
    fields: dict[str, dict[str, str]] = {}
    for field, _code, message_id, message_en in problems:
        fields.setdefault(field, {"id": message_id, "en": message_en})
    field, code, message_id, message_en = problems[0]
    return InvalidInput(code, message_id, message_en, field=field, fields=fields)


def _problem(platform: Platform, model: type[_Credentials], error: Any) -> tuple[str, str, str, str]:
    """(field, code, Indonesian, English) of one pydantic error."""
    loc = [_shown(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    key = loc[0] if loc else "credentials"
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    message, limit = _BY_TYPE.get(error.get("type", ""), "invalid"), ctx.get("max_length")
    if isinstance(cause, _SettingsProblem):
        key = "settings" if cause.key == "settings" else _shown(cause.key)
        message = _BY_SETTINGS_PROBLEM.get(cause.kind, "invalid_setting")
        limit = SETTINGS_MAX_CHARS if cause.kind == "too_big" else SETTINGS_TEXT_MAX
        if cause.kind == "unknown":
            key = f"settings.{key}"
            loc = ["settings", _shown(cause.key)]
    if message in ("unknown", "unknown_setting") and _ADDRESS_KEY.search(key):
        message = "address"
    code, text_id, text_en = _MESSAGES[message]
    values = {"key": key, "name": _NAMES[platform], "allowed": ", ".join(sorted(model.model_fields)), "limit": limit}
    field = "credentials." + ".".join(loc) if loc else "credentials"
    return field, code, text_id.format(**values), text_en.format(**values)
