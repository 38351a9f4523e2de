"""Turning a post's schedule intent into target instants.

Three intents (``ScheduleIntent``): an instant chosen in a named zone, the
account's next free posting slot, or an RFC 5545 recurrence rule. Instants
are only final once a post is approved (:func:`assign_instants`); before
that, targets carry a provisional time for display.

Pacing (domain ``pacing.py``) is applied against the account's other live or
published targets: an approved post whose chosen time has already passed
moves to the next paced instant instead of bursting out with others.
Recurring posts are expanded over a bounded horizon (``RECURRENCE_HORIZON``,
at most ``RECURRENCE_MAX`` occurrences); :func:`extend_recurring` adds the
next stretch later, and ``Post.expanded_until`` records how far it went.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.domain import states
from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import (
    DEFAULT_TIMEZONE,
    Post,
    PostTarget,
    ReviewState,
    ScheduleKind,
    SocialAccount,
    TargetState,
)
from scheduler.domain.pacing import next_paced_instant, pacing_for
from scheduler.domain.recurrence import occurrences
from scheduler.domain.scheduling import (
    DEFAULT_GRACE,
    plan_instant,
    plan_next_slot,
    validate_schedule,
)
from scheduler.domain.timezones import get_zone, local_to_utc, require_aware, utc_to_local
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit

RECURRENCE_HORIZON = timedelta(days=14)
RECURRENCE_MAX = 50
#: How far ahead approval looks for a series' next occurrence (as check_intent does).
_RULE_SEARCH = timedelta(days=3660)
#: Target states that occupy an instant on an account (for pacing).
TAKEN_STATES = frozenset(
    {
        TargetState.SCHEDULED,
        TargetState.QUEUED,
        TargetState.PUBLISHING,
        TargetState.RETRY_WAIT,
        TargetState.PUBLISHED,
        TargetState.UNKNOWN,
    }
)
_PACING_LOOKBACK = timedelta(days=1)
_PACING_LOOKAHEAD = timedelta(days=800)


@dataclass(frozen=True)
class ScheduleIntent:
    """When a post should go out, as the author said it.

    ``at`` is an aware instant (AT) or the first occurrence (RECURRING);
    ``zone`` is the IANA zone the author chose the time in.
    """

    kind: ScheduleKind
    at: datetime | None = None
    zone: str = DEFAULT_TIMEZONE
    rule: str | None = None
    until: datetime | None = None

    @classmethod
    def at_instant(cls, at: datetime, zone: str = DEFAULT_TIMEZONE) -> ScheduleIntent:
        """An aware instant (e.g. from ISO-8601 with an offset), remembered with ``zone``."""
        return cls(ScheduleKind.AT, at=at, zone=zone)

    @classmethod
    def at_local(cls, local: datetime, zone: str) -> ScheduleIntent:
        """A wall-clock time in ``zone`` (e.g. "Senin 09:00 WIB")."""
        if local.tzinfo is not None:
            return cls.at_instant(local, zone)
        return cls(ScheduleKind.AT, at=local_to_utc(local, get_zone(zone)), zone=zone)

    @classmethod
    def next_slot(cls) -> ScheduleIntent:
        return cls(ScheduleKind.NEXT_SLOT)

    @classmethod
    def recurring(
        cls, rule: str, start: datetime, zone: str = DEFAULT_TIMEZONE, until: datetime | None = None
    ) -> ScheduleIntent:
        return cls(ScheduleKind.RECURRING, at=start, zone=zone, rule=rule, until=until)


def check_intent(intent: ScheduleIntent, now: datetime) -> ScheduleIntent:
    """The intent with UTC instants, or InvalidInput naming the bad field.

    A time in the past (beyond a few seconds of grace), a naive time, an
    unknown zone or a rule that never fires are refused.
    """
    if not isinstance(intent, ScheduleIntent):
        raise InvalidInput("schedule_required", "Jadwal wajib diisi.", "A schedule is required.", field="schedule")
    kind = ScheduleKind(intent.kind)
    zone = intent.zone or DEFAULT_TIMEZONE
    get_zone(zone, field="timezone")
    if kind == ScheduleKind.NEXT_SLOT:
        return ScheduleIntent(kind, zone=zone)
    if intent.at is None:
        raise InvalidInput(
            "schedule_at_required", "Tanggal dan jam wajib diisi.", "A date and time are required.", field="schedule_at"
        )
    at = validate_schedule(intent.at, now, zone=zone, field="schedule_at")
    if kind == ScheduleKind.AT:
        return ScheduleIntent(kind, at=at, zone=zone)
    until = require_aware(intent.until, "recurrence_until") if intent.until else None
    if until is not None and until <= at:
        raise InvalidInput(
            "until_before_start",
            "Tanggal akhir harus setelah tanggal mulai.",
            "The end date must be after the start.",
            field="recurrence_until",
        )
    checked = ScheduleIntent(kind, at=at, zone=zone, rule=(intent.rule or "").strip(), until=until)
    zone_info = get_zone(zone)
    end = until + timedelta(microseconds=1) if until else at + timedelta(days=3660)
    first = occurrences(
        checked.rule or "", utc_to_local(at, zone_info).replace(tzinfo=None), zone_info, at, end, max_count=1
    )
    if not first:
        raise InvalidInput(
            "rule_never_fires",
            "Aturan pengulangan ini tidak pernah terjadi.",
            "This recurrence rule never occurs.",
            field="recurrence_rule",
        )
    return checked


def apply_intent(post: Post, intent: ScheduleIntent) -> None:
    """Record a checked intent on the post."""
    post.schedule_kind = intent.kind
    post.schedule_at = intent.at
    post.schedule_zone = intent.zone
    post.recurrence_rule = intent.rule if intent.kind == ScheduleKind.RECURRING else None
    post.recurrence_until = intent.until if intent.kind == ScheduleKind.RECURRING else None


def intent_of(post: Post) -> ScheduleIntent:
    return ScheduleIntent(
        ScheduleKind(post.schedule_kind),
        at=post.schedule_at,
        zone=post.schedule_zone,
        rule=post.recurrence_rule,
        until=post.recurrence_until,
    )


def provisional_instant(intent: ScheduleIntent) -> datetime | None:
    """What a pending target shows before approval (None: decided at approval)."""
    return intent.at if intent.kind in (ScheduleKind.AT, ScheduleKind.RECURRING) else None


def _series(intent: ScheduleIntent, after: datetime, until: datetime, limit: int) -> list[tuple[int, datetime]]:
    """(occurrence number, instant) of a recurring intent in [after, until], counted from its start.

    ``until`` is included: an expansion up to ``expanded_until`` covers that
    instant, and the next one starts just after it.
    """
    assert intent.at is not None and intent.rule
    zone = get_zone(intent.zone)
    start_local = utc_to_local(intent.at, zone).replace(tzinfo=None)
    until = until + timedelta(microseconds=1)
    end = min(until, intent.until + timedelta(microseconds=1)) if intent.until else until
    if end <= after:
        return []
    # Numbers count from the start of the series, so they stay stable across extensions.
    every = occurrences(intent.rule, start_local, zone, intent.at, end, max_count=100_000)
    numbered = [(n, inst) for n, inst in enumerate(every) if inst >= after]
    return numbered[:limit]


def _taken(
    uow: AbstractUnitOfWork, account: SocialAccount, around: datetime, exclude: Iterable[PostTarget] = ()
) -> list[datetime]:
    skip = {id(t) for t in exclude}
    assert account.id is not None  # a stored account
    rows = uow.targets.for_account_between(
        account.id, around - _PACING_LOOKBACK, around + _PACING_LOOKAHEAD, TAKEN_STATES
    )
    return [t.scheduled_at for t in rows if id(t) not in skip and t.scheduled_at is not None]


def paced_instant(
    uow: AbstractUnitOfWork,
    account: SocialAccount,
    wanted: datetime | None,
    now: datetime,
    exclude: Iterable[PostTarget] = (),
) -> datetime:
    """Where a target for ``account`` goes: ``wanted`` if free and not past, else the next
    instant that keeps the account's pacing; ``wanted=None`` means its next free slot."""
    taken = _taken(uow, account, now, exclude)
    pacing = pacing_for(account)
    if wanted is None:
        return plan_next_slot(account.slots, account.timezone, now, taken, pacing)
    if wanted < now - DEFAULT_GRACE:
        return next_paced_instant(now, taken, pacing, account.timezone, not_before=now)
    return plan_instant(wanted, now, taken, pacing, account.timezone)


