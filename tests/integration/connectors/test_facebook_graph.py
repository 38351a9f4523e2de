"""The Facebook connector calls the configured Graph API version and reads views and reach from the
insights Meta still answers, through facebook-sdk against the sandbox."""

from __future__ import annotations

import uuid

import pytest

from config.settings import Settings
from connectors.base import AccountRef, Content, Metrics
from connectors.errors import Rejected, Transient
from connectors.facebook import FacebookConnector
from connectors.transport import Timeouts

FAST = Timeouts(connect=2.0, read=5.0)


def _account(sandbox) -> AccountRef:
    return AccountRef.from_credentials(sandbox.create_account("facebook", f"kim_{uuid.uuid4().hex[:10]}"), sandbox=True)


def test_with_insights_views_and_reach_are_collected(sandbox):
    connector = FacebookConnector(timeouts=FAST, with_insights=True, sandbox_url=sandbox.base_url)
    account = _account(sandbox)
    posts = [
        connector.publish(account, Content(f"Festival Malang Tempo Doeloe hari ke-{i}")).remote_id for i in range(3)
    ]
    for i, remote_id in enumerate(posts):
        sandbox.set_metrics("facebook", remote_id, likes=10 + i, comments=2, shares=1, views=400 + i, reach=250 + i)
    metrics = connector.fetch_metrics(account, posts)
    for i, remote_id in enumerate(posts):
        m = metrics[remote_id]
        assert isinstance(m, Metrics)
        assert (m.likes, m.comments, m.shares, m.views, m.reach) == (10 + i, 2, 1, 400 + i, 250 + i)


def test_a_refused_insights_metric_fails_the_read_instead_of_calling_the_posts_missing(sandbox, monkeypatch):
    """The day Meta retires another name: the round fails and is retried, no post is called deleted."""
    connector = FacebookConnector(timeouts=FAST, with_insights=True, sandbox_url=sandbox.base_url)
    account = _account(sandbox)
    remote_id = connector.publish(account, Content("Metrik yang sudah pensiun")).remote_id
    monkeypatch.setattr("connectors.facebook.INSIGHT_METRICS", "post_impressions,post_impressions_unique")
    total = lambda: sum(sandbox.request_counts("facebook")["kinds"].values())  # noqa: E731
    before = total()
    with pytest.raises(Rejected) as caught:
        connector.fetch_metrics(account, [remote_id])
    assert caught.value.code == "insights_metric_invalid"
    assert total() == before + 1, "one refused batch, no id-by-id re-reads"


def test_without_insights_views_and_reach_stay_unknown(sandbox):
    connector = FacebookConnector(timeouts=FAST, sandbox_url=sandbox.base_url)
    account = _account(sandbox)
    remote_id = connector.publish(account, Content("Tanpa insights Halaman")).remote_id
    sandbox.set_metrics("facebook", remote_id, likes=3, views=90, reach=60)
    m = connector.fetch_metrics(account, [remote_id])[remote_id]
    assert isinstance(m, Metrics) and m.likes == 3 and (m.views, m.reach) == (None, None)


def test_the_configured_version_reaches_facebook(sandbox):
    """From the setting, through the registry the workers and the web app use, to the request path:
    an ended version is refused by the sandbox and nothing is published."""
    from scheduler.services.wiring import connector_lookup

    account = _account(sandbox)
    ended = connector_lookup(Settings(facebook_graph_version="v20.0", sandbox_url=sandbox.base_url))("facebook")
    with pytest.raises(Transient) as caught:
        ended.publish(account, Content("Versi yang sudah berakhir"))
    assert caught.value.code == "graph_version_ended"
    assert "SIAR_FACEBOOK_GRAPH_VERSION" in caught.value.message_id
    assert "SIAR_FACEBOOK_GRAPH_VERSION" in caught.value.message_en
    assert sandbox.posts("facebook", account.handle) == []

    newest = connector_lookup(Settings(facebook_graph_version="v27.0", sandbox_url=sandbox.base_url))("facebook")
    newest.publish(account, Content("Versi terbaru"))
    assert [p["text"] for p in sandbox.posts("facebook", account.handle)] == ["Versi terbaru"]
