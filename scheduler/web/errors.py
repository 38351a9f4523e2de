"""JSON errors: ``{"error": {"code", "message", "fields"}}`` in the caller's language.

Every domain error class has one HTTP status (below); FastAPI's validation
errors become 422 with one message per field (400 for a body that is not JSON
at all); anything unexpected is a 500 with an error id that is also in the
log, and never a stack trace or an exception text in the answer.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from scheduler.domain.errors import (
    Conflict,
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    NotFound,
)
from scheduler.services.signin.login_throttle import LoginThrottled
from scheduler.web.i18n import language, pick
from scheduler.web.methods import allowed_methods

log = logging.getLogger("siar.web")


class Unauthenticated(DomainError):
    """No valid credentials (bearer token or session cookie): 401."""

    default_code = "unauthenticated"

    def __init__(
        self,
        code: str | None = None,
        message_id: str = "Silakan masuk dulu atau kirim token API yang sah.",
        message_en: str = "Please sign in or send a valid API token.",
    ) -> None:
        super().__init__(code, message_id, message_en)


class PayloadTooLarge(DomainError):
    default_code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        mb = limit / (1024 * 1024)
        super().__init__(
            None,
            f"Data yang dikirim terlalu besar (maksimal {mb:g} MB).",
            f"The request body is too large (at most {mb:g} MB).",
        )


class BadRequest(DomainError):
    default_code = "bad_request"


STATUS: list[tuple[type[DomainError], int]] = [
    (Unauthenticated, 401),
    (LoginThrottled, 429),
    (PayloadTooLarge, 413),
    (BadRequest, 400),
    (InvalidInput, 422),
    (NotFound, 404),
    (NotAllowed, 403),
    (IllegalTransition, 409),
    (Conflict, 409),
]


def status_of(error: DomainError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 400


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_headers(error: DomainError) -> dict[str, str]:
    """The headers that go with the error's status (``Retry-After`` on 429, a challenge on 401)."""
    headers = {}
    if isinstance(error, LoginThrottled):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    return headers


def domain_response(request: Request, error: DomainError) -> JSONResponse:
    lang = language(request)
    payload = error.as_dict(lang)
    headers = error_headers(error)
    problems = getattr(error, "problems", None)
    body = error_body(payload["code"], payload["message"], payload.get("fields"))
    if problems:
        body["error"]["problems"] = [
            {
                "code": p.code,
                "field": p.field,
                "platform": p.platform,
                "severity": p.severity,
                "message": p.message(lang),
            }
            for p in problems
        ]
    return JSONResponse(body, status_code=status_of(error), headers=headers)


# Indonesian wording of pydantic's error types (English uses pydantic's own message).
_ID_MESSAGES = {
    "missing": "wajib diisi",
    "extra_forbidden": "kolom tidak dikenal",
    "timezone_aware": "waktu tanpa zona waktu",
    "int_parsing": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "string_type": "harus teks",
    "bool_parsing": "harus true atau false",
    "bool_type": "harus true atau false",
    "list_type": "harus daftar",
    "dict_type": "harus objek",
    "model_type": "harus objek",
    "datetime_parsing": "format waktu tidak sah (ISO-8601)",
    "datetime_from_date_parsing": "format waktu tidak sah (ISO-8601)",
    "datetime_type": "format waktu tidak sah (ISO-8601)",
    "date_from_datetime_parsing": "format tanggal tidak sah (YYYY-MM-DD)",
    "date_format": "format tanggal tidak sah (YYYY-MM-DD)",
    "datetime_format": "format waktu tidak sah (ISO-8601, mis. 2026-12-01T09:00:00+07:00)",
    "enum": "nilai tidak dikenal",
    "literal_error": "nilai tidak dikenal",
    "greater_than_equal": "terlalu kecil",
    "less_than_equal": "terlalu besar",
    "string_too_long": "terlalu panjang",
    "string_too_short": "terlalu pendek",
    "too_long": "terlalu banyak isian",
    "value_error": "nilai tidak sah",
}


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or "body"


def validation_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    lang = language(request)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse(
            error_body(
                "malformed_json",
                pick(lang, "Isi permintaan bukan JSON yang sah.", "The request body is not valid JSON."),
            ),
            status_code=400,
        )
    fields: dict[str, str] = {}
    for e in errors:
        name = _field_name(tuple(e.get("loc", ())))
        kind = e.get("type", "")
        if lang == "en":
            text = e.get("msg", "invalid")
            if kind == "timezone_aware":
                text = "time without a time zone: add an offset (+07:00) or a timezone"
            elif kind in ("enum", "literal_error") and len(text) > 200:  # e.g. the 600 time zones
                text = "Input should be one of the values the API document lists (/api/openapi.json)"
        else:
            text = _ID_MESSAGES.get(kind, "nilai tidak sah")
        fields.setdefault(name, text)
    naive = any(e.get("type") == "timezone_aware" for e in errors)
    code = "naive_datetime" if naive else "invalid_input"
    if naive:
        message = pick(
            lang,
            "Waktu tanpa zona waktu: tambahkan selisih UTC (+07:00) atau zona waktu.",
            "Time without a time zone: add a UTC offset (+07:00) or a time zone.",
        )
    else:
        message = pick(
            lang,
            "Ada isian yang tidak sah; periksa kolom yang ditandai.",
            "Some input is not valid; check the marked fields.",
        )
    return JSONResponse(error_body(code, message, fields), status_code=422)


_HTTP_CODES = {
    401: "unauthenticated",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}
_HTTP_MESSAGES = {
    404: ("Alamat tidak ditemukan.", "Not found."),
    405: ("Metode HTTP ini tidak didukung di alamat ini.", "This HTTP method is not allowed here."),
}


def http_response(request: Request, exc: StarletteHTTPException) -> Response:
    """Starlette's HTTP errors in the envelope; a 405 lists every method of its path in ``Allow``,
    and OPTIONS (which no route declares, so the router calls it a 405) answers 204 with that list."""
    headers = dict(getattr(exc, "headers", None) or {})
    allow = allowed_methods(request) if exc.status_code == 405 else []
    if allow:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": ", ".join(allow)})
        headers["Allow"] = ", ".join(allow)
    lang = language(request)
    mid, men = _HTTP_MESSAGES.get(
        exc.status_code, ("Permintaan tidak bisa diproses.", "The request cannot be processed.")
    )
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return JSONResponse(error_body(code, pick(lang, mid, men)), status_code=exc.status_code, headers=headers or None)


def internal_response(request: Request, exc: Exception) -> JSONResponse:
    error_id = uuid.uuid4().hex[:12]
    # The traceback goes to the log (with the id the user can quote), never to the answer.
    log.error(
        "unhandled error %s on %s %s",
        error_id,
        request.method,
        request.url.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    lang = language(request)
    return JSONResponse(
        error_body(
            "internal_error",
            pick(
                lang,
                f"Terjadi kesalahan di server. Sebutkan kode {error_id} saat melapor.",
                f"Something went wrong on the server. Quote code {error_id} when reporting it.",
            ),
        ),
        status_code=500,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(DomainError, domain_response)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_response)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_response)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, internal_response)
