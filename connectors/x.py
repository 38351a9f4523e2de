"""X (Twitter) connector: tweepy ``Client`` with OAuth 1.0a user context.

Vendor docs:
- Create a post: https://docs.x.com/x-api/posts/creation-of-a-post
- Media upload (v2, chunked): https://docs.x.com/x-api/media/quickstart/media-upload-chunked
- Lookup (batch of 100 ids): https://docs.x.com/x-api/posts/post-lookup-by-post-ids
- Rate limits: https://docs.x.com/x-api/fundamentals/rate-limits

Quirks (docs/connectors.md): tweepy 4.17 has no v2 media upload, so media go through
``client.session`` signed with tweepy's own OAuth1 handler; ``wait_on_rate_limit``
stays off (it sleeps in the worker); tweet length is weighted (twitter-text).
A thread arrives already split (``Content.thread_parts``) and is posted as given.
"""

from __future__ import annotations

import time
import unicodedata
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import tweepy

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
from connectors.calls import AccountMismatch, account_check, call, stored_id
from connectors.clients import ClientCache, drops_client_on_failure
from connectors.errors import Ambiguous, ConnectorError, ErrorMapper, Transient, utcnow
from connectors.redaction import register_credentials
from connectors.transport import X_ORIGINS, Timeouts, destination, mount_transport, sandbox_origin
from connectors.validation import batches, media_problems, reject_if_invalid, with_link
from connectors.x_errors import ERRORS, ProcessingFailed, UploadFailed, failure

MEDIA_UPLOAD_URL = "https://api.x.com/2/media/upload"
METRICS_BATCH = 100  # GET /2/tweets takes up to 100 ids
TWEET_LIMIT = 280
CHUNK_BYTES = 4 * 1024 * 1024

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, which warns on import (pyproject pins setuptools<81).
    warnings.simplefilter("ignore")
    from twitter_text import parse_tweet


def weighted_length(text: str) -> int:
    """X's weighted length (URLs count 23, CJK and emoji count 2)."""
    return int(parse_tweet(text).weightedLength)


def fits(text: str, limit: int = TWEET_LIMIT) -> bool:
    """``weighted_length(text) <= limit``, without the full parse when a bound settles it.

    twitter-text weighs each code point of the NFC-normalised text at most 2
    and replaces each URL (which always has a dot in its host) by 23, so
    ``2 * len + 23 * dots`` is never below the weighted length. Most posts
    are far below the limit, and the parse (its emoji scan) is the costliest
    step of an X publish after the HTTP call itself.
    """
    normalized = unicodedata.normalize("NFC", text)
    if 2 * len(normalized) + 23 * normalized.count(".") <= limit:
        return True
    return weighted_length(text) <= limit


def tweets_of(content: Content) -> list[str]:
    """The tweets to post: ``content.thread_parts`` as given, else the text (and link) as one.

    The connector never splits a text: the caller hands over the parts it
    validated and showed (Siar: ``scheduler.domain.rules.PlatformRules.parts``).
    """
    return list(content.thread_parts) if content.thread_parts else [with_link(content)]


WRONG = AccountMismatch(
    "wrong_account",
    "Token X milik akun lain; sambungkan ulang akun yang benar.",
    "The X token belongs to another account; reconnect the right one.",
)


