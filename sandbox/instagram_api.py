"""Instagram private API (i.instagram.com), as instagrapi calls it for a stored session.

Covers what publishing and reading back need: the session check
(``accounts/current_user``), ``users/{id}/info``, ``feed/user/{id}``, the
``rupload_igphoto``/``rupload_igvideo`` uploads, ``media/configure`` (photo
and ``?video=1``), ``media/configure_sidecar``, ``media/{pk}/info`` and
``media/{id}/delete``. The legacy login flow lives in
``sandbox.instagram_login``. Errors are the app's JSON
(``{"message", "status": "fail", ...}``) that instagrapi maps to
LoginRequired (403 login_required), ChallengeRequired (400
challenge_required) and PleaseWaitFewMinutes ("Please wait a few minutes").
There is no public API documentation; instagrapi's source is the reference:
https://github.com/subzeroid/instagrapi
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from aiohttp import web
from multidict import MultiDict

from sandbox.instagram_media import media_json, user_short
from sandbox.ratelimit import Verdict
from sandbox.runtime import SANDBOX_KEY, BadInput, PlatformError, Sandbox, endpoint
from sandbox.runtime import form as form_of
from sandbox.state import Account, Post, fingerprint

PHOTO_MAX = 8 * 1024 * 1024


VIDEO_MAX = 100 * 1024 * 1024


WAIT = "Please wait a few minutes before you try again."


def fail(status: int, message: str, **extra: Any) -> web.Response:
    """An Instagram app error answer."""
    return web.json_response({"message": message, "status": "fail", **extra}, status=status)


def login_required() -> web.Response:
    """The answer to a request whose session is dead or unknown."""
    return fail(403, "login_required", error_title="Anda telah keluar. Silakan masuk lagi.", logout_reason=2)


def challenge_required(account: Account) -> web.Response:
    """The answer while the account must pass a checkpoint."""
    path = f"/challenge/{account.account_id}/sbx{account.account_id[-6:]}/"
    return fail(
        400,
        "challenge_required",
        error_type="checkpoint_challenge_required",
        challenge={
            "url": f"https://i.instagram.com{path}",
            "api_path": path,
            "hide_webview_header": True,
            "lock": True,
            "logout": False,
            "native_flow": True,
            "flow_render_type": 0,
        },
    )


class InstagramShapes:
    """Instagram's error answers (it sends no rate-limit headers)."""

    def server_error(self) -> web.Response:
        return fail(500, "Oops, an error occurred.")

    def rate_limited(self, verdict: Verdict) -> web.Response:
        return fail(429, WAIT, require_login=False)

    def bad_request(self, message: str) -> web.Response:
        return fail(400, message)

    def too_large(self, limit: int) -> web.Response:
        return fail(413, f"Uploaded media is too large (limit {limit} bytes)", error_type="upload_too_large")

    def decorate(self, response: web.StreamResponse, verdict: Verdict | None) -> None:
        return None


