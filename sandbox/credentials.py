"""Issue sandbox accounts and the credentials JSON Siar stores for them.

The shape is a fixed contract shared with the connectors (see docs/sandbox.md):
X gets OAuth 1.0a user keys plus a bearer token, Facebook a Page access token,
Instagram a username/password plus the settings instagrapi's
``Client.get_settings()`` produces for a logged-in session, so
``Client(settings=...)`` resumes it without a login call.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

from sandbox.state import Account, Store

# A plausible Android device, as instagrapi stores it (keys of Client.device_settings).
_DEVICE = {
    "app_version": "385.0.0.47.74",
    "android_version": 34,
    "android_release": "14",
    "dpi": "480dpi",
    "resolution": "1080x2400",
    "manufacturer": "samsung",
    "device": "a54x",
    "model": "SM-A546E",
    "cpu": "s5e8835",
    "version_code": "378906843",
}


def _token(n: int = 24) -> str:
    return secrets.token_urlsafe(n).replace("-", "x").replace("_", "y")


def _new_account(store: Store, platform: str, handle: str) -> Account:
    account_id = str(store.next_id(platform))
    if platform == "x":
        secrets_ = {
            "consumer_key": "sbx" + _token(12),
            "consumer_secret": _token(30),
            "access_token": f"{account_id}-{_token(20)}",
            "access_token_secret": _token(30),
            "bearer_token": "AAAASBX" + _token(40),
        }
    elif platform == "facebook":
        secrets_ = {"page_access_token": "EAAS" + _token(60)}
    else:
        secrets_ = {"password": "sandi-" + _token(8), "sessionid": f"{account_id}%3A{_token(10)}%3A8"}
    return Account(platform, handle, account_id, secrets_, {}, time.time())


def create_account(store: Store, platform: str, handle: str) -> tuple[Account, bool]:
    """Create (or return the existing) account; the bool says whether it is new."""
    existing = store.account(platform, handle)
    if existing is not None:
        return existing, False
    account = _new_account(store, platform, handle)
    store.add_account(account)
    return account, True


def credentials_json(account: Account, base_url: str) -> dict[str, Any]:
    """The credentials JSON for an account, exactly as the contract fixes it."""
    common = {"platform": account.platform, "sandbox_base_url": base_url, "handle": account.handle}
    s = account.secrets
    if account.platform == "x":
        return {
            **common,
            "user_id": account.account_id,
            **{
                k: s[k]
                for k in ("consumer_key", "consumer_secret", "access_token", "access_token_secret", "bearer_token")
            },
        }
    if account.platform == "facebook":
        return {**common, "page_id": account.account_id, "page_access_token": s["page_access_token"]}
    return {
        **common,
        "username": account.handle,
        "password": s["password"],
        "user_id": account.account_id,
        "settings": instagram_settings(account),
    }


def instagram_settings(account: Account) -> dict[str, Any]:
    """Settings in the shape of instagrapi's ``Client.get_settings()`` for a logged-in session."""
    seed = uuid.uuid5(uuid.NAMESPACE_URL, f"siar-sandbox:{account.account_id}")
    ids = [str(uuid.uuid5(seed, name)) for name in ("phone", "uuid", "session", "adid", "request", "tray")]
    return {
        "uuids": {
            "phone_id": ids[0],
            "uuid": ids[1],
            "client_session_id": ids[2],
            "advertising_id": ids[3],
            "android_device_id": "android-" + seed.hex[:16],
            "request_id": ids[4],
            "tray_session_id": ids[5],
        },
        "mid": "Z" + seed.hex[:26],
        "ig_u_rur": None,
        "ig_www_claim": None,
        "authorization_data": {
            "ds_user_id": account.account_id,
            "sessionid": account.secrets["sessionid"],
            "should_use_header_over_cookies": True,
        },
        "cookies": {},
        "last_login": account.created_at,
        "device_settings": dict(_DEVICE),
        "user_agent": (
            f"Instagram {_DEVICE['app_version']} Android ({_DEVICE['android_version']}/{_DEVICE['android_release']}; "
            f"{_DEVICE['dpi']}; {_DEVICE['resolution']}; {_DEVICE['manufacturer']}; {_DEVICE['model']}; "
            f"{_DEVICE['device']}; {_DEVICE['cpu']}; id_ID; {_DEVICE['version_code']})"
        ),
        "country": "ID",
        "country_code": 62,
        "locale": "id_ID",
        "timezone_offset": 25200,
        "timezone_name": "Asia/Jakarta",
    }


def new_instagram_session(store: Store, account: Account) -> str:
    """Issue a fresh session id after a successful login (the old one stops working)."""
    session_id = f"{account.account_id}%3A{_token(10)}%3A8"
    account.secrets["sessionid"] = session_id
    account.flags.pop("session_dead", None)
    store.save_account(account)
    return session_id
