"""X API v2 (tweets, users) and media upload (v1.1 and v2), as tweepy calls them.

Docs: https://docs.x.com/x-api/posts/creation-of-a-post ,
https://docs.x.com/x-api/media/quickstart/media-upload-chunked ,
rate limits: https://docs.x.com/x-api/fundamentals/rate-limits .
Errors use X's "problem" JSON (``title``, ``detail``, ``type``, ``status``)
that tweepy turns into BadRequest/Unauthorized/Forbidden/NotFound/
TooManyRequests/TwitterServerError; media upload v1.1 uses the older
``{"errors": [{"code", "message"}]}`` shape.
"""

from __future__ import annotations

import base64
import time
import warnings
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiDict

from sandbox import oauth1
from sandbox.engagement import metrics_at
from sandbox.ratelimit import Verdict
from sandbox.runtime import SANDBOX_KEY, BadInput, PlatformError, Sandbox, endpoint, json_body
from sandbox.runtime import form as form_of
from sandbox.state import Account, Post, fingerprint

DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
IMAGE_MAX = 5 * 1024 * 1024
GIF_MAX = 15 * 1024 * 1024
VIDEO_MAX = 512 * 1024 * 1024


def _problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra: Any) -> web.Response:
    return web.json_response(
        {"title": title, "detail": detail, "type": type_, "status": status, **extra}, status=status
    )