def session_id(request: web.Request) -> str | None:
    """The session id in the ``Authorization: Bearer IGT:2:...`` header (or the sessionid cookie)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer IGT:"):
        try:
            data = json.loads(base64.b64decode(header.rsplit(":", 1)[-1]))
            return str(data.get("sessionid") or "") or None
        except Exception:
            return None
    return request.cookies.get("sessionid")


def authenticate(request: web.Request) -> Account:
    """The account of a live session (login_required / challenge_required otherwise)."""
    sb: Sandbox = request.app[SANDBOX_KEY]
    sid = session_id(request)
    account = sb.store.account_by("instagram", "sessionid", sid) if sid else None
    if account is None or account.flags.get("session_dead"):
        raise PlatformError(login_required())
    if account.flags.get("challenge"):
        raise PlatformError(challenge_required(account))
    sb.check_rate("instagram", account.handle, request)
    return account


async def signed_body(request: web.Request) -> dict[str, Any]:
    """The JSON inside ``signed_body=SIGNATURE.{json}`` (or the plain form)."""
    form = await form_of(request) if request.method == "POST" else MultiDict()
    body = form.get("signed_body")
    if isinstance(body, str):
        try:
            data = json.loads(body.split(".", 1)[1])
        except Exception as exc:
            raise BadInput("Invalid signed_body") from exc
        if not isinstance(data, dict):
            raise BadInput("Invalid signed_body")
        return data
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def current_user(request: web.Request) -> web.Response:
    """GET /api/v1/accounts/current_user/ (instagrapi's account_info: the session check)"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = authenticate(request)
    user = {
        **user_short(sb, account),
        "biography": "",
        "external_url": "",
        "is_business": False,
        "email": f"{account.handle}@sandbox.siar.invalid",
        "phone_number": "",
        "gender": 3,
    }
    return web.json_response({"user": user, "status": "ok"})


def _user_of_path(request: web.Request) -> tuple[Sandbox, Account]:
    """The sandbox and the account ``{id}`` names, for a signed-in caller; 404 if there is no such user."""
    sb: Sandbox = request.app[SANDBOX_KEY]
    authenticate(request)
    owner = sb.store.account_by("instagram", "id", request.match_info["id"])
    if owner is None:
        raise PlatformError(fail(404, "User not found"))
    return sb, owner


async def user_info(request: web.Request) -> web.Response:
    """GET /api/v1/users/{id}/info/"""
    sb, owner = _user_of_path(request)
    count = len(sb.store.account_posts("instagram", owner.handle, limit=10_000))
    user = {
        **user_short(sb, owner),
        "media_count": count,
        "follower_count": 120,
        "following_count": 80,
        "biography": "",
        "external_url": "",
        "is_business": False,
    }
    return web.json_response({"user": user, "status": "ok"})


async def user_feed(request: web.Request) -> web.Response:
    """GET /api/v1/feed/user/{id}/ (newest first; ``max_id`` pages, ``count`` sizes)"""
    sb, owner = _user_of_path(request)
    try:
        count = max(1, min(50, int(request.query.get("count") or 12)))
    except ValueError as exc:
        raise BadInput("count must be a number") from exc
    before = None
    max_id = request.query.get("max_id")
    if max_id:
        cursor = sb.store.post("instagram", max_id.split("_")[0])
        if cursor is None:
            raise BadInput("Invalid max_id")
        before = cursor.created_at
    posts = sb.store.account_posts("instagram", owner.handle, until=before, limit=count + 1)
    page = posts[:count]
    body: dict[str, Any] = {
        "items": [media_json(sb, p) for p in page],
        "num_results": len(page),
        "more_available": len(posts) > count,
        "status": "ok",
    }
    if len(posts) > count:
        body["next_max_id"] = f"{page[-1].id}_{owner.account_id}"
    return web.json_response(body)


async def rupload(request: web.Request) -> web.Response:
    """GET/POST /rupload_igphoto/{name} and /rupload_igvideo/{name}"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = authenticate(request)
    is_video = request.path.startswith("/rupload_igvideo/")
    try:
        params = json.loads(request.headers.get("X-Instagram-Rupload-Params", "{}"))
    except ValueError as exc:
        raise BadInput("Invalid X-Instagram-Rupload-Params") from exc
    upload_id = str(params.get("upload_id") or request.match_info["name"].split("_")[0])
    if request.method == "GET":  # a resumable upload asks where to start
        return web.json_response({"offset": 0, "status": "ok"})
    limit = VIDEO_MAX if is_video else PHOTO_MAX
    if request.content_length is not None and request.content_length > limit:
        raise PlatformError(InstagramShapes().too_large(limit))
    data = await request.read()
    if not data:
        raise BadInput("Empty upload")
    if len(data) > limit:
        raise PlatformError(InstagramShapes().too_large(limit))
    existing = sb.store.upload("instagram", upload_id)
    if existing and existing["kind"] == "video" and not is_video:
        sb.store.update_upload("instagram", upload_id, extra={"thumbnail": len(data)})  # a video's cover
    else:
        duration = float(params.get("upload_media_duration_ms") or 0) / 1000.0
        sb.store.add_upload(
            "instagram",
            upload_id,
            account.handle,
            "video" if is_video else "photo",
            len(data),
            len(data),
            "uploaded",
            {"duration": duration},
        )
    body: dict[str, Any] = {"upload_id": upload_id, "xsharing_nonces": {}, "status": "ok"}
    if is_video:
        body = {"media_id": upload_id, **body}
    return web.json_response(body)


def _check_upload(sb: Sandbox, account: Account, upload_id: str) -> dict[str, Any]:
    upload = sb.store.upload("instagram", upload_id)
    if upload is None or upload["handle"] != account.handle:
        raise PlatformError(fail(400, "media_needs_reupload", error_title="Unggahan tidak ditemukan"))
    if upload["state"] == "configured":
        raise PlatformError(fail(400, "media_needs_reupload", error_title="Unggahan sudah dipakai"))
    return upload


def _publish(
    sb: Sandbox,
    account: Account,
    caption: str,
    media_type: str,
    upload_ids: list[str],
    children: list[str],
    fp: str,
    duration: float = 0.0,
) -> web.Response:
    if len(caption) > 2200:
        raise PlatformError(fail(400, "The caption is too long (2,200 characters at most)."))
    pk = sb.store.next_id("instagram")
    # children of an album take the next pks, as on Instagram
    for _ in children:
        sb.store.next_id("instagram")
    post = sb.store.add_post(
        Post(
            "instagram",
            str(pk),
            account.handle,
            caption,
            max(1, len(children)),
            media_type,
            time.time(),
            False,
            fp,
            {"children": children, "upload_ids": upload_ids, "duration": duration},
            None,
        )
    )
    for upload_id in upload_ids:
        sb.store.update_upload("instagram", upload_id, state="configured", extra={"post_id": post.id})
    return web.json_response({"media": media_json(sb, post), "upload_id": upload_ids[0], "status": "ok"})


async def configure(request: web.Request) -> web.Response:
    """POST /api/v1/media/configure/ (photo) and /api/v1/media/configure/?video=1"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = authenticate(request)
    data = await signed_body(request)
    caption = str(data.get("caption") or "")
    upload_id = str(data.get("upload_id") or "")
    fp = fingerprint(caption, 1)
    sb.store.count_create("instagram", account.handle, fp)
    if not upload_id:
        raise BadInput("upload_id is required")
    upload = _check_upload(sb, account, upload_id)
    video = request.query.get("video") == "1"
    if video != (upload["kind"] == "video"):
        raise PlatformError(fail(400, "media_needs_reupload", error_title="Jenis media tidak cocok"))
    kind = "video" if video else "photo"
    return _publish(sb, account, caption, kind, [upload_id], [], fp, float(upload["extra"].get("duration") or 0))


async def configure_sidecar(request: web.Request) -> web.Response:
    """POST /api/v1/media/configure_sidecar/ (an album of 2 to 10 items)"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = authenticate(request)
    data = await signed_body(request)
    caption = str(data.get("caption") or "")
    children = data.get("children_metadata") or []
    if isinstance(children, str):
        children = json.loads(children)
    fp = fingerprint(caption, len(children))
    sb.store.count_create("instagram", account.handle, fp)
    if not 2 <= len(children) <= 10:
        raise BadInput("An album needs 2 to 10 items")
    ids = [str(c.get("upload_id", "")) for c in children]
    kinds = [_check_upload(sb, account, upload_id)["kind"] for upload_id in ids]
    return _publish(sb, account, caption, "album", ids, kinds, fp)


def _find(sb: Sandbox, media_id: str) -> Post | None:
    post = sb.store.post("instagram", media_id.split("_")[0])
    return post if post is not None and not post.deleted else None


async def media_info(request: web.Request) -> web.Response:
    """GET /api/v1/media/{pk}/info/"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    authenticate(request)
    post = _find(sb, request.match_info["id"])
    if post is None:
        raise PlatformError(fail(400, "Media not found or unavailable"))
    return web.json_response(
        {"items": [media_json(sb, post)], "num_results": 1, "more_available": False, "status": "ok"}
    )


async def media_delete(request: web.Request) -> web.Response:
    """POST /api/v1/media/{pk}_{uid}/delete/"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = authenticate(request)
    post = _find(sb, request.match_info["id"])
    if post is None:
        raise PlatformError(fail(400, "Media not found or unavailable"))
    if post.handle != account.handle:
        raise PlatformError(fail(403, "You cannot delete this media"))
    sb.store.mark_deleted("instagram", post.id)
    return web.json_response({"did_delete": True, "status": "ok"})


async def not_found(request: web.Request) -> web.Response:
    """Any other private API path."""
    return fail(404, f"Sandbox: endpoint not emulated: {request.path}")


def register(app: web.Application) -> None:
    """Add the Instagram routes."""
    from sandbox import instagram_login

    add = app.router.add_route
    add("GET", "/api/v1/accounts/current_user/", endpoint("instagram", "auth", current_user))
    add("GET", "/api/v1/users/{id}/info/", endpoint("instagram", "read", user_info))
    add("GET", "/api/v1/feed/user/{id}/", endpoint("instagram", "read", user_feed))
    add("*", "/rupload_igphoto/{name}", endpoint("instagram", "upload", rupload))
    add("*", "/rupload_igvideo/{name}", endpoint("instagram", "upload", rupload))
    add("POST", "/api/v1/media/configure/", endpoint("instagram", "create", configure))
    add("POST", "/api/v1/media/configure_sidecar/", endpoint("instagram", "create", configure_sidecar))
    add("GET", "/api/v1/media/{id}/info/", endpoint("instagram", "metrics", media_info))
    add("POST", "/api/v1/media/{id}/delete/", endpoint("instagram", "delete", media_delete))
    instagram_login.register(app)
    add("*", "/api/v1/{tail:.*}", endpoint("instagram", "read", not_found))
