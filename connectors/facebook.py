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
under ``-W error``; it never checks the HTTP status and exceptions carry no
headers, so a response hook on the session records status and usage headers
for the error table.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import requests

with warnings.catch_warnings():
    # facebook/__init__.py has a non-raw regex string ("^\d\.\d{1,2}$"): a
    # DeprecationWarning/SyntaxWarning when compiled, an error under -W error.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import facebook

from connectors import graph_versions
from connectors import media as media_prep
from connectors.base import (
    AccountCheck,
    AccountRef,
    ConnectorError,
    Content,
    Limits,
    Metrics,
    Missing,
    Problem,
    PublishResult,
    RemotePost,
)
from connectors.clients import ClientCache, drops_client_on_failure
from connectors.errors import (
    AuthExpired,
    ErrorMapper,
    Failure,
    RateLimited,
    Rejected,
    Rule,
    Transient,
    all_of,
    ambiguous_if_create,
    code_in,
    message_has,
    utcnow,
)
from connectors.redaction import register_credentials
from connectors.transport import FACEBOOK_ORIGINS, Timeouts, destination, mount_transport, sandbox_origin
from connectors.validation import batches, hashtag_problems, media_problems, reject_if_invalid

METRICS_BATCH = 50  # ids per ?ids= request
METRIC_FIELDS = "shares,comments.summary(true).limit(0),reactions.summary(true).limit(0)"
# Views and reach. Meta retired post_impressions* on 2025-11-15, in every version, and one
# retired name makes it refuse the whole request ("(#100) The value must be a valid insights metric").
VIEWS_METRIC, REACH_METRIC = "post_media_view", "post_total_media_view_unique"
INSIGHT_METRICS = f"{VIEWS_METRIC},{REACH_METRIC}"
RATE_LIMIT_CODES = (4, 17, 32, 613, 80001)
USAGE_HEADERS = ("x-business-use-case-usage", "x-page-usage", "x-app-usage")
# App/page usage windows are rolling one hour; without an estimate we pause that long.
DEFAULT_RATE_LIMIT_PAUSE = timedelta(hours=1)

ERRORS: tuple[Rule, ...] = (
    # Surely not applied, and nothing a post can fix: retried while the operator moves
    # SIAR_FACEBOOK_GRAPH_VERSION on (`siar status` says so from 60 days before the end).
    Rule(
        code_in(2635),
        Transient,
        "graph_version_ended",
        "Facebook tidak melayani lagi versi Graph API yang dipakai Siar; pengelola server perlu "
        "mengganti SIAR_FACEBOOK_GRAPH_VERSION ke versi yang lebih baru. Akan dicoba lagi.",
        "Facebook no longer serves the Graph API version Siar uses; the server operator needs to "
        "set SIAR_FACEBOOK_GRAPH_VERSION to a newer version. It will be retried.",
    ),
    Rule(
        code_in(*RATE_LIMIT_CODES),
        RateLimited,
        "rate_limited",
        "Batas permintaan Facebook tercapai; akun dijeda sampai batas dibuka lagi.",
        "Facebook's rate limit was reached; the account is paused until it resets.",
    ),
    Rule(
        code_in(368),
        RateLimited,
        "temporarily_blocked",
        "Facebook memblokir sementara Halaman ini untuk memposting; akun dijeda.",
        "Facebook temporarily blocked this Page from posting; the account is paused.",
    ),
    Rule(
        code_in(506),
        Rejected,
        "duplicate",
        "Facebook menolak postingan yang sama persis dengan postingan sebelumnya; ubah teksnya.",
        "Facebook rejected a post identical to an earlier one; change the text.",
    ),
    Rule(
        code_in(190, 102, 463, 467),
        AuthExpired,
        "token_expired",
        "Token Halaman Facebook kedaluwarsa atau dicabut; sambungkan ulang Halaman.",
        "The Facebook Page token expired or was revoked; reconnect the Page.",
    ),
    Rule(
        lambda f: any(isinstance(c, int) and (c == 10 or 200 <= c <= 299) for c in f.codes),
        AuthExpired,
        "permission_missing",
        "Izin Halaman Facebook kurang; sambungkan ulang dan berikan izin memposting.",
        "The Facebook Page permissions are missing; reconnect and grant posting permission.",
    ),
    Rule(
        code_in(1, 2),
        ambiguous_if_create,
        "platform_unavailable",
        "Facebook sedang bermasalah; sistem akan memeriksa apakah postingan sudah terbit.",
        "Facebook is having trouble; Siar will check whether the post was published.",
    ),
    Rule(
        code_in(324, 352, 1363041),
        Rejected,
        "media_invalid",
        "Facebook menolak berkas media; periksa format dan ukurannya.",
        "Facebook rejected the media file; check its format and size.",
    ),
    Rule(
        lambda f: f.status is not None and f.status < 500 and message_has("does not exist")(f),
        Rejected,
        "not_found",
        "Objek Facebook tidak ditemukan (mungkin sudah dihapus).",
        "The Facebook object was not found (it may have been deleted).",
    ),
    # A metric Meta no longer knows fails the whole request: not a sign that the posts are gone
    # (fetch_metrics must not fall back to id-by-id reads and call every post Missing).
    Rule(
        all_of(code_in(100), message_has("valid insights metric")),
        Rejected,
        "insights_metric_invalid",
        "Facebook menolak salah satu metrik insights yang diminta Siar; keterlibatan belum bisa diukur.",
        "Facebook refused one of the insights metrics Siar asks for; engagement cannot be measured yet.",
    ),
    Rule(
        code_in(100),
        Rejected,
        "invalid_parameter",
        "Facebook menolak isi postingan (parameter tidak valid).",
        "Facebook rejected the post's content (invalid parameter).",
    ),
)


