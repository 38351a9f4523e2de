"""Facebook Pages connector: facebook-sdk ``GraphAPI`` on our own session.

Vendor docs:
- Page feed (publish): https://developers.facebook.com/docs/graph-api/reference/page/feed
- Page photos: https://developers.facebook.com/docs/graph-api/reference/page/photos
- Page videos: https://developers.facebook.com/docs/graph-api/reference/page/videos
- Multiple ids per request: https://developers.facebook.com/docs/graph-api/guides/field-expansion
- Rate limits and usage headers: https://developers.facebook.com/docs/graph-api/overview/rate-limiting
- Error codes: https://developers.facebook.com/docs/graph-api/guides/error-handling
- Versions and their end dates: https://developers.facebook.com/docs/graph-api/changelog/versions
- Post insights metrics: https://developers.facebook.com/docs/graph-api/reference/insights

Quirks (docs/connectors.md, decision 0004): facebook-sdk 3.1.0 is abandoned; its constructor rejects
modern versions, so it is built without ``version`` and ``graph.version`` set
afterwards (to ``SIAR_FACEBOOK_GRAPH_VERSION``, whose end date
``connectors/graph_versions.py`` knows); its version regex warns at import
under ``-W error`` (``connectors/facebook_sdk.py`` imports it safely and types
the calls we make); it never checks the HTTP status and exceptions carry no
headers, so a response hook on the session records status and usage headers
for the error table (``connectors/facebook_errors.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import requests

from connectors import graph_versions
from connectors import media as media_prep
from connectors.base import (
    AccountCheck,
    AccountRef,
    Content,
    Limits,
    Metrics,
    Missing,
    Problem,
    PublishResult,
    RemotePost,
)
from connectors.calls import AccountMismatch, account_check, call
from connectors.clients import ClientCache, drops_client_on_failure
from connectors.errors import ConnectorError, ErrorMapper, Rejected, utcnow
from connectors.facebook_errors import ERRORS, LastResponse, failure
from connectors.facebook_sdk import Graph, graph_api
from connectors.redaction import register_credentials
from connectors.transport import FACEBOOK_ORIGINS, Timeouts, destination, mount_transport, sandbox_origin
from connectors.validation import batches, hashtag_problems, media_problems, reject_if_invalid

METRICS_BATCH = 50  # ids per ?ids= request
METRIC_FIELDS = "shares,comments.summary(true).limit(0),reactions.summary(true).limit(0)"
# Views and reach. Meta retired post_impressions* on 2025-11-15, in every version, and one
# retired name makes it refuse the whole request ("(#100) The value must be a valid insights metric").
VIEWS_METRIC, REACH_METRIC = "post_media_view", "post_total_media_view_unique"
INSIGHT_METRICS = f"{VIEWS_METRIC},{REACH_METRIC}"

WRONG = AccountMismatch(
    "wrong_page",
    "Token ini bukan token Halaman yang benar; sambungkan ulang Halaman.",
    "This token is not the right Page's token; reconnect the Page.",
)


class FacebookConnector:
    """Publishes to a Facebook Page through facebook-sdk; see module docstring for docs."""

    platform = "facebook"
    limits = Limits(
        max_text=63_206,
        text_counting="unicode-codepoints",
        max_media=10,
        max_images=10,
        max_videos=1,
        mixed_media=False,
        image_types=("image/jpeg", "image/png", "image/webp", "image/gif"),
        video_types=("video/mp4",),
        image_max_bytes=media_prep.FB_IMAGE_HARD_MAX_BYTES,
        video_max_bytes=media_prep.FB_VIDEO_MAX_BYTES,
        max_image_side=media_prep.FB_MAX_SIDE,
        max_hashtags=30,
    )

    def __init__(
        self,
        *,
        timeouts: Timeouts = Timeouts(),
        with_insights: bool = False,
        graph_version: str = graph_versions.DEFAULT_VERSION,
        now: Callable[[], datetime] = utcnow,
        sandbox_url: str | None = None,
    ) -> None:
        self.timeouts = timeouts
        self.sandbox_url = sandbox_origin(sandbox_url)  # the site's sandbox, for training accounts
        self.graph_version = graph_version  # SIAR_FACEBOOK_GRAPH_VERSION (config/settings.py)
        # Insights ride in the same batched call (field expansion) when enabled.
        self.with_insights = with_insights
        self._now = now
        self._map = ErrorMapper(self.platform, ERRORS, now)
        self._clients: ClientCache[tuple[Graph, LastResponse]] = ClientCache(self._new_graph, _close_graph)

    # ------------------------------------------------------------------ plumbing
    def _graph(self, account: AccountRef) -> tuple[Graph, LastResponse]:
        """The account's cached GraphAPI and hook (connectors/clients.py): one session per account, thread."""
        return self._clients.get(account)

    def _new_graph(self, account: AccountRef) -> tuple[Graph, LastResponse]:
        target = destination(account, self.sandbox_url)
        register_credentials(account.credentials)
        session = requests.Session()
        mount_transport(session, FACEBOOK_ORIGINS, sandbox_base_url=target, timeouts=self.timeouts)
        last = LastResponse()
        session.hooks["response"].append(last.hook)
        return graph_api(account.credential("page_access_token"), session, self.graph_version), last

    def _call(self, last: LastResponse, create: bool, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one facebook-sdk call (``calls.call``); ``last`` records its response for the classifier."""
        last.reset()
        return call(partial(fn, *args, **kwargs), partial(self._classify, last), create=create)

    def _classify(self, last: LastResponse, exc: BaseException, create: bool) -> ConnectorError:
        return self._map(failure(exc, create, last, self._now))

    @staticmethod
    def _page_id(account: AccountRef) -> str:
        return account.credential("page_id")

    @staticmethod
    def permalink(remote_id: str) -> str:
        page, _, post = remote_id.partition("_")
        return f"https://www.facebook.com/{page}/posts/{post}" if post else f"https://www.facebook.com/{remote_id}"

    # ------------------------------------------------------------------ contract
    def validate(self, content: Content) -> list[Problem]:
        """Text length, media count/type/size; a post needs text, a link or media."""
        problems: list[Problem] = []
        if not content.text.strip() and not content.media and not content.link:
            problems.append(
                Problem(
                    "empty",
                    "Postingan Facebook perlu teks, tautan atau media.",
                    "A Facebook post needs text, a link or media.",
                )
            )
        if len(content.text) > self.limits.max_text:
            problems.append(
                Problem(
                    "text_too_long",
                    f"Teks melebihi {self.limits.max_text} karakter.",
                    f"The text exceeds {self.limits.max_text} characters.",
                )
            )
        problems.extend(hashtag_problems(content.text, self.limits))
        problems.extend(media_problems(content, self.limits))
        return problems

    @drops_client_on_failure
    def publish(self, account: AccountRef, content: Content) -> PublishResult:
        """Feed post (text/link), one photo, several photos as one post, or a video."""
        reject_if_invalid(self.validate(content), self.platform)
        graph, last = self._graph(account)
        page = self._page_id(account)
        message = content.text
        if content.videos:
            video = media_prep.check_video(content.videos[0].path, self.platform)
            with open(video.path, "rb") as fh:
                answer = self._call(last, True, graph.put_photo, fh, album_path=f"{page}/videos", description=message)
        elif len(content.images) == 1:
            with TemporaryDirectory(prefix="siar-fb-") as tmp:
                photo = self._prepare(content.images[0].path, Path(tmp))
                with open(photo, "rb") as fh:
                    answer = self._call(last, True, graph.put_photo, fh, album_path=f"{page}/photos", message=message)
        elif content.images:
            attached: dict[str, str] = {}
            with TemporaryDirectory(prefix="siar-fb-") as tmp:
                for index, item in enumerate(content.images):
                    photo = self._prepare(item.path, Path(tmp))
                    with open(photo, "rb") as fh:
                        # Unpublished photos are invisible until attached: not the create call.
                        uploaded = self._call(
                            last, False, graph.put_photo, fh, album_path=f"{page}/photos", published="false"
                        )
                    attached[f"attached_media[{index}]"] = json.dumps({"media_fbid": str(uploaded["id"])})
            answer = self._call(last, True, graph.put_object, page, "feed", message=message, **attached)
        else:
            extra = {"link": content.link} if content.link else {}
            answer = self._call(last, True, graph.put_object, page, "feed", message=message, **extra)
        remote_id = str(answer.get("post_id") or answer["id"])
        return PublishResult(remote_id, self.permalink(remote_id), self._now())

    def _prepare(self, path: Path, tmp: Path) -> Path:
        return media_prep.prepare_image(path, self.platform, tmp).path

    @drops_client_on_failure
    def find_recent(self, account: AccountRef, since: datetime) -> list[RemotePost]:
        """The Page's posts since ``since`` (GET /{page}/feed?since=, paginated)."""
        graph, last = self._graph(account)
        args: dict[str, Any] = {
            "since": int(since.timestamp()),
            "fields": "id,message,created_time,permalink_url,attachments",
            "limit": 100,
        }
        posts: list[RemotePost] = []
        for _ in range(10):
            page = self._call(last, False, graph.get_connections, self._page_id(account), "feed", **args)
            for item in page.get("data", []):
                posts.append(
                    RemotePost(
                        remote_id=str(item["id"]),
                        text=item.get("message", ""),
                        created_at=_parse_time(item.get("created_time")),
                        permalink=item.get("permalink_url") or self.permalink(str(item["id"])),
                        media_count=_media_count(item.get("attachments")),
                    )
                )
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (page.get("paging") or {}).get("next"):
                break
            args["after"] = after
        return posts

    @drops_client_on_failure
    def fetch_metrics(self, account: AccountRef, remote_ids: list[str]) -> dict[str, Metrics | Missing]:
        """Reactions, comments and shares for up to 50 ids per GET /?ids=; absent ids are Missing."""
        graph, last = self._graph(account)
        fields = METRIC_FIELDS + (f",insights.metric({INSIGHT_METRICS})" if self.with_insights else "")
        result: dict[str, Metrics | Missing] = {}
        for batch in batches(list(dict.fromkeys(remote_ids)), METRICS_BATCH):
            try:
                answer = self._call(last, False, graph.get_objects, batch, fields=fields)
            except Rejected as error:
                # Graph fails the whole ?ids= request when one id no longer exists.
                if error.code not in ("not_found", "invalid_parameter"):
                    raise
                answer = {}
                for rid in batch:
                    try:
                        answer[rid] = self._call(last, False, graph.get_object, rid, fields=fields)
                    except Rejected:
                        continue
            for rid in batch:
                item = answer.get(rid)
                result[rid] = _metrics(item) if isinstance(item, dict) else Missing(rid)
        return result

    @drops_client_on_failure
    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Delete a post; one that no longer exists is fine."""
        graph, last = self._graph(account)
        try:
            self._call(last, False, graph.delete_object, remote_id)
        except Rejected as error:
            if error.code != "not_found":
                raise

    @drops_client_on_failure
    def check(self, account: AccountRef) -> AccountCheck:
        """Verify the Page token with GET /me; it must be the Page's own token."""
        expected = str(account.credentials.get("page_id"))
        return account_check(self.platform, account, partial(self._me, account), expected, WRONG)

    def _me(self, account: AccountRef) -> str:
        graph, last = self._graph(account)
        return str(self._call(last, False, graph.get_object, "me", fields="id,name").get("id"))


def _close_graph(client: tuple[Graph, LastResponse]) -> None:
    client[0].session.close()


def _metrics(item: dict[str, Any]) -> Metrics:
    reactions = ((item.get("reactions") or {}).get("summary") or {}).get("total_count", 0)
    comments = ((item.get("comments") or {}).get("summary") or {}).get("total_count", 0)
    shares = (item.get("shares") or {}).get("count", 0)
    insights = {
        entry.get("name"): ((entry.get("values") or [{}])[0] or {}).get("value")
        for entry in ((item.get("insights") or {}).get("data") or [])
    }
    return Metrics(
        likes=int(reactions),
        comments=int(comments),
        shares=int(shares),
        views=insights.get(VIEWS_METRIC),
        reach=insights.get(REACH_METRIC),
        raw=item,
    )


def _media_count(attachments: Any) -> int:
    """Media in a post's ``attachments``: an album lists its photos as ``subattachments``."""
    count = 0
    for attachment in (attachments or {}).get("data") or []:
        subs = ((attachment.get("subattachments") or {}).get("data")) or []
        if subs:
            count += len(subs)
        elif attachment.get("type") in ("photo", "video", "video_inline", "album") or attachment.get("media"):
            # No subattachments listed: trust an explicit count, else one medium.
            count += int(attachment.get("media_count") or 1)
    return count


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