class XConnector:
    """Publishes to X through tweepy; see module docstring for the vendor docs."""

    platform = "x"
    limits = Limits(
        max_text=TWEET_LIMIT,
        text_counting="twitter-text-weighted",
        max_media=4,
        max_images=4,
        max_videos=1,
        mixed_media=False,
        image_types=("image/jpeg", "image/png", "image/webp"),
        video_types=("video/mp4",),
        image_max_bytes=media_prep.X_IMAGE_MAX_BYTES,
        video_max_bytes=media_prep.X_VIDEO_MAX_BYTES,
        max_image_side=media_prep.X_MAX_SIDE,
        supports_thread=True,
    )

    def __init__(
        self,
        *,
        timeouts: Timeouts = Timeouts(),
        processing_deadline_s: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = utcnow,
        sandbox_url: str | None = None,
    ) -> None:
        self.timeouts = timeouts
        self.sandbox_url = sandbox_origin(sandbox_url)  # the site's sandbox, for training accounts
        self.processing_deadline_s = processing_deadline_s
        self._sleep = sleep
        self._now = now
        self._map = ErrorMapper(self.platform, ERRORS, now)
        self._clients: ClientCache[tweepy.Client] = ClientCache(self._new_client, _close_client)

    # ------------------------------------------------------------------ plumbing
    def _client(self, account: AccountRef) -> tweepy.Client:
        """The account's cached client (connectors/clients.py): one session per account and thread."""
        return self._clients.get(account)

    def _new_client(self, account: AccountRef) -> tweepy.Client:
        target = destination(account, self.sandbox_url)
        register_credentials(account.credentials)
        client = tweepy.Client(
            consumer_key=account.credential("consumer_key"),
            consumer_secret=account.credential("consumer_secret"),
            access_token=account.credential("access_token"),
            access_token_secret=account.credential("access_token_secret"),
            wait_on_rate_limit=False,  # never sleep in a worker (docs/connectors.md)
        )
        mount_transport(client.session, X_ORIGINS, sandbox_base_url=target, timeouts=self.timeouts)
        return client

    def _classify(self, exc: BaseException, create: bool) -> ConnectorError:
        """The connector's classifier for ``calls.call``: the facts of ``exc``, through the table."""
        return self._map(failure(exc, create))

    @staticmethod
    def _user_id(account: AccountRef) -> str:
        return account.credential("user_id")

    @staticmethod
    def permalink(account: AccountRef, tweet_id: str) -> str:
        return f"https://x.com/{account.handle.lstrip('@')}/status/{tweet_id}"

    # ------------------------------------------------------------------ contract
    def validate(self, content: Content) -> list[Problem]:
        """Check each tweet (weighted length), media count/types/sizes; no I/O beyond file stats."""
        problems: list[Problem] = []
        tweets = tweets_of(content)
        if not any(t.strip() for t in tweets) and not content.media:
            problems.append(Problem("empty", "Postingan X perlu teks atau media.", "An X post needs text or media."))
        if content.thread_parts and content.link and not any(content.link in t for t in tweets):
            problems.append(
                Problem(
                    "link_not_in_thread",
                    "Tautan tidak ada di bagian utas mana pun; masukkan ke teks.",
                    "The link is in no part of the thread; put it in the text.",
                )
            )
        for number, tweet in enumerate(tweets, start=1):
            if fits(tweet):
                continue
            counted = weighted_length(tweet)
            if len(tweets) == 1:
                problems.append(
                    Problem(
                        "text_too_long",
                        f"Teks melebihi {TWEET_LIMIT} karakter X (terhitung {counted}); pendekkan atau jadikan utas.",
                        f"The text exceeds X's {TWEET_LIMIT} characters (counted {counted}); "
                        "shorten it or post it as a thread.",
                    )
                )
            else:
                problems.append(
                    Problem(
                        "text_too_long",
                        f"Bagian utas {number} melebihi {TWEET_LIMIT} karakter X (terhitung {counted}).",
                        f"Part {number} of the thread exceeds X's {TWEET_LIMIT} characters (counted {counted}).",
                    )
                )
        problems.extend(media_problems(content, self.limits))
        return problems

    @drops_client_on_failure
    def publish(self, account: AccountRef, content: Content) -> PublishResult:
        """Upload media, then create the tweet (or the thread's parts, each replying to the previous)."""
        reject_if_invalid(self.validate(content), self.platform)
        client = self._client(account)
        media_ids: list[str] = []
        if content.media:
            with TemporaryDirectory(prefix="siar-x-") as tmp:
                media_ids = call(partial(self._upload_media, client, content, Path(tmp)), self._classify, create=False)
        created: list[str] = []
        for index, part in enumerate(tweets_of(content)):
            send = partial(
                client.create_tweet,
                text=part or None,
                media_ids=media_ids if index == 0 and media_ids else None,
                in_reply_to_tweet_id=created[-1] if created else None,
                user_auth=True,
            )
            try:
                response = call(send, self._classify, create=True)
            except ConnectorError as error:
                if created:
                    # Part of the thread is live: retrying would duplicate it. Reconcile finds it.
                    raise Ambiguous(
                        "Sebagian utas sudah terbit di X; sistem akan mencocokkan postingan.",
                        "Part of the thread is already on X; Siar will reconcile the post.",
                        code="thread_partial",
                        platform=self.platform,
                        detail=error.detail,
                    ) from None
                raise
            created.append(str(response.data["id"]))
        return PublishResult(
            remote_id=created[0],
            permalink=self.permalink(account, created[0]),
            published_at=self._now(),
            part_ids=tuple(created),
        )

    @drops_client_on_failure
    def find_recent(self, account: AccountRef, since: datetime) -> list[RemotePost]:
        """The account's tweets since ``since`` (GET /2/users/{id}/tweets, paginated)."""
        client = self._client(account)
        return call(partial(self._recent, client, account, since), self._classify, create=False)

    def _recent(self, client: tweepy.Client, account: AccountRef, since: datetime) -> list[RemotePost]:
        posts: list[RemotePost] = []
        token: str | None = None
        for _ in range(10):  # at most 1000 tweets: reconciliation looks at a short window
            response = client.get_users_tweets(
                self._user_id(account),
                start_time=since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                max_results=100,
                tweet_fields=["created_at", "attachments"],
                pagination_token=token,
                user_auth=True,
            )
            for tweet in response.data or []:
                attachments = tweet.attachments or {}
                posts.append(
                    RemotePost(
                        remote_id=str(tweet.id),
                        text=tweet.text,
                        created_at=tweet.created_at,
                        permalink=self.permalink(account, str(tweet.id)),
                        media_count=len(attachments.get("media_keys", [])),
                    )
                )
            token = (response.meta or {}).get("next_token")
            if not token:
                break
        return posts

    @drops_client_on_failure
    def fetch_metrics(self, account: AccountRef, remote_ids: list[str]) -> dict[str, Metrics | Missing]:
        """Public metrics, 100 ids per GET /2/tweets; ids in ``errors[]`` come back as Missing."""
        client = self._client(account)
        result: dict[str, Metrics | Missing] = {}
        for batch in batches(list(dict.fromkeys(remote_ids)), METRICS_BATCH):
            read = partial(client.get_tweets, batch, tweet_fields=["public_metrics"], user_auth=True)
            response = call(read, self._classify, create=False)
            for tweet in response.data or []:
                pm = tweet.public_metrics or {}
                result[str(tweet.id)] = Metrics(
                    likes=pm.get("like_count", 0),
                    comments=pm.get("reply_count", 0),
                    shares=pm.get("retweet_count", 0) + pm.get("quote_count", 0),
                    views=pm.get("impression_count"),
                    saves=pm.get("bookmark_count"),
                    raw=dict(pm),
                )
            for error in response.errors or []:
                rid = str(error.get("resource_id") or error.get("value") or "")
                if rid:
                    result[rid] = Missing(rid, str(error.get("title", "not_found")))
            for rid in batch:
                result.setdefault(rid, Missing(rid))
        return result

    @drops_client_on_failure
    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Delete a tweet; an already deleted tweet is fine."""
        client = self._client(account)
        call(partial(_delete_tweet, client, remote_id), self._classify, create=False)

    @drops_client_on_failure
    def check(self, account: AccountRef) -> AccountCheck:
        """Verify the credentials with GET /2/users/me."""
        return account_check(self.platform, account, partial(self._me, account), stored_id(account, "user_id"), WRONG)

    def _me(self, account: AccountRef) -> str:
        return call(lambda: str(self._client(account).get_me(user_auth=True).data["id"]), self._classify, create=False)

    # ------------------------------------------------------------------ media
    def _upload_media(self, client: tweepy.Client, content: Content, tmp: Path) -> list[str]:
        ids: list[str] = []
        for item in content.media:
            if item.kind == "image":
                prepared = media_prep.prepare_image(item.path, self.platform, tmp)
                ids.append(self._upload_image(client, prepared.path))
            else:
                prepared = media_prep.check_video(item.path, self.platform)
                ids.append(self._upload_video(client, prepared.path, prepared.size_bytes))
        return ids

    def _auth(self, client: tweepy.Client) -> Any:
        # tweepy's own OAuth1 handler, exactly as Client.request builds it.
        return tweepy.OAuth1UserHandler(
            client.consumer_key, client.consumer_secret, client.access_token, client.access_token_secret
        ).apply_auth()

    def _post(self, client: tweepy.Client, url: str, **kwargs: Any) -> dict[str, Any]:
        response = client.session.post(url, auth=self._auth(client), **kwargs)
        if not 200 <= response.status_code < 300:
            raise UploadFailed(response)
        return response.json() if response.content else {}

    def _upload_image(self, client: tweepy.Client, path: Path) -> str:
        """One-shot v2 upload (multipart ``media``)."""
        with open(path, "rb") as fh:
            body = self._post(
                client,
                MEDIA_UPLOAD_URL,
                files={"media": (path.name, fh, "image/jpeg")},
                data={"media_category": "tweet_image", "media_type": "image/jpeg"},
            )
        return str(body["data"]["id"])

    def _upload_video(self, client: tweepy.Client, path: Path, size: int) -> str:
        """Chunked v2 upload: initialize, append chunks, finalize, then poll while processing."""
        init = self._post(
            client,
            f"{MEDIA_UPLOAD_URL}/initialize",
            json={
                "media_type": "video/mp4",
                "total_bytes": size,
                "media_category": "tweet_video",
            },
        )
        media_id = str(init["data"]["id"])
        with open(path, "rb") as fh:
            for index, chunk in enumerate(iter(lambda: fh.read(CHUNK_BYTES), b"")):
                self._post(
                    client,
                    f"{MEDIA_UPLOAD_URL}/{media_id}/append",
                    files={"media": ("chunk", chunk, "application/octet-stream")},
                    data={"segment_index": str(index)},
                )
        final = self._post(client, f"{MEDIA_UPLOAD_URL}/{media_id}/finalize")
        self._wait_processed(client, media_id, (final.get("data") or {}).get("processing_info"))
        return media_id

    def _wait_processed(self, client: tweepy.Client, media_id: str, info: dict[str, Any] | None) -> None:
        deadline = time.monotonic() + self.processing_deadline_s
        while info and info.get("state") in ("pending", "in_progress"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Transient(
                    "X belum selesai memproses video; akan dicoba lagi.",
                    "X has not finished processing the video; it will be retried.",
                    code="media_processing_timeout",
                    platform=self.platform,
                )
            self._sleep(min(float(info.get("check_after_secs") or 1), remaining))
            response = client.session.get(
                MEDIA_UPLOAD_URL,
                params={"command": "STATUS", "media_id": media_id},
                auth=self._auth(client),
            )
            if not 200 <= response.status_code < 300:
                raise UploadFailed(response)
            info = (response.json().get("data") or {}).get("processing_info")
        if info and info.get("state") == "failed":
            raise ProcessingFailed()


def _delete_tweet(client: tweepy.Client, remote_id: str) -> None:
    try:
        client.delete_tweet(remote_id, user_auth=True)
    except tweepy.NotFound:
        return


def _close_client(client: tweepy.Client) -> None:
    client.session.close()
