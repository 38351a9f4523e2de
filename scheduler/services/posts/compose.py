"""Writing a post: compose a draft (and submit it), edit it, read it back.

Each function opens its own unit of work, checks everything first (role,
tenancy, content against every target platform, schedule), and only then
changes state, writes an audit event and commits; any refusal writes nothing.
The content checks are :mod:`.content`'s; the review and schedule transitions
(submit, approve, reject, reschedule, cancel, retry) are :mod:`.review`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from scheduler.domain import states
from scheduler.domain.errors import Conflict, NotAllowed
from scheduler.domain.model import Post, PostTarget, ReviewState, ScheduleKind, SocialAccount, TargetState
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, authorize_post_change, not_found
from scheduler.services.posts import scheduling
from scheduler.services.posts.content import (
    UNSET,
    SubjectRef,
    TargetSpec,
    accounts_of,
    check_targets,
    clean_text,
    ids_of_media,
    media_of,
    normal_tags,
    require_slots,
    subject_of,
    target_specs,
)
from scheduler.services.posts.loading import load_post, loaded
from scheduler.services.posts.scheduling import ScheduleIntent

#: A target in one of these states has been claimed: its content can no longer change.
CLAIMED_STATES = frozenset({TargetState.QUEUED, TargetState.PUBLISHING, TargetState.PUBLISHED, TargetState.UNKNOWN})


def compose_post(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kim_id: int,
    text: str,
    targets: Iterable[TargetSpec | Mapping[str, Any] | int],
    schedule: ScheduleIntent,
    now: datetime,
    media_ids: Sequence[int] = (),
    tags: Iterable[str] = (),
    subject: SubjectRef | None = None,
    as_thread: bool = False,
    submit: bool = False,
) -> Post:
    """Write a draft post with one target per account (``submit=True``: and submit it)."""
    authorize(actor, Cap.WRITE_POST, kim_id, what="kim")
    if actor.user_id is None:
        raise NotAllowed("author_required", "Unggahan harus punya penulis.", "A post needs an author.")
    body = clean_text(text)
    specs = target_specs(targets)
    clean_tags = normal_tags(tags)
    intent = scheduling.check_intent(schedule, now)
    with uow:
        if uow.kims.get(kim_id) is None:
            raise not_found("kim", "kim")
        accounts = accounts_of(uow, kim_id, specs)
        media = media_of(uow, kim_id, media_ids)
        subject = subject_of(uow, kim_id, subject)
        parts = check_targets([(s, accounts[s.account_id]) for s in specs], body, media, as_thread)
        if intent.kind == ScheduleKind.NEXT_SLOT:
            require_slots(accounts.values())
        post = Post(
            kim_id=kim_id,
            author_id=actor.user_id,
            text=body,
            tags=clean_tags,
            subject_kind=subject.kind if subject else None,
            subject_id=subject.id if subject else None,
            as_thread=as_thread,
            created_at=now,
            updated_at=now,
        )
        scheduling.apply_intent(post, intent)
        post = uow.posts.add(post)
        post.media_ids = ids_of_media(media)
        for spec, own_parts in zip(specs, parts, strict=True):
            post.targets.append(
                PostTarget(
                    account_id=spec.account_id,
                    text_override=spec.text,
                    thread_parts=own_parts,
                    scheduled_at=scheduling.provisional_instant(intent),
                    scheduled_zone=intent.zone,
                    created_at=now,
                    updated_at=now,
                )
            )
        uow.flush()
        audit.record(
            uow,
            actor,
            "post.create",
            now,
            kim_id=kim_id,
            post_id=post.id,
            targets=[s.account_id for s in specs],
            media=len(media),
            schedule=str(intent.kind),
        )
        if submit:
            states.review_transition(post, ReviewState.PENDING_APPROVAL, now, actor.user_id)
            audit.record(uow, actor, "post.submit", now, kim_id=kim_id, post_id=post.id)
        uow.commit()
        return loaded(post)


def get_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int) -> Post:
    """A post with its targets, if the actor may see its KIM."""
    with uow:
        return loaded(load_post(uow, actor, post_id))


def list_posts(uow: AbstractUnitOfWork, actor: Actor, kim_id: int, state: ReviewState | None = None) -> list[Post]:
    """A KIM's posts (optionally in one review state)."""
    authorize(actor, Cap.READ_KIM, kim_id, what="kim")
    with uow:
        return [loaded(p) for p in uow.posts.list_by_kim(kim_id, state)]


