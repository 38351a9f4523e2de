"""An in-memory connector with the full contract, for unit tests of the rest of the project.

It passes the same contract suite as the real connectors
(tests/integration/connectors/test_contract.py). Extras for tests:

* ``fail_next(error, applied=False)`` -- the next publish raises ``error``;
  with ``applied=True`` the post is stored first ("applied, then the connection
  dropped"), which is what reconciliation must cope with;
* ``set_metrics(remote_id, Metrics(...))``; ``calls`` counts method calls;
* ``clock``: a callable giving "now" (fixed clocks in unit tests).
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from connectors.base import (
    AccountCheck,
    AccountRef,
    Content,
    Limits,
    Metrics,
    Missing,
    Problem,
    PublishResult,
    RemotePost,
)
from connectors.errors import AuthExpired, ConnectorError, utcnow
from connectors.validation import media_problems, reject_if_invalid, with_link


@dataclass
class FakePost:
    remote_id: str
    handle: str
    text: str
    media_count: int
    created_at: datetime
    metrics: Metrics


class FakeConnector:
    """Contract-complete, thread-safe, no I/O."""

    def __init__(
        self,
        platform: str = "fake",
        *,
        limits: Limits | None = None,
        clock: Callable[[], datetime] = utcnow,
        valid_token: str = "fake-token",
    ) -> None:
        self.platform = platform
        self.limits = limits or Limits(
            max_text=500,
            text_counting="unicode-codepoints",
            max_media=4,
            max_images=4,
            max_videos=1,
            mixed_media=False,
            image_types=("image/jpeg", "image/png"),
            video_types=("video/mp4",),
            image_max_bytes=5 * 1024 * 1024,
            video_max_bytes=100 * 1024 * 1024,
        )
        self.clock = clock
        self.valid_token = valid_token
        self.posts: dict[str, FakePost] = {}
        self.calls: Counter[str] = Counter()
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._failures: list[tuple[ConnectorError, bool]] = []

    # ------------------------------------------------------------------ test controls
    def fail_next(self, error: ConnectorError, *, applied: bool = False) -> None:
        """Make the next publish raise ``error`` (after storing the post if ``applied``)."""
        with self._lock:
            self._failures.append((error, applied))

    def set_metrics(self, remote_id: str, metrics: Metrics) -> None:
        with self._lock:
            self.posts[remote_id].metrics = metrics

    # ------------------------------------------------------------------ contract
    def _auth(self, account: AccountRef) -> None:
        if account.credentials.get("token") != self.valid_token:
            raise AuthExpired(code="unauthorized", platform=self.platform)

    def validate(self, content: Content) -> list[Problem]:
        problems = []
        text = with_link(content)
        if not text.strip() and not content.media:
            problems.append(Problem("empty", "Postingan kosong.", "The post is empty."))
        if len(text) > self.limits.max_text:
            problems.append(
                Problem(
                    "text_too_long",
                    f"Teks melebihi {self.limits.max_text} karakter.",
                    f"The text exceeds {self.limits.max_text} characters.",
                )
            )
        return problems + media_problems(content, self.limits)

    def publish(self, account: AccountRef, content: Content) -> PublishResult:
        self.calls["publish"] += 1
        self._auth(account)
        reject_if_invalid(self.validate(content), self.platform)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            post = None
            if failure is None or failure[1]:
                rid = str(next(self._ids))
                post = FakePost(rid, account.handle, with_link(content), len(content.media), self.clock(), Metrics())
                self.posts[rid] = post
        if failure is not None:
            raise failure[0]
        assert post is not None
        return PublishResult(
            post.remote_id, f"https://fake.example/{post.remote_id}", post.created_at, (post.remote_id,)
        )

    def find_recent(self, account: AccountRef, since: datetime) -> list[RemotePost]:
        self.calls["find_recent"] += 1
        self._auth(account)
        with self._lock:
            return [
                RemotePost(p.remote_id, p.text, p.created_at, f"https://fake.example/{p.remote_id}", p.media_count)
                for p in self.posts.values()
                if p.handle == account.handle and p.created_at >= since
            ]

    def fetch_metrics(self, account: AccountRef, remote_ids: list[str]) -> dict[str, Metrics | Missing]:
        self.calls["fetch_metrics"] += 1
        self._auth(account)
        with self._lock:
            return {rid: (self.posts[rid].metrics if rid in self.posts else Missing(rid)) for rid in remote_ids}

    def delete(self, account: AccountRef, remote_id: str) -> None:
        self.calls["delete"] += 1
        self._auth(account)
        with self._lock:
            self.posts.pop(remote_id, None)

    def check(self, account: AccountRef) -> AccountCheck:
        self.calls["check"] += 1
        try:
            self._auth(account)
        except ConnectorError as error:
            return AccountCheck(False, self.platform, account.handle, error=error)
        return AccountCheck(True, self.platform, account.handle, f"fake-{account.handle}")
