"""Instagram connector: instagrapi ``Client`` (private API) resuming a stored session.

Vendor docs: instagrapi https://subzeroid.github.io/instagrapi/ (usage guide,
"Best practices": reuse the session, keep the device); Instagram media rules:
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media

How a session lives (docs/design.md#the-connector-interface, decision 0005):

* the credentials carry ``settings`` (``Client.get_settings()`` of a logged-in
  session); every call resumes it, no login call;
* only when Instagram answers ``login_required`` does the connector log in
  afresh with ``username``/``password``, and hands the new settings back with
  ``account.credentials_changed(...)`` -- the caller stores them encrypted;
* a challenge, 2FA or bad password raises ``AuthExpired`` (reconnect): nothing
  ever waits for ``input()`` (``with_challenge_flow=False`` and handlers that raise).

No sleeping: instagrapi's ``photo_upload``/``video_upload``/``album_upload``
sleep 3 s and re-send the configure call in a loop. The connector composes the
library's public lower-level steps instead (``photo_rupload`` + ``photo_configure``,
``video_rupload`` + ``video_configure``, ``album_configure``): one configure =
the one create call, never repeated. Against the sandbox ``request_timeout=0``
and no ``delay_range``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from json import dumps
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, TypeVar

from instagrapi import Client
from instagrapi import exceptions as ig
from instagrapi.extractors import extract_media_v1

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
from connectors.calls import AccountMismatch, account_check, call, classified, stored_id
from connectors.clients import ClientCache, drops_client_on_failure
from connectors.errors import (
    Ambiguous,
    AuthExpired,
    ConnectorError,
    ErrorMapper,
    RateLimited,
    Rejected,
    Transient,
    utcnow,
)
from connectors.instagram_errors import ERRORS, failure, rupload
from connectors.redaction import register_credentials
from connectors.transport import INSTAGRAM_ORIGINS, Timeouts, destination, mount_transport, sandbox_origin
from connectors.validation import hashtag_problems, media_problems, reject_if_invalid, with_link

log = logging.getLogger(__name__)
T = TypeVar("T")

CAPTION_LIMIT = 2200
HASHTAG_LIMIT = 30
FEED_PAGE = 50  # medias read per find_recent / fetch_metrics (user_medias_v1 paginates)
# Keys of instagrapi's ``get_settings()`` that choose how the client talks to Instagram
# (TLS verification, transports, retries, waits): dropped before a session is resumed.
TRANSPORT_SETTINGS = frozenset(
    {
        "tls_verify",
        "private_transport",
        "public_transport",
        "public_transport_impersonate",
        "request_timeout",
        "public_request_retries_count",
        "public_request_retries_timeout",
        "session_retry_total",
        "session_retry_backoff_factor",
        "session_retry_statuses",
    }
)


WRONG = AccountMismatch(
    "wrong_account",
    "Sesi ini milik akun Instagram lain; sambungkan ulang akun yang benar.",
    "This session belongs to another Instagram account; reconnect the right one.",
)


class InstagramConnector:
    """Publishes to Instagram through instagrapi; see module docstring."""

    platform = "instagram"
    limits = Limits(
        max_text=CAPTION_LIMIT,
        text_counting="unicode-codepoints",
        max_media=10,
        max_images=10,
        max_videos=1,
        mixed_media=False,
        image_types=("image/jpeg", "image/png", "image/webp"),
        video_types=("video/mp4",),
        image_max_bytes=media_prep.IG_IMAGE_MAX_BYTES,
        video_max_bytes=media_prep.IG_VIDEO_MAX_BYTES,
        min_aspect=media_prep.IG_MIN_ASPECT,
        max_aspect=media_prep.IG_MAX_ASPECT,
        max_image_side=media_prep.IG_MAX_SIDE,
        max_hashtags=HASHTAG_LIMIT,
        requires_media=True,
        supports_link=False,
    )

    def __init__(
        self, *, timeouts: Timeouts = Timeouts(), now: Callable[[], datetime] = utcnow, sandbox_url: str | None = None
    ) -> None:
        self.timeouts = timeouts
        self.sandbox_url = sandbox_origin(sandbox_url)  # the site's sandbox, for training accounts
        self._now = now
        self._map = ErrorMapper(self.platform, ERRORS, now)
        self._clients: ClientCache[Client] = ClientCache(self._new_client, _close_client)

    # ------------------------------------------------------------------ plumbing
    def _client(self, account: AccountRef) -> Client:
        """The account's cached client (connectors/clients.py): one session per account and thread."""
        return self._clients.get(account)

    def _new_client(self, account: AccountRef) -> Client:
        target = destination(account, self.sandbox_url)
        register_credentials(account.credentials)
        settings = account.credentials.get("settings")
        if not isinstance(settings, dict) or not settings:
            account.credential("settings")  # raises AuthExpired: nothing to resume
        # The session resumes from the stored settings, but how it talks to Instagram
        # (TLS checks, transports, retries, waits) is the connector's choice, never the stored one's.
        resumed = {k: v for k, v in (settings or {}).items() if k not in TRANSPORT_SETTINGS}
        cl = Client(
            settings=resumed,
            with_challenge_flow=False,  # a challenge raises instead of calling input()
            request_timeout=0 if account.sandbox else 1,  # instagrapi sleeps this long before each request
            delay_range=None,
        )
        cl.challenge_code_handler = _refuse_interaction
        cl.change_password_handler = _refuse_interaction
        for session in (cl.private, cl.public, cl.graphql):
            mount_transport(session, INSTAGRAM_ORIGINS, sandbox_base_url=target, timeouts=self.timeouts)
        return cl

    def _classify(self, exc: BaseException, create: bool) -> ConnectorError:
        """The connector's classifier for ``calls.call``: the facts of ``exc``, through the table."""
        return self._map(failure(exc, create))

    def _run(self, account: AccountRef, cl: Client, fn: Callable[[], T], *, create: bool) -> T:
        """Run ``fn`` (``calls.call``); on a dead session log in afresh once (reads are then repeated once).

        A create that met a dead session was refused by Instagram (nothing
        applied): after renewing the session it raises Transient so the
        scheduler retries with the new session -- the create itself is never
        re-sent from here.
        """
        try:
            return call(fn, self._classify, create=create, unclassified=(ig.LoginRequired,))
        except ig.LoginRequired:
            self._relogin(account, cl)
            if create:
                raise Transient(
                    "Sesi Instagram diperbarui; postingan akan dikirim ulang.",
                    "The Instagram session was renewed; the post will be sent again.",
                    code="session_renewed",
                    platform=self.platform,
                ) from None
        return call(fn, self._classify, create=False)

    def _relogin(self, account: AccountRef, cl: Client) -> None:
        """Fresh username/password login; hand the new settings back to be stored."""
        username = account.credential("username")
        password = account.credential("password")
        try:
            cl.login_legacy(username, password, relogin=True)
        except Exception as exc:
            # The failed login cleared the client's session and counted an attempt: never reuse it.
            self._clients.discard(account)
            error = classified(exc, self._classify, create=False)
            if isinstance(error, (Transient, Ambiguous, RateLimited)):
                raise error from None
            raise AuthExpired(
                error.message_id if isinstance(error, AuthExpired) else AuthExpired.default_message_id,
                error.message_en if isinstance(error, AuthExpired) else AuthExpired.default_message_en,
                code=error.code,
                platform=self.platform,
                detail=error.detail,
            ) from None
        _mirror_session_cookies(cl)
        renewed = dict(account.credentials)
        renewed["settings"] = cl.get_settings()
        register_credentials(renewed)
        # The logged-in client serves the renewed credentials (another digest); the old
        # credentials no longer get it (they rebuild from their dead session).
        self._clients.rekey(account, replace(account, credentials=renewed))
        log.info("instagram session renewed for %s", account.handle)
        account.credentials_changed(renewed)

    @staticmethod
    def _user_id(account: AccountRef, cl: Client) -> str:
        return str(account.credentials.get("user_id") or cl.user_id or account.credential("user_id"))

    @staticmethod
    def permalink(code: str) -> str:
        return f"https://www.instagram.com/p/{code}/"

    # ------------------------------------------------------------------ contract
    def validate(self, content: Content) -> list[Problem]:
        """Instagram needs media (no text-only posts); caption length and hashtags; carousel 2..10."""
        problems: list[Problem] = []
        caption = with_link(content)
        if not content.media:
            problems.append(
                Problem(
                    "media_required",
                    "Instagram memerlukan minimal satu foto atau video.",
                    "Instagram needs at least one photo or video.",
                    "media",
                )
            )
        if len(caption) > CAPTION_LIMIT:
            problems.append(
                Problem(
                    "text_too_long",
                    f"Keterangan melebihi {CAPTION_LIMIT} karakter.",
                    f"The caption exceeds {CAPTION_LIMIT} characters.",
                )
            )
        problems.extend(hashtag_problems(caption, self.limits))
        problems.extend(media_problems(content, self.limits))
        return problems

    @drops_client_on_failure
    def publish(self, account: AccountRef, content: Content) -> PublishResult:
        """Photo, carousel (2-10 photos) or video; the one configure call is the create."""
        reject_if_invalid(self.validate(content), self.platform)
        cl = self._client(account)
        caption = with_link(content)
        with TemporaryDirectory(prefix="siar-ig-") as tmp_name:
            tmp = Path(tmp_name)
            if content.videos:
                upload = self._upload_video(account, cl, content, tmp)
                configure = partial(cl.video_configure, *upload, caption)
            elif len(content.images) == 1:
                upload = self._upload_photo(account, cl, content.images[0].path, tmp, to_album=False)
                configure = partial(cl.photo_configure, *upload, caption)
            else:
                children = [self._album_child(account, cl, item.path, tmp) for item in content.images]
                configure = partial(cl.album_configure, children, caption)
            configured = self._run(account, cl, configure, create=True)
        media = configured.get("media") if isinstance(configured, dict) else None
        if not media:
            raise Ambiguous(
                code="no_media_in_answer", platform=self.platform, detail="configure answered without a media object"
            )
        parsed = extract_media_v1(media)
        return PublishResult(str(parsed.id), self.permalink(parsed.code), parsed.taken_at or self._now())

    def _upload_photo(
        self, account: AccountRef, cl: Client, path: Path, tmp: Path, *, to_album: bool
    ) -> tuple[str, int, int]:
        prepared = media_prep.prepare_image(path, self.platform, tmp)
        send = partial(rupload, partial(cl.photo_rupload, prepared.path, to_album=to_album), ig.PhotoNotUpload)
        upload: tuple[str, int, int] = self._run(account, cl, send, create=False)
        return upload

    def _album_child(self, account: AccountRef, cl: Client, path: Path, tmp: Path) -> dict[str, Any]:
        upload_id, width, height = self._upload_photo(account, cl, path, tmp, to_album=True)
        # The child shape instagrapi's own album_upload builds for a photo.
        return {
            "upload_id": upload_id,
            "edits": dumps({"crop_original_size": [width, height], "crop_center": [0.0, -0.0], "crop_zoom": 1.0}),
            "extra": dumps({"source_width": width, "source_height": height}),
            "scene_capture_type": "",
            "scene_type": None,
        }

    def _upload_video(self, account: AccountRef, cl: Client, content: Content, tmp: Path) -> tuple[Any, ...]:
        item = content.videos[0]
        video = media_prep.check_video(item.path, self.platform)
        if item.thumbnail is not None:
            thumb = media_prep.prepare_image(item.thumbnail, self.platform, tmp / "thumb").path
        else:
            # No ffmpeg to grab a frame: a plain generated cover (say so in docs/connectors.md).
            thumb = media_prep.placeholder_thumbnail(tmp / "cover.jpg")
        send = partial(rupload, partial(cl.video_rupload, video.path, thumb), ig.VideoNotUpload)
        upload_id, width, height, duration, thumbnail = self._run(account, cl, send, create=False)
        return upload_id, width, height, duration, thumbnail

    @drops_client_on_failure
    def find_recent(self, account: AccountRef, since: datetime) -> list[RemotePost]:
        """The account's feed items taken at or after ``since`` (user_medias_v1)."""
        cl = self._client(account)
        medias = self._run(account, cl, lambda: _feed(cl, self._user_id(account, cl), FEED_PAGE), create=False)
        since_utc = since.astimezone(UTC)
        return [
            RemotePost(
                str(m.id), m.caption_text or "", m.taken_at, self.permalink(m.code), max(1, len(m.resources or []))
            )
            for m in medias
            if m.taken_at is None or m.taken_at.astimezone(UTC) >= since_utc
        ]

    @drops_client_on_failure
    def fetch_metrics(self, account: AccountRef, remote_ids: list[str]) -> dict[str, Metrics | Missing]:
        """Counts from the account feed (one paginated read), matched by media id or pk."""
        cl = self._client(account)
        wanted = list(dict.fromkeys(remote_ids))
        amount = max(FEED_PAGE, len(wanted))
        medias = self._run(account, cl, lambda: _feed(cl, self._user_id(account, cl), amount), create=False)
        by_id: dict[str, Any] = {}
        for m in medias:
            by_id[str(m.id)] = m
            by_id[str(m.pk)] = m
        result: dict[str, Metrics | Missing] = {}
        for rid in wanted:
            m = by_id.get(rid) or by_id.get(rid.split("_")[0])
            if m is None:
                result[rid] = Missing(rid)
                continue
            views = m.play_count if m.play_count is not None else m.view_count
            result[rid] = Metrics(
                likes=int(m.like_count or 0),
                comments=int(m.comment_count or 0),
                shares=0,
                views=int(views) if views is not None else None,
                raw={
                    "like_count": m.like_count,
                    "comment_count": m.comment_count,
                    "play_count": m.play_count,
                    "view_count": m.view_count,
                },
            )
        return result

    @drops_client_on_failure
    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Delete a media; one already gone is fine."""
        cl = self._client(account)
        try:
            self._run(account, cl, lambda: _delete(cl, remote_id), create=False)
        except Rejected as error:
            if error.code not in ("rejected",):
                raise

    @drops_client_on_failure
    def check(self, account: AccountRef) -> AccountCheck:
        """Resume the session and read the account (renews the session if it is dead)."""
        return account_check(self.platform, account, partial(self._me, account), stored_id(account, "user_id"), WRONG)

    def _me(self, account: AccountRef) -> str:
        cl = self._client(account)
        return str(self._run(account, cl, cl.account_info, create=False).pk)


def _close_client(cl: Client) -> None:
    cl.private.close()
    cl.public.close()


def _mirror_session_cookies(cl: Client) -> None:
    """After a fresh login, also carry the session as cookies.

    A header-based login (``ig-set-authorization``) leaves the cookie jar
    without ``sessionid``, but ``video_rupload`` sends no Authorization header
    and authenticates by cookie only; without this every later video upload
    would meet "login_required" and log in again.
    """
    auth = cl.authorization_data or {}
    for name in ("sessionid", "ds_user_id"):
        if auth.get(name) and not cl.private.cookies.get(name):
            cl.private.cookies.set(name, str(auth[name]))


def _feed(cl: Client, user_id: str, amount: int) -> list[Any]:
    """The account feed (GET feed/user/{id}/), page by page, as instagrapi's Media objects.

    instagrapi's ``user_medias_v1``/``user_medias_paginated_v1`` log and
    swallow non-PrivateError failures (a 5xx, a dropped connection) and return
    an empty page -- which would tell reconciliation "not published". So the
    same endpoint is read with ``private_request``, which raises.
    """
    medias: list[Any] = []
    cursor = ""
    while True:
        answer = cl.private_request(
            f"feed/user/{int(user_id)}/",
            params={"max_id": cursor, "count": amount, "rank_token": cl.rank_token, "ranked_content": "true"},
        )
        medias.extend(extract_media_v1(item) for item in answer.get("items", []))
        cursor = answer.get("next_max_id") or ""
        if not cursor or not answer.get("more_available", True) or len(medias) >= amount:
            return medias[:amount]


def _delete(cl: Client, remote_id: str) -> None:
    try:
        cl.media_delete(remote_id)
    except (ig.MediaNotFound, ig.MediaUnavailable, ig.ClientNotFoundError, ig.InvalidMediaId):
        return


def _refuse_interaction(*args: Any, **kwargs: Any) -> str:
    """Installed as instagrapi's challenge/password handlers: a worker never asks a human."""
    raise ig.ChallengeRequired("interactive verification required")
