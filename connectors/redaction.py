"""Keep credentials out of logs and error details.

The client libraries log at DEBUG what they send: urllib3 logs request lines
(facebook-sdk puts ``access_token`` in the query string), requests-oauthlib
logs the OAuth header (with the access token), instagrapi logs responses. We
never patch them; instead a ``logging.Filter`` on exactly those loggers scrubs
(a) every secret value a connector registered for an account it served and
(b) well-known secret patterns. ``scrub`` is also applied to the operator
``detail`` of every ``ConnectorError``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "***"

# Loggers of the libraries connectors drive (a logger's filters only see its own records).
LIBRARY_LOGGERS = (
    "urllib3.connectionpool",
    "requests_oauthlib.oauth1_auth",
    "oauthlib.oauth1.rfc5849",
    "tweepy.client",
    "facebook",
    "instagrapi",
    "instagrapi.mixins.user",
    "private_request",
    "public_request",
    "graphql_request",
    "connectors",
)

_SECRET_KEY = re.compile(r"token|secret|password|sessionid|authorization|csrftoken|bearer|(^|_)key$", re.I)
_PATTERNS = (
    re.compile(r"(access_token=)[^&\s'\"]+", re.I),
    re.compile(r"(oauth_(?:token|signature|consumer_key)=\"?)[^\",&\s]+", re.I),
    re.compile(r"(Bearer\s+)[^\s'\",]+", re.I),
    re.compile(r"(sessionid['\"]?\s*[=:]\s*['\"]?)[^;'\"\s,}]+", re.I),
    re.compile(r"((?:enc_)?password['\"]?\s*[=:]\s*['\"]?)[^&'\"\s,}]+", re.I),
)
_MIN_SECRET_LEN = 6

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def register_credentials(credentials: Mapping[str, Any]) -> None:
    """Remember the secret values in ``credentials`` (keys that look secret, nested too)."""
    found: list[str] = []
    _collect(credentials, found, secret_parent=False)
    if found:
        with _lock:
            _secrets.update(found)
    install_log_redaction()


def _collect(value: Any, found: list[str], *, secret_parent: bool) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _collect(inner, found, secret_parent=secret_parent or bool(_SECRET_KEY.search(str(key))))
    elif isinstance(value, (list, tuple)):
        for inner in value:
            _collect(inner, found, secret_parent=secret_parent)
    elif secret_parent and isinstance(value, str) and len(value) >= _MIN_SECRET_LEN:
        found.append(value)


def scrub(text: str) -> str:
    """``text`` with registered secrets and known secret patterns replaced by ``***``."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with ``scrub`` (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactingFilter()


def install_log_redaction(names: Iterable[str] = LIBRARY_LOGGERS) -> None:
    """Attach the redacting filter to the library loggers (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