class XShapes:
    """X's error answers and rate-limit headers."""

    def server_error(self) -> web.Response:
        return _problem(503, "Service Unavailable", "Service Unavailable")

    def rate_limited(self, verdict: Verdict) -> web.Response:
        response = _problem(429, "Too Many Requests", "Too Many Requests")
        self.decorate(response, verdict)
        return response

    def bad_request(self, message: str) -> web.Response:
        return web.json_response(
            {
                "errors": [{"parameters": {}, "message": message}],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
            status=400,
        )

    def too_large(self, limit: int) -> web.Response:
        return web.json_response(
            {"errors": [{"code": 324, "message": f"File size exceeds {limit} bytes."}]}, status=400
        )

    def decorate(self, response: web.StreamResponse, verdict: Verdict | None) -> None:
        if verdict is not None:
            response.headers["x-rate-limit-limit"] = str(verdict.limit)
            response.headers["x-rate-limit-remaining"] = str(verdict.remaining)
            response.headers["x-rate-limit-reset"] = str(verdict.reset_at)


UNAUTHORIZED = ("Unauthorized", "Unauthorized")


async def _params(request: web.Request) -> tuple[MultiDict[Any], list[tuple[str, str]] | None]:
    """Query plus body fields; the second value is the form body when it takes part in OAuth signing."""
    params: MultiDict[Any] = MultiDict(request.query)
    form_pairs = None
    ctype = request.content_type
    if request.method in ("POST", "PUT") and ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await form_of(request)
        params.extend(form)
        if ctype == "application/x-www-form-urlencoded":
            form_pairs = [(k, v) for k, v in form.items() if isinstance(v, str)]
    return params, form_pairs


async def authenticate(request: web.Request, *, user: bool = True) -> Account | None:
    """The account behind an OAuth 1.0a user-context request (None for a valid app bearer token)."""
    sb: Sandbox = request.app[SANDBOX_KEY]
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and not user:
        token = header[7:]
        if any(a.secrets.get("bearer_token") == token for a in sb.store.accounts() if a.platform == "x"):
            sb.check_rate("x", "", request)
            return None
        raise PlatformError(_problem(401, *UNAUTHORIZED))
    _, form_pairs = await _params(request)

    def secrets_for(consumer_key: str, token: str) -> tuple[str, str] | None:
        account = sb.store.account_by("x", "access_token", token)
        if account is None or account.secrets["consumer_key"] != consumer_key:
            return None
        return account.secrets["consumer_secret"], account.secrets["access_token_secret"]

    try:
        token = oauth1.verify(request.method, request.path_qs, header, form_pairs, secrets_for)
    except oauth1.OAuthError:
        raise PlatformError(_problem(401, *UNAUTHORIZED)) from None
    account = sb.store.account_by("x", "access_token", token)
    assert account is not None
    if account.flags.get("token_expired"):
        raise PlatformError(_problem(401, *UNAUTHORIZED))
    sb.check_rate("x", account.handle, request)
    return account


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _tweet(sb: Sandbox, post: Post, fields: set[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}
    account = sb.store.account("x", post.handle)
    if "created_at" in fields:
        data["created_at"] = _iso(post.created_at)
    if "author_id" in fields and account:
        data["author_id"] = account.account_id
    if "conversation_id" in fields:
        data["conversation_id"] = post.extra.get("reply_to") or post.id
    if "attachments" in fields and post.extra.get("media_ids"):
        data["attachments"] = {"media_keys": [f"3_{m}" for m in post.extra["media_ids"]]}
    if "public_metrics" in fields:
        m = metrics_at(sb.engagement, "x", post.id, post.created_at, post.metrics)
        data["public_metrics"] = {
            "retweet_count": m["shares"],
            "reply_count": m["comments"],
            "like_count": m["likes"],
            "quote_count": m["quotes"],
            "bookmark_count": m["bookmarks"],
            "impression_count": m["views"],
        }
    return data


def _fields(request: web.Request) -> set[str]:
    return {f.strip() for f in request.query.get("tweet.fields", "").split(",") if f.strip()}


def _not_found(tweet_id: str) -> dict[str, Any]:
    return {
        "value": tweet_id,
        "detail": f"Could not find tweet with ids: [{tweet_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": tweet_id,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def _weighted_length(text: str) -> int:
    if len(text) <= 140 and "." not in text:
        return len(text) * 2  # an upper bound: no URL, and no character weighs more than 2
    try:
        with warnings.catch_warnings():  # twitter_text imports the deprecated pkg_resources
            warnings.simplefilter("ignore")
            from twitter_text import parse_tweet  # X's own counting rules (URLs 23, CJK/emoji 2)

        return int(parse_tweet(text).weightedLength)
    except Exception:  # the sandbox must answer even if the parser is unavailable
        return len(text)


async def create_tweet(request: web.Request) -> web.Response:
    """POST /2/tweets"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = await authenticate(request)
    assert account is not None
    body = await json_body(request)
    text = body.get("text") or ""
    media_ids = [str(m) for m in (body.get("media") or {}).get("media_ids") or []]
    if not isinstance(text, str):
        raise BadInput("text must be a string")
    fp = fingerprint(text, len(media_ids))
    sb.store.count_create("x", account.handle, fp)
    if not text and not media_ids:
        raise BadInput("One of text or media is required")
    if _weighted_length(text) > 280:
        raise PlatformError(_problem(403, "Forbidden", "Your Tweet text is too long."))
    if len(media_ids) > 4:
        raise BadInput("Too many media ids: at most 4")
    uploads = []
    for media_id in media_ids:
        upload = sb.store.upload("x", media_id)
        if upload is None or upload["handle"] != account.handle or upload["state"] not in ("succeeded",):
            raise BadInput(f"Your media IDs are invalid: {media_id}")
        uploads.append(upload)
    reply_to = str((body.get("reply") or {}).get("in_reply_to_tweet_id") or "") or None
    replied = sb.store.post("x", reply_to) if reply_to else None
    if reply_to and (replied is None or replied.deleted):
        raise PlatformError(
            _problem(403, "Forbidden", "You attempted to reply to a Tweet that is deleted or not visible to you.")
        )
    now = time.time()
    if sb.store.recent_duplicate("x", account.handle, fp, now - 86400):
        raise PlatformError(_problem(403, "Forbidden", DUPLICATE))
    kinds = {upload["kind"] for upload in uploads}
    post = sb.store.add_post(
        Post(
            "x",
            str(sb.store.next_id("x")),
            account.handle,
            text,
            len(media_ids),
            ("video" if "video" in kinds else "photo") if media_ids else "text",
            now,
            False,
            fp,
            {"media_ids": media_ids, "reply_to": reply_to},
            None,
        )
    )
    return web.json_response(
        {"data": {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}}, status=201
    )


async def delete_tweet(request: web.Request) -> web.Response:
    """DELETE /2/tweets/{id}"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = await authenticate(request)
    assert account is not None
    tweet_id = request.match_info["id"]
    post = sb.store.post("x", tweet_id)
    if post is None or post.deleted:
        raise PlatformError(
            _problem(
                404,
                "Not Found Error",
                f"Could not find tweet with id: [{tweet_id}].",
                "https://api.twitter.com/2/problems/resource-not-found",
            )
        )
    if post.handle != account.handle:
        raise PlatformError(_problem(403, "Forbidden", "You are not authorized to delete this Tweet."))
    sb.store.mark_deleted("x", tweet_id)
    return web.json_response({"data": {"deleted": True}})


async def get_tweets(request: web.Request) -> web.Response:
    """GET /2/tweets?ids=... (up to 100; missing ids come back in ``errors``)"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    await authenticate(request, user=request.headers.get("Authorization", "").startswith("OAuth "))
    ids = [i.strip() for i in request.query.get("ids", "").split(",") if i.strip()]
    if not ids or len(ids) > 100 or not all(i.isdigit() for i in ids):
        raise BadInput("The `ids` query parameter value must be 1 to 100 numeric tweet ids")
    found = sb.store.posts_by_ids("x", ids)
    fields = _fields(request)
    body: dict[str, Any] = {}
    data = [_tweet(sb, found[i], fields) for i in ids if i in found and not found[i].deleted]
    errors = [_not_found(i) for i in ids if i not in found or found[i].deleted]
    if data:
        body["data"] = data
    if errors:
        body["errors"] = errors
    return web.json_response(body)


async def get_tweet(request: web.Request) -> web.Response:
    """GET /2/tweets/{id}"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    await authenticate(request, user=request.headers.get("Authorization", "").startswith("OAuth "))
    tweet_id = request.match_info["id"]
    post = sb.store.post("x", tweet_id)
    if post is None or post.deleted:
        return web.json_response({"errors": [_not_found(tweet_id)]})
    return web.json_response({"data": _tweet(sb, post, _fields(request))})


async def get_me(request: web.Request) -> web.Response:
    """GET /2/users/me"""
    account = await authenticate(request)
    assert account is not None
    return web.json_response({"data": {"id": account.account_id, "name": account.handle, "username": account.handle}})


def _parse_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError as exc:
        raise BadInput(f"Invalid time: {value}") from exc


async def user_tweets(request: web.Request) -> web.Response:
    """GET /2/users/{id}/tweets (newest first; start_time, end_time, since_id, max_results, pagination_token)"""
    sb: Sandbox = request.app[SANDBOX_KEY]
    await authenticate(request, user=request.headers.get("Authorization", "").startswith("OAuth "))
    owner = sb.store.account_by("x", "id", request.match_info["id"])
    q = request.query
    try:
        max_results = int(q.get("max_results", "10"))
    except ValueError as exc:
        raise BadInput("max_results must be a number") from exc
    if not 5 <= max_results <= 100:
        raise BadInput("max_results must be between 5 and 100")
    if owner is None:
        return web.json_response(
            {
                "errors": [
                    {
                        "value": request.match_info["id"],
                        "detail": "Could not find user",
                        "title": "Not Found Error",
                        "resource_type": "user",
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ]
            }
        )
    until = _parse_time(q.get("end_time"))
    token = q.get("pagination_token")
    if token:
        try:
            until = float(base64.urlsafe_b64decode(token.encode()).decode())
        except Exception as exc:
            raise BadInput("Invalid pagination_token") from exc
    posts = sb.store.account_posts(
        "x", owner.handle, since=_parse_time(q.get("start_time")), until=until, limit=max_results + 1
    )
    since_id = q.get("since_id")
    if since_id and since_id.isdigit():
        posts = [p for p in posts if int(p.id) > int(since_id)]
    page, more = posts[:max_results], len(posts) > max_results
    fields = _fields(request)
    meta: dict[str, Any] = {"result_count": len(page)}
    if page:
        meta["newest_id"], meta["oldest_id"] = page[0].id, page[-1].id
    if more:
        meta["next_token"] = base64.urlsafe_b64encode(repr(page[-1].created_at).encode()).decode()
    body: dict[str, Any] = {"meta": meta}
    if page:
        body["data"] = [_tweet(sb, p, fields) for p in page]
    return web.json_response(body)


def register(app: web.Application) -> None:
    """Add the X routes."""
    from sandbox import x_media

    app.router.add_post("/2/tweets", endpoint("x", "create", create_tweet))
    app.router.add_get("/2/tweets", endpoint("x", "metrics", get_tweets))
    app.router.add_delete("/2/tweets/{id}", endpoint("x", "delete", delete_tweet))
    app.router.add_get("/2/tweets/{id}", endpoint("x", "read", get_tweet))
    app.router.add_get("/2/users/me", endpoint("x", "auth", get_me))
    app.router.add_get("/2/users/{id}/tweets", endpoint("x", "read", user_tweets))
    x_media.register(app)
