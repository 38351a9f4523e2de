"""The sandbox bills X calls like X (pay-per-use), through tweepy 4.17 (the real library).

Prices from connectors/x_prices.py; ledger, credit and caps through the admin API (docs/sandbox.md, "X billing").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import requests
import tweepy

from connectors import x_prices

NOON = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def sandbox_clock(sandbox):
    """Set the sandbox's clock; it goes back to where it was after the test (the server is shared)."""
    before = sandbox.set_engagement()["clock_offset_s"]
    yield lambda at: sandbox.set_clock(at)
    sandbox.set_engagement(clock_offset_s=before)


def _kinds(sandbox, handle: str) -> dict[str, dict]:
    return sandbox.x_billing(account=handle)["accounts"].get(handle, {}).get("kinds", {})


def _usd(sandbox, handle: str) -> str:
    return sandbox.x_billing(account=handle)["accounts"][handle]["usd"]


def test_a_post_costs_more_with_a_link(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    client.create_tweet(text="Keripik tempe Polehan, renyah dan gurih!", user_auth=True)
    client.create_tweet(text="Pesan lewat kim-polehan.id ya", user_auth=True)  # a bare domain is a link to X
    client.create_tweet(text="Daftar: https://malangkota.go.id/umkm", user_auth=True)
    client.create_tweet(text="Tanya ke budi@polehan.id atau lihat foto.jpg", user_auth=True)  # no link
    with pytest.raises(tweepy.Forbidden):  # a refused duplicate bills nothing
        client.create_tweet(text="Keripik tempe Polehan, renyah dan gurih!", user_auth=True)

    assert _kinds(sandbox, handle) == {
        "post_create": {"count": 2, "usd": "0.03"},
        "post_create_url": {"count": 2, "usd": "0.40"},
    }
    assert _usd(sandbox, handle) == "0.43"
    assert x_prices.create_cost("Pesan lewat kim-polehan.id ya") / x_prices.create_cost("halo") > 13


def test_reads_bill_per_post_returned_once_a_day(sandbox, lib, handle, sandbox_clock):
    sandbox_clock(NOON)
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    a = client.create_tweet(text="Kopi Dampit", user_auth=True).data["id"]
    b = client.create_tweet(text="Apel Batu", user_auth=True).data["id"]

    batch = client.get_tweets([a, b, "1234567"], tweet_fields=["public_metrics"], user_auth=True)
    assert len(batch.data) == 2 and len(batch.errors) == 1
    assert _kinds(sandbox, handle)["post_read"] == {"count": 2, "usd": "0.01"}  # 3 asked, 2 found: 2 billed

    client.get_tweet(a, user_auth=True)  # the same day: already paid for
    client.get_tweets([a, b], user_auth=True)
    sandbox_clock(NOON.replace(hour=23, minute=59))
    client.get_tweets([a, b], user_auth=True)
    day = sandbox.x_billing(account=handle)["accounts"][handle]["days"][NOON.date().isoformat()]
    assert day["kinds"]["post_read"]["count"] == 2 and day["deduplicated"] == 5

    sandbox_clock(NOON + timedelta(hours=12))  # 00:00 UTC the next day: billed again
    client.get_tweet(a, user_auth=True)
    days = sandbox.x_billing(account=handle)["accounts"][handle]["days"]
    assert days[(NOON + timedelta(days=1)).date().isoformat()]["kinds"]["post_read"] == {"count": 1, "usd": "0.005"}
    assert _kinds(sandbox, handle)["post_read"] == {"count": 3, "usd": "0.015"}


def test_owned_reads_of_the_own_timeline_are_cheaper(sandbox, lib, handle):
    creds = sandbox.create_account("x", handle)
    client, _ = lib.x_clients(creds)
    for text in ("Wisata Jodipan", "Batik Malangan", "Tempe Sanan", "Bakso Bakar", "Cwie Mie"):
        client.create_tweet(text=text, user_auth=True)
    own = client.get_users_tweets(creds["user_id"], max_results=5, user_auth=True)
    assert len(own.data) == 5
    assert _kinds(sandbox, handle) == {
        "post_create": {"count": 5, "usd": "0.075"},
        "owned_read": {"count": 5, "usd": "0.005"},
    }

    neighbour = f"{handle}_tetangga"  # another account (its own app) reads that timeline: full price
    other, _ = lib.x_clients(sandbox.create_account("x", neighbour))
    other.get_users_tweets(creds["user_id"], max_results=5, user_auth=True)
    assert _kinds(sandbox, neighbour) == {"post_read": {"count": 5, "usd": "0.025"}}

    app_only = tweepy.Client(bearer_token=creds["bearer_token"])  # no user context: not an owned read
    lib.redirect(app_only.session, ("https://api.twitter.com",), creds["sandbox_base_url"])
    sandbox.advance_clock(86400)
    try:
        app_only.get_users_tweets(creds["user_id"], max_results=5)
    finally:
        sandbox.advance_clock(-86400)
    assert _kinds(sandbox, handle)["post_read"] == {"count": 5, "usd": "0.025"}


def test_user_read_and_free_calls(sandbox, lib, handle, tmp_path):
    client, api = lib.x_clients(sandbox.create_account("x", handle))
    client.get_me(user_auth=True)
    client.get_me(user_auth=True)  # the same user the same day: once
    media = api.media_upload(str(lib.jpeg(tmp_path / "kripik.jpg")))  # no price in X's table: free
    tweet = client.create_tweet(text="Foto produk", media_ids=[media.media_id], user_auth=True)
    client.delete_tweet(tweet.data["id"], user_auth=True)  # not billed (see connectors/x_prices.py)
    assert _kinds(sandbox, handle) == {
        "user_read": {"count": 1, "usd": "0.01"},
        "post_create": {"count": 1, "usd": "0.015"},
    }


def test_402_when_the_credit_runs_out_and_nothing_is_billed(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    assert sandbox.set_x_credit(handle, "0.03")["credit_usd"] == "0.03"
    first = client.create_tweet(text="Sayur organik Kedungkandang", user_auth=True).data["id"]
    client.create_tweet(text="Madu Singosari", user_auth=True)
    with pytest.raises(tweepy.HTTPException) as err:  # tweepy has no class of its own for 402
        client.create_tweet(text="Susu KUD Pujon", user_auth=True)
    assert err.value.response.status_code == 402
    body = err.value.response.json()
    assert body["title"] == "CreditsDepleted" and body["type"] == "https://api.twitter.com/2/problems/credits"
    assert [p["text"] for p in sandbox.posts("x", handle)] == ["Sayur organik Kedungkandang", "Madu Singosari"]

    with pytest.raises(tweepy.HTTPException) as err:  # a read the credit cannot cover is refused too
        client.get_tweets([first], user_auth=True)
    assert err.value.response.status_code == 402
    ledger = sandbox.x_billing(account=handle)["accounts"][handle]
    assert ledger["kinds"] == {"post_create": {"count": 2, "usd": "0.03"}}
    assert ledger["credit_usd"] == "0.00" and ledger["refused"] == {"credits_depleted": 2, "usage_capped": 0}

    sandbox.set_x_credit(handle, add_usd="0.10")  # topped up: the refused read was not remembered as paid
    client.get_tweets([first], user_auth=True)
    with pytest.raises(tweepy.HTTPException):  # a link costs $0.20, more than the $0.095 left
        client.create_tweet(text="Info: https://kim.id/pujon", user_auth=True)
    ledger = sandbox.x_billing(account=handle)["accounts"][handle]
    assert ledger["kinds"]["post_read"] == {"count": 1, "usd": "0.005"} and ledger["credit_usd"] == "0.095"
    assert sandbox.set_x_credit(handle, None)["credit_usd"] is None  # unlimited again
    client.create_tweet(text="Info: https://kim.id/pujon", user_auth=True)


def test_429_usage_capped_by_the_spending_cap_and_the_post_read_cap(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    sandbox.set_x_cap(handle, usd="0.02")
    tweet = client.create_tweet(text="Pentol Korea Sawojajar", user_auth=True).data["id"]
    with pytest.raises(tweepy.TooManyRequests) as err:
        client.create_tweet(text="Es Tebu Tlogomas", user_auth=True)
    body = err.value.response.json()
    assert body["title"] == "UsageCapExceeded" and body["type"] == "https://api.twitter.com/2/problems/usage-capped"
    assert len(sandbox.posts("x", handle)) == 1

    sandbox.set_x_cap(handle, usd=None, post_reads_per_month=1)
    other = client.create_tweet(text="Es Tebu Tlogomas", user_auth=True).data["id"]
    with pytest.raises(tweepy.TooManyRequests):  # 2 posts would pass the cap of 1: nothing is returned
        client.get_tweets([tweet, other], user_auth=True)
    client.get_tweet(tweet, user_auth=True)
    ledger = sandbox.x_billing(account=handle)["accounts"][handle]
    assert ledger["kinds"]["post_read"] == {"count": 1, "usd": "0.005"}
    assert ledger["refused"] == {"credits_depleted": 0, "usage_capped": 2}
    assert ledger["spending_cap_usd"] is None and ledger["post_reads_per_month"] == 1


def test_usage_endpoint_counts_posts_read_per_day(sandbox, lib, handle, sandbox_clock):
    sandbox_clock(NOON)
    creds = sandbox.create_account("x", handle)
    client, _ = lib.x_clients(creds)
    ids = [client.create_tweet(text=f"Pasar Besar {n}", user_auth=True).data["id"] for n in range(3)]
    client.get_tweets(ids, user_auth=True)
    sandbox_clock(NOON + timedelta(days=1))
    client.get_tweets(ids[:1], user_auth=True)

    app_only = tweepy.Client(bearer_token=creds["bearer_token"])
    lib.redirect(app_only.session, ("https://api.twitter.com",), creds["sandbox_base_url"])
    response = app_only.request("GET", "/2/usage/tweets", params={"days": 3, "usage.fields": "daily_project_usage"})
    data = response.json()["data"]
    assert data["project_usage"] == "4" and data["project_cap"] == "3000000"
    assert [(d["date"][:10], d["usage"]) for d in data["daily_project_usage"]["usage"]] == [
        ("2027-03-09", "0"),
        ("2027-03-10", "3"),
        ("2027-03-11", "1"),
    ]
    with pytest.raises(tweepy.Forbidden):  # app-only, as on X
        client.request("GET", "/2/usage/tweets", user_auth=True)


def test_the_ledger_endpoint(sandbox, lib, handle, sandbox_clock):
    sandbox_clock(NOON)
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    client.create_tweet(text="Cilok Soto Lamongan", user_auth=True)
    report = sandbox.x_billing(account=handle)
    assert report["prices"] == {
        "post_create": "0.015",
        "post_create_url": "0.20",
        "post_read": "0.005",
        "owned_read": "0.001",
        "user_read": "0.01",
    }
    assert report["prices_as_of"] == "2026-12-04" and report["source"].startswith("https://docs.x.com/")
    entry = report["accounts"][handle]
    assert entry["app"] == sandbox.credentials("x", handle)["consumer_key"] and entry["credit_usd"] is None
    assert entry["days"] == {
        "2027-03-10": {"kinds": {"post_create": {"count": 1, "usd": "0.015"}}, "usd": "0.015", "deduplicated": 0}
    }
    assert report["total"] == {"usd": "0.015", "kinds": {"post_create": {"count": 1, "usd": "0.015"}}}
    assert sandbox.x_billing(account=handle, day="2027-03-11")["accounts"] == {}
    assert Decimal(sandbox.x_billing()["total"]["usd"]) >= Decimal("0.015")  # other tests' accounts too

    http = requests.Session()
    bad = [
        ("/x/credit", {"account": handle, "usd": "-1"}, 400),
        ("/x/credit", {"account": handle, "usd": "0.0000001"}, 400),
        ("/x/credit", {"account": "nobody_here", "usd": "1"}, 404),
        ("/x/cap", {"account": handle, "post_reads_per_month": -5}, 400),
    ]
    for path, body, status in bad:
        assert http.post(f"{sandbox.base_url}/_sandbox{path}", json=body, timeout=10).status_code == status
    assert http.get(f"{sandbox.base_url}/_sandbox/x/billing?day=kemarin", timeout=10).status_code == 400
