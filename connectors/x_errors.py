"""X's error table and how a tweepy (or media upload) failure becomes a ``Failure``.

Vendor docs: https://docs.x.com/x-api/fundamentals/response-codes-and-errors and
https://docs.x.com/x-api/fundamentals/rate-limits (``x-rate-limit-reset``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import requests
import tweepy

from connectors.base import AuthExpired, RateLimited, Rejected
from connectors.errors import Failure, Rule, all_of, ambiguous_if_create, exc_is, message_has


class UploadFailed(Exception):
    """Media upload answered with an HTTP error; carries the response (not its URL)."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"media upload failed: {response.status_code}")
        self.status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        errors = body.get("errors") or []
        self.codes = tuple(e.get("code") for e in errors if isinstance(e, dict) and "code" in e)
        self.message = " ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict)) or str(
            body.get("detail", "")
        )
        reset = response.headers.get("x-rate-limit-reset")
        self.retry_at = datetime.fromtimestamp(int(reset), UTC) if reset and reset.isdigit() else None


class ProcessingFailed(Exception):
    """X could not process an uploaded video."""


def failure(exc: BaseException, create: bool) -> Failure:
    """The facts of a failed call: an upload's answer, a tweepy HTTP error, or just the exception."""
    if isinstance(exc, UploadFailed):
        return Failure(exc, False, status=exc.status, codes=exc.codes, message=exc.message, retry_at=exc.retry_at)
    if isinstance(exc, tweepy.HTTPException):
        retry_at = None
        if isinstance(exc, tweepy.TooManyRequests) and exc.reset_time:
            retry_at = datetime.fromtimestamp(int(exc.reset_time), UTC)
        return Failure(
            exc,
            create,
            status=exc.response.status_code,
            codes=tuple(exc.api_codes),
            message=" ".join(str(m) for m in exc.api_messages),
            retry_at=retry_at,
        )
    return Failure(exc, create)


# One table: platform failure -> taxonomy (then errors.COMMON_RULES).
ERRORS: tuple[Rule, ...] = (
    Rule(
        message_has("duplicate content"),
        Rejected,
        "duplicate",
        "X menolak teks yang sama persis dengan postingan sebelumnya; ubah teksnya.",
        "X rejected text identical to an earlier post; change the text.",
    ),
    Rule(
        exc_is(tweepy.TooManyRequests),
        RateLimited,
        "rate_limited",
        "Batas permintaan X tercapai; akun dijeda sampai batas dibuka lagi.",
        "X's rate limit was reached; the account is paused until it resets.",
    ),
    Rule(
        exc_is(tweepy.Unauthorized),
        AuthExpired,
        "unauthorized",
        "Token X tidak berlaku lagi; sambungkan ulang akun X.",
        "The X token is no longer valid; reconnect the X account.",
    ),
    Rule(
        all_of(exc_is(tweepy.Forbidden), message_has("suspended", "locked")),
        AuthExpired,
        "account_locked",
        "Akun X dikunci atau ditangguhkan; buka kunci lalu sambungkan ulang.",
        "The X account is locked or suspended; unlock it and reconnect.",
    ),
    Rule(
        exc_is(tweepy.Forbidden),
        Rejected,
        "forbidden",
        "X tidak mengizinkan postingan ini (izin aplikasi atau aturan X).",
        "X does not allow this post (app permissions or X rules).",
    ),
    Rule(
        exc_is(tweepy.BadRequest),
        Rejected,
        "bad_request",
        "X menolak isi postingan (teks terlalu panjang atau media tidak valid).",
        "X rejected the post's content (text too long or invalid media).",
    ),
    Rule(
        exc_is(ProcessingFailed),
        Rejected,
        "media_processing_failed",
        "X gagal memproses video; periksa format dan durasinya.",
        "X could not process the video; check its format and length.",
    ),
    Rule(
        exc_is(tweepy.TwitterServerError),
        ambiguous_if_create,
        "server_error",
        "X sedang bermasalah (5xx); sistem akan memeriksa apakah postingan sudah terbit.",
        "X had a server error (5xx); Siar will check whether the post was published.",
    ),
)
