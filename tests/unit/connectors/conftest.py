"""Fixtures for connector unit tests: generated media files and a tiny local HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from connectors.testing import mp4_bytes


@pytest.fixture
def make_mp4(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "clip.mp4", **kwargs: object) -> Path:
        path = tmp_path / name
        path.write_bytes(mp4_bytes(**kwargs))  # type: ignore[arg-type]
        return path

    return make


class Recorder:
    """What the local server saw, and how it should answer."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.behaviour: Callable[[BaseHTTPRequestHandler], None] | None = None


@pytest.fixture
def http_server() -> Iterator[tuple[str, Recorder]]:
    """A local HTTP server on a free port; tests set ``recorder.behaviour``."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            recorder.requests.append((self.command, self.path, dict(self.headers)))
            if recorder.behaviour is not None:
                recorder.behaviour(self)
                return
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()
