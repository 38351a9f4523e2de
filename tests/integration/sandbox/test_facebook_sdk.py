"""facebook-sdk 3.1.0 (the real library) against the sandbox: posts, photos, video, metrics, errors."""

from __future__ import annotations

import json

import facebook
import pytest
import requests

from connectors.graph_versions import DEFAULT_VERSION

METRIC_FIELDS = "shares,comments.summary(true).limit(0),reactions.summary(true).limit(0)"


def test_text_post_metrics_and_delete(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    graph = lib.graph_api(creds)
    assert graph.get_object("me")["id"] == creds["page_id"]
    post_id = graph.put_object(creds["page_id"], "feed", message="Festival Kampung Biru Arema minggu ini!")["id"]
    sandbox.set_metrics("facebook", post_id, likes=12, comments=3, shares=2, views=400)

    objects = graph.get_objects([post_id], fields=METRIC_FIELDS)
    assert objects[post_id]["reactions"]["summary"]["total_count"] == 12
    assert objects[post_id]["comments"]["summary"]["total_count"] == 3
    assert objects[post_id]["shares"]["count"] == 2
    insights = graph.get_connections(post_id, "insights", metric="post_media_view,post_clicks")
    assert insights["data"][0]["values"][0]["value"] == 400

    since = graph.get_connections(creds["page_id"], "feed", since=0, fields="message,created_time")
    assert [p["id"] for p in since["data"]] == [post_id]

    assert graph.delete_object(post_id) == {"success": True}
    [post] = sandbox.posts("facebook", handle)
    assert post["deleted"] and post["create_requests"] == 1


def test_photo_album_and_video(sandbox, lib, handle, tmp_path):
    creds = sandbox.create_account("facebook", handle)
    graph = lib.graph_api(creds)
    page = creds["page_id"]
    with open(lib.jpeg(tmp_path / "a.jpg"), "rb") as f:
        single = graph.put_photo(f, album_path=f"{page}/photos", message="Keripik buah Batu")
    assert single["post_id"].startswith(page + "_")
    ids = []
    for i in range(3):
        with open(lib.jpeg(tmp_path / f"p{i}.jpg", (i * 60, 90, 90)), "rb") as f:
            ids.append(graph.put_photo(f, album_path=f"{page}/photos", published="false")["id"])
    attached = {f"attached_media[{i}]": json.dumps({"media_fbid": m}) for i, m in enumerate(ids)}
    album = graph.put_object(page, "feed", message="Tiga produk UMKM Lowokwaru", **attached)
    with open(lib.mp4(tmp_path / "v.mp4"), "rb") as f:
        video = graph.put_photo(f, album_path=f"{page}/videos", description="Video wisata Coban Rondo")
    posts = {p["text"]: p for p in sandbox.posts("facebook", handle)}
    assert posts["Keripik buah Batu"]["media_count"] == 1
    assert posts["Tiga produk UMKM Lowokwaru"]["media_count"] == 3
    assert posts["Tiga produk UMKM Lowokwaru"]["id"] == album["id"]
    assert posts["Video wisata Coban Rondo"]["media_type"] == "video"
    assert graph.get_object(video["id"], fields="created_time")["id"] == video["id"]


def test_batch_of_ids_is_limited_to_50(sandbox, lib, handle):
    graph = lib.graph_api(sandbox.create_account("facebook", handle))
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.get_objects([str(i) for i in range(51)], fields="shares")
    assert err.value.code == 100


def test_bad_and_expired_token_are_190(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    with pytest.raises(facebook.GraphAPIError) as err:
        lib.graph_api({**creds, "page_access_token": "EAAbogus"}).put_object(creds["page_id"], "feed", message="x")
    assert err.value.code == 190
    sandbox.set_account_state("facebook", handle, token_expired=True)
    with pytest.raises(facebook.GraphAPIError) as err:
        lib.graph_api(creds).put_object(creds["page_id"], "feed", message="x")
    assert err.value.code == 190 and err.value.result["error"]["error_subcode"] == 463
    assert sandbox.posts("facebook", handle) == []


def test_rate_limit_codes_and_usage_header(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    seen = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.headers.get("x-app-usage")))
    usage = []
    session.hooks["response"].append(lambda r, *a, **k: usage.append(r.headers.get("x-business-use-case-usage")))
    lib.redirect(session, ("https://graph.facebook.com",), creds["sandbox_base_url"])
    graph = facebook.GraphAPI(access_token=creds["page_access_token"], session=session)
    graph.version = DEFAULT_VERSION
    graph.get_object("me")
    assert json.loads(seen[-1])["call_count"] >= 0
    assert json.loads(usage[-1])[creds["page_id"]][0]["type"] == "pages"
    sandbox.set_faults("facebook", rate_limit_rate=1.0, seed=5)
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(creds["page_id"], "feed", message="terlalu sering")
    assert err.value.code == 4
    sandbox.clear_faults()
    sandbox.set_rate_limits("facebook", account_limit=1, window_s=60, account_code=32)
    try:
        graph.get_object("me")
        with pytest.raises(facebook.GraphAPIError) as err:
            graph.get_object("me")
        assert err.value.code == 32
    finally:
        sandbox.set_rate_limits("facebook")


def test_server_error_and_drop(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    graph = lib.graph_api(creds)
    sandbox.set_faults("facebook", error_rate=1.0, seed=2)
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(creds["page_id"], "feed", message="5xx")
    assert err.value.code == 2
    sandbox.set_faults("facebook", drop_rate=1.0, only="create", seed=2)
    with pytest.raises(requests.ConnectionError):
        graph.put_object(creds["page_id"], "feed", message="Terbit lalu putus")
    sandbox.clear_faults()
    [post] = sandbox.posts("facebook", handle)
    assert post["text"] == "Terbit lalu putus"


def test_duplicate_status_and_malformed_requests(sandbox, lib, handle):
    creds = sandbox.create_account("facebook", handle)
    graph = lib.graph_api(creds)
    graph.put_object(creds["page_id"], "feed", message="Sama persis")
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(creds["page_id"], "feed", message="Sama persis")
    assert err.value.code == 506
    with pytest.raises(facebook.GraphAPIError) as err:
        graph.put_object(creds["page_id"], "feed", **{"attached_media[0]": "not json"})
    assert err.value.code == 100
    raw = requests.get(
        creds["sandbox_base_url"] + f"/{DEFAULT_VERSION}/nothing/here/at/all",
        params={"access_token": creds["page_access_token"]},
    )
    assert raw.headers["content-type"].startswith("application/json") and "error" in raw.json()


def test_oversized_photo_is_refused_in_graph_shape(sandbox, lib, handle, tmp_path):
    creds = sandbox.create_account("facebook", handle)
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024 + 10))
    with open(big, "rb") as f, pytest.raises(facebook.GraphAPIError) as err:
        lib.graph_api(creds).put_photo(f, album_path=f"{creds['page_id']}/photos", message="terlalu besar")
    assert err.value.code == 100
    assert sandbox.posts("facebook", handle) == []
