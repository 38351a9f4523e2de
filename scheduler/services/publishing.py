"""Start, publish, record: one target, one create call (decision 0002, steps 2-4).

:func:`publish_target` is what the ``siar.publish`` task calls with the ids
of its message. Its three phases never overlap:

1. **start** (one transaction, committed): read the target, post and account
   in one query; ``queued -> publishing`` only if the message's lease token
   still matches, ``attempts + 1`` and the content fingerprint in one
   conditional UPDATE, and the ``PublishAttempt`` row. A stale or duplicate
   message stops here.
2. **publish**: exactly one ``connector.publish`` call, with no database
   transaction open (a slow platform must not hold locks or, on SQLite,
   the only write lock).
3. **record** (one transaction): the outcome, conditional on the lease again.

Outcomes (connectors' taxonomy):

=================  =====================================================
PublishResult      ``published`` with remote id, permalink, published_at
RateLimited        ``retry_wait`` at ``retry_at``; account paused until then
Transient          ``retry_wait`` after jittered exponential backoff;
                   ``failed`` after ``max_attempts``
AuthExpired        ``needs_reconnect``; account ``needs_reconnect`` (its
                   other targets are held at dispatch) + audit event
Rejected           ``failed`` with the platform's message for the member
Ambiguous (or any  ``unknown``: reconcile decides
unexpected error)
=================  =====================================================
"""
from __future__ import annotations

import enum
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Mapping

from connectors.base import (
    AccountRef,
    Ambiguous,
    AuthExpired,
    Content,
    ConnectorError,
    MediaFile,
    PublishResult,
    RateLimited,
    Rejected,
    Transient,
)
from scheduler.domain.model import AccountStatus, AttemptOutcome, TargetState
from scheduler.services import fingerprints
from scheduler.services.pipeline import Pipeline
from scheduler.store import claims

log = logging.getLogger(__name__)
S = TargetState


class Outcome(str, enum.Enum):
    """What :func:`publish_target` did (for logs and tests)."""

    STALE = "stale"                  # lease token did not match: nothing done
    HELD = "held"                    # account not usable: released back to scheduled
    PUBLISHED = "published"
    RETRY_WAIT = "retry_wait"
    FAILED = "failed"
    NEEDS_RECONNECT = "needs_reconnect"
    UNKNOWN = "unknown"
    LOST = "lost"                    # our lease was taken away before we could record


def publish_target(p: Pipeline, target_id: int, lease_token: str) -> Outcome:
    """Publish one claimed target exactly once under ``lease_token``."""
    now = p.now()
    with p.transaction() as conn:
        loaded = claims.read_publish_input(conn, target_id)
        if loaded is None:  # the post was deleted meanwhile (or a foreign message)
            return Outcome.STALE
        job, gate = loaded
        if gate.holds(now):
            # Claimed before the account was flagged or paused: give it back untouched.
            return Outcome.HELD if claims.release(conn, target_id, lease_token, now) else Outcome.STALE
        fingerprint = fingerprints.of_publish_input(job)
        started = claims.start(
            conn, target_id, lease_token, now, p.config.lease_seconds,
            fingerprint=fingerprint if job.content_fingerprint != fingerprint else None,
        )
        if started is None:
            return Outcome.STALE
    # -- committed: the attempt row exists before anything leaves the process --

    result: PublishResult | BaseException
    try:
        account = account_ref(p, job)
        content = content_of(p, job)
        connector = p.connector_for(job.platform)
    except ConnectorError as exc:
        result = exc
    except Exception as exc:  # noqa: BLE001 - nothing was sent yet: safe to retry
        log.exception("target %s: could not prepare the publish", target_id)
        result = Transient(code="prepare_failed", detail=type(exc).__name__)
    else:
        try:
            result = connector.publish(account, content)
        except Exception as exc:  # noqa: BLE001 - every answer is classified in _decide
            result = exc
    return _record(p, started, job, lease_token, result)


def account_ref(p: Pipeline, job: claims.PublishInput) -> AccountRef:
    """The connector's view of the account, with credentials decrypted (never logged)."""
    try:
        credentials: Mapping[str, Any] = p.decrypt(job.credentials_encrypted)
    except Exception:  # noqa: BLE001 - unreadable credentials: the account must be reconnected
        raise AuthExpired(
            "Kredensial akun tidak bisa dibuka; sambungkan ulang akun ini.",
            "The account's credentials cannot be read; reconnect this account.",
            code="credentials_unreadable",
            platform=job.platform,
        ) from None
    creds = dict(credentials.items())
    return AccountRef(
        platform=job.platform,
        handle=job.handle,
        credentials=creds,
        sandbox_base_url=job.sandbox_base_url or creds.get("sandbox_base_url") or None,
        on_credentials_changed=_store_credentials(p, job.account_id),
    )


def _store_credentials(p: Pipeline, account_id: int):  # type: ignore[no-untyped-def]
    """Keep credentials a connector renewed (e.g. a fresh Instagram session), encrypted."""

    def store(new_credentials: dict[str, Any]) -> None:
        if p.encrypt is None:
            log.warning("renewed credentials for account %s not stored: no encryptor", account_id)
            return
        token = p.encrypt(new_credentials)
        with p.transaction() as conn:
            claims.store_credentials(conn, account_id, token)

    return store


def content_of(p: Pipeline, job: claims.PublishInput) -> Content:
    """The connector's Content for a target: its text and the post's media files, in order."""
    media = tuple(
        MediaFile(path=Path(p.media_root) / m.storage_key, kind=m.kind, mime=m.mime_type)  # type: ignore[arg-type]
        for m in job.media
    )
    return Content(text=job.text, media=media, thread=job.as_thread)


