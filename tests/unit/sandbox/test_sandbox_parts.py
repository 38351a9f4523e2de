"""The sandbox's pure parts: OAuth 1.0a checks, engagement curve, faults, rate limits, state."""

from __future__ import annotations

import base64
import time

import pytest
import requests
from requests_oauthlib import OAuth1

from sandbox import oauth1
from sandbox.engagement import EngagementConfig, metrics_at
from sandbox.faults import FaultConfigError, FaultPlan
from sandbox.ratelimit import LimitConfig, RateLimiter
from sandbox.state import Post, Store, fingerprint

SECRETS = {("ck", "tok"): ("cs", "ts")}


def _signed(method: str, url: str, **kwargs):
    auth = OAuth1("ck", client_secret="cs", resource_owner_key="tok", resource_owner_secret="ts")
    prepared = requests.Request(method, url, auth=auth, **kwargs).prepare()
    header = prepared.headers["Authorization"]
    return prepared, header.decode() if isinstance(header, bytes) else header


def _lookup(key, token):
    return SECRETS.get((key, token))


def test_oauth1_accepts_a_signature_over_the_real_origin():
    prepared, header = _signed("GET", "https://api.twitter.com/2/tweets?ids=1,2&tweet.fields=public_metrics")
    path_qs = prepared.url.split("api.twitter.com", 1)[1]
    assert oauth1.verify("GET", path_qs, header, None, _lookup) == "tok"


def test_oauth1_signs_form_bodies_and_rejects_tampering():
    prepared, header = _signed(
        "POST", "https://upload.twitter.com/1.1/media/upload.json", data={"command": "INIT", "total_bytes": "10"}
    )
    form = [("command", "INIT"), ("total_bytes", "10")]
    assert oauth1.verify("POST", "/1.1/media/upload.json", header, form, _lookup) == "tok"
    with pytest.raises(oauth1.OAuthError):
        oauth1.verify("POST", "/1.1/media/upload.json", header, [("command", "INIT"), ("total_bytes", "11")], _lookup)


@pytest.mark.parametrize("header", ["", "Bearer abc", "OAuth garbage", 'OAuth oauth_consumer_key="nope"'])
def test_oauth1_rejects_missing_or_unknown_credentials(header):
    with pytest.raises(oauth1.OAuthError):
        oauth1.verify("GET", "/2/users/me", header, None, _lookup)


def test_oauth1_rejects_a_wrong_secret_and_an_old_timestamp():
    prepared, header = _signed("GET", "https://api.twitter.com/2/users/me")
    with pytest.raises(oauth1.OAuthError):
        oauth1.verify("GET", "/2/users/me", header, None, lambda k, t: ("cs", "other"))
    old = header.replace(f'oauth_timestamp="{int(time.time())}"', 'oauth_timestamp="1000"')
    if old != header:
        with pytest.raises(oauth1.OAuthError):
            oauth1.verify("GET", "/2/users/me", old, None, _lookup)


def test_engagement_is_reproducible_grows_and_yields_to_ground_truth():
    config = EngagementConfig(seed=7, half_life_s=3600)
    early = metrics_at(config, "x", "123", created_at=0, now=600)
    later = metrics_at(config, "x", "123", created_at=0, now=36_000)
    assert early == metrics_at(EngagementConfig(seed=7, half_life_s=3600), "x", "123", created_at=0, now=600)
    assert all(later[k] >= early[k] for k in early) and later["views"] > early["views"]
    assert metrics_at(config, "x", "123", 0, {"likes": 5}, now=36_000)["likes"] == 5
    assert metrics_at(EngagementConfig(seed=8), "x", "123", 0, now=36_000) != metrics_at(
        EngagementConfig(seed=7), "x", "123", 0, now=36_000
    )


def test_fault_plan_is_seeded_and_validated():
    def draw(seed):
        plan = FaultPlan.from_json({"error_rate": 0.3, "drop_rate": 0.2, "seed": seed})
        return [plan.decide("create")[0] for _ in range(50)]

    assert draw(1) == draw(1) and draw(1) != draw(2)
    assert {"error", "drop", None} == set(draw(1))
    only = FaultPlan.from_json({"error_rate": 1.0, "only": "create"})
    assert only.decide("read")[0] is None and only.decide("create")[0] == "error"
    for bad in ({"error_rate": 1.5}, {"error_rate": 0.6, "drop_rate": 0.6}, {"only": "some"}, {"typo_rate": 1}):
        with pytest.raises((FaultConfigError, TypeError)):
            FaultPlan.from_json(bad)


def test_rate_limiter_windows_per_account_and_app():
    limiter = RateLimiter()
    limiter.configs["x"] = LimitConfig(account_limit=2, app_limit=3, window_s=10)
    assert limiter.hit("x", "a", now=0).allowed and limiter.hit("x", "a", now=1).allowed
    over = limiter.hit("x", "a", now=2)
    assert not over.allowed and over.scope == "account" and over.reset_at == 10
    assert not limiter.hit("x", "b", now=3).allowed  # the app's 3 are spent (4th request)
    assert limiter.hit("x", "a", now=11).allowed  # a new window


def test_store_counts_create_requests_and_persists(tmp_path):
    path = str(tmp_path / "state.sqlite")
    store = Store(path)
    fp = fingerprint("Halo Malang", 0)
    assert store.count_create("x", "kim", fp) == 1 and store.count_create("x", "kim", fp) == 2
    store.add_post(Post("x", "1", "kim", "Halo Malang", 0, "text", time.time(), False, fp, {}, None))
    store.close()
    again = Store(path)
    [(post, creates)] = again.all_posts("x")
    assert post.text == "Halo Malang" and creates == 2
    assert again.recent_duplicate("x", "kim", fp, 0) is not None
    again.mark_deleted("x", "1")
    assert again.recent_duplicate("x", "kim", fp, 0) is None
    again.close()


def test_instagram_password_decryption_matches_instagrapi():
    from cryptography.hazmat.primitives import serialization
    from instagrapi import Client

    from sandbox import instagram_login
    from sandbox.instagram_login import _key, decrypt_password

    pem = _key().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    client = Client()  # instagrapi's own encryption, fed the sandbox's public key
    client.password_publickeys = lambda: (instagram_login.KEY_ID, base64.b64encode(pem).decode())
    assert decrypt_password(client.password_encrypt("sandi rahasia")) == "sandi rahasia"
