"""Drive the REAL client libraries against a running sandbox.

Each library is redirected by mounting a small HTTPAdapter on its own
requests session (docs/connectors.md, "Transport and sandbox redirection"): the adapter rewrites the real platform
origin to the sandbox origin, keeping path and query, and sets a timeout.
This is a test helper; the production adapter lives in connectors/.
"""

from __future__ import annotations

import struct
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from connectors.graph_versions import DEFAULT_VERSION

# The ``sandbox`` fixture (one server for the whole run) comes from sandbox.pytest_plugin,
# enabled in the root conftest.

X_ORIGINS = ("https://api.twitter.com", "https://upload.twitter.com", "https://api.x.com")
FACEBOOK_ORIGINS = ("https://graph.facebook.com",)
INSTAGRAM_ORIGINS = ("https://i.instagram.com", "https://www.instagram.com")


class RedirectAdapter(HTTPAdapter):
    """Send requests meant for a real platform origin to the sandbox origin instead."""

    def __init__(self, target: str, timeout: float = 10.0) -> None:
        super().__init__(max_retries=0)
        self.target = urlsplit(target)
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url)
        request.url = urlunsplit((self.target.scheme, self.target.netloc, parts.path, parts.query, ""))
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def redirect(session: requests.Session, origins: tuple[str, ...], base_url: str, timeout: float = 10.0) -> None:
    """Mount the redirecting adapter for each origin on ``session``."""
    for origin in origins:
        session.mount(origin, RedirectAdapter(base_url, timeout))


def x_clients(creds: dict[str, Any], timeout: float = 10.0) -> tuple[Any, Any]:
    """A tweepy Client (v2) and API (v1.1, for media upload) bound to the sandbox."""
    import tweepy

    keys = dict(
        consumer_key=creds["consumer_key"],
        consumer_secret=creds["consumer_secret"],
        access_token=creds["access_token"],
        access_token_secret=creds["access_token_secret"],
    )
    client = tweepy.Client(**keys)
    redirect(client.session, X_ORIGINS, creds["sandbox_base_url"], timeout)
    auth = tweepy.OAuth1UserHandler(
        keys["consumer_key"], keys["consumer_secret"], keys["access_token"], keys["access_token_secret"]
    )
    api = tweepy.API(auth)
    redirect(api.session, X_ORIGINS, creds["sandbox_base_url"], timeout)
    return client, api


def graph_api(creds: dict[str, Any], timeout: float = 10.0) -> Any:
    """A facebook-sdk GraphAPI bound to the sandbox, with the version override of decision 0004."""
    import facebook

    session = requests.Session()
    redirect(session, FACEBOOK_ORIGINS, creds["sandbox_base_url"], timeout)
    graph = facebook.GraphAPI(access_token=creds["page_access_token"], session=session, timeout=timeout)
    graph.version = DEFAULT_VERSION  # what Siar calls unless SIAR_FACEBOOK_GRAPH_VERSION says otherwise
    return graph


def instagram_client(creds: dict[str, Any], timeout: float = 10.0) -> Any:
    """An instagrapi Client resuming the stored session, with no sleeps between requests."""
    from instagrapi import Client

    client = Client(settings=creds["settings"], request_timeout=0, delay_range=[0, 0])
    client.request_timeout = 0
    client.delay_range = None
    client.with_challenge_flow = False
    redirect(client.private, INSTAGRAM_ORIGINS, creds["sandbox_base_url"], timeout)
    redirect(client.public, INSTAGRAM_ORIGINS, creds["sandbox_base_url"], timeout)
    client.username, client.password = creds["username"], creds["password"]
    return client


def jpeg(path: Path, color: tuple[int, int, int] = (200, 120, 40), size: tuple[int, int] = (640, 640)) -> Path:
    """Write a small JPEG."""
    from PIL import Image

    Image.new("RGB", size, color).save(path, "JPEG")
    return path


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(path: Path, width: int = 720, height: int = 720, seconds: int = 5, padding: int = 50_000) -> Path:
    """Write a minimal MP4 (ftyp, moov with mvhd + one video trak, mdat) that MP4 parsers accept."""
    mvhd = struct.pack(">B3xIIII", 0, 0, 0, 1000, seconds * 1000) + b"\x00" * 80
    tkhd = (
        struct.pack(">B3xIIIII", 0, 0, 0, 1, 0, seconds * 1000)
        + b"\x00" * 52
        + struct.pack(">II", width << 16, height << 16)
    )
    mdhd = struct.pack(">B3xIIII", 0, 0, 0, 1000, seconds * 1000) + b"\x00" * 4
    hdlr = struct.pack(">B3xI", 0, 0) + b"vide" + b"\x00" * 12 + b"VideoHandler\x00"
    trak = _box(b"trak", _box(b"tkhd", tkhd) + _box(b"mdia", _box(b"mdhd", mdhd) + _box(b"hdlr", hdlr)))
    data = (
        _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
        + _box(b"moov", _box(b"mvhd", mvhd) + trak)
        + _box(b"mdat", b"\x00" * padding)
    )
    path.write_bytes(data)
    return path


@pytest.fixture
def handle() -> str:
    """A fresh account handle, so tests sharing the session sandbox do not see each other's posts."""
    return f"kim_{uuid.uuid4().hex[:8]}"


def _calm(sandbox) -> None:
    sandbox.clear_faults()
    for platform in ("x", "facebook", "instagram"):
        sandbox.hold(platform, enabled=False)
        sandbox.set_rate_limits(platform)


@pytest.fixture(autouse=True)
def _no_leftover_faults(sandbox):
    """The server is shared by the whole run: no faults, holds or tight limits before or after a test."""
    _calm(sandbox)
    yield
    _calm(sandbox)


@pytest.fixture
def lib():
    """The helpers above, for test modules (importlib mode cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        x_clients=x_clients,
        graph_api=graph_api,
        instagram_client=instagram_client,
        jpeg=jpeg,
        mp4=mp4,
        redirect=redirect,
    )
