"""Assemble the sandbox web application: all three platforms and the admin API on one origin.

Paths tell the platforms apart: ``/2/...`` and ``/1.1/...`` are X,
``/v{N}.0/...`` is Facebook, ``/api/v1/...`` and ``/rupload_*`` are
Instagram, ``/_sandbox/...`` is the admin API. aiohttp is used (not an ASGI
server) because it can close a request's TCP connection without answering,
which the "applied, then the connection dropped" fault needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from sandbox import admin, facebook_api, instagram_api, x_api
from sandbox.facebook_errors import FacebookShapes
from sandbox.instagram_api import InstagramShapes
from sandbox.runtime import MAX_BODY, SANDBOX_KEY, Sandbox, endpoint
from sandbox.state import Store
from sandbox.x_api import XShapes, _problem

FLUSH_EVERY_S = 0.05


async def _x_unknown(request: web.Request) -> web.Response:
    return _problem(404, "Not Found Error", f"Sandbox: endpoint not emulated: {request.path}")


async def _fallback(request: web.Request) -> web.Response:
    """Any other path: a JSON 404 (the admin API's error shape)."""
    return web.json_response(
        {"error": {"code": "not_found", "message": f"Alamat tidak dikenal / unknown path: {request.path}"}}, status=404
    )


def build_app(sandbox: Sandbox) -> web.Application:
    """The aiohttp application serving ``sandbox``."""
    sandbox.shapes.update(x=XShapes(), facebook=FacebookShapes(), instagram=InstagramShapes())
    app = web.Application(client_max_size=MAX_BODY, middlewares=[admin.admin_errors])
    app[SANDBOX_KEY] = sandbox
    x_api.register(app)
    facebook_api.register(app)
    instagram_api.register(app)
    admin.register(app)
    app.router.add_route("*", "/2/{tail:.*}", endpoint("x", "read", _x_unknown))
    app.router.add_route("*", "/1.1/{tail:.*}", endpoint("x", "read", _x_unknown))
    app.router.add_route("*", "/{tail:.*}", _fallback)
    app.cleanup_ctx.append(_flusher)
    return app


async def _flusher(app: web.Application) -> AsyncIterator[None]:
    """Commit the state every 50 ms while serving, and once more on shutdown."""
    store = app[SANDBOX_KEY].store

    async def loop() -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY_S)
            store.flush()

    task = asyncio.create_task(loop())
    yield
    task.cancel()
    store.flush()


def new_sandbox(state: str | None = None, base_url: str = "") -> Sandbox:
    """A sandbox with throw-away state (``state=None``) or state in a SQLite file that stays."""
    return Sandbox(store=Store(state or None), base_url=base_url)
