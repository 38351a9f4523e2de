"""tweepy 4.17 (the real library) against the sandbox: tweets, media, metrics, delete, errors."""

from __future__ import annotations

import time

import pytest
import requests
import tweepy


def test_text_tweet_metrics_and_delete(sandbox, lib, handle):
    creds = sandbox.create_account("x", handle)
    client, _ = lib.x_clients(creds)
    me = client.get_me(user_auth=True)
    assert me.data.id == int(creds["user_id"]) and me.data.username == handle

    created = client.create_tweet(text="Keripik tempe Polehan, renyah dan gurih! #UMKMMalang", user_auth=True)
    tweet_id = created.data["id"]
    sandbox.set_metrics("x", tweet_id, likes=42, views=1000)

    batch = client.get_tweets([tweet_id, "1234567"], tweet_fields=["public_metrics", "created_at"], user_auth=True)
    assert [t.id for t in batch.data] == [int(tweet_id)]
    metrics = batch.data[0].public_metrics
    assert metrics["like_count"] == 42 and metrics["impression_count"] == 1000
    assert batch.errors[0]["resource_id"] == "1234567"

    reply = client.create_tweet(text="Tersedia di pasar Oro-oro Dowo", in_reply_to_tweet_id=tweet_id, user_auth=True)
    single = client.get_tweet(reply.data["id"], tweet_fields=["conversation_id"], user_auth=True)
    assert single.data.conversation_id == int(tweet_id)
    recent = client.get_users_tweets(creds["user_id"], user_auth=True, tweet_fields=["created_at"])
    assert [t.id for t in recent.data] == [int(reply.data["id"]), int(tweet_id)]
    client.delete_tweet(reply.data["id"], user_auth=True)

    assert client.delete_tweet(tweet_id, user_auth=True).data == {"deleted": True}
    posts = sandbox.posts("x", handle)
    assert len(posts) == 2 and all(p["deleted"] and p["create_requests"] == 1 for p in posts)
    assert client.get_tweet(tweet_id, user_auth=True).data is None  # gone: errors[], no exception