def backoff(p: Pipeline, attempt: int) -> timedelta:
    """Full-jitter exponential backoff for the ``attempt``-th failure (1-based)."""
    ceiling = min(p.config.backoff_cap_seconds, p.config.backoff_base_seconds * 2 ** (attempt - 1))
    # Half fixed, half random: spreads a crowd of retries without ever retrying at once.
    return timedelta(seconds=ceiling / 2 + p.rng.uniform(0, ceiling / 2))


def _record(
    p: Pipeline,
    started: claims.Started,
    job: claims.PublishInput,
    lease_token: str,
    result: PublishResult | BaseException,
) -> Outcome:
    now = p.now()
    with p.transaction() as conn:
        outcome, values, attempt_outcome, code, message = _decide(p, started, result, now)
        values["updated_at"] = now
        if not claims.finish(conn, job.target_id, lease_token, values=values):
            # The lease was taken from us (a sweeper, then reconcile). Keep the
            # attempt's answer for the record; reconcile owns the target now.
            claims.finish_attempt(conn, started.attempt_id, now, attempt_outcome, code, message)
            log.warning("target %s: lease lost before recording %s", job.target_id, outcome.value)
            return Outcome.LOST
        claims.finish_attempt(conn, started.attempt_id, now, attempt_outcome, code, message)
        if isinstance(result, RateLimited):
            claims.pause_account(conn, job.account_id, values["next_attempt_at"], message or "")
        elif isinstance(result, AuthExpired):
            if claims.flag_needs_reconnect(conn, job.account_id, message or ""):
                claims.add_audit(
                    conn, now, "account.needs_reconnect", kim_id=job.kim_id,
                    post_id=job.post_id, target_id=job.target_id,
                    detail={"account_id": job.account_id, "platform": job.platform,
                            "code": code},
                )
        elif outcome is Outcome.FAILED:
            claims.add_audit(
                conn, now, "target.failed", kim_id=job.kim_id, post_id=job.post_id,
                target_id=job.target_id, detail={"code": code, "attempt": started.attempt},
            )
    log.info("target %s attempt %s: %s", job.target_id, started.attempt, outcome.value)
    return outcome


def _decide(
    p: Pipeline, started: claims.Started, result: PublishResult | BaseException, now: datetime
) -> tuple[Outcome, dict[str, Any], AttemptOutcome, str | None, str | None]:
    """Map a connector's answer to (outcome, target columns, attempt outcome, code, message)."""
    if isinstance(result, PublishResult):
        return (
            Outcome.PUBLISHED,
            {
                "state": S.PUBLISHED, "remote_id": result.remote_id,
                "permalink": result.permalink, "published_at": result.published_at or now,
                "lease_token": None, "lease_until": None,
                "last_error_code": None, "last_error_message": None,
            },
            AttemptOutcome.PUBLISHED, None, None,
        )
    if not isinstance(result, ConnectorError):
        # A bug or an unmapped library error after the call began: it may have applied.
        log.error("target %s: unexpected %s from connector", started.target_id,
                  type(result).__name__)
        result = Ambiguous(code="unexpected_error", detail=type(result).__name__)
    code, message = result.code, result.message_id
    if isinstance(result, RateLimited):
        retry_at = result.retry_at or now + timedelta(seconds=p.config.rate_limit_default_seconds)
        return (
            Outcome.RETRY_WAIT,
            {"state": S.RETRY_WAIT, "next_attempt_at": max(retry_at, now), "lease_token": None,
             "lease_until": None, "last_error_code": code, "last_error_message": message},
            AttemptOutcome.RATE_LIMITED, code, message,
        )
    if isinstance(result, Transient):
        if started.attempt >= p.config.max_attempts:
            message = (
                f"Gagal terbit setelah {started.attempt} percobaan: {result.message_id}"
            )
            return (
                Outcome.FAILED,
                {"state": S.FAILED, "lease_token": None, "lease_until": None,
                 "last_error_code": "too_many_attempts", "last_error_message": message},
                AttemptOutcome.TRANSIENT, code, message,
            )
        return (
            Outcome.RETRY_WAIT,
            {"state": S.RETRY_WAIT, "next_attempt_at": now + backoff(p, started.attempt),
             "lease_token": None, "lease_until": None,
             "last_error_code": code, "last_error_message": message},
            AttemptOutcome.TRANSIENT, code, message,
        )
    if isinstance(result, AuthExpired):
        return (
            Outcome.NEEDS_RECONNECT,
            {"state": S.NEEDS_RECONNECT, "lease_token": None, "lease_until": None,
             "last_error_code": code, "last_error_message": message},
            AttemptOutcome.AUTH_EXPIRED, code, message,
        )
    if isinstance(result, Rejected):
        return (
            Outcome.FAILED,
            {"state": S.FAILED, "lease_token": None, "lease_until": None,
             "last_error_code": code, "last_error_message": result.user_message},
            AttemptOutcome.REJECTED, code, result.user_message,
        )
    # Ambiguous (or any other taxonomy member): only the platform knows. The
    # lease token stays so reconcile can tie the target to this attempt.
    return (
        Outcome.UNKNOWN,
        {"state": S.UNKNOWN, "lease_until": None,
         "last_error_code": code, "last_error_message": message},
        AttemptOutcome.AMBIGUOUS, code, message,
    )
