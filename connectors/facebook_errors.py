"""Facebook's error table and how a facebook-sdk failure becomes a ``Failure``.

Vendor docs: https://developers.facebook.com/docs/graph-api/guides/error-handling (codes) and
https://developers.facebook.com/docs/graph-api/overview/rate-limiting (usage headers).
facebook-sdk never checks the HTTP status and its exceptions carry no headers, so
``LastResponse`` (a response hook on the session) records the status and the usage
headers of the latest response for the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests

from connectors.base import AuthExpired, RateLimited, Rejected, Transient
from connectors.errors import Failure, Rule, all_of, ambiguous_if_create, code_in, message_has
from connectors.facebook_sdk import error_facts

RATE_LIMIT_CODES = (4, 17, 32, 613, 80001)
USAGE_HEADERS = ("x-business-use-case-usage", "x-page-usage", "x-app-usage")
# App/page usage windows are rolling one hour; without an estimate we pause that long.
DEFAULT_RATE_LIMIT_PAUSE = timedelta(hours=1)

ERRORS: tuple[Rule, ...] = (
    # Surely not applied, and nothing a post can fix: retried while the operator moves
    # SIAR_FACEBOOK_GRAPH_VERSION on (`siar status` says so from 60 days before the end).
    Rule(
        code_in(2635),
        Transient,
        "graph_version_ended",
        "Facebook tidak melayani lagi versi Graph API yang dipakai Siar; pengelola server perlu "
        "mengganti SIAR_FACEBOOK_GRAPH_VERSION ke versi yang lebih baru. Akan dicoba lagi.",
        "Facebook no longer serves the Graph API version Siar uses; the server operator needs to "
        "set SIAR_FACEBOOK_GRAPH_VERSION to a newer version. It will be retried.",
    ),
    Rule(
        code_in(*RATE_LIMIT_CODES),
        RateLimited,
        "rate_limited",
        "Batas permintaan Facebook tercapai; akun dijeda sampai batas dibuka lagi.",
        "Facebook's rate limit was reached; the account is paused until it resets.",
    ),
    Rule(
        code_in(368),
        RateLimited,
        "temporarily_blocked",
        "Facebook memblokir sementara Halaman ini untuk memposting; akun dijeda.",
        "Facebook temporarily blocked this Page from posting; the account is paused.",
    ),
    Rule(
        code_in(506),
        Rejected,
        "duplicate",
        "Facebook menolak postingan yang sama persis dengan postingan sebelumnya; ubah teksnya.",
        "Facebook rejected a post identical to an earlier one; change the text.",
    ),
    Rule(
        code_in(190, 102, 463, 467),
        AuthExpired,
        "token_expired",
        "Token Halaman Facebook kedaluwarsa atau dicabut; sambungkan ulang Halaman.",
        "The Facebook Page token expired or was revoked; reconnect the Page.",
    ),
    Rule(
        lambda f: any(isinstance(c, int) and (c == 10 or 200 <= c <= 299) for c in f.codes),
        AuthExpired,
        "permission_missing",
        "Izin Halaman Facebook kurang; sambungkan ulang dan berikan izin memposting.",
        "The Facebook Page permissions are missing; reconnect and grant posting permission.",
    ),
    Rule(
        code_in(1, 2),
        ambiguous_if_create,
        "platform_unavailable",
        "Facebook sedang bermasalah; sistem akan memeriksa apakah postingan sudah terbit.",
        "Facebook is having trouble; Siar will check whether the post was published.",
    ),
    Rule(
        code_in(324, 352, 1363041),
        Rejected,
        "media_invalid",
        "Facebook menolak berkas media; periksa format dan ukurannya.",
        "Facebook rejected the media file; check its format and size.",
    ),
    Rule(
        lambda f: f.status is not None and f.status < 500 and message_has("does not exist")(f),
        Rejected,
        "not_found",
        "Objek Facebook tidak ditemukan (mungkin sudah dihapus).",
        "The Facebook object was not found (it may have been deleted).",
    ),
    # A metric Meta no longer knows fails the whole request: not a sign that the posts are gone
    # (fetch_metrics must not fall back to id-by-id reads and call every post Missing).
    Rule(
        all_of(code_in(100), message_has("valid insights metric")),
        Rejected,
        "insights_metric_invalid",
        "Facebook menolak salah satu metrik insights yang diminta Siar; keterlibatan belum bisa diukur.",
        "Facebook refused one of the insights metrics Siar asks for; engagement cannot be measured yet.",
    ),
    Rule(
        code_in(100),
        Rejected,
        "invalid_parameter",
        "Facebook menolak isi postingan (parameter tidak valid).",
        "Facebook rejected the post's content (invalid parameter).",
    ),
)


@dataclass
class LastResponse:
    """What the session hook saw for the latest response (facebook-sdk hides it)."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.status = response.status_code
        self.headers = {h: response.headers[h] for h in USAGE_HEADERS if h in response.headers}
        return response

    def reset(self) -> None:
        self.status, self.headers = None, {}


def retry_at_from_usage(headers: dict[str, str], now: datetime) -> datetime:
    """Instant to resume, from the usage headers' ``estimated_time_to_regain_access`` (minutes)."""
    minutes: list[float] = []
    for name in USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = [data]
        if isinstance(data, dict) and name == "x-business-use-case-usage":
            entries = [e for values in data.values() if isinstance(values, list) for e in values]
        for entry in entries:
            if isinstance(entry, dict) and entry.get("estimated_time_to_regain_access") is not None:
                try:
                    minutes.append(float(entry["estimated_time_to_regain_access"]))
                except (TypeError, ValueError):
                    pass
    if minutes and max(minutes) > 0:
        return now + timedelta(minutes=max(minutes))
    return now + DEFAULT_RATE_LIMIT_PAUSE


def failure(exc: BaseException, create: bool, last: LastResponse, now: Callable[[], datetime]) -> Failure:
    """The facts of a failed call: Graph's error codes, and the status and usage headers ``last`` saw."""
    codes, message = error_facts(exc)
    status = last.status if not isinstance(exc, requests.RequestException) else None
    retry_at = None
    if any(c in RATE_LIMIT_CODES for c in codes) or status == 429:
        retry_at = retry_at_from_usage(last.headers, now())
    return Failure(exc, create, status=status, codes=codes, message=message, retry_at=retry_at)
