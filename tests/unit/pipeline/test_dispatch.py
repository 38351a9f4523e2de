"""Dispatch: the atomic claim, the look-ahead window, pacing, held accounts."""

from __future__ import annotations

from datetime import timedelta

from scheduler.domain.model import AccountStatus, TargetState
from scheduler.services.publishing.dispatch import dispatch_due
from scheduler.services.publishing.publish import publish_target
from scheduler.services.publishing.sweep import sweep

S = TargetState


def test_due_target_is_claimed_with_a_fresh_lease(pipeline, world, outbox, clock):
    acc = world.account()
    due = world.target(acc, clock.now - timedelta(seconds=1))
    report = dispatch_due(pipeline, outbox)
    assert [c.target_id for c in report.claimed] == [due]
    row = world.row(due)
    assert row.state == S.QUEUED
    assert len(row.lease_token) == 32 and int(row.lease_token, 16) >= 0
    assert row.lease_until == clock.now + timedelta(seconds=120)
    assert outbox.sent == [(due, row.lease_token, None)]


def test_claim_is_exclusive(pipeline, world, outbox, clock):
    acc = world.account()
    world.target(acc, clock.now)
    assert len(dispatch_due(pipeline, outbox).claimed) == 1
    assert dispatch_due(pipeline, outbox).claimed == []
    assert len(outbox.sent) == 1


def test_lookahead_sends_a_short_eta_and_ignores_later_targets(pipeline, world, outbox, clock):
    acc = world.account()
    soon = world.target(acc, clock.now + timedelta(seconds=5))
    later = world.target(world.account("kim2"), clock.now + timedelta(seconds=30))
    dispatch_due(pipeline, outbox)
    assert [(tid, eta) for tid, _, eta in outbox.sent] == [(soon, clock.now + timedelta(seconds=5))]
    # The lease covers the wait until the ETA plus the lease time.
    assert world.row(soon).lease_until == clock.now + timedelta(seconds=125)
    assert world.row(later).state == S.SCHEDULED


def test_retry_wait_is_claimed_when_its_next_attempt_is_due(pipeline, world, outbox, clock):
    acc = world.account()
    tid = world.target(
        acc, clock.now - timedelta(minutes=5), state=S.RETRY_WAIT, next_attempt_at=clock.now + timedelta(seconds=30)
    )
    assert dispatch_due(pipeline, outbox).claimed == []
    clock.advance(30)
    assert [c.target_id for c in dispatch_due(pipeline, outbox).claimed] == [tid]


def test_pending_and_canceled_targets_are_never_claimed(pipeline, world, outbox, clock):
    acc = world.account()
    world.target(acc, clock.now, state=S.PENDING)
    world.target(acc, clock.now, state=S.CANCELED)
    assert dispatch_due(pipeline, outbox).claimed == []


def test_pacing_spaces_posts_of_one_account(pipeline, world, outbox, clock):
    acc = world.account(spacing=60)
    other = world.account("kim2", spacing=60)
    a = world.target(acc, clock.now)
    b = world.target(acc, clock.now)
    c = world.target(other, clock.now)
    claimed = {x.target_id for x in dispatch_due(pipeline, outbox).claimed}
    assert claimed == {a, c}  # one per account
    for tid, token, _ in outbox.sent:
        publish_target(pipeline, tid, token)
    clock.advance(30)
    assert dispatch_due(pipeline, outbox).claimed == []  # only 30 s since a was published
    clock.advance(31)
    assert [x.target_id for x in dispatch_due(pipeline, outbox).claimed] == [b]


def test_daily_cap_holds_the_rest_until_the_next_local_day(pipeline, world, outbox, clock):
    acc = world.account(cap=2)  # 09:00 WIB; the WIB day ends at 17:00 UTC
    ids = [world.target(acc, clock.now - timedelta(seconds=3 - i)) for i in range(3)]
    claimed = []
    for _ in range(3):  # one per instant: two posts of one account never go at the same time
        claimed += [x.target_id for x in dispatch_due(pipeline, outbox).claimed]
        clock.advance(1)
    assert claimed == ids[:2]
    for tid, token, _ in outbox.sent:
        publish_target(pipeline, tid, token)
    clock.advance(14 * 3600)  # 23:00 WIB, same day
    assert dispatch_due(pipeline, outbox).claimed == []
    clock.advance(3600 + 1)  # just after midnight WIB
    assert [x.target_id for x in dispatch_due(pipeline, outbox).claimed] == [ids[2]]


def test_accounts_needing_reconnect_or_paused_are_held(pipeline, world, outbox, clock):
    broken = world.account("broken", status=AccountStatus.NEEDS_RECONNECT)
    world.target(broken, clock.now)
    paused = world.account("paused", status=AccountStatus.PAUSED)
    with world.engine.begin() as c:
        from scheduler.store.tables import social_accounts as A

        c.execute(A.update().where(A.c.id == paused).values(paused_until=clock.now + timedelta(minutes=5)))
    p = world.target(paused, clock.now)
    assert dispatch_due(pipeline, outbox).claimed == []
    clock.advance(301)
    assert [x.target_id for x in dispatch_due(pipeline, outbox).claimed] == [p]


def test_enqueue_failure_releases_the_claim(pipeline, world, clock):
    acc = world.account()
    tid = world.target(acc, clock.now)

    def broken_broker(*_):
        raise ConnectionError("broker down")

    report = dispatch_due(pipeline, broken_broker)
    assert report.released == [tid]
    row = world.row(tid)
    assert row.state == S.SCHEDULED and row.lease_token is None


def test_sweep_returns_an_expired_queued_target(pipeline, world, outbox, clock):
    acc = world.account()
    tid = world.target(acc, clock.now)
    dispatch_due(pipeline, outbox)  # the message is then lost (flushed broker)
    clock.advance(119)
    assert sweep(pipeline).rescheduled == []
    clock.advance(2)
    assert sweep(pipeline).rescheduled == [tid]
    assert world.row(tid).state == S.SCHEDULED and world.row(tid).lease_token is None
    # The lost message, if it ever turns up, is now stale.
    assert publish_target(pipeline, tid, outbox.sent[0][1]).value == "stale"
    assert [x.target_id for x in dispatch_due(pipeline, outbox).claimed] == [tid]


def test_a_long_spacing_looks_back_further_than_a_day(pipeline, world, outbox, clock):
    acc = world.account(spacing=3 * 86400)  # one post every three days
    world.target(
        acc,
        clock.now - timedelta(days=2),
        state=S.PUBLISHED,
        published_at=clock.now - timedelta(days=2),
        remote_id="old",
    )
    due = world.target(acc, clock.now)
    assert dispatch_due(pipeline, outbox).claimed == []
    clock.advance(86400 + 1)
    assert [c.target_id for c in dispatch_due(pipeline, outbox).claimed] == [due]
