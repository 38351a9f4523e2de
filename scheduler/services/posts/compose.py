"""A post's life before publishing: compose, edit, submit, approve, reject, cancel.

Each function opens its own unit of work, checks everything first (role,
tenancy, content against every target platform, schedule), and only then
changes state, writes an audit event and commits; any refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduler.domain import input_checks as checks
from scheduler.domain import states
from scheduler.domain.errors import Conflict, IllegalTransition, InvalidInput, NotAllowed, Problem
from scheduler.domain.model import (
    MediaAsset,
    Post,
    PostTarget,
    ReviewState,
    Role,
    ScheduleKind,
    SocialAccount,
    SubjectKind,
    TargetState,
)
from scheduler.domain.rules import MediaInfo, check_content
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import (
    Cap,
    authorize,
    authorize_post_change,
    authorize_review,
    not_found,
)
from scheduler.services.posts import scheduling
from scheduler.services.posts.scheduling import ScheduleIntent

MAX_TEXT = 20_000  # far above every platform; the per-platform limit is checked by the rules
MAX_TAGS = 30
#: A target in one of these states has been claimed: its content can no longer change.
CLAIMED_STATES = frozenset({TargetState.QUEUED, TargetState.PUBLISHING, TargetState.PUBLISHED, TargetState.UNKNOWN})
#: Canceling a post cancels its targets in these states; the others keep their state.
CANCELABLE_STATES = frozenset(
    {TargetState.PENDING, TargetState.SCHEDULED, TargetState.RETRY_WAIT, TargetState.NEEDS_RECONNECT}
)


@dataclass(frozen=True)
class TargetSpec:
    """One account to publish on, optionally with its own text."""

    account_id: int
    text: str | None = None


@dataclass(frozen=True)
class SubjectRef:
    """What the post promotes: a UMKM product or a destination."""

    kind: SubjectKind
    id: int


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# -- checks shared by compose and edit ---------------------------------------


def _target_specs(raw: Iterable[TargetSpec | Mapping[str, Any] | int]) -> list[TargetSpec]:
    specs: list[TargetSpec] = []
    for item in raw:
        if isinstance(item, TargetSpec):
            specs.append(item)
        elif isinstance(item, int):
            specs.append(TargetSpec(item))
        elif isinstance(item, Mapping) and isinstance(item.get("account_id"), int):
            specs.append(TargetSpec(item["account_id"], item.get("text")))
        else:
            raise checks.invalid(
                "targets", "invalid_target", "Tujuan unggahan tidak sah.", "A post target is not valid."
            )
    if not specs:
        raise checks.invalid(
            "targets",
            "targets_required",
            "Pilih minimal satu akun media sosial.",
            "Choose at least one social account.",
        )
    if len({s.account_id for s in specs}) != len(specs):
        raise checks.invalid(
            "targets",
            "duplicate_target",
            "Satu akun hanya boleh dipilih sekali.",
            "Each account can be chosen only once.",
        )
    return specs


def _accounts(uow: AbstractUnitOfWork, kim_id: int, specs: list[TargetSpec]) -> dict[int, SocialAccount]:
    found: dict[int, SocialAccount] = {}
    for spec in specs:
        account = uow.accounts.get(spec.account_id)
        if account is None or account.kim_id != kim_id:  # another KIM's account: not found
            raise not_found("account", "targets")
        found[spec.account_id] = account
    return found


def _media(uow: AbstractUnitOfWork, kim_id: int, media_ids: Sequence[int]) -> list[MediaAsset]:
    ids = list(media_ids)
    if len(set(ids)) != len(ids):
        raise checks.invalid(
            "media_ids", "duplicate_media", "Media yang sama dilampirkan dua kali.", "The same media is attached twice."
        )
    by_id = {m.id: m for m in uow.media.get_many(ids)}
    for media_id in ids:
        asset = by_id.get(media_id)
        if asset is None or asset.kim_id != kim_id:
            raise not_found("media", "media_ids")
    return [by_id[i] for i in ids]


def _subject(uow: AbstractUnitOfWork, kim_id: int, subject: SubjectRef | None) -> SubjectRef | None:
    if subject is None:
        return None
    kind = SubjectKind(subject.kind)
    if kind == SubjectKind.PRODUCT:
        product = uow.subjects.get_product(subject.id)
        owner = uow.subjects.get_umkm(product.umkm_id) if product else None
        owner_kim = owner.kim_id if owner else None
        exists = owner is not None
    else:
        destination = uow.subjects.get_destination(subject.id)
        owner_kim = destination.kim_id if destination else None
        exists = destination is not None
    # Subjects without a KIM are shared city data; one bound to another KIM is not visible.
    if not exists or (owner_kim is not None and owner_kim != kim_id):
        raise not_found("subject", "subject")
    return SubjectRef(kind, subject.id)


def _tags(tags: Iterable[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        clean = str(tag).strip().lstrip("#").strip()
        if clean and clean.lower() not in (t.lower() for t in out):
            out.append(clean[:100])
    if len(out) > MAX_TAGS:
        raise checks.invalid("tags", "too_many_tags", f"Paling banyak {MAX_TAGS} tag.", f"At most {MAX_TAGS} tags.")
    return out


def _text(text: str | None) -> str:
    value = text if isinstance(text, str) else ""
    if len(value) > MAX_TEXT:
        raise checks.invalid("text", "text_too_long", "Teks terlalu panjang.", "The text is too long.")
    return value


def _check_content(
    targets: Iterable[tuple[PostTarget | TargetSpec, SocialAccount]],
    text: str,
    media: list[MediaAsset],
    as_thread: bool,
) -> list[list[str]]:
    """Every target's text and media against its platform; all errors raised together.

    Returns, target by target, the parts the check counted (an X thread's
    tweets): the target stores exactly these (``PostTarget.thread_parts``).
    """
    infos = [MediaInfo.from_asset(m) for m in media]
    problems: list[Problem] = []
    parts: list[list[str]] = []
    for target, account in targets:
        own = target.text if isinstance(target, TargetSpec) else target.text_override
        checked = check_content(account.platform, own if own is not None else text, infos, as_thread=as_thread)
        problems += checked.problems
        parts.append(list(checked.parts or ()))
    if any(p.is_error for p in problems):
        raise InvalidInput.from_problems(problems)
    return parts


def _require_slots(accounts: Iterable[SocialAccount]) -> None:
    """'Next free slot' needs every chosen account to have posting slots."""
    bare = [f"@{a.handle}" for a in accounts if not a.slots]
    if bare:
        names = ", ".join(bare)
        raise checks.invalid(
            "schedule",
            "no_slots",
            f"Akun {names} belum punya jadwal posting rutin; pilih waktu sendiri.",
            f"Account(s) {names} have no posting slots yet; pick a time instead.",
        )


def _load_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, lock: bool = False) -> Post:
    """A post visible to the actor; ``lock=True`` before changing its or its targets' state."""
    post = uow.posts.get_for_update(post_id) if lock else uow.posts.get(post_id)
    if post is None:
        raise not_found("post", "post")
    authorize(actor, Cap.READ_KIM, post.kim_id, what="post")  # other KIM -> NotFound
    return post


