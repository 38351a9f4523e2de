"""Posts: compose, read, list, edit, the review steps, and live validation."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from scheduler.domain.errors import DomainError
from scheduler.domain.model import Post, PostTarget, PublishAttempt, ReviewState, SubjectKind, TargetState
from scheduler.services.people.authz import Cap
from scheduler.services.posts import compose as posts
from scheduler.services.posts import draft_check as post_validation
from scheduler.services.posts import queries as post_queries
from scheduler.services.posts import review
from scheduler.services.posts.content import UNSET, SubjectRef, TargetSpec
from scheduler.web.api.kims import resolve_kim_id
from scheduler.web.api.schedule_input import ScheduleIn, to_intent
from scheduler.web.dates import IsoInstant
from scheduler.web.deps import ActorDep, LanguageDep, NowDep, UowDep, only
from scheduler.web.schemas import (
    KIM_FILTER,
    KIM_TO_ACT_IN,
    MAX_PAGE,
    PAGE_DOC,
    Flag,
    Id,
    IdPath,
    InputModel,
    OutputModel,
    Page,
)

router = APIRouter(prefix="/posts", tags=["posts"])


# -- input ---------------------------------------------------------------------


class SubjectIn(InputModel):
    kind: Literal["product", "destination"]
    id: Id


class TargetIn(InputModel):
    account_id: Id
    text: str | None = Field(default=None, max_length=20_000)


class PostIn(InputModel):
    kim: Id | str | None = Field(default=None, description=KIM_TO_ACT_IN)
    text: str = Field(max_length=20_000)
    media_ids: list[Id] = Field(default_factory=list, max_length=20)
    tags: list[str] = Field(default_factory=list, max_length=30)
    subject: SubjectIn | None = None
    targets: list[TargetIn] = Field(min_length=1, max_length=20)
    schedule: ScheduleIn
    as_thread: Flag = False
    submit: Flag = Field(default=False, description="Submit for approval right away")


class PostPatch(InputModel):
    text: str | None = Field(default=None, max_length=20_000)
    media_ids: list[Id] | None = Field(default=None, max_length=20)
    tags: list[str] | None = Field(default=None, max_length=30)
    subject: SubjectIn | None = None
    as_thread: Flag | None = None
    schedule: ScheduleIn | None = None
    targets: list[TargetIn] | None = Field(default=None, max_length=20, description="Per-account text overrides")


class RejectIn(InputModel):
    reason: str = Field(min_length=1, max_length=1000)


class DraftIn(InputModel):
    kim: Id | str | None = Field(default=None, description=KIM_TO_ACT_IN)
    text: str = Field(default="", max_length=20_000)
    media_ids: list[Id] = Field(default_factory=list, max_length=20)
    targets: list[TargetIn] = Field(default_factory=list, max_length=20)
    schedule: ScheduleIn | None = None
    as_thread: Flag = False


#: What ``GET /posts?state=`` filters on: a review state, or a target state (posts with such a
#: target). ``canceled`` is both: it means the review state.
_STATES = tuple(dict.fromkeys(s.value for s in (*ReviewState, *TargetState)))
PostStateFilter = Literal[_STATES]  # type: ignore[valid-type]


# -- output --------------------------------------------------------------------


class ErrorOut(OutputModel):
    code: str
    message: str | None


class AttemptOut(OutputModel):
    number: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    error: ErrorOut | None


class MetricsOut(OutputModel):
    likes: int | None
    comments: int | None
    shares: int | None
    views: int | None
    reach: int | None
    saves: int | None
    captured_at: datetime | None


class TargetOut(OutputModel):
    id: int | None
    account_id: int
    text: str | None
    thread_parts: list[str] = Field(
        default_factory=list,
        description="X: the tweets this target publishes, in order, as they were checked "
        "(one unless it is a thread); empty on other platforms",
    )
    state: str
    scheduled_at: datetime | None
    scheduled_zone: str
    occurrence: int
    attempts: int
    remote_id: str | None
    permalink: str | None
    published_at: datetime | None
    last_error: ErrorOut | None
    metrics: MetricsOut
    attempt_log: list[AttemptOut] = Field(default_factory=list)


class ScheduleOut(OutputModel):
    kind: str
    at: datetime | None
    timezone: str
    rrule: str | None
    until: datetime | None


class SubjectOut(OutputModel):
    kind: str
    id: int


class PostOut(OutputModel):
    id: int
    kim_id: int
    author_id: int
    text: str
    media_ids: list[int]
    tags: list[str]
    subject: SubjectOut | None
    review_state: str
    schedule: ScheduleOut
    as_thread: bool
    rejection_reason: str | None
    reviewed_by: int | None
    reviewed_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    targets: list[TargetOut]


class PostPage(Page):
    items: list[PostOut]


class ProblemOut(OutputModel):
    account_id: int | None
    code: str
    field: str | None
    platform: str | None
    severity: str
    message: str


class PreviewOut(OutputModel):
    account_id: int
    parts: list[str] = Field(
        description="The posts this target publishes, in order, exactly as "
        "they will be sent (an X thread's tweets; one otherwise)"
    )
    counts: list[int] = Field(description="Each part's count as the platform counts it (X: weighted)")


class ValidationOut(OutputModel):
    ok: bool
    problems: list[ProblemOut]
    previews: list[PreviewOut] = Field(default_factory=list, description="Every target on a platform with threads (X)")


def _target_out(t: PostTarget, attempts: list[PublishAttempt], lang: str) -> TargetOut:
    return TargetOut(
        id=t.id,
        account_id=t.account_id,
        text=t.text_override,
        thread_parts=list(t.thread_parts),
        state=str(t.state),
        scheduled_at=t.scheduled_at,
        scheduled_zone=t.scheduled_zone,
        occurrence=t.occurrence,
        attempts=t.attempts,
        remote_id=t.remote_id,
        permalink=t.permalink,
        published_at=t.published_at,
        last_error=ErrorOut(code=t.last_error_code, message=t.last_error_message) if t.last_error_code else None,
        metrics=MetricsOut(
            likes=t.likes,
            comments=t.comments,
            shares=t.shares,
            views=t.views,
            reach=t.reach,
            saves=t.saves,
            captured_at=t.metrics_captured_at,
        ),
        attempt_log=[
            AttemptOut(
                number=a.number,
                started_at=a.started_at,
                finished_at=a.finished_at,
                outcome=str(a.outcome),
                error=ErrorOut(code=a.error_code, message=a.error_message) if a.error_code else None,
            )
            for a in attempts
        ],
    )


def post_out(p: Post, lang: str = "id", attempts: dict[int, list[PublishAttempt]] | None = None) -> PostOut:
    assert p.id is not None
    attempts = attempts or {}
    return PostOut(
        id=p.id,
        kim_id=p.kim_id,
        author_id=p.author_id,
        text=p.text,
        media_ids=list(p.media_ids),
        tags=list(p.tags),
        subject=SubjectOut(kind=str(p.subject_kind), id=p.subject_id) if p.subject_kind and p.subject_id else None,
        review_state=str(p.review_state),
        schedule=ScheduleOut(
            kind=str(p.schedule_kind),
            at=p.schedule_at,
            timezone=p.schedule_zone,
            rrule=p.recurrence_rule,
            until=p.recurrence_until,
        ),
        as_thread=p.as_thread,
        rejection_reason=p.rejection_reason,
        reviewed_by=p.reviewed_by,
        reviewed_at=p.reviewed_at,
        created_at=p.created_at,
        updated_at=p.updated_at,
        targets=[
            _target_out(t, attempts.get(t.id or 0, []), lang)
            for t in sorted(p.targets, key=lambda t: (t.occurrence, t.id or 0))
        ],
    )


def _subject(s: SubjectIn | None) -> SubjectRef | None:
    return SubjectRef(SubjectKind(s.kind), s.id) if s else None


# -- routes ----------------------------------------------------------------------


@router.post("", status_code=201, response_model=PostOut, **only(Cap.WRITE_POST))
def create_post(body: PostIn, actor: ActorDep, uow: UowDep, now: NowDep, lang: LanguageDep) -> PostOut:
    """Write a draft (``submit: true``: and ask for approval)."""
    kim_id = resolve_kim_id(uow, actor, body.kim)
    post = posts.compose_post(
        uow,
        actor,
        kim_id=kim_id,
        text=body.text,
        targets=[TargetSpec(t.account_id, t.text) for t in body.targets],
        schedule=to_intent(body.schedule),
        now=now,
        media_ids=body.media_ids,
        tags=body.tags,
        subject=_subject(body.subject),
        as_thread=body.as_thread,
        submit=body.submit,
    )
    return post_out(post, lang)


@router.post("/validate", response_model=ValidationOut, **only(Cap.WRITE_POST))
def validate_post(body: DraftIn, actor: ActorDep, uow: UowDep, now: NowDep, lang: LanguageDep) -> ValidationOut:
    """Every problem of a draft, per target, and what each X target will publish, part by
    part; for live checking; writes nothing."""
    kim_id = resolve_kim_id(uow, actor, body.kim)
    schedule: Any = None
    if body.schedule is not None:
        try:
            schedule = to_intent(body.schedule)
        except DomainError as error:
            schedule = error
    found = post_validation.validate_draft(
        uow,
        actor,
        kim_id=kim_id,
        text=body.text,
        targets=[TargetSpec(t.account_id, t.text) for t in body.targets],
        now=now,
        media_ids=body.media_ids,
        as_thread=body.as_thread,
        schedule=schedule,
    )
    problems = [
        ProblemOut(
            account_id=f.account_id,
            code=f.problem.code,
            field=f.problem.field,
            platform=f.problem.platform,
            severity=f.problem.severity,
            message=f.problem.message(lang),
        )
        for f in found.problems
    ]
    previews = [PreviewOut(account_id=v.account_id, parts=list(v.parts), counts=list(v.counts)) for v in found.previews]
    return ValidationOut(ok=not any(p.severity == "error" for p in problems), problems=problems, previews=previews)


@router.get("", response_model=PostPage)
def list_posts(
    actor: ActorDep,
    uow: UowDep,
    lang: LanguageDep,
    state: PostStateFilter | None = Query(
        default=None,
        description="A review state, or a target state: the posts with a target in it (`canceled`: the review state)",
    ),
    from_: IsoInstant | None = Query(
        default=None,
        alias="from",
        description="Posts whose earliest scheduled time is at or after this instant "
        "(RFC 3339 with offset, e.g. 2026-12-01T00:00:00+07:00)",
    ),
    to: IsoInstant | None = Query(default=None, description="... and before this instant (RFC 3339 with offset)"),
    kim: str | None = Query(default=None, max_length=100, description=KIM_FILTER),
    page: int = Query(default=1, ge=1, le=MAX_PAGE, description=PAGE_DOC),
    per_page: int = Query(default=50, ge=1, le=post_queries.MAX_PER_PAGE),
) -> PostPage:
    """Posts of the visible KIMs, newest first."""
    kim_id = resolve_kim_id(uow, actor, kim) if kim else None
    result = post_queries.list_posts(
        uow, actor, kim_id=kim_id, state=state, start=from_, end=to, page=page, per_page=per_page
    )
    return PostPage(
        page=result.page, per_page=result.per_page, total=result.total, items=[post_out(p, lang) for p in result.items]
    )


@router.get("/{post_id:int}", response_model=PostOut)
def get_post(post_id: IdPath, actor: ActorDep, uow: UowDep, lang: LanguageDep) -> PostOut:
    """A post with its targets, their states, attempts and errors."""
    post, attempts = post_queries.get_post_with_attempts(uow, actor, post_id)
    return post_out(post, lang, attempts)


@router.patch("/{post_id:int}", response_model=PostOut, **only(Cap.WRITE_POST))
def edit_post(
    post_id: IdPath, body: PostPatch, actor: ActorDep, uow: UowDep, now: NowDep, lang: LanguageDep
) -> PostOut:
    """Change content or schedule while no target has been claimed for publishing."""
    given = body.model_fields_set

    def value(name: str, convert: Any = lambda v: v) -> Any:
        return convert(getattr(body, name)) if name in given and getattr(body, name) is not None else UNSET

    subject: Any = UNSET
    if "subject" in given:
        subject = _subject(body.subject)
    post = posts.edit_post(
        uow,
        actor,
        post_id,
        now=now,
        text=value("text"),
        media_ids=value("media_ids"),
        tags=value("tags"),
        subject=subject,
        as_thread=value("as_thread"),
        schedule=value("schedule", to_intent),
        target_texts=value("targets", lambda ts: {t.account_id: t.text for t in ts}),
    )
    return post_out(post, lang)


@router.post("/{post_id:int}/submit", response_model=PostOut, **only(Cap.WRITE_POST))
def submit_post(post_id: IdPath, actor: ActorDep, uow: UowDep, now: NowDep, lang: LanguageDep) -> PostOut:
    return post_out(review.submit_post(uow, actor, post_id, now=now), lang)


@router.post("/{post_id:int}/approve", response_model=PostOut, **only(Cap.REVIEW_POST))
def approve_post(post_id: IdPath, actor: ActorDep, uow: UowDep, now: NowDep, lang: LanguageDep) -> PostOut:
    return post_out(review.approve_post(uow, actor, post_id, now=now), lang)


@router.post("/{post_id:int}/reject", response_model=PostOut, **only(Cap.REVIEW_POST))
def reject_post(
    post_id: IdPath, body: RejectIn, actor: ActorDep, uow: UowDep, now: NowDep, lang: LanguageDep
) -> PostOut:
    return post_out(review.reject_post(uow, actor, post_id, reason=body.reason, now=now), lang)


@router.post("/{post_id:int}/cancel", response_model=PostOut, **only(Cap.WRITE_POST))
def cancel_post(post_id: IdPath, actor: ActorDep, uow: UowDep, now: NowDep, lang: LanguageDep) -> PostOut:
    return post_out(review.cancel_post(uow, actor, post_id, now=now), lang)
