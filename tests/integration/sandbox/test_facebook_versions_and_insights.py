"""facebook-sdk (the real library) meets what Meta does in December 2026: Graph API versions end on
their day, and one retired insights metric fails the whole request."""

from __future__ import annotations

from datetime import UTC, datetime

import facebook
import pytest

from connectors.graph_versions import DEFAULT_VERSION

# Meta's answer to a request naming one metric that is not valid; it does not say which.
INVALID_METRIC = {"message": "(#100) The value must be a valid insights metric", "type": "OAuthException", "code": 100}


@pytest.fixture
def sandbox_clock(sandbox):
    """Set the sandbox's clock; it goes back to where it was after the test (the server is shared)."""
    before = sandbox.set_engagement()["clock_offset_s"]
    yield lambda at: sandbox.set_clock(at)
    sandbox.set_engagement(clock_offset_s=before)


def _graph(lib, creds, version: str):
    graph = lib.graph_api(creds)
    graph.version = version
    return graph


def test_the_default_version_works_today(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    assert _graph(lib, creds, DEFAULT_VERSION).get_object("me")["id"] == creds["page_id"]


@pytest.mark.parametrize("version", ["v20.0", "v2.3"])
def test_an_ended_version_is_refused_and_nothing_is_published(sandbox, lib, handle, version):
    creds = sandbox.create_account("facebook", handle)
    with pytest.raises(facebook.GraphAPIError) as err:
        _graph(lib, creds, version).put_object(creds["page_id"], "feed", message="Versi lama")
    error = err.value.result["error"]
    assert (error["code"], error["type"]) == (2635, "OAuthException")
    assert error["message"].startswith("(#2635) You are calling a deprecated version")
    assert sandbox.posts("facebook", handle) == []


def test_a_version_not_released_yet_is_refused(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    with pytest.raises(facebook.GraphAPIError) as err:
        _graph(lib, creds, "v28.0").get_object("me")
    assert err.value.result["error"]["code"] == 2500
    assert err.value.result["error"]["message"] == "Unknown path components: /v28.0/me"


def test_a_version_ends_at_the_sandbox_clock(sandbox, lib, handle, sandbox_clock):
    creds = sandbox.create_account("facebook", handle)
    old = _graph(lib, creds, "v21.0")
    sandbox_clock(datetime(2027, 1, 20, 23, 59, tzinfo=UTC))
    assert old.get_object("me")["id"] == creds["page_id"]
    sandbox_clock(datetime(2027, 1, 21, tzinfo=UTC))
    with pytest.raises(facebook.GraphAPIError) as err:
        old.get_object("me")
    assert err.value.code == 2635
    assert _graph(lib, creds, DEFAULT_VERSION).get_object("me")["id"] == creds["page_id"]


def test_the_new_insights_metrics_answer_views_and_reach(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    graph = _graph(lib, creds, DEFAULT_VERSION)
    post_id = graph.put_object(creds["page_id"], "feed", message="Tayangan dan jangkauan")["id"]
    sandbox.set_metrics("facebook", post_id, views=400, reach=250)
    edge = graph.get_connections(post_id, "insights", metric="post_media_view,post_total_media_view_unique")
    assert {row["name"]: row["values"][0]["value"] for row in edge["data"]} == {
        "post_media_view": 400,
        "post_total_media_view_unique": 250,
    }
    field = graph.get_objects([post_id], fields="insights.metric(post_media_view,post_total_media_view_unique)")
    assert [row["values"][0]["value"] for row in field[post_id]["insights"]["data"]] == [400, 250]


@pytest.mark.parametrize(
    "metrics",
    [
        "post_impressions,post_impressions_unique",  # what Siar asked for until December 2026
        "post_media_view,post_impressions_organic",  # one retired name among valid ones
        "page_impressions",
        "page_fans",
        "page_fans_country",
        "no_such_metric",
    ],
)
def test_one_retired_metric_fails_the_whole_insights_request(sandbox, lib, handle, metrics):
    creds = sandbox.create_account("facebook", handle)
    graph = _graph(lib, creds, DEFAULT_VERSION)
    post_id = graph.put_object(creds["page_id"], "feed", message=f"Metrik {metrics}")["id"]
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.get_connections(post_id, "insights", metric=metrics)
    assert {k: err.value.result["error"][k] for k in INVALID_METRIC} == INVALID_METRIC
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.get_objects([post_id], fields=f"shares,insights.metric({metrics})")
    assert {k: err.value.result["error"][k] for k in INVALID_METRIC} == INVALID_METRIC
