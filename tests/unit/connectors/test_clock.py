"""The clock a connector is built with dates what it publishes (no real clock, no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from connectors.base import AccountRef, Content
from connectors.facebook import FacebookConnector
from connectors.facebook_errors import LastResponse
from connectors.x import XConnector

NOW = datetime(2031, 4, 5, 6, 7, tzinfo=UTC)


class _Tweets:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def create_tweet(self, **kwargs: Any) -> Any:
        self.sent.append(kwargs)
        return SimpleNamespace(data={"id": str(100 + len(self.sent))})


class _Graph:
    def put_object(self, parent: str, connection: str, **data: Any) -> dict[str, Any]:
        return {"id": f"{parent}_7"}


def test_x_dates_a_tweet_and_a_thread_with_the_injected_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    connector = XConnector(now=lambda: NOW)
    client = _Tweets()
    monkeypatch.setattr(connector, "_client", lambda account: client)
    account = AccountRef("x", "kim_tridi", {})
    assert connector.publish(account, Content("Halo dari Kampung Tridi")).published_at == NOW
    thread = connector.publish(account, Content("satu dua", thread_parts=("satu", "dua")))
    assert thread.published_at == NOW and thread.part_ids == ("102", "103")
    assert client.sent[-1]["in_reply_to_tweet_id"] == "102"


def test_facebook_dates_a_post_with_the_injected_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    connector = FacebookConnector(now=lambda: NOW)
    monkeypatch.setattr(connector, "_graph", lambda account: (_Graph(), LastResponse()))
    account = AccountRef("facebook", "kim_tridi", {"page_id": "55"})
    result = connector.publish(account, Content("Halo dari Kampung Tridi"))
    assert (result.remote_id, result.published_at) == ("55_7", NOW)
