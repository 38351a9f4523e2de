"""Request body limits, enforced before any parsing (413 with a JSON error).

A declared ``Content-Length`` over the limit is refused at once; a body sent
without one (chunked) is counted while it is read and cut off at the limit.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from scheduler.web.i18n import from_header

MB = 1024 * 1024
MEDIA_MAX_BYTES = 100 * MB  # Instagram's feed-video ceiling; images are limited further in services.posts.media
IMPORT_MAX_BYTES = 20 * MB  # a 10,000-row CSV is about 2 MB
DEFAULT_MAX_BYTES = 1 * MB  # every JSON body

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


def limit_for(path: str) -> int:
    if path.startswith("/api/v1/media"):
        return MEDIA_MAX_BYTES
    if path.startswith("/api/v1/import"):
        return IMPORT_MAX_BYTES
    return DEFAULT_MAX_BYTES


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Pure ASGI middleware (no buffering of its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope.get("path", ""))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        lang = from_header(headers.get("accept-language")) or "id"
        declared = headers.get("content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False
            if too_big:
                await _refuse(send, limit, lang)
                return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _refuse(send, limit, lang)


async def _refuse(send: Callable[[Message], Awaitable[None]], limit: int, lang: str) -> None:
    mb = limit / MB
    message = (
        f"The request body is too large (at most {mb:g} MB)."
        if lang == "en"
        else f"Data yang dikirim terlalu besar (maksimal {mb:g} MB)."
    )
    body = json.dumps({"error": {"code": "payload_too_large", "message": message, "fields": {}}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
