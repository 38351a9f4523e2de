"""A post's whole life through the services, with the fake unit of work and a fixed clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.domain import states
from scheduler.domain.errors import Conflict, IllegalTransition, NotAllowed
from scheduler.domain.model import AccountStatus, ReviewState, ScheduleKind, TargetState
from scheduler.services.accounts import manage as accounts
from scheduler.services.posts import compose as posts
from scheduler.services.posts import review, scheduling
from scheduler.services.posts.content import TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent

HOUR = timedelta(hours=1)


def walk(target, now, *path, **fields):
    """Move ``target`` along ``path`` as the pipeline would (its moves are tested in tests/unit/pipeline)."""
    for state in path:
        states.transition(target, state, now)
    for name, value in fields.items():
        setattr(target, name, value)


def compose(world, now, actor=None, accounts_=None, at=None, **kw):
    kw.setdefault("text", "Keripik tempe Arjosari, renyah dan gurih! #UMKMMalang")
    kw.setdefault("media_ids", [world.image_a.id])
    return posts.compose_post(
        world.uow,
        actor or world.member_a,
        kim_id=world.kim_a.id,
        targets=[TargetSpec(a.id) for a in (accounts_ or [world.x_a, world.fb_a, world.ig_a])],
        schedule=kw.pop("schedule", None) or ScheduleIntent.at_instant(at or now + 2 * HOUR, "Asia/Jakarta"),
        now=now,
        **kw,
    )


def targets_by_account(world, post_id):
    post = world.uow.posts.get(post_id)
    return {t.account_id: t for t in post.targets}


def test_compose_submit_approve_publish_cancel(world, now):
    post = compose(world, now)
    assert post.review_state == ReviewState.DRAFT and post.author_id == world.member_a.user_id
    assert [t.state for t in post.targets] == [TargetState.PENDING] * 3
    assert all(t.scheduled_at == now + 2 * HOUR for t in post.targets)  # provisional

    review.submit_post(world.uow, world.member_a, post.id, now=now)
    approved = review.approve_post(world.uow, world.admin_a, post.id, now=now + HOUR)
    assert approved.review_state == ReviewState.APPROVED
    assert approved.reviewed_by == world.admin_a.user_id
    assert {t.state for t in approved.targets} == {TargetState.SCHEDULED}
    assert {t.scheduled_at for t in approved.targets} == {now + 2 * HOUR}

    # a worker publishes the X target
    x_target = targets_by_account(world, post.id)[world.x_a.id]
    with world.uow:
        t = world.uow.targets.get(x_target.id)
        walk(t, now + 2 * HOUR, TargetState.QUEUED, TargetState.PUBLISHING, TargetState.PUBLISHED)
        t.remote_id = "1790000000000000001"
        world.uow.commit()

    canceled = review.cancel_post(world.uow, world.admin_a, post.id, now=now + 2 * HOUR)
    assert canceled.review_state == ReviewState.CANCELED
    by_account = {t.account_id: t.state for t in canceled.targets}
    assert by_account == {
        world.x_a.id: TargetState.PUBLISHED,
        world.fb_a.id: TargetState.CANCELED,
        world.ig_a.id: TargetState.CANCELED,
    }
    actions = [e.action for e in world.uow.audit.list(post_id=post.id)]
    assert actions == [
        "post.create",
        "post.submit",
        "post.approve",
        "post.schedule",
        "post.schedule",
        "post.schedule",
        "post.cancel",
    ]
    assert all(e.at is not None and e.kim_id == world.kim_a.id for e in world.uow.audit.list(post_id=post.id))


def test_late_approval_moves_to_next_paced_instant_instead_of_bursting(world, now):
    first = compose(world, now, accounts_=[world.x_a], at=now + HOUR, submit=True)
    second = compose(world, now, accounts_=[world.x_a], at=now + HOUR, submit=True)
    later = now + 3 * HOUR
    review.approve_post(world.uow, world.admin_a, first.id, now=later)
    review.approve_post(world.uow, world.admin_a, second.id, now=later)
    [a] = world.uow.posts.get(first.id).targets
    [b] = world.uow.posts.get(second.id).targets
    assert a.scheduled_at == later
    assert b.scheduled_at == later + timedelta(minutes=5)  # X default spacing


def test_next_slot_takes_each_accounts_next_free_slot(world, now):
    # Slots are 09:00 and 19:00 WIB daily; now is Monday 08:00 WIB.
    one = compose(world, now, accounts_=[world.x_a, world.fb_a], schedule=ScheduleIntent.next_slot(), submit=True)
    two = compose(world, now, accounts_=[world.x_a], schedule=ScheduleIntent.next_slot(), submit=True)
    assert all(t.scheduled_at is None for t in one.targets)
    review.approve_post(world.uow, world.admin_a, one.id, now=now)
    review.approve_post(world.uow, world.admin_a, two.id, now=now)
    nine = now + HOUR  # 09:00 WIB
    assert {t.scheduled_at for t in world.uow.posts.get(one.id).targets} == {nine}
    [t2] = world.uow.posts.get(two.id).targets
    assert t2.scheduled_at == nine + 10 * HOUR  # 19:00 WIB: 09:00 is taken on X


def test_recurring_post_is_expanded_over_a_bounded_horizon(world, now):
    intent = ScheduleIntent.recurring("FREQ=DAILY;BYHOUR=10;BYMINUTE=0", now + 2 * HOUR, "Asia/Jakarta")
    post = compose(world, now, accounts_=[world.x_a, world.fb_a], schedule=intent, submit=True)
    assert post.schedule_kind == ScheduleKind.RECURRING
    approved = review.approve_post(world.uow, world.admin_a, post.id, now=now)
    x_targets = sorted((t for t in approved.targets if t.account_id == world.x_a.id), key=lambda t: t.occurrence)
    assert len(x_targets) == 14 and [t.occurrence for t in x_targets] == list(range(14))
    assert x_targets[0].scheduled_at == now + 2 * HOUR
    assert approved.expanded_until == now + scheduling.RECURRENCE_HORIZON
    # a week later the worker extends the series: 7 more days, numbering continues
    added = scheduling.extend_recurring(world.uow, post.id, now + 7 * 24 * HOUR)
    assert added == 2 * 7
    numbers = sorted(t.occurrence for t in world.uow.posts.get(post.id).targets if t.account_id == world.x_a.id)
    assert numbers == list(range(21))


def test_recurring_post_starting_beyond_the_horizon_gets_its_first_occurrences(world, now):
    start = now + 90 * 24 * HOUR  # a monthly market day, three months away
    intent = ScheduleIntent.recurring("FREQ=WEEKLY;COUNT=4", start, "Asia/Jakarta")
    post = compose(world, now, accounts_=[world.x_a], schedule=intent, submit=True)
    approved = review.approve_post(world.uow, world.admin_a, post.id, now=now)
    # The horizon (14 days, its end included) counts from the series' start, not from today.
    assert sorted(t.scheduled_at for t in approved.targets) == [start, start + 7 * 24 * HOUR, start + 14 * 24 * HOUR]
    assert {t.state for t in approved.targets} == {TargetState.SCHEDULED}
    assert approved.expanded_until == start + scheduling.RECURRENCE_HORIZON


def test_an_occurrence_on_the_horizon_is_expanded_once(world, now):
    start = now + 2 * HOUR
    intent = ScheduleIntent.recurring("FREQ=WEEKLY", start, "Asia/Jakarta")
    post = compose(world, now, accounts_=[world.x_a], schedule=intent, submit=True)
    review.approve_post(world.uow, world.admin_a, post.id, now=start)
    # expanded up to start + 14 days, that occurrence included; a week later, one more
    assert scheduling.extend_recurring(world.uow, post.id, start + 7 * 24 * HOUR) == 1
    instants = sorted(t.scheduled_at for t in world.uow.posts.get(post.id).targets)
    assert instants == [start + d * 24 * HOUR for d in (0, 7, 14, 21)]


def test_edit_of_approved_post_sends_it_back_to_review(world, now):
    post = compose(world, now, submit=True)
    review.approve_post(world.uow, world.admin_a, post.id, now=now)
    edited = posts.edit_post(world.uow, world.member_a, post.id, text="Teks baru", now=now)
    assert edited.review_state == ReviewState.DRAFT
    assert {t.state for t in edited.targets} == {TargetState.PENDING}
    assert world.uow.posts.get(post.id).text == "Teks baru"


def test_edit_blocked_once_a_target_is_claimed_but_other_targets_text_can_change(world, now):
    post = compose(world, now, submit=True)
    review.approve_post(world.uow, world.admin_a, post.id, now=now)
    with world.uow:
        t = next(t for t in world.uow.posts.get(post.id).targets if t.account_id == world.x_a.id)
        walk(t, now, TargetState.QUEUED, lease_token="lease", lease_until=now + HOUR)
        world.uow.commit()
    before = world.uow.snapshot()
    with pytest.raises(Conflict) as caught:
        posts.edit_post(world.uow, world.admin_a, post.id, text="Ganti", now=now)
    assert caught.value.code == "post_claimed"
    with pytest.raises(Conflict):
        posts.edit_post(world.uow, world.admin_a, post.id, target_texts={world.x_a.id: "x"}, now=now)
    assert world.uow.data == before
    posts.edit_post(
        world.uow, world.admin_a, post.id, tags=["kuliner"], target_texts={world.fb_a.id: "Versi Facebook"}, now=now
    )
    assert targets_by_account(world, post.id)[world.fb_a.id].text_override == "Versi Facebook"


def test_reject_then_edit_and_resubmit(world, now):
    post = compose(world, now, submit=True)
    rejected = review.reject_post(world.uow, world.admin_a, post.id, reason="Foto buram", now=now)
    assert rejected.review_state == ReviewState.REJECTED
    assert rejected.rejection_reason == "Foto buram"
    posts.edit_post(world.uow, world.member_a, post.id, media_ids=[world.image_a2.id], now=now)
    resubmitted = review.submit_post(world.uow, world.member_a, post.id, now=now)
    assert resubmitted.review_state == ReviewState.PENDING_APPROVAL
    assert list(world.uow.posts.get(post.id).media_ids) == [world.image_a2.id]


def test_self_approval_needs_the_kim_to_allow_it_and_a_single_admin(world, now):
    own = compose(world, now, actor=world.admin_a, submit=True)
    with pytest.raises(NotAllowed) as caught:
        review.approve_post(world.uow, world.admin_a, own.id, now=now)
    assert caught.value.code == "self_approval_not_allowed"
    # KIM A allows it but has two admins: still refused
    with world.uow:
        world.uow.kims.get(world.kim_a.id).allow_self_approval = True
        world.uow.commit()
    with pytest.raises(NotAllowed):
        review.approve_post(world.uow, world.admin_a, own.id, now=now)
    # KIM B: single admin, allowed
    with world.uow:
        world.uow.kims.get(world.kim_b.id).allow_self_approval = True
        world.uow.commit()
    post_b = posts.compose_post(
        world.uow,
        world.admin_b,
        kim_id=world.kim_b.id,
        text="Halo Kauman",
        targets=[world.x_b.id],
        now=now,
        submit=True,
        schedule=ScheduleIntent.at_instant(now + HOUR),
    )
    assert review.approve_post(world.uow, world.admin_b, post_b.id, now=now).review_state == "approved"
    # another admin approves admin_a's post
    assert review.approve_post(world.uow, world.admin_a2, own.id, now=now).review_state == "approved"


def test_reconnect_reschedules_waiting_targets_without_bursting(world, now):
    one = compose(world, now, accounts_=[world.x_a], at=now + HOUR, submit=True)
    two = compose(world, now, accounts_=[world.x_a], at=now + HOUR + timedelta(minutes=5), submit=True)
    for p in (one, two):
        review.approve_post(world.uow, world.admin_a, p.id, now=now)
    with world.uow:  # the worker: credentials expired at publish time
        for p in (one, two):
            [t] = world.uow.posts.get(p.id).targets
            walk(t, now + HOUR, TargetState.QUEUED, TargetState.PUBLISHING, TargetState.NEEDS_RECONNECT)
            t.last_error_code, t.last_error_message = "auth_expired", "Sambungkan ulang akun X"
        world.uow.commit()
    accounts.mark_needs_reconnect(world.uow, world.admin_a, world.x_a.id, reason="token expired", now=now + HOUR)
    assert world.uow.accounts.get(world.x_a.id).status == AccountStatus.NEEDS_RECONNECT
    later = now + 5 * HOUR
    accounts.reconnect(
        world.uow,
        world.admin_a,
        world.x_a.id,
        now=later,
        credentials={
            "consumer_key": "ck",
            "consumer_secret": "cs",
            "access_token": "1-new",
            "access_token_secret": "s",
            "user_id": "1",
        },
    )
    account = world.uow.accounts.get(world.x_a.id)
    assert account.status == AccountStatus.ACTIVE
    [a] = world.uow.posts.get(one.id).targets
    [b] = world.uow.posts.get(two.id).targets
    assert (a.state, b.state) == (TargetState.SCHEDULED, TargetState.SCHEDULED)
    assert sorted([a.scheduled_at, b.scheduled_at]) == [later, later + timedelta(minutes=5)]
    assert "1-new" not in repr(world.uow.audit.list(action="account.reconnect"))


def test_approving_twice_or_canceling_twice_is_an_illegal_transition(world, now):
    post = compose(world, now, submit=True)
    review.approve_post(world.uow, world.admin_a, post.id, now=now)
    with pytest.raises(IllegalTransition):
        review.approve_post(world.uow, world.admin_a, post.id, now=now)
    review.cancel_post(world.uow, world.admin_a, post.id, now=now)
    with pytest.raises(IllegalTransition):
        review.cancel_post(world.uow, world.admin_a, post.id, now=now)


def test_reschedule_moves_only_unclaimed_targets(world, now):
    post = compose(world, now, accounts_=[world.x_a, world.fb_a], submit=True)
    review.approve_post(world.uow, world.admin_a, post.id, now=now)
    moved = review.reschedule_post(
        world.uow, world.admin_a, post.id, schedule=ScheduleIntent.at_instant(now + 6 * HOUR), now=now
    )
    assert {t.scheduled_at for t in moved.targets} == {now + 6 * HOUR}
    assert moved.review_state == ReviewState.APPROVED
    with pytest.raises(NotAllowed):
        review.reschedule_post(
            world.uow, world.member_a, post.id, schedule=ScheduleIntent.at_instant(now + 7 * HOUR), now=now
        )


def test_editing_an_approved_recurring_post_and_approving_again_reuses_its_targets(world, now):
    intent = ScheduleIntent.recurring("FREQ=DAILY;BYHOUR=10;BYMINUTE=0", now + 2 * HOUR)
    post = compose(world, now, accounts_=[world.x_a], schedule=intent, submit=True)
    review.approve_post(world.uow, world.admin_a, post.id, now=now)
    posts.edit_post(
        world.uow,
        world.member_a,
        post.id,
        text="Senam pagi bersama",
        target_texts={world.x_a.id: "Senam pagi (X)"},
        now=now,
    )
    edited = world.uow.posts.get(post.id)
    assert {t.state for t in edited.targets} == {TargetState.PENDING}
    assert {t.text_override for t in edited.targets} == {"Senam pagi (X)"}
    review.submit_post(world.uow, world.member_a, post.id, now=now)
    # approved again two days later: the first two occurrences are gone, numbering stays
    again = review.approve_post(world.uow, world.admin_a, post.id, now=now + 48 * HOUR)
    live = sorted((t for t in again.targets if t.state == TargetState.SCHEDULED), key=lambda t: t.occurrence)
    assert [t.occurrence for t in live] == list(range(2, 16))
    assert len(again.targets) == 14  # reused, none left pending or duplicated
    assert all(t.state != TargetState.PENDING for t in again.targets)
