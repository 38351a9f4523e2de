"""The security headers on every answer: pages, static files, the API, errors.

``CONTENT_SECURITY_POLICY`` allows only Siar's own scripts, styles, images
and connections: no inline script or style, no ``eval``, no plug-ins, no
form posting to another site, and no framing at all (``frame-ancestors
'none'``, plus ``X-Frame-Options: DENY`` for browsers that predate it), so no
other site can frame the approvals page and trick a click on *Setujui*.
``img-src`` also allows ``data:`` (Swagger UI's icons are data URLs in its
stylesheet). The pages satisfy it as they are: scripts and styles come from
``/static`` (and ``/charts.css``, pygal's stylesheet), never from attributes.

HSTS (``Strict-Transport-Security``) is sent only with ``SIAR_ENV=production``:
a browser that once saw it refuses plain http to that host for a year, which
would lock a developer out of ``http://127.0.0.1``. It has no
``includeSubDomains``: Siar runs on one host of a domain it does not own.

The middleware wraps the whole application (see ``app.SiarApp``), outside
Starlette's error middleware, so a 500 carries the headers too. A header a
response already set is left alone.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000"


def security_headers(production: bool) -> dict[str, str]:
    """The headers and their values (HSTS only in production)."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if production:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds :func:`security_headers` to every HTTP response."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in security_headers(production).items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *(h for h in self.headers if h[0] not in present)],
                }
            await send(message)

        await self.app(scope, receive, send_with_headers)
