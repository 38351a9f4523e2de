"""Instagram media and user objects as the private API returns them.

The smallest media dict instagrapi accepts: ``pk, id ("pk_uid"), code,
taken_at, media_type (1 photo, 2 video, 8 album), user{pk, username},
like_count, caption{text}``; albums add ``carousel_media``, videos
``video_versions`` and ``play_count``/``view_count``.
"""

from __future__ import annotations

from typing import Any

from sandbox.engagement import metrics_at
from sandbox.runtime import Sandbox
from sandbox.state import Account, Post

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def shortcode(pk: int) -> str:
    """Instagram's shortcode for a media pk."""
    code = ""
    while pk > 0:
        pk, rest = divmod(pk, 64)
        code = _ALPHABET[rest] + code
    return code or "A"


def user_short(sb: Sandbox, account: Account) -> dict[str, Any]:
    """The ``user`` object embedded in media and account answers."""
    return {
        "pk": account.account_id,
        "pk_id": account.account_id,
        "username": account.handle,
        "full_name": account.handle,
        "is_private": False,
        "is_verified": False,
        "profile_pic_url": f"{sb.base_url}/_sandbox/static/avatar.svg",
    }


def _image(sb: Sandbox, pk: str) -> dict[str, Any]:
    return {"candidates": [{"width": 1080, "height": 1080, "url": f"{sb.base_url}/_sandbox/static/media.svg?pk={pk}"}]}


def media_json(sb: Sandbox, post: Post) -> dict[str, Any]:
    """A stored post as the private API's media item."""
    account = sb.store.account("instagram", post.handle)
    assert account is not None
    pk = int(post.id)
    m = metrics_at(sb.engagement, "instagram", post.id, post.created_at, post.metrics)
    media_type = {"photo": 1, "video": 2, "album": 8}[post.media_type]
    item: dict[str, Any] = {
        "pk": pk,
        "id": f"{pk}_{account.account_id}",
        "code": shortcode(pk),
        "taken_at": int(post.created_at),
        "media_type": media_type,
        "product_type": {1: "feed", 2: "feed", 8: "carousel_container"}[media_type],
        "user": user_short(sb, account),
        "like_count": m["likes"],
        "comment_count": m["comments"],
        "caption": {
            "pk": str(pk + 1),
            "text": post.text,
            "created_at": int(post.created_at),
            "user_id": account.account_id,
        }
        if post.text
        else None,
        "original_width": 1080,
        "original_height": 1080,
    }
    if media_type == 8:
        children = post.extra.get("children", [])
        item["carousel_media_count"] = len(children)
        item["carousel_media"] = [
            {
                "id": f"{pk + i + 1}_{account.account_id}",
                "pk": str(pk + i + 1),
                "media_type": 2 if kind == "video" else 1,
                "image_versions2": _image(sb, str(pk + i + 1)),
            }
            for i, kind in enumerate(children)
        ]
    else:
        item["image_versions2"] = _image(sb, str(pk))
    if media_type == 2:
        item.update(
            play_count=m["views"],
            view_count=m["views"],
            video_duration=post.extra.get("duration", 0.0),
            video_versions=[
                {"type": 101, "width": 720, "height": 720, "url": f"{sb.base_url}/_sandbox/static/media.svg?video={pk}"}
            ],
        )
    return item