@dataclass
class _LastResponse:
    """What the session hook saw for the latest response (facebook-sdk hides it)."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.status = response.status_code
        self.headers = {h: response.headers[h] for h in USAGE_HEADERS if h in response.headers}
        return response

    def reset(self) -> None:
        self.status, self.headers = None, {}


def retry_at_from_usage(headers: dict[str, str], now: datetime) -> datetime:
    """Instant to resume, from the usage headers' ``estimated_time_to_regain_access`` (minutes)."""
    minutes: list[float] = []
    for name in USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = [data]
        if isinstance(data, dict) and name == "x-business-use-case-usage":
            entries = [e for values in data.values() if isinstance(values, list) for e in values]
        for entry in entries:
            if isinstance(entry, dict) and entry.get("estimated_time_to_regain_access") is not None:
                try:
                    minutes.append(float(entry["estimated_time_to_regain_access"]))
                except (TypeError, ValueError):
                    pass
    if minutes and max(minutes) > 0:
        return now + timedelta(minutes=max(minutes))
    return now + DEFAULT_RATE_LIMIT_PAUSE


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
        self._clients: ClientCache[tuple[facebook.GraphAPI, _LastResponse]] = ClientCache(self._new_graph, _close_graph)

    # ------------------------------------------------------------------ plumbing
    def _graph(self, account: AccountRef) -> tuple[facebook.GraphAPI, _LastResponse]:
        """The account's cached GraphAPI and hook (connectors/clients.py): one session per account, thread."""
        return self._clients.get(account)

    def _new_graph(self, account: AccountRef) -> tuple[facebook.GraphAPI, _LastResponse]:
        target = destination(account, self.sandbox_url)
        register_credentials(account.credentials)
        session = requests.Session()
        mount_transport(session, FACEBOOK_ORIGINS, sandbox_base_url=target, timeouts=self.timeouts)
        last = _LastResponse()
        session.hooks["response"].append(last.hook)
        graph = facebook.GraphAPI(access_token=account.credential("page_access_token"), session=session)
        graph.version = self.graph_version  # the constructor would reject it (decision 0004)
        return graph, last

    def _call(self, last: _LastResponse, create: bool, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one facebook-sdk call; map every failure into the taxonomy."""
        last.reset()
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise self._fail(exc, last, create) from None

    def _fail(self, exc: BaseException, last: _LastResponse, create: bool) -> ConnectorError:
        if isinstance(exc, ConnectorError):
            return exc
        codes: tuple[Any, ...] = ()
        message = ""
        if isinstance(exc, facebook.GraphAPIError):
            error = exc.result.get("error") if isinstance(exc.result, dict) else None
            if isinstance(error, dict):
                codes = tuple(c for c in (error.get("code"), error.get("error_subcode")) if c is not None)
            message = exc.message if isinstance(exc.message, str) else ""
        status = last.status if not isinstance(exc, requests.RequestException) else None
        retry_at = None
        if any(c in RATE_LIMIT_CODES for c in codes) or status == 429:
            retry_at = retry_at_from_usage(last.headers, self._now())
        return self._map(Failure(exc, create, status=status, codes=codes, message=message, retry_at=retry_at))

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
        try:
            graph, last = self._graph(account)
            me = self._call(last, False, graph.get_object, "me", fields="id,name")
        except ConnectorError as error:
            return AccountCheck(False, self.platform, account.handle, error=error)
        page_id = str(me.get("id"))
        if page_id != str(account.credentials.get("page_id")):
            return AccountCheck(
                False,
                self.platform,
                account.handle,
                page_id,
                AuthExpired(
                    "Token ini bukan token Halaman yang benar; sambungkan ulang Halaman.",
                    "This token is not the right Page's token; reconnect the Page.",
                    code="wrong_page",
                    platform=self.platform,
                ),
            )
        return AccountCheck(True, self.platform, account.handle, page_id)


def _close_graph(client: tuple[facebook.GraphAPI, _LastResponse]) -> None:
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
