"""Facebook Graph API error answers and usage headers.

Errors are ``{"error": {message, type, code, error_subcode, is_transient, fbtrace_id}}``:
https://developers.facebook.com/docs/graph-api/guides/error-handling ; rate limits:
https://developers.facebook.com/docs/graph-api/overview/rate-limiting
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from aiohttp import web

from sandbox.ratelimit import Verdict

_RATE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}


def error(
    code: int,
    message: str,
    *,
    status: int = 400,
    type_: str = "OAuthException",
    subcode: int | None = None,
    transient: bool = False,
) -> web.Response:
    """A Graph API error answer."""
    body: dict[str, Any] = {
        "message": message,
        "type": type_,
        "code": code,
        "is_transient": transient,
        "fbtrace_id": "A" + secrets.token_hex(10),
    }
    if subcode is not None:
        body["error_subcode"] = subcode
    return web.json_response({"error": body}, status=status)


class FacebookShapes:
    """Facebook's error answers and usage headers."""

    def server_error(self) -> web.Response:
        return error(
            2, "An unexpected error has occurred. Please retry your request later.", status=500, transient=True
        )

    def rate_limited(self, verdict: Verdict) -> web.Response:
        code = 4 if verdict.scope == "app" else (verdict.code or 32)
        response = error(code, _RATE_MESSAGES.get(code, _RATE_MESSAGES[4]), status=403, transient=True)
        self.decorate(response, verdict)
        return response

    def bad_request(self, message: str) -> web.Response:
        return error(100, f"(#100) {message}", type_="GraphMethodException")

    def too_large(self, limit: int) -> web.Response:
        return error(100, f"(#100) File size exceeds the limit of {limit} bytes", type_="GraphMethodException")

    def decorate(self, response: web.StreamResponse, verdict: Verdict | None) -> None:
        if verdict is not None:
            app = {
                "call_count": verdict.app_used_pct,
                "total_cputime": verdict.app_used_pct // 2,
                "total_time": verdict.app_used_pct // 2,
            }
            page = {
                "call_count": verdict.account_used_pct,
                "total_cputime": verdict.account_used_pct // 2,
                "total_time": verdict.account_used_pct // 2,
            }
            response.headers["x-app-usage"] = json.dumps(app)
            response.headers["x-page-usage"] = json.dumps(page)
            if verdict.owner:
                regain = 0 if verdict.allowed else max(1, (verdict.reset_at - int(time.time())) // 60)
                response.headers["x-business-use-case-usage"] = json.dumps(
                    {verdict.owner: [{"type": "pages", **page, "estimated_time_to_regain_access": regain}]}
                )
