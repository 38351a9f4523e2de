"""Facebook Graph API reads: objects and their fields, ``?ids=`` batches, insights, a Page's feed.

Like the real API, ``shares`` is absent from a post nobody shared, a
``?ids=`` batch naming an id that does not exist fails as a whole (code 100),
and so does a request naming one insights metric that is not valid (a retired
one included), without saying which. Insights come from the
``/{id}/insights?metric=`` edge or the ``insights.metric(...)`` field.
Docs: https://developers.facebook.com/docs/graph-api/reference/pagepost ,
https://developers.facebook.com/docs/graph-api/reference/insights
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from multidict import MultiDict

from sandbox.engagement import metrics_at
from sandbox.facebook_errors import error
from sandbox.runtime import BadInput, PlatformError, Sandbox
from sandbox.state import Account, Post

# Post metrics the sandbox answers -> the engagement figure each reads. Retired on
# 2025-11-15 in every version, and refused like any unknown name: post_impressions*
# (now post_media_view), post_impressions_unique (post_total_media_view_unique),
# page_impressions* (page_media_view) and page_fans* (page_follows). Page insights
# (/{page-id}/insights) are not modelled.
INSIGHTS = {
    "post_media_view": "views",
    "post_total_media_view_unique": "reach",
    "post_clicks": "clicks",
    "post_video_views": "views",
}
COMPUTED_INSIGHTS = ("post_engaged_users", "post_reactions_by_type_total")
DEFAULT_INSIGHTS = "post_media_view"


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
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


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
                    "NONE" if name == "reactions" else True
                )
            value: dict[str, Any] = {"data": []}
            if "summary(true)" in item.replace(" ", ""):
                value["summary"] = summary
            out[name] = value
        elif name == "permalink_url":
            out["permalink_url"] = f"https://www.facebook.com/{post.id.replace('_', '/posts/')}"
        elif name == "from" and page:
            out["from"] = {"name": page.handle, "id": page.account_id}
        elif name == "status_type":
            out["status_type"] = {"text": "mobile_status_update", "photo": "added_photos", "video": "added_video"}.get(
                post.media_type, "mobile_status_update"
            )
        elif name == "attachments" and post.media_count:
            out["attachments"] = {
                "data": [
                    {"type": "album" if post.media_count > 1 else post.media_type, "media_count": post.media_count}
                ]
            }
        elif name == "is_published":
            out["is_published"] = True
        elif name == "insights":
            spec_names = re.search(r"\.metric\(([^)]*)\)", item)
            names = metric_names(spec_names[1] if spec_names else DEFAULT_INSIGHTS)
            out["insights"] = {"data": _insight_rows(m, object_id or post.id, names), "paging": {}}
    out["id"] = object_id or post.id
    return out


def metric_names(spec: str) -> list[str]:
    """The metric names of a request; one that is not valid fails the whole request, as on Facebook."""
    names = [n.strip() for n in spec.split(",") if n.strip()]
    if not names or any(n not in INSIGHTS and n not in COMPUTED_INSIGHTS for n in names):
        # Meta's exact answer: it does not say which name is wrong.
        raise PlatformError(error(100, "(#100) The value must be a valid insights metric", type_="OAuthException"))
    return names


def _insight_rows(m: dict[str, int], object_id: str, names: list[str]) -> list[dict[str, Any]]:
    rows = []
    for name in names:
        if name == "post_reactions_by_type_total":
            value: Any = {"like": m["likes"]}
        elif name == "post_engaged_users":
            value = m["likes"] + m["comments"] + m["shares"]
        else:
            value = m[INSIGHTS[name]]
        rows.append(
            {
                "name": name,
                "period": "lifetime",
                "values": [{"value": value}],
                "title": name.replace("_", " "),
                "description": "",
                "id": f"{object_id}/insights/{name}/lifetime",
            }
        )
    return rows


def resolve(sb: Sandbox, object_id: str) -> Post | None:
    """A post by its post id, or by the photo/video id that created it."""
    post = sb.store.post("facebook", object_id)
    if post is None:
        upload = sb.store.upload("facebook", object_id)
        if upload and upload["extra"].get("post_id"):
            post = sb.store.post("facebook", upload["extra"]["post_id"])
    return post if post is not None and not post.deleted else None


def missing(object_id: str) -> PlatformError:
    return PlatformError(
        error(
            100,
            f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be loaded due to "
            "missing permissions, or does not support this operation.",
            type_="GraphMethodException",
            subcode=33,
        )
    )


def get_ids(sb: Sandbox, params: MultiDict[Any]) -> web.Response:
    ids = [i for i in str(params.get("ids", "")).split(",") if i]
    if not ids:
        raise BadInput("Missing ids")
    if len(ids) > 50:
        raise BadInput("Too many IDs. Maximum: 50.")
    found = {i: resolve(sb, i) for i in ids}
    missing = [i for i, p in found.items() if p is None]
    if missing:
        raise PlatformError(
            error(
                100,
                f"(#100) Some of the aliases you requested do not exist: {','.join(missing)}",
                type_="OAuthException",
                status=404,
            )
        )
    spec = str(params.get("fields", ""))
    return web.json_response({i: _render(sb, p, spec, i) for i, p in found.items() if p is not None})


def get_object(sb: Sandbox, page: Account, object_id: str, params: MultiDict[Any]) -> web.Response:
    if object_id == page.account_id:
        return web.json_response({"id": page.account_id, "name": page.handle})
    post = resolve(sb, object_id)
    if post is None:
        raise missing(object_id)
    return web.json_response(_render(sb, post, str(params.get("fields", "")), object_id))


def insights(sb: Sandbox, object_id: str, params: MultiDict[Any]) -> web.Response:
    """``GET /{id}/insights?metric=a,b`` (the names are checked first, so a Page id meets the same check)."""
    names = metric_names(str(params.get("metric") or DEFAULT_INSIGHTS))
    post = resolve(sb, object_id)
    if post is None:
        raise missing(object_id)
    m = metrics_at(sb.engagement, "facebook", post.id, post.created_at, post.metrics)
    return web.json_response({"data": _insight_rows(m, object_id, names), "paging": {}})


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
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def list_feed(sb: Sandbox, page: Account, params: MultiDict[Any]) -> web.Response:
    try:
        limit = min(100, int(params.get("limit", 25)))
    except ValueError as exc:
        raise BadInput("limit must be a number") from exc
    posts = sb.store.account_posts(
        "facebook", page.handle, since=_since(params.get("since")), until=_since(params.get("until")), limit=limit
    )
    spec = str(params.get("fields", "") or "message,created_time,id")
    return web.json_response({"data": [_render(sb, p, spec) for p in posts], "paging": {}})
