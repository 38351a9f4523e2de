"""The credentials check of each platform, and the one place an account becomes an AccountRef."""

from __future__ import annotations

import json

import pytest

from connectors.base import AuthExpired
from sandbox.credentials import credentials_json
from sandbox.state import Account
from scheduler.domain.errors import InvalidInput
from scheduler.services.accounts import manage as accounts
from scheduler.services.accounts.credentials import (
    INSTAGRAPI_SETTINGS_KEYS,
    SETTINGS_MAX_CHARS,
    check_credentials,
    issued_by_sandbox,
)

SECRET = "s3cr3t-VALUE-that-must-never-show"
VALID = {
    "x": {
        "consumer_key": "ck1234",
        "consumer_secret": SECRET,
        "access_token": "1480-abcd",
        "access_token_secret": SECRET + "2",
        "bearer_token": "AAAA%3Dxyz",
        "user_id": "1480",
    },
    "facebook": {"page_id": "104882", "page_access_token": SECRET},
    "instagram": {
        "username": "kim.arjosari",
        "password": "kata sandi " + SECRET,
        "settings": {
            "authorization_data": {"ds_user_id": "77", "sessionid": SECRET},
            "cookies": {"sessionid": SECRET},
            "uuids": {"uuid": "u-1"},
            "device_settings": {"model": "SM-A546E", "android_version": 34},
            "country_code": 62,
            "last_login": 1764000000.5,
            "tls_verify": True,
        },
    },
}
PLATFORMS = tuple(VALID)
# Keys that would name a place to send requests to.
ADDRESSES = ("sandbox_base_url", "base_url", "api_host", "proxy", "endpoint", "graph_url", "origin")


