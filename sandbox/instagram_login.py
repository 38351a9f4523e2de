"""The Instagram login flow instagrapi's ``login_legacy`` runs when a session is dead.

``GET /api/v1/qe/sync/`` hands out the password-encryption public key (in the
``ig-set-password-encryption-*`` headers), ``POST /api/v1/accounts/login/``
takes ``enc_password`` (``#PWD_INSTAGRAM:4:...``: RSA-wrapped AES-GCM), checks
it and answers with a fresh session in ``ig-set-authorization``; the
``feed/reels_tray`` and ``feed/timeline`` calls that follow only need to
succeed. An account with a challenge or two-factor set refuses to log in.
instagrapi's newer default (``login`` with the Bloks "CAA" flow) is not
emulated; connectors re-login with ``login_legacy``.
"""

from __future__ import annotations

import base64
import functools

from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sandbox.credentials import new_instagram_session
from sandbox.instagram_api import authenticate, challenge_required, fail, signed_body
from sandbox.instagram_media import user_short
from sandbox.runtime import SANDBOX_KEY, BadInput, PlatformError, Sandbox, endpoint

KEY_ID = 41


@functools.lru_cache(maxsize=1)
def _key() -> rsa.RSAPrivateKey:
    # made once per process: clients fetch the public half before every login
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def decrypt_password(enc_password: str) -> str:
    """The clear password inside instagrapi's ``#PWD_INSTAGRAM:4:{ts}:{payload}``."""
    try:
        _, version, timestamp, payload_b64 = enc_password.split(":", 3)
        if version == "0":  # the app's unencrypted form
            return payload_b64
        payload = base64.b64decode(payload_b64)
        iv = payload[2:14]
        size = int.from_bytes(payload[14:16], "little")
        wrapped = payload[16 : 16 + size]
        tag = payload[16 + size : 32 + size]
        ciphertext = payload[32 + size :]
        session_key = _key().decrypt(wrapped, padding.PKCS1v15())
        return AESGCM(session_key).decrypt(iv, ciphertext + tag, timestamp.encode()).decode()
    except Exception as exc:
        raise BadInput("Invalid enc_password") from exc


async def qe_sync(request: web.Request) -> web.Response:
    """GET/POST /api/v1/qe/sync/ (the public key for password encryption)"""
    pem = _key().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    response = web.json_response({"experiments": [], "status": "ok"})
    response.headers["ig-set-password-encryption-key-id"] = str(KEY_ID)
    response.headers["ig-set-password-encryption-pub-key"] = base64.b64encode(pem).decode()
    return response


async def ok(request: web.Request) -> web.Response:
    """Calls of the login flow that only need to succeed (launcher/sync, prefill...)."""
    return web.json_response({"status": "ok"})


async def login(request: web.Request) -> web.Response:
    """POST /api/v1/accounts/login/"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    data = await signed_body(request)
    username = str(data.get("username") or "").strip()
    account = sb.store.account("instagram", username)
    if account is None:
        raise PlatformError(
            fail(
                400,
                "The username you entered doesn't appear to belong to an account. Please "
                "check your username and try again.",
                error_type="invalid_user",
            )
        )
    sb.check_rate("instagram", account.handle, request)
    password = decrypt_password(str(data.get("enc_password") or ""))
    if password != account.secrets["password"]:
        raise PlatformError(
            fail(
                400,
                "The password you entered is incorrect. Please try again.",
                error_type="bad_password",
                invalid_credentials=True,
            )
        )
    if account.flags.get("challenge"):
        raise PlatformError(challenge_required(account))
    if account.flags.get("two_factor"):
        raise PlatformError(
            fail(
                400,
                "",
                error_type="two_factor_required",
                two_factor_required=True,
                two_factor_info={
                    "username": account.handle,
                    "two_factor_identifier": "sbx",
                    "totp_two_factor_on": True,
                },
            )
        )
    session = new_instagram_session(sb.store, account)
    auth = base64.b64encode(
        f'{{"ds_user_id":"{account.account_id}","sessionid":"{session}","should_use_header_over_cookies":true}}'.encode()
    ).decode()
    response = web.json_response({"logged_in_user": user_short(sb, account), "status": "ok"})
    response.headers["ig-set-authorization"] = f"Bearer IGT:2:{auth}"
    response.headers["ig-set-x-mid"] = "Zsbx" + account.account_id[-8:]
    return response


async def reels_tray(request: web.Request) -> web.Response:
    """POST /api/v1/feed/reels_tray/"""
    authenticate(request)
    return web.json_response({"tray": [], "story_ranking_token": "sbx", "status": "ok"})


async def timeline(request: web.Request) -> web.Response:
    """POST /api/v1/feed/timeline/"""
    authenticate(request)
    return web.json_response({"feed_items": [], "num_results": 0, "more_available": False, "status": "ok"})


def register(app: web.Application) -> None:
    """Add the login-flow routes."""
    add = app.router.add_route
    add("*", "/api/v1/qe/sync/", endpoint("instagram", "auth", qe_sync))
    for path in (
        "/api/v1/launcher/sync/",
        "/api/v1/accounts/get_prefill_candidates/",
        "/api/v1/accounts/contact_point_prefill/",
    ):
        add("POST", path, endpoint("instagram", "auth", ok))
    add("POST", "/api/v1/accounts/login/", endpoint("instagram", "auth", login))
    add("POST", "/api/v1/feed/reels_tray/", endpoint("instagram", "read", reels_tray))
    add("POST", "/api/v1/feed/timeline/", endpoint("instagram", "read", timeline))
