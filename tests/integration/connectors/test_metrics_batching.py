"""Metrics for 250 posts cost 3 calls on X (100 ids a call) and 5 on Facebook (50 a call).

The calls are counted by the sandbox itself (its request counters), not by the connector.
"""

from __future__ import annotations

import uuid

import pytest

from connectors.base import AccountRef, Content, Metrics, Missing
from connectors.facebook import FacebookConnector
from connectors.x import XConnector

POSTS = 250


@pytest.mark.parametrize(
    "platform,connector_cls,expected_calls",
    [
        ("x", XConnector, 3),
        ("facebook", FacebookConnector, 5),
    ],
)
def test_metrics_for_250_posts_are_batched(sandbox, platform, connector_cls, expected_calls):
    connector = connector_cls(sandbox_url=sandbox.base_url)
    account = AccountRef.from_credentials(
        sandbox.create_account(platform, f"kim_{uuid.uuid4().hex[:10]}"), sandbox=True
    )
    ids = [
        connector.publish(account, Content(f"Pasar Oro-Oro Dowo buka hari ke-{i} #KIMMalang")).remote_id
        for i in range(POSTS)
    ]
    sandbox.set_metrics(platform, ids[0], likes=11, comments=4, shares=2)
    connector.delete(account, ids[-1])

    before = sandbox.request_counts(platform)["kinds"].get("metrics", 0)
    metrics = connector.fetch_metrics(account, ids)
    calls = sandbox.request_counts(platform)["kinds"].get("metrics", 0) - before

    assert calls == expected_calls
    assert len(metrics) == POSTS
    assert (metrics[ids[0]].likes, metrics[ids[0]].comments, metrics[ids[0]].shares) == (11, 4, 2)
    assert isinstance(metrics[ids[-1]], Missing), "a deleted post is Missing, not an error"
    assert sum(isinstance(m, Metrics) for m in metrics.values()) == POSTS - 1
