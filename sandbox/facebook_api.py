"""Facebook Graph API for Pages, as facebook-sdk calls it, on ``/v{N}.0`` paths: versions, auth, dispatch, writes.

Docs: https://developers.facebook.com/docs/pages-api/posts . Every answer is
JSON (facebook-sdk raises on any other content type); the sdk never looks at
the HTTP status. Reads live in ``sandbox.facebook_objects``, error answers in
``sandbox.facebook_errors``. Only versions that work at the sandbox's clock
are served (``connectors/graph_versions.py``, the table Siar reads too).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiDict

from connectors import graph_versions
from sandbox import facebook_objects as objects
from sandbox.facebook_errors import FacebookShapes, error
from sandbox.runtime import (
    OP_KEY,
    SANDBOX_KEY,
    VERDICT_KEY,
    BadInput,
    PlatformError,
    Sandbox,
    endpoint,
)
from sandbox.runtime import form as form_of
from sandbox.state import Account, Post, fingerprint

PHOTO_MAX = 10 * 1024 * 1024


VIDEO_MAX = 1024 * 1024 * 1024


async def _params(request: web.Request) -> MultiDict[Any]:
    params: MultiDict[Any] = MultiDict(request.query)
    if request.method in ("POST", "DELETE") and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        params.extend(await form_of(request))
    return params


async def authenticate(request: web.Request, params: MultiDict[Any]) -> Account:
    """The Page whose access token the request carries (error 104/190 otherwise)."""
    sb: Sandbox = request.app[SANDBOX_KEY]
    token = params.get("access_token")
    header = request.headers.get("Authorization", "")
    if not token and header.split(" ", 1)[0] in ("OAuth", "Bearer"):
        token = header.split(" ", 1)[1].strip()
    if not token:
        raise PlatformError(error(104, "An access token is required to request this resource."))
    account = sb.store.account_by("facebook", "page_access_token", str(token))
    if account is None:
        raise PlatformError(error(190, "Invalid OAuth access token - Cannot parse access token", status=401))
    if account.flags.get("token_expired"):
        stamp = datetime.now(UTC).strftime("%A, %d-%b-%y %H:%M:%S UTC")
        raise PlatformError(
            error(190, f"Error validating access token: Session has expired on {stamp}.", status=401, subcode=463)
        )
    sb.check_rate("facebook", account.handle, request)
    verdict = request.get(VERDICT_KEY)
    if verdict is not None:
        verdict.code = sb.limiter.config("facebook").account_code
        verdict.owner = account.account_id
    return account


def _new_post(
    sb: Sandbox, page: Account, text: str, media_count: int, media_type: str, fp: str, extra: dict[str, Any]
) -> Post:
    seq = sb.store.next_id("facebook")
    return sb.store.add_post(
        Post(
            "facebook",
            f"{page.account_id}_{seq}",
            page.handle,
            text,
            media_count,
            media_type,
            time.time(),
            False,
            fp,
            extra,
            None,
        )
    )


def _file(params: MultiDict[Any]) -> tuple[int, str] | None:
    part = params.get("source")
    if part is not None and hasattr(part, "file"):
        part.file.seek(0, 2)
        return part.file.tell(), getattr(part, "content_type", "") or ""
    if params.get("url") or params.get("file_url"):
        return 1, "remote"
    return None


async def _kind(request: web.Request) -> str:
    """The request's kind; also names its operation (``request[OP_KEY]``, e.g. "feed.post") for the counters."""
    tail = request.match_info.get("tail", "").strip("/")
    parts = tail.split("/") if tail else []
    shape = "ids" if not parts else ("object" if len(parts) == 1 else parts[-1])
    if parts == ["me"]:
        shape = "me"
    request[OP_KEY] = f"{shape}.{request.method.lower()}"
    if request.method == "DELETE":
        return "delete"
    if request.method == "POST" and len(parts) == 2 and parts[1] in ("feed", "videos"):
        return "create"
    if request.method == "POST" and len(parts) == 2 and parts[1] == "photos":
        params = await _params(request)
        return "upload" if str(params.get("published", "true")).lower() == "false" else "create"
    if not parts and "ids" in request.query or (len(parts) == 2 and parts[1] == "insights"):
        return "metrics"
    return "read"


def check_version(sb: Sandbox, version: str, path: str) -> None:
    """Refuse a version past its end date at the sandbox's clock, or one Meta has not released.

    Past its end: Meta's versioning guide says such a call is served by the
    oldest live version; what apps meet in practice is a refusal, OAuthException
    code 2635 (Meta's error reference: "deprecated API version"; the text names
    the Ads API even for Graph calls). The sandbox always refuses, so an
    outdated version fails a test rather than passing on luck. Not released:
    Meta documents no answer; Graph answers a path it cannot route with
    OAuthException 2500 "Unknown path components", and so does the sandbox.
    """
    today = datetime.fromtimestamp(sb.now(), UTC).date()
    state = graph_versions.lifecycle(version, today)
    if state == "ended":
        raise PlatformError(
            error(
                2635,
                "(#2635) You are calling a deprecated version of the Ads API. "
                f"Please update to the latest version: {graph_versions.newest()}.",
            )
        )
    if state == "unreleased":
        raise PlatformError(error(2500, f"Unknown path components: {path}"))


