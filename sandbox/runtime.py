"""The running sandbox's shared pieces and the per-request pipeline.

Every platform endpoint is registered through :func:`endpoint`, which wraps it
in the same pipeline: count the request, apply the platform's faults (latency,
5xx, 429, hang, drop-after-apply), hold create requests when asked, turn
:class:`PlatformError` and oversized bodies into the platform's own error
shape, and add the platform's rate-limit headers. A bug in a handler still
answers in the platform's shape (500), and is logged.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web
from multidict import MultiDictProxy

from sandbox.engagement import EngagementConfig
from sandbox.faults import FaultPlan, HoldGate
from sandbox.ratelimit import RateLimiter, Verdict
from sandbox.state import Store

log = logging.getLogger("sandbox")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PlatformError(Exception):
    """Raised inside a handler to answer with a ready platform-shaped error response."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


class ErrorShapes(Protocol):
    """How one platform says "server error", "slow down", "bad request" and "too large"."""

    def server_error(self) -> web.Response: ...
    def rate_limited(self, verdict: Verdict) -> web.Response: ...
    def bad_request(self, message: str) -> web.Response: ...
    def too_large(self, limit: int) -> web.Response: ...
    def decorate(self, response: web.StreamResponse, verdict: Verdict | None) -> None: ...


@dataclass
class Sandbox:
    """Everything a running sandbox knows besides its stored state."""

    store: Store
    base_url: str = ""
    engagement: EngagementConfig = field(default_factory=EngagementConfig)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    faults: dict[str, FaultPlan] = field(default_factory=dict)
    holds: dict[str, HoldGate] = field(default_factory=dict)
    counts: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    shapes: dict[str, ErrorShapes] = field(default_factory=dict)

    def now(self) -> float:
        """The sandbox's clock (epoch seconds): real time plus the offset ``/_sandbox/clock`` moves.

        Engagement grows by it and Graph API versions end by it.
        """
        return self.engagement.now()

    def hold(self, platform: str) -> HoldGate:
        """The hold gate of a platform."""
        return self.holds.setdefault(platform, HoldGate())

    def reset(self) -> None:
        """Back to a blank sandbox: no accounts, posts, faults, custom limits, holds or counts."""
        self.store.reset()
        self.faults.clear()
        for gate in self.holds.values():
            gate.release("apply")
        self.holds.clear()
        self.limiter.reset()
        self.counts.clear()
        self.engagement = EngagementConfig(seed=self.engagement.seed)

    def check_rate(self, platform: str, handle: str, request: web.Request) -> None:
        """Count a request against the limits; raise the platform's rate-limit answer when over."""
        verdict = self.limiter.hit(platform, handle)
        request[VERDICT_KEY] = verdict
        if not verdict.allowed:
            raise PlatformError(self.shapes[platform].rate_limited(verdict))


SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
#: Per-request values the pipeline and the handlers share.
VERDICT_KEY = web.RequestKey("verdict", Verdict)
KIND_KEY = web.RequestKey("kind", str)
OP_KEY = web.RequestKey("op", str)
MAX_BODY = 128 * 1024 * 1024  # one request; Instagram sends a whole video (up to 100 MB) at once


def endpoint(platform: str, kind: str | Callable[[web.Request], Awaitable[str]], handler: Handler) -> Handler:
    """Wrap a platform handler in the request pipeline (counts, faults, hold, error shapes).

    ``kind`` is one of "create", "delete", "read", "metrics", "upload", "auth",
    or an async function of the request returning one (e.g. a Facebook photo is
    a create when published, an upload when not).
    """

    name = getattr(handler, "__name__", "endpoint")

    async def run(request: web.Request) -> web.StreamResponse:
        sb: Sandbox = request.app[SANDBOX_KEY]
        shapes = sb.shapes[platform]
        try:
            k = kind if isinstance(kind, str) else await kind(request)
        except web.HTTPRequestEntityTooLarge:
            return shapes.too_large(MAX_BODY)
        except Exception:  # a malformed body: the handler reports it properly
            k = "read"
        request[KIND_KEY] = k
        sb.counts[(platform, k)] += 1
        sb.counts[(platform, "op:" + request.get(OP_KEY, name))] += 1
        fault, delay = (None, 0.0)
        plan = sb.faults.get(platform)
        if plan is not None:
            fault, delay = plan.decide(k)
        if delay:
            await asyncio.sleep(delay)
        if fault == "error":
            return shapes.server_error()
        if fault == "rate_limit":
            limit = sb.limiter.config(platform).account_limit
            return shapes.rate_limited(Verdict(False, "app", limit, 0, int(time.time()) + 60, 100, 100))
        if fault == "hang":
            await asyncio.sleep(plan.hang_s if plan else 30.0)
            return _drop(request)
        if k == "create" and sb.hold(platform).enabled:
            # Read the body first: a held request whose client dies meanwhile must still be
            # applicable on release (the request reached the platform), and a dead connection
            # can no longer deliver it. Both are cached for the handler.
            try:
                if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                    await request.post()
                else:
                    await request.read()
            except web.HTTPRequestEntityTooLarge:
                return shapes.too_large(MAX_BODY)
            except Exception:  # malformed: the handler reports it once released
                pass
            action = await sb.hold(platform).wait()
            if action == "drop":
                return _drop(request)
            if action == "error":
                return shapes.server_error()
        try:
            response = await handler(request)
        except PlatformError as exc:
            response = exc.response
        except web.HTTPRequestEntityTooLarge:
            response = shapes.too_large(MAX_BODY)
        except BadInput as exc:
            response = shapes.bad_request(str(exc))
        except Exception:  # a bug: still answer in the platform's shape, and say so in the log
            log.exception("sandbox handler failed: %s %s", request.method, request.path)
            response = shapes.server_error()
        if fault == "drop":
            return _drop(request)
        shapes.decorate(response, request.get(VERDICT_KEY))
        return response

    run.__name__ = name
    return run


class BadInput(ValueError):
    """A malformed request body or parameter; answered with the platform's bad-request shape."""


def _drop(request: web.Request) -> web.Response:
    """Close the TCP connection without an HTTP answer (the client sees a connection error)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)


async def form(request: web.Request) -> MultiDictProxy[Any]:
    """The request's form fields (urlencoded or multipart), or BadInput for a malformed body."""
    try:
        return await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise
    except Exception as exc:  # aiohttp raises ValueError and friends for broken bodies
        raise BadInput("malformed form body") from exc


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object body, or BadInput."""
    try:
        data = await request.json()
    except web.HTTPRequestEntityTooLarge:
        raise
    except Exception as exc:
        raise BadInput("body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise BadInput("body must be a JSON object")
    return data