def repace_if_past(uow: AbstractUnitOfWork, account: SocialAccount, target: PostTarget, now: datetime) -> None:
    """A target whose instant passed while it waited (e.g. for a reconnect) gets a paced one."""
    if target.scheduled_at is None or target.scheduled_at < now:
        target.scheduled_at = paced_instant(
            uow, account, None if target.scheduled_at is None else target.scheduled_at, now, exclude=[target]
        )
        target.scheduled_zone = account.timezone


def assign_instants(uow: AbstractUnitOfWork, post: Post, now: datetime) -> list[PostTarget]:
    """Give every pending target of an approved post its instant and make it scheduled.

    Recurring posts are expanded here (first horizon). Returns the targets scheduled.
    """
    intent = intent_of(post)
    pending = [t for t in post.targets if t.state == TargetState.PENDING]
    if intent.kind == ScheduleKind.RECURRING:
        return _expand(uow, post, pending, now, first=True)
    scheduled: list[PostTarget] = []
    for target in pending:
        account = uow.accounts.get(target.account_id)
        assert account is not None  # accounts are RESTRICTed while targets point at them
        wanted = post.schedule_at if intent.kind == ScheduleKind.AT else None
        target.scheduled_at = paced_instant(uow, account, wanted, now, exclude=[target])
        target.scheduled_zone = post.schedule_zone if wanted else account.timezone
        states.transition(target, TargetState.SCHEDULED, now)
        # Later targets of the same account must see this one as taken.
        uow.flush()
        scheduled.append(target)
    return scheduled


