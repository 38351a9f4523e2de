"""ONE contract suite, run unchanged against every connector (real ones over the sandbox).

Table-driven: CASES says which content kinds each connector publishes; every
case goes through publish -> find_recent -> fetch_metrics -> delete.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import AccountCheck, AuthExpired, Metrics, Missing, PublishResult, Rejected

# (connector, content kind, media the platform should hold)
CASES = [
    ("x", "text", 0),
    ("x", "photo", 1),
    ("x", "album", 3),
    ("x", "video", 1),
    ("x", "thread", 0),
    ("facebook", "text", 0),
    ("facebook", "link", 0),
    ("facebook", "photo", 1),
    ("facebook", "album", 3),
    ("facebook", "video", 1),
    ("instagram", "photo", 1),
    ("instagram", "album", 3),
    ("instagram", "video", 1),
    ("fake", "text", 0),
    ("fake", "photo", 1),
]
PLATFORMS = ("x", "facebook", "instagram", "fake")


@pytest.mark.parametrize("name,kind,media_count", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_publish_find_measure_delete(harness_for, content_for, name, kind, media_count):
    h = harness_for(name)
    account = h.new_account()
    since = datetime.now(UTC) - timedelta(seconds=5)
    content = content_for(kind)
    assert h.connector.validate(content) == []

    result = h.connector.publish(account, content)

    assert isinstance(result, PublishResult) and result.remote_id
    assert result.permalink.startswith("https://")
    assert abs(result.published_at - datetime.now(UTC)) < timedelta(minutes=1)
    live = [p for p in h.remote_posts(account) if not p.get("deleted")]
    if kind == "thread":
        assert len(result.part_ids) == len(live) >= 2, "one tweet per part, replying in a chain"
    else:
        assert len(live) == 1, "exactly one post on the platform"

    found = h.connector.find_recent(account, since)
    tag = content.text.split()[-1]
    mine = [p for p in found if tag in p.text or result.remote_id == p.remote_id]
    assert mine, f"{result.remote_id} not found again by find_recent"
    assert mine[0].media_count == media_count
    assert mine[0].created_at is None or mine[0].created_at >= since - timedelta(seconds=2)

    h.set_metrics(account, result.remote_id, Metrics(likes=7, comments=3, shares=2, views=40))
    metrics = h.connector.fetch_metrics(account, [result.remote_id, "4040404040"])
    got = metrics[result.remote_id]
    assert isinstance(got, Metrics) and (got.likes, got.comments) == (7, 3)
    assert isinstance(metrics["4040404040"], Missing)

    h.connector.delete(account, result.remote_id)
    h.connector.delete(account, result.remote_id)  # deleting twice is fine
    gone = h.connector.fetch_metrics(account, [result.remote_id])
    assert isinstance(gone[result.remote_id], Missing)


@pytest.mark.parametrize("name", PLATFORMS)
def test_check_credentials(harness_for, name):
    h = harness_for(name)
    account = h.new_account()
    check = h.connector.check(account)
    assert isinstance(check, AccountCheck) and check.ok and check.error is None
    assert check.remote_user_id


@pytest.mark.parametrize("name", PLATFORMS)
def test_check_with_broken_credentials_says_reconnect(harness_for, name):
    h = harness_for(name)
    account = h.new_account()
    broken = {
        k: ("rusak-" + v if isinstance(v, str) and k in ("access_token", "page_access_token", "token") else v)
        for k, v in account.credentials.items()
    }
    if name == "instagram":
        broken["settings"] = {
            **broken["settings"],
            "authorization_data": {"ds_user_id": "1", "sessionid": "rusak"},
            "cookies": {},
        }
        broken["password"] = "salah"
    bad = type(account)(account.platform, account.handle, broken, account.sandbox)
    check = h.connector.check(bad)
    assert not check.ok and isinstance(check.error, AuthExpired)
    assert "sambungkan ulang" in check.error.message_id.lower()


@pytest.mark.parametrize("name", PLATFORMS)
def test_invalid_content_is_rejected_before_any_call(harness_for, content_for, name):
    from connectors.base import Content

    h = harness_for(name)
    account = h.new_account()
    too_long = Content(
        "x" * (h.connector.limits.max_text + 1) + (" " if name != "instagram" else ""), media=content_for("photo").media
    )
    assert h.connector.validate(too_long)
    with pytest.raises(Rejected) as caught:
        h.connector.publish(account, too_long)
    assert caught.value.message_id and caught.value.message_en
    assert h.remote_posts(account) == []
