"""The admin API, hold/release, persistence across a restart, and "never a 500" for bad input."""

from __future__ import annotations

import threading

import pytest
import requests
import tweepy

from connectors.graph_versions import DEFAULT_VERSION as GRAPH
from sandbox.testing import SandboxError, running_sandbox


def test_hold_then_release_apply_or_drop(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    graph = lib.graph_api(creds)
    sandbox.hold("facebook", timeout_s=20)
    outcome: dict[str, object] = {}

    def publish(key: str, text: str) -> None:
        try:
            outcome[key] = graph.put_object(creds["page_id"], "feed", message=text)
        except Exception as exc:  # the test inspects it
            outcome[key] = exc

    first = threading.Thread(target=publish, args=("apply", "Ditahan lalu dilepas"))
    first.start()
    sandbox.wait_held("facebook", 1)
    assert sandbox.posts("facebook", handle) == []  # held: nothing applied yet
    assert sandbox.release("facebook", "apply") == 1
    first.join(10)
    assert "id" in outcome["apply"]

    second = threading.Thread(target=publish, args=("drop", "Ditahan lalu dibuang"))
    second.start()
    sandbox.wait_held("facebook", 1)
    sandbox.release("facebook", "drop")
    second.join(10)
    assert isinstance(outcome["drop"], requests.ConnectionError)
    assert [p["text"] for p in sandbox.posts("facebook", handle)] == ["Ditahan lalu dilepas"]


def test_request_counts_by_kind(sandbox, lib, handle):
    creds = sandbox.create_account("x", handle)
    client, _ = lib.x_clients(creds)
    before = sandbox.request_counts("x")["kinds"].get("metrics", 0)
    tweet = client.create_tweet(text="hitung permintaan", user_auth=True)
    client.get_tweets([tweet.data["id"]], tweet_fields=["public_metrics"], user_auth=True)
    counts = sandbox.request_counts("x")
    assert counts["kinds"]["metrics"] == before + 1 and counts["ops"]["create_tweet"] >= 1


def test_engagement_grows_with_the_clock(sandbox, lib, handle):
    graph = lib.graph_api(creds := sandbox.create_account("facebook", handle))
    post_id = graph.put_object(creds["page_id"], "feed", message="Wisata Kampung Warna-warni")["id"]
    fresh = sandbox.posts("facebook", handle)[0]["metrics"]
    sandbox.advance_clock(48 * 3600)
    try:
        grown = sandbox.posts("facebook", handle)[0]["metrics"]
        assert grown["views"] > fresh["views"] and grown["likes"] >= fresh["likes"]
        insights = graph.get_connections(post_id, "insights", metric="post_media_view")
        assert insights["data"][0]["values"][0]["value"] == grown["views"]
    finally:
        sandbox.advance_clock(-48 * 3600)


def test_admin_rejects_bad_input_in_both_languages(sandbox):
    for call in (
        lambda: sandbox.create_account("myspace", "kim"),
        lambda: sandbox.set_faults("x", error_rate=2),
        lambda: sandbox.set_metrics("x", "999", likes=1),
    ):
        with pytest.raises(SandboxError) as err:
            call()
        assert " / " in str(err.value)
    reply = requests.post(sandbox.base_url + "/_sandbox/accounts", data="{not json", timeout=5)
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "bad_json"


@pytest.mark.parametrize(
    "method,path,kwargs",
    [
        ("POST", "/2/tweets", {"data": "\x00garbage"}),
        ("GET", "/2/tweets", {"params": {"ids": "a,b"}}),
        ("POST", "/1.1/media/upload.json", {"files": {"media": ("x", b"123")}}),
        ("POST", f"/{GRAPH}/123/feed", {"data": {"message": "x"}}),
        (
            "POST",
            f"/{GRAPH}/123/photos",
            {"data": b"--broken multipart", "headers": {"Content-Type": "multipart/form-data"}},
        ),
        ("GET", f"/{GRAPH}/", {"params": {"ids": ",".join(map(str, range(60))), "access_token": "x"}}),
        ("POST", "/api/v1/media/configure/", {"data": {"signed_body": "SIGNATURE.{bad"}}),
        ("POST", "/rupload_igphoto/1_0_1", {"data": b"\xff" * 10}),
        ("GET", "/api/v1/unknown/", {}),
        ("GET", "/nowhere", {}),
    ],
)
def test_bad_requests_never_answer_500(sandbox, method, path, kwargs):
    reply = requests.request(method, sandbox.base_url + path, timeout=5, **kwargs)
    assert 400 <= reply.status_code < 500, reply.text
    assert reply.headers["content-type"].startswith("application/json")


def test_feed_page_in_bahasa_indonesia(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))
    client.create_tweet(text="Pameran UMKM <Kelurahan Bunulrejo>", user_auth=True)
    page = requests.get(f"{sandbox.base_url}/_sandbox/feed/x/{handle}", timeout=5)
    assert page.status_code == 200 and 'lang="id"' in page.text
    assert "&lt;Kelurahan Bunulrejo&gt;" in page.text and "suka" in page.text


def test_state_file_survives_a_restart_of_the_cli_server(tmp_path, lib):
    state = str(tmp_path / "demo.sqlite")
    with running_sandbox(subprocess=True, state=state) as first:
        creds = first.create_account("x", "kim_demo")
        client, _ = lib.x_clients(creds)
        client.create_tweet(text="Tetap ada setelah restart", user_auth=True)
    with running_sandbox(subprocess=True, state=state) as second:
        assert [p["text"] for p in second.posts("x", "kim_demo")] == ["Tetap ada setelah restart"]
        # the issued credentials still work, on the new origin
        client, _ = lib.x_clients({**creds, "sandbox_base_url": second.base_url})
        with pytest.raises(tweepy.Forbidden):
            client.create_tweet(text="Tetap ada setelah restart", user_auth=True)


def test_a_held_create_still_applies_after_its_client_gave_up(sandbox, lib, handle):
    """The chaos scenario: the worker dies (here: times out) while its create is held; release applies it."""
    client, _ = lib.x_clients(sandbox.create_account("x", handle), timeout=0.3)
    sandbox.hold("x", timeout_s=20)
    with pytest.raises(requests.Timeout):
        client.create_tweet(text="Pekerja mati saat permintaan ditahan", user_auth=True)
    assert sandbox.held("x") == 1 and sandbox.posts("x", handle) == []
    sandbox.release("x", "apply")
    from sandbox.testing import wait_for

    wait_for(lambda: len(sandbox.posts("x", handle)) == 1, 5, "the held tweet to be applied")
    assert sandbox.posts("x", handle)[0]["create_requests"] == 1


def test_faults_repeat_with_the_same_seed(sandbox, lib, handle):
    client, _ = lib.x_clients(sandbox.create_account("x", handle))

    def pattern() -> list[bool]:
        sandbox.set_faults("x", error_rate=0.5, seed=42)
        outcome = []
        for _ in range(12):
            try:
                client.get_me(user_auth=True)
                outcome.append(True)
            except tweepy.TwitterServerError:
                outcome.append(False)
        return outcome

    first = pattern()
    assert first == pattern() and True in first and False in first


def test_facebook_operations_are_counted_by_name(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    graph = lib.graph_api(creds)
    before = sandbox.request_counts("facebook")["ops"]
    post_id = graph.put_object(creds["page_id"], "feed", message="hitung operasi")["id"]
    graph.get_objects([post_id], fields="shares")
    ops = sandbox.request_counts("facebook")["ops"]
    assert ops["feed.post"] == before.get("feed.post", 0) + 1
    assert ops["ids.get"] == before.get("ids.get", 0) + 1