def _loaded(post: Post) -> Post:
    """Touch lazy collections so the post stays readable after the unit of work closes."""
    list(post.media_ids)
    list(post.targets)
    return post


# -- use cases ----------------------------------------------------------------


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
    body = _text(text)
    specs = _target_specs(targets)
    clean_tags = _tags(tags)
    intent = scheduling.check_intent(schedule, now)
    with uow:
        if uow.kims.get(kim_id) is None:
            raise not_found("kim", "kim")
        accounts = _accounts(uow, kim_id, specs)
        media = _media(uow, kim_id, media_ids)
        subject = _subject(uow, kim_id, subject)
        parts = _check_content([(s, accounts[s.account_id]) for s in specs], body, media, as_thread)
        if intent.kind == ScheduleKind.NEXT_SLOT:
            _require_slots(accounts.values())
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
        post.media_ids = [m.id for m in media]
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
        return _loaded(post)


def get_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int) -> Post:
    """A post with its targets, if the actor may see its KIM."""
    with uow:
        return _loaded(_load_post(uow, actor, post_id))


def list_posts(uow: AbstractUnitOfWork, actor: Actor, kim_id: int, state: ReviewState | None = None) -> list[Post]:
    """A KIM's posts (optionally in one review state)."""
    authorize(actor, Cap.READ_KIM, kim_id, what="kim")
    with uow:
        return [_loaded(p) for p in uow.posts.list_by_kim(kim_id, state)]


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
        post = _load_post(uow, actor, post_id, lock=True)
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
        body = _text(text) if text is not UNSET else post.text
        media = (
            _media(uow, post.kim_id, media_ids)
            if media_ids is not UNSET
            else _media(uow, post.kim_id, list(post.media_ids))
        )
        thread = bool(as_thread) if as_thread is not UNSET else post.as_thread
        intent = scheduling.check_intent(schedule, now) if schedule is not UNSET else None
        new_subject = _subject(uow, post.kim_id, subject) if subject not in (UNSET, None) else None
        checked_tags = _tags(tags) if tags is not UNSET else None
        # Validate the content each unclaimed target will publish, as it will be after the edit.
        for account_id, own in overrides.items():
            for target in by_account[account_id]:
                target.text_override = own
        editable = [t for t in live if t.state not in CLAIMED_STATES]
        accounts = {t.account_id: uow.accounts.get(t.account_id) for t in editable}
        parts = _check_content([(t, accounts[t.account_id]) for t in editable], body, media, thread)
        if intent is not None and intent.kind == ScheduleKind.NEXT_SLOT:
            _require_slots(a for a in accounts.values() if a is not None)
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
            post.media_ids = [m.id for m in media]
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
        return _loaded(post)