def _expand(
    uow: AbstractUnitOfWork, post: Post, templates: list[PostTarget], now: datetime, *, first: bool
) -> list[PostTarget]:
    """Scheduled targets for the occurrences in the horizon, per account.

    First expansion (approval, also a re-approval after an edit): from now,
    reusing the post's pending targets of each account in occurrence order
    and canceling any left over. Later expansions (``first=False``): only
    the occurrences after ``post.expanded_until``, as copies of ``templates``.
    Explicit recurring times are not shifted by pacing: the author chose them.
    """
    intent = intent_of(post)
    start = now
    if not first and post.expanded_until is not None:
        start = max(now, post.expanded_until + timedelta(microseconds=1))
    horizon_end = now + RECURRENCE_HORIZON
    if first:
        upcoming = _series(intent, start, now + _RULE_SEARCH, 1)
        if not upcoming:
            raise InvalidInput(
                "rule_exhausted",
                "Pengulangan ini tidak punya jadwal lagi di masa depan.",
                "This recurrence has no future occurrences left.",
                field="recurrence_rule",
            )
        # A series that starts beyond the horizon (a market day in three months)
        # gets its first occurrences now: the horizon counts from its start.
        if upcoming[0][1] >= horizon_end:
            horizon_end = upcoming[0][1] + RECURRENCE_HORIZON
    series = _series(intent, start, horizon_end, RECURRENCE_MAX)
    pools: dict[int, list[PostTarget]] = {}
    for template in sorted(templates, key=lambda t: t.occurrence):
        pools.setdefault(template.account_id, []).append(template)
    created: list[PostTarget] = []
    for account_id, pool in pools.items():
        model = pool[0]
        reusable = list(pool) if first else []
        for number, instant in series:
            target = (
                reusable.pop(0)
                if reusable
                else PostTarget(
                    account_id=account_id,
                    text_override=model.text_override,
                    thread_parts=list(model.thread_parts),
                    created_at=now,
                )
            )
            if target not in post.targets:
                post.targets.append(target)
            target.occurrence = number
            target.scheduled_at = instant
            target.scheduled_zone = post.schedule_zone
            states.transition(target, TargetState.SCHEDULED, now)
            created.append(target)
        for leftover in reusable:  # a re-approval with fewer occurrences left than before
            states.cancel(leftover, now)
    if len(series) == RECURRENCE_MAX:
        post.expanded_until = series[-1][1]
    else:
        post.expanded_until = horizon_end
    uow.flush()
    return created


def extend_recurring(uow: AbstractUnitOfWork, post_id: int, now: datetime) -> int:
    """Create the targets of an approved recurring post up to the next horizon (workers).

    Returns how many targets were added; 0 for anything else.
    """
    with uow:
        post = uow.posts.get(post_id)
        if post is None or post.review_state != ReviewState.APPROVED or post.schedule_kind != ScheduleKind.RECURRING:
            return 0
        if post.expanded_until and post.expanded_until >= now + RECURRENCE_HORIZON:
            return 0
        live = [t for t in post.targets if t.state != TargetState.CANCELED]
        templates = {t.account_id: t for t in sorted(live, key=lambda t: -t.occurrence)}
        added = _expand(uow, post, list(templates.values()), now, first=False)
        if added:
            audit.record(uow, None, "post.extend", now, kim_id=post.kim_id, post_id=post.id, targets=len(added))
        uow.commit()
        return len(added)
