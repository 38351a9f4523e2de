"""Harnesses that let ONE contract suite drive every connector.

A harness bundles a connector with what the suite needs around it: a fresh
account, the ground truth of what the platform holds, and a way to set
engagement. The real connectors run over a real sandbox HTTP server (the
``sandbox`` fixture from sandbox/pytest_plugin.py); the FakeConnector runs in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from connectors.base import AccountRef, Connector, Content, MediaFile, Metrics
from connectors.facebook import FacebookConnector
from connectors.fake import FakeConnector
from connectors.instagram import InstagramConnector
from connectors.testing import write_jpeg, write_mp4
from connectors.transport import Timeouts
from connectors.x import XConnector
from sandbox.pytest_plugin import sandbox  # noqa: F401 - the session-wide sandbox fixture
from scheduler.domain.rules import rules_for

FAST = Timeouts(connect=2.0, read=5.0)


@dataclass
class Harness:
    platform: str
    connector: Connector
    new_account: Callable[[], AccountRef]
    remote_posts: Callable[[AccountRef], list[dict[str, Any]]]
    set_metrics: Callable[[AccountRef, str, Metrics], None]
    renewed: list[dict[str, Any]] = field(default_factory=list)


def make_content(kind: str, tmp: Path, tag: str) -> Content:
    """One content of each kind the suite publishes; ``tag`` keeps texts unique."""
    text = f"Keripik tempe Polehan, renyah dan gurih #UMKM #KIMMalang {tag}"
    jpg = lambda name, size=(800, 600): MediaFile(write_jpeg(tmp / name, size), "image", "image/jpeg")  # noqa: E731
    if kind == "text":
        return Content(text)
    if kind == "link":
        return Content(text, link="https://malangkota.go.id/kim")
    if kind == "photo":
        return Content(text, media=[jpg("p.jpg")])
    if kind == "album":
        return Content(text, media=[jpg("a1.jpg"), jpg("a2.jpg", (600, 900)), jpg("a3.jpg", (900, 400))])
    if kind == "video":
        return Content(text, media=[MediaFile(write_mp4(tmp / "v.mp4"), "video", "video/mp4")])
    if kind == "thread":
        long = " ".join(f"Kalimat {i} tentang wisata Kampung Warna-Warni Jodipan." for i in range(14))
        text = f"{long} {tag}"
        return Content(text, thread_parts=rules_for("x").parts(text, as_thread=True) or ())
    raise ValueError(kind)


def _sandbox_harness(sb, platform: str, connector: Connector) -> Harness:
    renewed: list[dict[str, Any]] = []

    def new_account() -> AccountRef:
        creds = sb.create_account(platform, f"kim_{uuid.uuid4().hex[:10]}")
        return AccountRef.from_credentials(creds, sandbox=True, on_credentials_changed=renewed.append)

    def remote_posts(account: AccountRef) -> list[dict[str, Any]]:
        return sb.posts(platform, account.handle)

    def set_metrics(account: AccountRef, remote_id: str, metrics: Metrics) -> None:
        # The sandbox keys posts by post id: an Instagram "pk_uid" by its pk, and a
        # Facebook video (whose create answers the video id) by the Page post it made.
        ids = {p["id"] for p in sb.posts(platform, account.handle)}
        post_id = remote_id.split("_")[0] if platform == "instagram" else remote_id
        if post_id not in ids and len(ids) == 1:
            post_id = ids.pop()
        sb.set_metrics(
            platform,
            post_id,
            likes=metrics.likes,
            comments=metrics.comments,
            shares=metrics.shares,
            views=metrics.views or 0,
        )

    return Harness(platform, connector, new_account, remote_posts, set_metrics, renewed)


def _fake_harness() -> Harness:
    connector = FakeConnector("fake")

    def new_account() -> AccountRef:
        return AccountRef("fake", f"kim_{uuid.uuid4().hex[:10]}", {"token": connector.valid_token})

    def remote_posts(account: AccountRef) -> list[dict[str, Any]]:
        return [
            {"id": p.remote_id, "text": p.text, "deleted": False}
            for p in connector.posts.values()
            if p.handle == account.handle
        ]

    def set_metrics(account: AccountRef, remote_id: str, metrics: Metrics) -> None:
        connector.set_metrics(remote_id, metrics)

    return Harness("fake", connector, new_account, remote_posts, set_metrics)


@pytest.fixture
def harness_for(request: pytest.FixtureRequest) -> Callable[[str], Harness]:
    """``harness_for("x")`` -> the harness of that connector."""
    return lambda name: build_harness(name, request)


HARNESSES = ("x", "facebook", "instagram", "fake")


def build_harness(name: str, request: pytest.FixtureRequest) -> Harness:
    """The harness for ``name`` (the real connectors over the session sandbox)."""
    if name == "fake":
        return _fake_harness()
    sb = request.getfixturevalue("sandbox")
    connector: Connector = {
        "x": lambda: XConnector(timeouts=FAST, sandbox_url=sb.base_url),
        "facebook": lambda: FacebookConnector(timeouts=FAST, sandbox_url=sb.base_url),
        "instagram": lambda: InstagramConnector(timeouts=FAST, sandbox_url=sb.base_url),
    }[name]()
    return _sandbox_harness(sb, name, connector)


@pytest.fixture(params=HARNESSES)
def harness(request: pytest.FixtureRequest) -> Harness:
    """Each connector in turn."""
    return build_harness(request.param, request)


@pytest.fixture
def content_for(tmp_path: Path) -> Callable[..., Content]:
    """``content_for("album")`` -> a Content of that kind with a unique tag in its text."""

    def make(kind: str, tag: str | None = None) -> Content:
        tag = tag or uuid.uuid4().hex[:8]
        folder = tmp_path / f"{kind}-{tag}"
        folder.mkdir()
        return make_content(kind, folder, tag)

    return make
