"""Instagram's error table and how an instagrapi failure becomes a ``Failure``.

Vendor docs: instagrapi https://subzeroid.github.io/instagrapi/ ("Handle exceptions"):
instagrapi raises one exception class per answer it recognises (``LoginRequired``,
``ChallengeRequired``, ``PleaseWaitFewMinutes``, ...); the table below matches them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from instagrapi import exceptions as ig

from connectors.base import AuthExpired, RateLimited, Rejected, Transient
from connectors.errors import Failure, Rule, ambiguous_if_create, exc_is

T = TypeVar("T")


class RuploadFailed(Exception):
    """A media upload (rupload) answered non-200: nothing was published."""

    def __init__(self, status: int | None) -> None:
        super().__init__(f"upload failed: {status}")
        self.status = status


ERRORS: tuple[Rule, ...] = (
    Rule(
        exc_is(ig.ChallengeError, ig.ChallengeRequired, ig.TwoFactorRequired, ig.CaptchaChallengeRequired),
        AuthExpired,
        "challenge_required",
        "Instagram meminta verifikasi (challenge/2FA); buka Instagram, selesaikan verifikasi, "
        "lalu sambungkan ulang akun.",
        "Instagram asks for verification (challenge/2FA); open Instagram, complete it, then reconnect the account.",
    ),
    Rule(
        exc_is(ig.AccountSuspended),
        AuthExpired,
        "account_suspended",
        "Akun Instagram ditangguhkan; selesaikan di aplikasi Instagram lalu sambungkan ulang.",
        "The Instagram account is suspended; resolve it in the Instagram app, then reconnect.",
    ),
    Rule(
        exc_is(ig.BadPassword, ig.BadCredentials),
        AuthExpired,
        "bad_password",
        "Kata sandi Instagram tidak berlaku lagi; sambungkan ulang akun.",
        "The Instagram password is no longer valid; reconnect the account.",
    ),
    Rule(
        exc_is(ig.LoginRequired, ig.ReloginAttemptExceeded, ig.ClientLoginRequired, ig.ClientUnauthorizedError),
        AuthExpired,
        "login_required",
        "Sesi Instagram berakhir dan tidak dapat diperbarui; sambungkan ulang akun.",
        "The Instagram session ended and could not be renewed; reconnect the account.",
    ),
    Rule(
        exc_is(ig.PleaseWaitFewMinutes, ig.RateLimitError, ig.ClientThrottledError),
        RateLimited,
        "rate_limited",
        "Instagram meminta menunggu beberapa menit; akun dijeda sementara.",
        "Instagram asks to wait a few minutes; the account is paused for a while.",
    ),
    Rule(
        exc_is(ig.FeedbackRequired, ig.SentryBlock),
        RateLimited,
        "action_blocked",
        "Instagram memblokir sementara tindakan akun ini; akun dijeda.",
        "Instagram temporarily blocked this account's actions; the account is paused.",
    ),
    Rule(
        exc_is(ig.VideoTooLongException),
        Rejected,
        "video_too_long",
        "Video terlalu panjang untuk Instagram.",
        "The video is too long for Instagram.",
    ),
    Rule(
        exc_is(ValueError),
        Rejected,
        "media_unreadable",
        "Instagram tidak dapat membaca berkas media (MP4 tanpa metadata video?).",
        "Instagram cannot read the media file (an MP4 without video metadata?).",
    ),
    Rule(
        exc_is(RuploadFailed),
        Transient,
        "upload_failed",
        "Unggahan media ke Instagram gagal; akan dicoba lagi.",
        "Uploading the media to Instagram failed; it will be retried.",
    ),
    Rule(
        lambda f: isinstance(f.exc, ig.ClientError) and f.status is not None and f.status >= 500,
        ambiguous_if_create,
        "server_error",
        "Instagram sedang bermasalah; sistem akan memeriksa apakah postingan sudah terbit.",
        "Instagram is having trouble; Siar will check whether the post was published.",
    ),
    Rule(
        lambda f: (
            isinstance(f.exc, ig.ClientError) and f.network is None and f.status is not None and 400 <= f.status < 500
        ),
        Rejected,
        "rejected",
        "Instagram menolak postingan ini; periksa keterangan dan media.",
        "Instagram rejected this post; check the caption and media.",
    ),
)


def failure(exc: BaseException, create: bool) -> Failure:
    """The facts of a failed call: the HTTP status of instagrapi's response, its error type and message."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(exc, RuploadFailed):
        status = exc.status
    codes = tuple(c for c in (getattr(exc, "error_type", None), getattr(exc, "message", None)) if c)
    message = str(getattr(exc, "message", "") or "")
    return Failure(exc, create, status=status, codes=codes, message=message)


def rupload(send: Callable[[], T], refused: type[Exception]) -> T:
    """Run one media upload (rupload); its refusal (``refused``) raised as ``rupload_error`` says."""
    try:
        return send()
    except refused as exc:
        raise rupload_error(exc) from exc


def rupload_error(exc: Exception) -> Exception:
    """A failed rupload as the exception instagrapi raises for the same answer elsewhere."""
    response = getattr(exc, "response", None)
    try:
        body = response.json() if response is not None else {}
    except ValueError:
        body = {}
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    error: Exception  # instagrapi ships no types: its exceptions are Exception subclasses
    if message == "login_required":
        error = ig.LoginRequired(response=response, **body)
    elif message == "challenge_required":
        error = ig.ChallengeRequired(**body)
    else:
        error = RuploadFailed(getattr(response, "status_code", None))
    return error