async def graph(request: web.Request) -> web.Response:
    """Every ``/v{N}.0/...`` request: check the version, then dispatch on method and path shape."""
    sb: Sandbox = request.app[SANDBOX_KEY]
    check_version(sb, request.match_info["version"], request.path)
    params = await _params(request)
    page = await authenticate(request, params)
    tail = request.match_info.get("tail", "").strip("/")
    parts = tail.split("/") if tail else []
    method = request.method
    if not parts and method == "GET":
        return objects.get_ids(sb, params)
    if parts == ["me"] and method == "GET":
        return web.json_response({"id": page.account_id, "name": page.handle})
    if len(parts) == 1:
        if method == "DELETE":
            return _delete(sb, page, parts[0])
        if method == "GET":
            return objects.get_object(sb, page, parts[0], params)
    if len(parts) == 2:
        target, edge = parts
        if edge == "insights" and method == "GET":
            return objects.insights(sb, target, params)
        if target not in (page.account_id, "me"):
            if edge in ("feed", "photos", "videos", "posts", "published_posts"):
                raise PlatformError(
                    error(
                        200,
                        "(#200) The page access token does not allow acting on this Page",
                        type_="OAuthException",
                        status=403,
                    )
                )
        if edge == "feed" and method == "POST":
            return _post_feed(sb, page, params)
        if edge == "photos" and method == "POST":
            return _post_photo(sb, page, params)
        if edge == "videos" and method == "POST":
            return _post_video(sb, page, params)
        if edge in ("feed", "posts", "published_posts") and method == "GET":
            return objects.list_feed(sb, page, params)
    raise PlatformError(error(100, f"Unknown path components: /{tail}", type_="OAuthException"))


def _delete(sb: Sandbox, page: Account, object_id: str) -> web.Response:
    post = objects.resolve(sb, object_id)
    if post is None:
        raise objects.missing(object_id)
    if post.handle != page.handle:
        raise PlatformError(error(200, "(#200) Permissions error", status=403))
    sb.store.mark_deleted("facebook", post.id)
    return web.json_response({"success": True})


def _post_feed(sb: Sandbox, page: Account, params: MultiDict[Any]) -> web.Response:
    message = str(params.get("message", ""))
    link = str(params.get("link", ""))
    media_ids: list[str] = []
    for key, value in params.items():
        if key.startswith("attached_media"):
            try:
                media_ids.append(str(json.loads(value)["media_fbid"]))
            except Exception as exc:
                raise BadInput('attached_media must be JSON like {"media_fbid": ID}') from exc
    fp = fingerprint(message + ("\n" + link if link else ""), len(media_ids))
    sb.store.count_create("facebook", page.handle, fp)
    if not message and not link and not media_ids:
        raise PlatformError(error(100, "(#100) Missing message or attachment", type_="OAuthException"))
    for media_id in media_ids:
        upload = sb.store.upload("facebook", media_id)
        if upload is None or upload["handle"] != page.handle or upload["extra"].get("post_id"):
            raise PlatformError(error(100, f"(#100) Invalid media_fbid: {media_id}", type_="OAuthException"))
    if not media_ids and sb.store.recent_duplicate("facebook", page.handle, fp, time.time() - 86400):
        raise PlatformError(error(506, "Duplicate status message", subcode=1455006))
    post = _new_post(
        sb, page, message, len(media_ids), "photo" if media_ids else "text", fp, {"link": link, "media_ids": media_ids}
    )
    for media_id in media_ids:
        sb.store.update_upload("facebook", media_id, state="attached", extra={"post_id": post.id})
    return web.json_response({"id": post.id})


def _post_photo(sb: Sandbox, page: Account, params: MultiDict[Any]) -> web.Response:
    source = _file(params)
    if source is None:
        raise PlatformError(error(324, "(#324) Requires upload file", type_="OAuthException"))
    size, ctype = source
    if size > PHOTO_MAX:
        raise PlatformError(FacebookShapes().too_large(PHOTO_MAX))
    caption = str(params.get("message", "") or params.get("caption", ""))
    photo_id = str(sb.store.next_id("facebook"))
    published = str(params.get("published", "true")).lower() != "false"
    if not published:
        sb.store.add_upload("facebook", photo_id, page.handle, "photo", size, size, "unpublished", {})
        return web.json_response({"id": photo_id})
    fp = fingerprint(caption, 1)
    sb.store.count_create("facebook", page.handle, fp)
    post = _new_post(sb, page, caption, 1, "photo", fp, {"photo_id": photo_id})
    sb.store.add_upload("facebook", photo_id, page.handle, "photo", size, size, "published", {"post_id": post.id})
    return web.json_response({"id": photo_id, "post_id": post.id})


def _post_video(sb: Sandbox, page: Account, params: MultiDict[Any]) -> web.Response:
    source = _file(params)
    if source is None:
        raise PlatformError(
            error(
                390, "(#390) There was a problem uploading your video file. Please try again.", type_="OAuthException"
            )
        )
    size, _ = source
    if size > VIDEO_MAX:
        raise PlatformError(FacebookShapes().too_large(VIDEO_MAX))
    description = str(params.get("description", ""))
    fp = fingerprint(description, 1)
    sb.store.count_create("facebook", page.handle, fp)
    video_id = str(sb.store.next_id("facebook"))
    post = _new_post(sb, page, description, 1, "video", fp, {"video_id": video_id, "title": params.get("title", "")})
    sb.store.add_upload("facebook", video_id, page.handle, "video", size, size, "published", {"post_id": post.id})
    return web.json_response({"id": video_id})


def register(app: web.Application) -> None:
    """Add the Graph API routes (every version)."""
    handler = endpoint("facebook", _kind, graph)
    app.router.add_route("*", r"/{version:v\d+\.\d+}", handler)
    app.router.add_route("*", r"/{version:v\d+\.\d+}/{tail:.*}", handler)