def _refused(platform: str, credentials: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_credentials(platform, credentials)
    error = caught.value
    texts = [error.message_id, error.message_en, json.dumps(error.fields), repr(error)]
    assert all(SECRET not in t for t in texts), "a credential value shows in the error"
    assert error.message_id != error.message_en and error.field
    return error


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_platforms_own_keys_are_stored_as_given(platform):
    assert check_credentials(platform, VALID[platform]) == VALID[platform]


def test_numeric_ids_are_kept_as_text():
    checked = check_credentials("facebook", {"page_id": 104882, "page_access_token": "t"})
    assert checked["page_id"] == "104882"


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("key", ADDRESSES)
def test_an_address_is_refused_in_both_languages(platform, key):
    error = _refused(platform, {**VALID[platform], key: "http://127.0.0.1:9999"})
    assert error.code == "credentials_address_not_allowed"
    assert error.field == f"credentials.{key}"
    assert key in error.message_id and "alamat" in error.message_id
    assert key in error.message_en and "address" in error.message_en


def test_an_address_inside_instagram_settings_is_refused():
    creds = VALID["instagram"]
    error = _refused("instagram", {**creds, "settings": {**creds["settings"], "proxy": "http://10.0.0.1:3128"}})
    assert (error.code, error.field) == ("credentials_address_not_allowed", "credentials.settings.proxy")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_unknown_key_is_refused_with_the_allowed_ones(platform):
    error = _refused(platform, {**VALID[platform], "catatan": "milik pak RT"})
    assert (error.code, error.field) == ("credentials_unknown_key", "credentials.catatan")
    assert "Kunci yang boleh" in error.message_id and "Allowed keys" in error.message_en
    assert next(iter(VALID[platform])) in error.message_en


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_required_key_is_needed(platform):
    for key in VALID[platform]:
        if key in ("bearer_token",):
            continue
        error = _refused(platform, {k: v for k, v in VALID[platform].items() if k != key})
        assert (error.code, error.field) == ("credentials_missing_key", f"credentials.{key}")


@pytest.mark.parametrize(
    "platform,key,value,code",
    [
        ("x", "consumer_key", "x" * 1025, "credentials_too_long"),
        ("x", "access_token", "1480-ab cd", "credentials_bad_characters"),
        ("x", "access_token", "1480-ab\ncd", "credentials_bad_characters"),
        ("x", "consumer_secret", "", "credentials_empty_value"),
        ("x", "consumer_secret", 12345, "credentials_invalid_value"),
        ("x", "user_id", "@kimarjosari", "credentials_bad_characters"),
        ("x", "handle", "h" * 101, "credentials_too_long"),
        ("facebook", "page_id", True, "credentials_invalid_value"),
        ("facebook", "page_access_token", {"nested": "x"}, "credentials_invalid_value"),
        ("instagram", "password", "p" * 257, "credentials_too_long"),
        ("instagram", "password", "sandi\x00", "credentials_bad_characters"),
        ("instagram", "settings", "bukan objek", "credentials_invalid_value"),
        ("instagram", "settings", {"cookies": {"sessionid": "s" * 2001}}, "credentials_too_long"),
        ("instagram", "settings", {"cookies": {f"c{i}": "v" * 1900 for i in range(9)}}, "credentials_too_long"),
        ("instagram", "settings", {"usdid": {"a": {"b": {"c": {"d": 1}}}}}, "credentials_invalid_value"),
        ("instagram", "settings", {"mirror": {}}, "credentials_unknown_key"),
    ],
)
def test_types_and_sizes_are_bounded(platform, key, value, code):
    error = _refused(platform, {**VALID[platform], key: value})
    assert error.code == code
    assert error.field.startswith(f"credentials.{key}")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_credentials_of_another_platform_are_refused(platform):
    other = next(p for p in PLATFORMS if p != platform)
    error = _refused(platform, {**VALID[platform], "platform": other})
    assert (error.code, error.field) == ("credentials_wrong_platform", "credentials.platform")


@pytest.mark.parametrize("value", [None, [], "{}", {}, 42])
def test_credentials_must_be_a_non_empty_object(value):
    assert _refused("x", value).code == "credentials_invalid"


def test_a_key_is_shown_short_and_printable():
    error = _refused("x", {**VALID["x"], "k\x1b[31m" + "y" * 80: "v"})
    assert "\x1b" not in error.message_en and len(error.field) < 60


def test_instagrapi_settings_of_a_real_client_are_accepted():
    from instagrapi import Client

    settings = Client().get_settings()
    assert set(settings) <= INSTAGRAPI_SETTINGS_KEYS, "instagrapi's settings grew: review the allowed keys"
    assert len(json.dumps(settings)) < SETTINGS_MAX_CHARS
    check_credentials("instagram", {"username": "kim", "password": "p", "settings": settings})


@pytest.mark.parametrize("platform", PLATFORMS)
def test_sandbox_credentials_are_stored_without_the_sandboxs_address(platform):
    issued = credentials_json(
        Account(
            platform,
            "kim_latihan",
            "17",
            {
                "consumer_key": "sbxck",
                "consumer_secret": "cs",
                "access_token": "17-at",
                "access_token_secret": "ats",
                "bearer_token": "AAAASBX",
                "page_access_token": "EAAS",
                "password": "sandi",
                "sessionid": "17%3Ax%3A8",
            },
            {},
            1764000000.0,
        ),
        "http://127.0.0.1:8765",
    )
    assert issued["sandbox_base_url"] == "http://127.0.0.1:8765"
    stored = issued_by_sandbox(platform, issued)
    assert "sandbox_base_url" not in stored
    assert stored == {k: v for k, v in issued.items() if k != "sandbox_base_url"}
    # The same credentials typed by a user, address included, are refused.
    assert _refused(platform, issued).code == "credentials_address_not_allowed"


# -- the account as a connector sees it ----------------------------------------


def test_the_connector_account_takes_its_sandbox_flag_from_the_account_alone():
    stored = json.dumps({**VALID["x"], "sandbox_base_url": "http://127.0.0.1:9999"})
    real = accounts.connector_account("x", "kim", stored, sandbox=False, decrypt=json.loads)
    assert real.sandbox is False and real.credentials["access_token"] == "1480-abcd"
    assert not hasattr(real, "sandbox_base_url")
    training = accounts.connector_account("x", "kim", json.dumps(VALID["x"]), sandbox=True, decrypt=json.loads)
    assert training.sandbox is True


def test_the_connector_account_hands_renewed_credentials_to_the_caller():
    seen: list[dict] = []
    ref = accounts.connector_account(
        "instagram",
        "kim",
        json.dumps(VALID["instagram"]),
        sandbox=False,
        decrypt=json.loads,
        on_credentials_changed=seen.append,
    )
    ref.credentials_changed({"password": "baru"})
    assert seen == [{"password": "baru"}]


def test_unreadable_credentials_mean_reconnect():
    def broken(token: str) -> dict:
        raise ValueError("bad token " + token)

    with pytest.raises(AuthExpired) as caught:
        accounts.connector_account("facebook", "kim", SECRET, sandbox=False, decrypt=broken)
    assert caught.value.code == "credentials_unreadable" and SECRET not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