def edit_post(
    uow: AbstractUnitOfWork,
    actor: Actor,
    post_id: int,
    *,
    now: datetime,
    text: str = UNSET,
    media_ids: Sequence[int] = UNSET,
    tags: Iterable[str] = UNSET,
    subject: SubjectRef | None = UNSET,
    as_thread: bool = UNSET,
    schedule: ScheduleIntent = UNSET,
    target_texts: Mapping[int, str | None] = UNSET,
) -> Post:
    """Change a post's content or schedule while none of the affected targets is claimed.

    Any target queued, publishing, published or unknown blocks changes of the
    shared content (Conflict); ``target_texts`` (account id -> own text) only
    needs that one target unclaimed. An approved post goes back to draft (its
    scheduled targets to pending): changed content must be reviewed again.
    """
    with uow:
        post = load_post(uow, actor, post_id, lock=True)
        authorize_post_change(actor, post)
        if post.review_state == ReviewState.CANCELED:
            raise Conflict(
                "post_canceled", "Unggahan ini sudah dibatalkan.", "This post has been canceled.", field="post"
            )
        shared_change = any(v is not UNSET for v in (text, media_ids, as_thread, schedule))
        live = [t for t in post.targets if t.state != TargetState.CANCELED]
        claimed = [t for t in live if t.state in CLAIMED_STATES]
        if shared_change and claimed:
            raise Conflict(
                "post_claimed",
                "Unggahan ini sudah mulai diterbitkan; isinya tidak bisa diubah lagi.",
                "Publishing of this post has started; its content can no longer change.",
                field="text",
            )
        overrides = dict(target_texts) if target_texts is not UNSET else {}
        by_account: dict[int, list[PostTarget]] = {}
        for t in live:  # a recurring post has one target per account and occurrence
            by_account.setdefault(t.account_id, []).append(t)
        for account_id in overrides:
            if account_id not in by_account:
                raise not_found("account", "targets")
            if any(t.state in CLAIMED_STATES for t in by_account[account_id]):
                raise Conflict(
                    "target_claimed",
                    "Unggahan di akun ini sudah mulai diterbitkan.",
                    "Publishing on this account has started.",
                    field="targets",
                )
        if post.review_state == ReviewState.APPROVED and any(
            t.state in (TargetState.RETRY_WAIT, TargetState.NEEDS_RECONNECT) for t in live
        ):
            raise Conflict(
                "target_waiting",
                "Ada akun yang sedang menunggu dicoba ulang; batalkan dulu atau tunggu.",
                "An account is waiting to retry; cancel it first or wait.",
                field="targets",
            )
        body = clean_text(text) if text is not UNSET else post.text
        media = (
            media_of(uow, post.kim_id, media_ids)
            if media_ids is not UNSET
            else media_of(uow, post.kim_id, list(post.media_ids))
        )
        thread = bool(as_thread) if as_thread is not UNSET else post.as_thread
        intent = scheduling.check_intent(schedule, now) if schedule is not UNSET else None
        new_subject = subject_of(uow, post.kim_id, subject) if subject not in (UNSET, None) else None
        checked_tags = normal_tags(tags) if tags is not UNSET else None
        # Validate the content each unclaimed target will publish, as it will be after the edit.
        for account_id, own in overrides.items():
            for target in by_account[account_id]:
                target.text_override = own
        editable = [t for t in live if t.state not in CLAIMED_STATES]
        accounts = {t.account_id: uow.accounts.get(t.account_id) for t in editable}
        parts = check_targets([(t, _stored(accounts[t.account_id])) for t in editable], body, media, thread)
        if intent is not None and intent.kind == ScheduleKind.NEXT_SLOT:
            require_slots(a for a in accounts.values() if a is not None)
        # -- all checks passed: change the post
        changed = [
            name
            for name, value in (
                ("text", text),
                ("media_ids", media_ids),
                ("tags", tags),
                ("subject", subject),
                ("as_thread", as_thread),
                ("schedule", schedule),
                ("target_texts", target_texts),
            )
            if value is not UNSET
        ]
        post.text = body
        post.as_thread = thread
        for target, own_parts in zip(editable, parts, strict=True):
            target.thread_parts = own_parts
        if media_ids is not UNSET:
            post.media_ids = ids_of_media(media)
        if checked_tags is not None:
            post.tags = checked_tags
        if subject is not UNSET:
            post.subject_kind = new_subject.kind if new_subject else None
            post.subject_id = new_subject.id if new_subject else None
        if post.review_state in (ReviewState.APPROVED, ReviewState.REJECTED):
            states.review_transition(post, ReviewState.DRAFT, now, actor.user_id)
            for target in live:
                if target.state == TargetState.SCHEDULED:
                    states.transition(target, TargetState.PENDING, now)
        if intent is not None:
            scheduling.apply_intent(post, intent)
            for target in live:
                if target.state == TargetState.PENDING:
                    target.scheduled_at = scheduling.provisional_instant(intent)
                    target.scheduled_zone = intent.zone
        post.updated_at = now
        audit.record(
            uow,
            actor,
            "post.edit",
            now,
            kim_id=post.kim_id,
            post_id=post.id,
            changed=changed,
            review_state=str(post.review_state),
        )
        uow.commit()
        return loaded(post)


def _stored(account: SocialAccount | None) -> SocialAccount:
    """A target's account: it exists, the target's foreign key points at it."""
    assert account is not None
    return account