def submit_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, now: datetime) -> Post:
    """Ask for approval (draft -> pending_approval)."""
    with uow:
        post = _load_post(uow, actor, post_id, lock=True)
        authorize_post_change(actor, post)
        states.review_transition(post, ReviewState.PENDING_APPROVAL, now, actor.user_id)
        audit.record(uow, actor, "post.submit", now, kim_id=post.kim_id, post_id=post.id)
        uow.commit()
        return _loaded(post)


def approve_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, now: datetime) -> Post:
    """Approve a submitted post; its targets become scheduled at their computed instants."""
    with uow:
        post = _load_post(uow, actor, post_id, lock=True)
        kim = uow.kims.get(post.kim_id)
        assert kim is not None
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
        for target in scheduled:
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
                occurrence=target.occurrence,
            )
        uow.commit()
        return _loaded(post)


def reject_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, reason: str, now: datetime) -> Post:
    """Send a submitted post back to its author with a reason."""
    why = checks.required_text(reason, "reason", "Alasan penolakan", "The rejection reason", 1000)
    with uow:
        post = _load_post(uow, actor, post_id, lock=True)
        authorize(actor, Cap.REVIEW_POST, post.kim_id, what="post")
        states.review_transition(post, ReviewState.REJECTED, now, actor.user_id, reason=why)
        audit.record(uow, actor, "post.reject", now, kim_id=post.kim_id, post_id=post.id, reason=why)
        uow.commit()
        return _loaded(post)


def reschedule_post(
    uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, schedule: ScheduleIntent, now: datetime
) -> Post:
    """An admin moves an approved post: unclaimed scheduled targets get new instants.

    Content is unchanged, so no new review; claimed targets keep theirs.
    """
    intent = scheduling.check_intent(schedule, now)
    with uow:
        post = _load_post(uow, actor, post_id, lock=True)
        authorize(actor, Cap.MANAGE_POSTS, post.kim_id, what="post")
        if post.review_state != ReviewState.APPROVED:
            raise IllegalTransition(
                str(post.review_state),
                str(ReviewState.APPROVED),
                code="post_not_approved",
                message_id="Hanya unggahan yang sudah disetujui yang bisa dijadwalkan ulang.",
                message_en="Only an approved post can be rescheduled.",
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
        for target in moved:
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
            )
        uow.commit()
        return _loaded(post)


def cancel_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, now: datetime) -> Post:
    """Cancel a post: targets not yet claimed are canceled, published ones stay.

    KIM admins cancel any post of their KIM; an author may withdraw their own
    post until it is approved.
    """
    with uow:
        post = _load_post(uow, actor, post_id, lock=True)
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
        return _loaded(post)


def retry_target(uow: AbstractUnitOfWork, actor: Actor, target_id: int, *, now: datetime) -> Post:
    """An admin sends a failed target again (after fixing the post or the account).

    It goes to the account's next paced instant from now; the post must be approved.
    """
    with uow:
        target = uow.targets.get(target_id)
        if target is None or target.post_id is None:
            raise not_found("post", "target")
        post = _load_post(uow, actor, target.post_id, lock=True)
        authorize(actor, Cap.MANAGE_POSTS, post.kim_id, what="post")
        target = next(t for t in post.targets if t.id == target_id)
        if post.review_state != ReviewState.APPROVED:
            raise IllegalTransition(
                str(post.review_state),
                str(ReviewState.APPROVED),
                code="post_not_approved",
                message_id="Unggahan ini belum disetujui; setujui dulu sebelum dicoba ulang.",
                message_en="This post is not approved; approve it before retrying.",
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
        return _loaded(post)
