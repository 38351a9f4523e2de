"""Content fingerprints in the pipeline: what was sent, and is this remote post it?

The fingerprints themselves are the domain's (:mod:`scheduler.domain.fingerprint`).
Reconciliation can only compare what a platform lists back: the text (by
``text_fingerprint``) and the number of media. For an X thread the platform
lists the first tweet: its text is the target's first stored part.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scheduler.domain.fingerprint import content_fingerprint, normalize_text, text_fingerprint

if TYPE_CHECKING:
    from connectors.base import RemotePost
    from scheduler.store.publishing.lifecycle import PublishInput

#: A thread's first part must be at least this long to count as a prefix match.
MIN_PREFIX = 20


def of_publish_input(job: PublishInput) -> str:
    """The content fingerprint of what a target sends (text and media hashes, in order)."""
    return content_fingerprint(job.text, [m.content_hash for m in job.media])


def matches(remote: RemotePost, text: str, media_count: int, parts: Sequence[str] = (), thread: bool = False) -> bool:
    """Is ``remote`` the post we sent with ``text`` and ``media_count`` media?

    Same text fingerprint as our whole text or as our first part (``parts``:
    the posts the target publishes, stored with it; an X thread's first
    tweet). For a thread without stored parts (sent before targets kept
    them), a first tweet that is a long-enough prefix of our text. A platform
    that reports a media count must report ours.
    """
    if remote.media_count and media_count and remote.media_count != media_count:
        return False
    theirs_fingerprint = text_fingerprint(remote.text)
    if theirs_fingerprint == text_fingerprint(text):
        return True
    if parts:
        return theirs_fingerprint == text_fingerprint(parts[0])
    ours, theirs = normalize_text(text), normalize_text(remote.text)
    return thread and len(theirs) >= MIN_PREFIX and ours.startswith(theirs.rstrip(".… "))
