"""Facebook Graph API for Pages, as facebook-sdk calls it, on any ``/v{N}.0`` path.

Docs: https://developers.facebook.com/docs/pages-api/posts ,
https://developers.facebook.com/docs/graph-api/guides/error-handling ,
https://developers.facebook.com/docs/graph-api/overview/rate-limiting .
Every answer is JSON (facebook-sdk raises on any other content type) and
errors are ``{"error": {message, type, code, error_subcode, is_transient,
fbtrace_id}}``; the sdk never looks at the HTTP status.
Like the real API, ``shares`` is absent from a post with no shares, and a
``?ids=`` batch naming an id that does not exist fails as a whole (code 100).
"""
from __future__ import annotations

import json
import re
import secrets
import time
from datetime import datetime, timezone
from typing import Any

from aiohttp import web
from multidict import MultiDict

from sandbox.engagement import metrics_at
from sandbox.ratelimit import Verdict
from sandbox.runtime import form as form_of
from sandbox.runtime import SANDBOX_KEY, BadInput, PlatformError, Sandbox, endpoint
from sandbox.state import Account, Post, fingerprint

PHOTO_MAX = 10 * 1024 * 1024
VIDEO_MAX = 1024 * 1024 * 1024
INSIGHTS = {
    "post_impressions": "views", "post_impressions_unique": "reach", "post_clicks": "clicks",
    "post_impressions_organic": "views", "post_video_views": "views",
}
_RATE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}


def error(code: int, message: str, *, status: int = 400, type_: str = "OAuthException",
          subcode: int | None = None, transient: bool = False) -> web.Response:
    """A Graph API error answer."""
    body: dict[str, Any] = {"message": message, "type": type_, "code": code, "is_transient": transient,
                            "fbtrace_id": "A" + secrets.token_hex(10)}
    if subcode is not None:
        body["error_subcode"] = subcode
    return web.json_response({"error": body}, status=status)


