"""Run the sandbox: blocking (the CLI) or on a background thread (tests, the demo)."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable

from aiohttp import web

from sandbox.app import build_app, new_sandbox
from sandbox.runtime import Sandbox

log = logging.getLogger("sandbox")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0 picks a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def base_url_of(sock: socket.socket) -> str:
    """The ``http://host:port`` origin of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://{host}:{port}"


def serve(
    host: str = "127.0.0.1", port: int = 8765, state: str | None = None, announce: Callable[[str], None] | None = None
) -> None:
    """Serve until interrupted (``siar sandbox serve``); ``announce`` gets the origin once bound."""
    sock = bind(host, port)
    sandbox = new_sandbox(state, base_url_of(sock))
    if announce is not None:
        announce(sandbox.base_url)
    try:
        web.run_app(
            build_app(sandbox), sock=sock, access_log=None, print=None, handle_signals=True, shutdown_timeout=1.0
        )
    finally:
        sandbox.store.close()


class BackgroundServer:
    """A sandbox serving on its own thread and event loop; ``start()`` returns once it accepts connections."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state: str | None = None) -> None:
        self.sock = bind(host, port)
        self.base_url = base_url_of(self.sock)
        self.sandbox: Sandbox = new_sandbox(state, self.base_url)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="siar-sandbox", daemon=True)
        self._runner: web.AppRunner | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(
            build_app(self.sandbox), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        self._loop.run_until_complete(self._runner.setup())
        self._loop.run_until_complete(web.SockSite(self._runner, self.sock).start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        pending = asyncio.all_tasks(self._loop)  # e.g. a request still "hanging" on purpose
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    def start(self) -> BackgroundServer:
        """Start serving; raises if the server does not come up within 10 s."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("sandbox did not start within 10 s")
        return self

    def stop(self) -> None:
        """Stop serving and close the state."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self.sandbox.store.close()
