"""A post's review and schedule transitions: submit, approve, reject, reschedule, cancel, retry.

Like :mod:`.compose`: each function opens its own unit of work, checks first (role, tenancy,
the review state machine of :mod:`scheduler.domain.states`), then changes state, writes an
audit event and commits; any refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from scheduler.domain import input_checks as checks
from scheduler.domain import states
from scheduler.domain.errors import IllegalTransition
from scheduler.domain.model import Post, PostTarget, ReviewState, Role, ScheduleKind, TargetState
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, authorize_post_change, authorize_review, not_found
from scheduler.services.posts import scheduling
from scheduler.services.posts.loading import load_post, loaded
from scheduler.services.posts.scheduling import ScheduleIntent

#: Canceling a post cancels its targets in these states; the others keep their state.
CANCELABLE_STATES = frozenset(
    {TargetState.PENDING, TargetState.SCHEDULED, TargetState.RETRY_WAIT, TargetState.NEEDS_RECONNECT}
)


def submit_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, now: datetime) -> Post:
    """Ask for approval (draft -> pending_approval)."""
    with uow:
        post = load_post(uow, actor, post_id, lock=True)
        authorize_post_change(actor, post)
        states.review_transition(post, ReviewState.PENDING_APPROVAL, now, actor.user_id)
        audit.record(uow, actor, "post.submit", now, kim_id=post.kim_id, post_id=post.id)
        uow.commit()
        return loaded(post)


def approve_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, now: datetime) -> Post:
    """Approve a submitted post; its targets become scheduled at their computed instants."""
    with uow:
        post = load_post(uow, actor, post_id, lock=True)
        kim = uow.kims.get(post.kim_id)
        assert kim is not None and kim.id is not None
        admins = len(uow.users.list_by_kim(kim.id, Role.ADMIN))
        authorize_review(actor, post, kim, admins)
        states.review_transition(post, ReviewState.APPROVED, now, actor.user_id)
        for target in post.targets:
            if target.state != TargetState.PENDING:
                continue
            account = uow.accounts.get(target.account_id)
            if account is None or account.kim_id != post.kim_id:
                raise not_found("account", "targets")
        scheduled = scheduling.assign_instants(uow, post, now)
        audit.record(uow, actor, "post.approve", now, kim_id=post.kim_id, post_id=post.id)
        _record_scheduled(uow, actor, post, scheduled, now, with_occurrence=True)
        uow.commit()
        return loaded(post)


def reject_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, reason: str, now: datetime) -> Post:
    """Send a submitted post back to its author with a reason."""
    why = checks.required_text(reason, "reason", "Alasan penolakan", "The rejection reason", 1000)
    with uow:
        post = load_post(uow, actor, post_id, lock=True)
        authorize(actor, Cap.REVIEW_POST, post.kim_id, what="post")
        states.review_transition(post, ReviewState.REJECTED, now, actor.user_id, reason=why)
        audit.record(uow, actor, "post.reject", now, kim_id=post.kim_id, post_id=post.id, reason=why)
        uow.commit()
        return loaded(post)


def reschedule_post(
    uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, schedule: ScheduleIntent, now: datetime
) -> Post:
    """An admin moves an approved post: unclaimed scheduled targets get new instants.

    Content is unchanged, so no new review; claimed targets keep theirs.
    """
    intent = scheduling.check_intent(schedule, now)
    with uow:
        post = load_post(uow, actor, post_id, lock=True)
        authorize(actor, Cap.MANAGE_POSTS, post.kim_id, what="post")
        _require_approved(
            post,
            "Hanya unggahan yang sudah disetujui yang bisa dijadwalkan ulang.",
            "Only an approved post can be rescheduled.",
        )
        if ScheduleKind.RECURRING in (intent.kind, post.schedule_kind):
            raise checks.invalid(
                "schedule",
                "recurring_reschedule",
                "Ubah unggahan berulang lewat sunting, lalu setujui lagi.",
                "Change a recurring post by editing it and approving it again.",
            )
        movable = [t for t in post.targets if t.state == TargetState.SCHEDULED]
        scheduling.apply_intent(post, intent)
        for target in movable:
            states.transition(target, TargetState.PENDING, now)
        moved = scheduling.assign_instants(uow, post, now)
        _record_scheduled(uow, actor, post, moved, now)
        uow.commit()
        return loaded(post)


def cancel_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, now: datetime) -> Post:
    """Cancel a post: targets not yet claimed are canceled, published ones stay.

    KIM admins cancel any post of their KIM; an author may withdraw their own
    post until it is approved.
    """
    with uow:
        post = load_post(uow, actor, post_id, lock=True)
        own_unapproved = post.author_id == actor.user_id and post.review_state in (
            ReviewState.DRAFT,
            ReviewState.PENDING_APPROVAL,
            ReviewState.REJECTED,
        )
        if own_unapproved:
            authorize_post_change(actor, post)
        else:
            authorize(actor, Cap.MANAGE_POSTS, post.kim_id, what="post")
        states.review_transition(post, ReviewState.CANCELED, now, actor.user_id)
        canceled = []
        for target in post.targets:
            if target.state in CANCELABLE_STATES:
                states.cancel(target, now)
                canceled.append(target.id)
        audit.record(
            uow,
            actor,
            "post.cancel",
            now,
            kim_id=post.kim_id,
            post_id=post.id,
            canceled_targets=canceled,
            kept=[f"{t.id}:{t.state}" for t in post.targets if t.id not in canceled],
        )
        uow.commit()
        return loaded(post)


def retry_target(uow: AbstractUnitOfWork, actor: Actor, target_id: int, *, now: datetime) -> Post:
    """An admin sends a failed target again (after fixing the post or the account).

    It goes to the account's next paced instant from now; the post must be approved.
    """
    with uow:
        target = uow.targets.get(target_id)
        if target is None or target.post_id is None:
            raise not_found("post", "target")
        post = load_post(uow, actor, target.post_id, lock=True)
        authorize(actor, Cap.MANAGE_POSTS, post.kim_id, what="post")
        target = next(t for t in post.targets if t.id == target_id)
        _require_approved(
            post,
            "Unggahan ini belum disetujui; setujui dulu sebelum dicoba ulang.",
            "This post is not approved; approve it before retrying.",
        )
        account = uow.accounts.get(target.account_id)
        assert account is not None
        states.transition(target, TargetState.SCHEDULED, now)  # only from failed
        target.scheduled_at = scheduling.paced_instant(uow, account, now, now, exclude=[target])
        target.scheduled_zone = account.timezone
        audit.record(
            uow,
            actor,
            "post.retry",
            now,
            kim_id=post.kim_id,
            post_id=post.id,
            target_id=target.id,
            scheduled_at=target.scheduled_at,
        )
        uow.commit()
        return loaded(post)


def _require_approved(post: Post, message_id: str, message_en: str) -> None:
    """IllegalTransition ``post_not_approved`` unless the post is approved."""
    if post.review_state != ReviewState.APPROVED:
        raise IllegalTransition(
            str(post.review_state),
            str(ReviewState.APPROVED),
            code="post_not_approved",
            message_id=message_id,
            message_en=message_en,
        )


def _record_scheduled(
    uow: AbstractUnitOfWork,
    actor: Actor,
    post: Post,
    targets: Iterable[PostTarget],
    now: datetime,
    *,
    with_occurrence: bool = False,
) -> None:
    """One ``post.schedule`` audit event per target given its instant (approve: with its occurrence)."""
    for target in targets:
        extra = {"occurrence": target.occurrence} if with_occurrence else {}
        audit.record(
            uow,
            actor,
            "post.schedule",
            now,
            kim_id=post.kim_id,
            post_id=post.id,
            target_id=target.id,
            account_id=target.account_id,
            scheduled_at=target.scheduled_at,
            **extra,
        )
