"""Test harness: start a real sandbox server and drive its admin API.

    with running_sandbox() as sb:
        creds = sb.create_account("x", "kim_polehan")
        ...                      # point a real client library at creds["sandbox_base_url"]
        assert len(sb.posts("x", "kim_polehan")) == 1

``running_sandbox(subprocess=True)`` runs it as a separate process (``siar
sandbox serve``), which chaos tests need when they kill things; by default it
runs on a background thread of the test process.
"""

from __future__ import annotations

import contextlib
import os
import subprocess as sp
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import requests


class SandboxError(RuntimeError):
    """The sandbox's admin API refused a request."""


class SandboxHandle:
    """A running sandbox: its origin and its admin API as methods."""

    def __init__(self, base_url: str, pid: int | None = None) -> None:
        self.base_url = base_url
        self.pid = pid
        self.http = requests.Session()

    def _call(self, method: str, path: str, json: Any = None, params: Any = None) -> Any:
        response = self.http.request(method, self.base_url + "/_sandbox" + path, json=json, params=params, timeout=30)
        if response.status_code >= 400:
            raise SandboxError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json()

    def _object(self, method: str, path: str, json: Any = None, params: Any = None) -> dict[str, Any]:
        body = self._call(method, path, json, params)
        if not isinstance(body, dict):
            raise SandboxError(f"{method} {path} -> not a JSON object: {body!r}")
        return body

    def _array(self, method: str, path: str, json: Any = None, params: Any = None) -> list[dict[str, Any]]:
        body = self._call(method, path, json, params)
        if not isinstance(body, list):
            raise SandboxError(f"{method} {path} -> not a JSON array: {body!r}")
        return body

    # accounts
    def create_account(self, platform: str, handle: str) -> dict[str, Any]:
        """Create (or fetch) a sandbox account; returns the credentials JSON Siar stores."""
        return self._object("POST", "/accounts", {"platform": platform, "handle": handle})

    def credentials(self, platform: str, handle: str) -> dict[str, Any]:
        """The current credentials of an account (an Instagram login issues a new session)."""
        return self._object("GET", f"/accounts/{platform}/{handle}")

    def set_account_state(self, platform: str, handle: str, **flags: bool) -> dict[str, Any]:
        """Flip token_expired / session_dead / challenge / two_factor on an account."""
        return self._object("PUT", f"/accounts/{platform}/{handle}/state", flags)

    # posts and metrics
    def posts(self, platform: str | None = None, handle: str | None = None) -> list[dict[str, Any]]:
        """Every post (deleted ones flagged), with metrics and create_requests."""
        params = {k: v for k, v in (("platform", platform), ("handle", handle)) if v}
        return self._array("GET", "/posts", params=params)

    def set_metrics(self, platform: str, post_id: str, **metrics: int) -> dict[str, int]:
        """Set ground-truth engagement (likes, comments, shares, views, reach, saves, quotes, bookmarks, clicks)."""
        return self._object("PUT", f"/posts/{platform}/{post_id}/metrics", metrics)

    def set_engagement(self, **config: float) -> dict[str, Any]:
        """Seed, half_life_s and clock_offset_s of the engagement curve."""
        return self._object("PUT", "/engagement", config)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the sandbox's clock by ``seconds``: engagement grows, Graph API versions end by it."""
        return self._object("POST", "/clock", {"advance_s": seconds})

    def set_clock(self, at: datetime) -> dict[str, Any]:
        """Set the sandbox's clock to the aware instant ``at`` (``set_engagement(clock_offset_s=0)``: real time)."""
        return self._object("POST", "/clock", {"at": at.isoformat()})

    # faults, limits, holds
    def set_faults(self, platform: str, **rates: Any) -> dict[str, Any]:
        """latency_ms, jitter_ms, error_rate, rate_limit_rate, hang_rate, hang_s, drop_rate, seed, only."""
        return self._object("PUT", "/faults", {"platform": platform, **rates})

    def clear_faults(self, platform: str | None = None) -> None:
        """Remove the faults of one platform (or all)."""
        self._call("DELETE", "/faults", params={"platform": platform} if platform else None)

    def set_rate_limits(self, platform: str, **limits: Any) -> dict[str, Any]:
        """account_limit, app_limit, window_s, account_code (Facebook: 4, 17, 32 or 613)."""
        return self._object("PUT", "/ratelimits", {"platform": platform, **limits})

    def hold(self, platform: str, enabled: bool = True, timeout_s: float = 60.0) -> dict[str, Any]:
        """Hold (or stop holding) create requests of a platform inside the sandbox."""
        return self._object("PUT", "/hold", {"platform": platform, "enabled": enabled, "timeout_s": timeout_s})

    def held(self, platform: str) -> int:
        """How many create requests are held right now."""
        return int(self._object("GET", "/hold")[platform]["held"])

    def wait_held(self, platform: str, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until at least ``count`` create requests are held (or raise TimeoutError)."""
        wait_for(lambda: self.held(platform) >= count, timeout, f"{count} held {platform} create request(s)")

    def release(self, platform: str, action: str = "apply", count: int | None = None) -> int:
        """Let held requests go on: "apply" (answer normally), "drop" (close the connection unapplied), "error"."""
        body: dict[str, Any] = {"platform": platform, "action": action}
        if count is not None:
            body["count"] = count
        return int(self._object("POST", "/release", body)["released"])

    # counters and reset
    def request_counts(self, platform: str | None = None) -> dict[str, Any]:
        """Requests received: {platform: {"kinds": {create, read, metrics, ...}, "ops": {handler: n}}}."""
        return self._object("GET", "/requests", params={"platform": platform} if platform else None)

    def clear_request_counts(self) -> None:
        """Zero the request counters."""
        self._call("DELETE", "/requests")

    def reset(self) -> None:
        """Forget every account, post, fault, limit, hold and counter."""
        self._call("POST", "/reset")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until true or ``timeout`` seconds pass (then TimeoutError naming ``what``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


@contextlib.contextmanager
def running_sandbox(
    *, subprocess: bool = False, host: str = "127.0.0.1", port: int = 0, state: str | None = None
) -> Iterator[SandboxHandle]:
    """Start a real sandbox HTTP server on a free port; yield its handle; stop it afterwards."""
    if subprocess:
        yield from _in_subprocess(host, port, state)
        return
    from sandbox.server import BackgroundServer

    server = BackgroundServer(host, port, state).start()
    try:
        yield SandboxHandle(server.base_url)
    finally:
        server.stop()


def _in_subprocess(host: str, port: int, state: str | None) -> Iterator[SandboxHandle]:
    args = [sys.executable, "-m", "sandbox", "serve", "--host", host, "--port", str(port)]
    if state:
        args += ["--state", state]
    proc = sp.Popen(args, stdout=sp.PIPE, stderr=sp.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "Sandbox Siar di / at http://127.0.0.1:PORT (...)"
        if " at " not in line:
            raise RuntimeError(f"sandbox did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
        base_url = line.split(" at ", 1)[1].split()[0]
        handle = SandboxHandle(base_url, proc.pid)
        wait_for(lambda: _alive(handle), 10, "the sandbox to answer")
        yield handle
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except sp.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _alive(handle: SandboxHandle) -> bool:
    try:
        return handle.http.get(handle.base_url + "/_sandbox/health", timeout=1).ok
    except requests.RequestException:
        return False