class FacebookShapes:
    """Facebook's error answers and usage headers."""

    def server_error(self) -> web.Response:
        return error(2, "An unexpected error has occurred. Please retry your request later.", status=500,
                     transient=True)

    def rate_limited(self, verdict: Verdict) -> web.Response:
        code = 4 if verdict.scope == "app" else (verdict.code or 32)
        response = error(code, _RATE_MESSAGES.get(code, _RATE_MESSAGES[4]), status=403, transient=True)
        self.decorate(response, verdict)
        return response

    def bad_request(self, message: str) -> web.Response:
        return error(100, f"(#100) {message}", type_="GraphMethodException")

    def too_large(self, limit: int) -> web.Response:
        return error(100, f"(#100) File size exceeds the limit of {limit} bytes", type_="GraphMethodException")

    def decorate(self, response: web.StreamResponse, verdict: Verdict | None) -> None:
        if verdict is not None:
            app = {"call_count": verdict.app_used_pct, "total_cputime": verdict.app_used_pct // 2,
                   "total_time": verdict.app_used_pct // 2}
            page = {"call_count": verdict.account_used_pct, "total_cputime": verdict.account_used_pct // 2,
                    "total_time": verdict.account_used_pct // 2}
            response.headers["x-app-usage"] = json.dumps(app)
            response.headers["x-page-usage"] = json.dumps(page)


async def _params(request: web.Request) -> MultiDict[Any]:
    params: MultiDict[Any] = MultiDict(request.query)
    if request.method in ("POST", "DELETE") and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
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
        stamp = datetime.now(timezone.utc).strftime("%A, %d-%b-%y %H:%M:%S UTC")
        raise PlatformError(error(190, f"Error validating access token: Session has expired on {stamp}.",
                                  status=401, subcode=463))
    sb.check_rate("facebook", account.handle, request)
    verdict = request.get("verdict")
    if verdict is not None:
        verdict.code = sb.limiter.config("facebook").account_code
    return account


def _fields(spec: str) -> dict[str, str]:
    """Top-level fields of a ``fields=`` spec, each with its modifiers (``comments.summary(true)``...)."""
    out: dict[str, str] = {}
    depth, start = 0, 0
    for i, ch in enumerate(spec + ","):
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif ch == "," and depth == 0:
            item = spec[start:i].strip()
            if item:
                name = re.split(r"[.{(]", item, maxsplit=1)[0]
                out[name] = item
            start = i + 1
    return out


def _time(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _render(sb: Sandbox, post: Post, spec: str, object_id: str | None = None) -> dict[str, Any]:
    fields = _fields(spec or "message,created_time,id")
    m = metrics_at(sb.engagement, "facebook", post.id, post.created_at, post.metrics)
    page = sb.store.account("facebook", post.handle)
    out: dict[str, Any] = {}
    for name, item in fields.items():
        if name == "message" and post.text:
            out["message"] = post.text
        elif name == "created_time":
            out["created_time"] = _time(post.created_at)
        elif name == "shares" and m["shares"] > 0:
            out["shares"] = {"count": m["shares"]}
        elif name in ("comments", "reactions", "likes"):
            count = m["comments"] if name == "comments" else m["likes"]
            summary: dict[str, Any] = {"total_count": count}
            if name == "comments":
                summary.update(order="ranked", can_comment=True)
            else:
                summary["viewer_reaction" if name == "reactions" else "can_like"] = (
                    "NONE" if name == "reactions" else True)
            value: dict[str, Any] = {"data": []}
            if "summary(true)" in item.replace(" ", ""):
                value["summary"] = summary
            out[name] = value
        elif name == "permalink_url":
            out["permalink_url"] = f"https://www.facebook.com/{post.id.replace('_', '/posts/')}"
        elif name == "from" and page:
            out["from"] = {"name": page.handle, "id": page.account_id}
        elif name == "status_type":
            out["status_type"] = {"text": "mobile_status_update", "photo": "added_photos",
                                  "video": "added_video"}.get(post.media_type, "mobile_status_update")
        elif name == "attachments" and post.media_count:
            out["attachments"] = {"data": [{"type": "album" if post.media_count > 1 else post.media_type,
                                            "media_count": post.media_count}]}
        elif name == "is_published":
            out["is_published"] = True
    out["id"] = object_id or post.id
    return out


def _resolve(sb: Sandbox, object_id: str) -> Post | None:
    """A post by its post id, or by the photo/video id that created it."""
    post = sb.store.post("facebook", object_id)
    if post is None:
        upload = sb.store.upload("facebook", object_id)
        if upload and upload["extra"].get("post_id"):
            post = sb.store.post("facebook", upload["extra"]["post_id"])
    return post if post is not None and not post.deleted else None


def _missing(object_id: str) -> PlatformError:
    return PlatformError(error(
        100, f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be loaded due to "
        "missing permissions, or does not support this operation.", type_="GraphMethodException", subcode=33))


def _new_post(sb: Sandbox, page: Account, text: str, media_count: int, media_type: str, fp: str,
              extra: dict[str, Any]) -> Post:
    seq = sb.store.next_id("facebook")
    return sb.store.add_post(Post("facebook", f"{page.account_id}_{seq}", page.handle, text, media_count, media_type,
                                  time.time(), False, fp, extra, None))


def _file(params: MultiDict[Any]) -> tuple[int, str] | None:
    part = params.get("source")
    if part is not None and hasattr(part, "file"):
        part.file.seek(0, 2)
        return part.file.tell(), getattr(part, "content_type", "") or ""
    if params.get("url") or params.get("file_url"):
        return 1, "remote"
    return None


async def _kind(request: web.Request) -> str:
    """The request's kind; also names its operation (``request["op"]``, e.g. "feed.post") for the counters."""
    tail = request.match_info.get("tail", "").strip("/")
    parts = tail.split("/") if tail else []
    shape = "ids" if not parts else ("object" if len(parts) == 1 else parts[-1])
    if parts == ["me"]:
        shape = "me"
    request["op"] = f"{shape}.{request.method.lower()}"
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


async def graph(request: web.Request) -> web.Response:
    """Every ``/v{N}.0/...`` request: dispatch on method and path shape."""
    sb: Sandbox = request.app[SANDBOX_KEY]
    params = await _params(request)
    page = await authenticate(request, params)
    tail = request.match_info.get("tail", "").strip("/")
    parts = tail.split("/") if tail else []
    method = request.method
    if not parts and method == "GET":
        return _get_ids(sb, params)
    if parts == ["me"] and method == "GET":
        return web.json_response({"id": page.account_id, "name": page.handle})
    if len(parts) == 1:
        if method == "DELETE":
            return _delete(sb, page, parts[0])
        if method == "GET":
            return _get_object(sb, page, parts[0], params)
    if len(parts) == 2:
        target, edge = parts
        if edge == "insights" and method == "GET":
            return _insights(sb, target, params)
        if target not in (page.account_id, "me"):
            if edge in ("feed", "photos", "videos", "posts", "published_posts"):
                raise PlatformError(error(200, "(#200) The page access token does not allow acting on this Page",
                                          type_="OAuthException", status=403))
        if edge == "feed" and method == "POST":
            return _post_feed(sb, page, params)
        if edge == "photos" and method == "POST":
            return _post_photo(sb, page, params)
        if edge == "videos" and method == "POST":
            return _post_video(sb, page, params)
        if edge in ("feed", "posts", "published_posts") and method == "GET":
            return _list_feed(sb, page, params)
    raise PlatformError(error(100, f"Unknown path components: /{tail}", type_="OAuthException"))


def _get_ids(sb: Sandbox, params: MultiDict[Any]) -> web.Response:
    ids = [i for i in str(params.get("ids", "")).split(",") if i]
    if not ids:
        raise BadInput("Missing ids")
    if len(ids) > 50:
        raise BadInput("Too many IDs. Maximum: 50.")
    found = {i: _resolve(sb, i) for i in ids}
    missing = [i for i, p in found.items() if p is None]
    if missing:
        raise PlatformError(error(100, f"(#100) Some of the aliases you requested do not exist: {','.join(missing)}",
                                  type_="OAuthException", status=404))
    spec = str(params.get("fields", ""))
    return web.json_response({i: _render(sb, p, spec, i) for i, p in found.items() if p is not None})


def _get_object(sb: Sandbox, page: Account, object_id: str, params: MultiDict[Any]) -> web.Response:
    if object_id == page.account_id:
        return web.json_response({"id": page.account_id, "name": page.handle})
    post = _resolve(sb, object_id)
    if post is None:
        raise _missing(object_id)
    return web.json_response(_render(sb, post, str(params.get("fields", "")), object_id))


def _delete(sb: Sandbox, page: Account, object_id: str) -> web.Response:
    post = _resolve(sb, object_id)
    if post is None:
        raise _missing(object_id)
    if post.handle != page.handle:
        raise PlatformError(error(200, "(#200) Permissions error", status=403))
    sb.store.mark_deleted("facebook", post.id)
    return web.json_response({"success": True})


def _insights(sb: Sandbox, object_id: str, params: MultiDict[Any]) -> web.Response:
    post = _resolve(sb, object_id)
    if post is None:
        raise _missing(object_id)
    names = [n for n in str(params.get("metric", "post_impressions")).split(",") if n]
    unknown = [n for n in names if n not in INSIGHTS and n not in ("post_engaged_users", "post_reactions_by_type_total")]
    if unknown:
        raise BadInput(f"The value must be a valid insights metric: {unknown[0]}")
    m = metrics_at(sb.engagement, "facebook", post.id, post.created_at, post.metrics)
    data = []
    for name in names:
        if name == "post_reactions_by_type_total":
            value: Any = {"like": m["likes"]}
        elif name == "post_engaged_users":
            value = m["likes"] + m["comments"] + m["shares"]
        else:
            value = m[INSIGHTS[name]]
        data.append({"name": name, "period": "lifetime", "values": [{"value": value}],
                     "title": name.replace("_", " "), "description": "", "id": f"{object_id}/insights/{name}/lifetime"})
    return web.json_response({"data": data, "paging": {}})


def _post_feed(sb: Sandbox, page: Account, params: MultiDict[Any]) -> web.Response:
    message = str(params.get("message", ""))
    link = str(params.get("link", ""))
    media_ids: list[str] = []
    for key, value in params.items():
        if key.startswith("attached_media"):
            try:
                media_ids.append(str(json.loads(value)["media_fbid"]))
            except Exception as exc:
                raise BadInput("attached_media must be JSON like {\"media_fbid\": ID}") from exc
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
    post = _new_post(sb, page, message, len(media_ids), "photo" if media_ids else "text", fp,
                     {"link": link, "media_ids": media_ids})
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
        raise PlatformError(error(390, "(#390) There was a problem uploading your video file. Please try again.",
                                  type_="OAuthException"))
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


def _since(value: Any) -> float | None:
    if value in (None, ""):
        return None
    text = str(value)
    if text.isdigit():
        return float(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadInput(f"Invalid time: {text}") from exc
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()


def _list_feed(sb: Sandbox, page: Account, params: MultiDict[Any]) -> web.Response:
    try:
        limit = min(100, int(params.get("limit", 25)))
    except ValueError as exc:
        raise BadInput("limit must be a number") from exc
    posts = sb.store.account_posts("facebook", page.handle, since=_since(params.get("since")),
                                   until=_since(params.get("until")), limit=limit)
    spec = str(params.get("fields", "") or "message,created_time,id")
    return web.json_response({"data": [_render(sb, p, spec) for p in posts], "paging": {}})


def register(app: web.Application) -> None:
    """Add the Graph API routes (every version)."""
    handler = endpoint("facebook", _kind, graph)
    app.router.add_route("*", r"/{version:v\d+\.\d+}", handler)
    app.router.add_route("*", r"/{version:v\d+\.\d+}/{tail:.*}", handler)
