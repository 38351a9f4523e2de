"""HEAD wherever GET is answered (uptime monitors and link checkers use HEAD).

FastAPI's routes answer only the methods they declare, so ``HEAD /login``
would be a 405. This middleware runs a HEAD request as the GET it stands
for and sends the GET's status and headers (``Content-Length`` included, as
RFC 9110 allows) without the body. A path with no GET stays a 405, and an
``Allow`` header that lists GET also lists HEAD.

GET handlers change nothing (the house rule for every GET), so running one
for a HEAD is safe; the OpenAPI document is unchanged (no ``head``
operations), since HEAD is the same operation as GET.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Every way an ASGI app can send a body (the last two are server extensions Starlette may use).
_BODY_MESSAGES = frozenset({"http.response.body", "http.response.pathsend", "http.response.zerocopysend"})


def _allow_with_head(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    out = []
    for name, value in headers:
        if name.lower() == b"allow":
            methods = [m.strip() for m in value.decode("latin-1").split(",") if m.strip()]
            if "GET" in methods and "HEAD" not in methods:
                methods.insert(methods.index("GET") + 1, "HEAD")
            value = ", ".join(methods).encode("latin-1")
        out.append((name, value))
    return out


class HeadAsGetMiddleware:
    """Pure ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_head = scope["method"] == "HEAD"
        body_sent = False

        async def send_head(message: Message) -> None:
            nonlocal body_sent
            if message["type"] == "http.response.start":
                if message.get("status") == 405:
                    message = {**message, "headers": _allow_with_head(list(message.get("headers", [])))}
                await send(message)
            elif is_head and message["type"] in _BODY_MESSAGES:
                # The body is dropped; the server still needs the end of the response.
                if not message.get("more_body", False) and not body_sent:
                    body_sent = True
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await self.app({**scope, "method": "GET"} if is_head else scope, receive, send_head)
