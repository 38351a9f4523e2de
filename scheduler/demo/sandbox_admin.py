"""The few calls the demo makes to the sandbox's admin API (``/_sandbox/...``)."""

from __future__ import annotations

import time
from typing import Any

import requests

TIMEOUT = (3.0, 15.0)  # connect, read


class SandboxUnavailable(RuntimeError):
    """The sandbox did not answer (message in Bahasa Indonesia and English)."""


class SandboxAdmin:
    """A client of one running sandbox's admin API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        try:
            response = self.http.request(method, f"{self.base_url}/_sandbox{path}", json=json, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise SandboxUnavailable(
                f"sandbox di {self.base_url} tidak menjawab {method} {path} / the sandbox at "
                f"{self.base_url} did not answer {method} {path}: {type(error).__name__}"
            ) from None
        if response.status_code >= 400:
            raise SandboxUnavailable(
                f"sandbox menolak {method} {path} ({response.status_code}) / "
                f"the sandbox refused {method} {path} ({response.status_code}): {response.text[:200]}"
            )
        return response.json()

    def _object(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        body = self._call(method, path, json)
        if not isinstance(body, dict):
            raise SandboxUnavailable(f"sandbox: {method} {path} -> bukan objek JSON / not a JSON object")
        return body

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Return once ``/_sandbox/health`` answers; SandboxUnavailable after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._call("GET", "/health")
                return
            except SandboxUnavailable:
                if time.monotonic() > deadline:
                    raise SandboxUnavailable(
                        f"sandbox di {self.base_url} tidak menjawab dalam {timeout:.0f} detik / "
                        f"the sandbox at {self.base_url} did not answer within {timeout:.0f} s"
                    ) from None
                time.sleep(0.2)

    def create_account(self, platform: str, handle: str) -> dict[str, Any]:
        """The credentials JSON of a (new or existing) sandbox account."""
        return self._object("POST", "/accounts", {"platform": platform, "handle": handle})

    def set_engagement(self, **config: float) -> dict[str, Any]:
        """Seed, half_life_s, clock_offset_s of the sandbox's engagement curve."""
        return self._object("PUT", "/engagement", config)

    def posts(self) -> list[dict[str, Any]]:
        """Every post the sandbox holds."""
        body = self._call("GET", "/posts")
        if not isinstance(body, list):
            raise SandboxUnavailable("sandbox: GET /posts -> bukan larik JSON / not a JSON array")
        return body
