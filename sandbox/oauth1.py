"""OAuth 1.0a (HMAC-SHA1) signature checks for the X endpoints.

Clients sign the ORIGINAL https URL (e.g. https://api.twitter.com/2/tweets),
not the sandbox URL the request was redirected to, so the base string is
rebuilt with each real X origin that serves the path. Only form-encoded bodies
take part in the signature (RFC 5849 section 3.4.1.3); JSON and multipart
bodies do not. Spec: https://datatracker.ietf.org/doc/html/rfc5849
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from urllib.parse import quote, unquote

from oauthlib.oauth1.rfc5849 import signature as sig
from oauthlib.oauth1.rfc5849.utils import parse_authorization_header

X_ORIGINS = ("https://api.twitter.com", "https://api.x.com", "https://upload.twitter.com", "https://upload.x.com")
MAX_CLOCK_SKEW_S = 900


class OAuthError(Exception):
    """The request's OAuth 1.0a header is missing, malformed or does not verify."""


def parse_header(authorization: str) -> dict[str, str]:
    """The oauth_* parameters of an ``Authorization: OAuth ...`` header."""
    if not authorization.startswith("OAuth "):
        raise OAuthError("not an OAuth header")
    try:
        # values arrive percent-encoded (RFC 5849 section 3.5.1)
        return {k: unquote(v) for k, v in parse_authorization_header(authorization)}
    except Exception as exc:  # oauthlib raises ValueError and friends for malformed headers
        raise OAuthError("malformed OAuth header") from exc


def verify(
    method: str,
    path_qs: str,
    authorization: str,
    form_body: Iterable[tuple[str, str]] | None,
    secrets_for: Callable[[str, str], tuple[str, str] | None],
    origins: Iterable[str] = X_ORIGINS,
) -> str:
    """Verify a signed request; return its access token (``oauth_token``).

    ``secrets_for(consumer_key, token)`` returns (consumer_secret, token_secret)
    or None for unknown keys.
    """
    params = parse_header(authorization)
    if params.get("oauth_signature_method") != "HMAC-SHA1":
        raise OAuthError("unsupported signature method")
    consumer_key = params.get("oauth_consumer_key", "")
    token = params.get("oauth_token", "")
    secrets = secrets_for(consumer_key, token)
    if secrets is None:
        raise OAuthError("unknown consumer key or token")
    try:
        timestamp = int(params.get("oauth_timestamp", "0"))
    except ValueError as exc:
        raise OAuthError("bad timestamp") from exc
    if abs(time.time() - timestamp) > MAX_CLOCK_SKEW_S:
        raise OAuthError("timestamp out of bounds")
    query = path_qs.split("?", 1)[1] if "?" in path_qs else ""
    collected = sig.collect_parameters(
        uri_query=query,
        body=list(form_body or []),
        headers={"Authorization": authorization},
        exclude_oauth_signature=True,
        with_realm=False,
    )
    normalized = sig.normalize_parameters(collected)  # type: ignore[arg-type]  # types-oauthlib says dict; it takes collect_parameters' list
    path = path_qs.split("?", 1)[0]
    claimed = params.get("oauth_signature", "")
    for origin in origins:
        base = sig.signature_base_string(method.upper(), sig.base_string_uri(origin + path), normalized)  # type: ignore[arg-type]  # types-oauthlib wants a Literal method
        if hmac.compare_digest(_hmac_sha1(base, *secrets), claimed):
            return token
    raise OAuthError("signature does not match")


def _hmac_sha1(base: str, consumer_secret: str, token_secret: str) -> str:
    key = f"{quote(consumer_secret, safe='~')}&{quote(token_secret, safe='~')}"
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()