def test_duplicate_text_is_refused_within_a_day(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    client.create_tweet(text="Kopi Dampit, aroma khas Malang", user_auth=True)
    with pytest.raises(tweepy.Forbidden) as err:
        client.create_tweet(text="Kopi Dampit, aroma khas Malang", user_auth=True)
    assert "duplicate content" in err.value.api_messages[0]
    [post] = sandbox.posts("x", handle)
    assert post["create_requests"] == 2


def test_bad_signature_is_401(sandbox, lib, handle):
    creds = sandbox.create_account("x", handle)
    client, _ = lib.x_clients({**creds, "consumer_secret": "wrong"})
    with pytest.raises(tweepy.Unauthorized):
        client.create_tweet(text="tidak akan terbit", user_auth=True)
    assert sandbox.posts("x", handle) == []


def test_photo_v11_simple_upload(sandbox, lib, handle, tmp_path):
    client, api = lib.x_clients(sandbox.create_account("x", handle))
    media = api.media_upload(str(lib.jpeg(tmp_path / "kripik.jpg")))
    tweet = client.create_tweet(text="Foto produk", media_ids=[media.media_id], user_auth=True)
    [post] = sandbox.posts("x", handle)
    assert post["id"] == tweet.data["id"] and post["media_count"] == 1


def test_video_v11_chunked_upload(sandbox, lib, handle, tmp_path):
    client, api = lib.x_clients(sandbox.create_account("x", handle))
    media = api.media_upload(
        str(lib.mp4(tmp_path / "wisata.mp4", padding=300_000)),
        chunked=True,
        media_category="tweet_video",
        chunk_size=100_000,
    )
    assert media.processing_info["state"] == "succeeded"
    client.create_tweet(text="Video wisata Kampung Warna-warni Jodipan", media_ids=[media.media_id], user_auth=True)
    [post] = sandbox.posts("x", handle)
    assert post["media_type"] == "video"


def test_v2_media_upload_through_client_session(sandbox, lib, handle, tmp_path):
    creds = sandbox.create_account("x", handle)
    client, _ = lib.x_clients(creds)
    auth = tweepy.OAuth1UserHandler(
        creds["consumer_key"], creds["consumer_secret"], creds["access_token"], creds["access_token_secret"]
    ).apply_auth()
    data = lib.jpeg(tmp_path / "v2.jpg").read_bytes()
    answer = client.session.post(
        "https://api.x.com/2/media/upload",
        auth=auth,
        files={"media": ("v2.jpg", data, "image/jpeg")},
        data={"media_category": "tweet_image"},
    )
    assert answer.status_code == 200, answer.text
    media_id = answer.json()["data"]["id"]
    init = client.session.post(
        "https://api.x.com/2/media/upload/initialize",
        auth=auth,
        json={"media_type": "image/jpeg", "total_bytes": len(data), "media_category": "tweet_image"},
    )
    chunked_id = init.json()["data"]["id"]
    appended = client.session.post(
        f"https://api.x.com/2/media/upload/{chunked_id}/append",
        auth=auth,
        files={"media": ("c", data)},
        data={"segment_index": "0"},
    )
    assert appended.status_code == 204
    done = client.session.post(f"https://api.x.com/2/media/upload/{chunked_id}/finalize", auth=auth)
    assert done.json()["data"]["id"] == chunked_id
    client.create_tweet(text="Dua foto lewat v2", media_ids=[media_id, chunked_id], user_auth=True)
    assert sandbox.posts("x", handle)[0]["media_count"] == 2


def test_oversized_image_is_refused_in_x_shape(sandbox, lib, handle, tmp_path):
    client, api = lib.x_clients(sandbox.create_account("x", handle))
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8" + b"\x00" * (5 * 1024 * 1024 + 10))
    with pytest.raises(tweepy.BadRequest) as err:
        api.simple_upload(str(big))
    assert 324 in err.value.api_codes


def test_rate_limit_answers_429_with_reset(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    sandbox.set_rate_limits("x", account_limit=2, window_s=60)
    try:
        client.get_me(user_auth=True)
        client.get_me(user_auth=True)
        with pytest.raises(tweepy.TooManyRequests) as err:
            client.get_me(user_auth=True)
        assert err.value.reset_time is not None and err.value.reset_time > time.time()
        assert err.value.response.headers["x-rate-limit-remaining"] == "0"
    finally:
        sandbox.set_rate_limits("x")


def test_faults_map_to_tweepy_errors(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    sandbox.set_faults("x", error_rate=1.0, seed=1)
    with pytest.raises(tweepy.TwitterServerError):
        client.create_tweet(text="gagal 5xx", user_auth=True)
    sandbox.set_faults("x", rate_limit_rate=1.0, seed=1)
    with pytest.raises(tweepy.TooManyRequests) as err:
        client.create_tweet(text="gagal 429", user_auth=True)
    assert err.value.reset_time is not None
    assert sandbox.posts("x", handle) == []


def test_applied_then_dropped_leaves_exactly_one_post(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    sandbox.set_faults("x", drop_rate=1.0, only="create", seed=7)
    with pytest.raises(requests.ConnectionError):
        client.create_tweet(text="Terbit, tapi jawabannya hilang", user_auth=True)
    sandbox.clear_faults("x")
    [post] = sandbox.posts("x", handle)
    assert post["text"] == "Terbit, tapi jawabannya hilang" and post["create_requests"] == 1


def test_hang_exceeds_client_timeout(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle), timeout=0.5)
    sandbox.set_faults("x", hang_rate=1.0, hang_s=2, seed=3)
    with pytest.raises(requests.Timeout):
        client.get_me(user_auth=True)


def test_latency_is_added(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    sandbox.set_faults("x", latency_ms=300, seed=1)
    started = time.monotonic()
    client.get_me(user_auth=True)
    assert time.monotonic() - started >= 0.3
