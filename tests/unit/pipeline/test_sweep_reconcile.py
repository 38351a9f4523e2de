"""Sweep expired leases, reconcile unknown outcomes."""

from __future__ import annotations

from datetime import timedelta

from connectors.base import Ambiguous, RemotePost
from scheduler.domain.model import AttemptOutcome, TargetState
from scheduler.services.publishing.dispatch import dispatch_due
from scheduler.services.publishing.publish import Outcome, publish_target
from scheduler.services.publishing.reconcile import reconcile_unknown
from scheduler.services.publishing.sweep import sweep
from scheduler.store.publishing import lifecycle

S = TargetState
TEXT = "Kopi Dampit asli, mampir ke KIM Purwantoro!"


def _publishing(pipeline, world, outbox, clock):
    """A target stuck in publishing, as if its worker died mid-call."""
    acc = world.account()
    tid = world.target(acc, clock.now, text=TEXT)
    dispatch_due(pipeline, outbox)
    ((_, token, _),) = outbox.sent
    with pipeline.transaction() as conn:
        assert lifecycle.start(conn, tid, token, clock.now, pipeline.config.lease_seconds)
    return tid, token


def test_expired_publishing_lease_becomes_unknown(pipeline, world, outbox, clock):
    tid, token = _publishing(pipeline, world, outbox, clock)
    clock.advance(119)
    assert sweep(pipeline).unknown == []
    clock.advance(2)
    assert sweep(pipeline).unknown == [tid]
    row = world.row(tid)
    assert row.state == S.UNKNOWN and row.lease_token == token
    assert world.attempts(tid)[0].outcome == AttemptOutcome.LEASE_EXPIRED


def test_reconcile_found_publishes_with_the_remote_id(pipeline, world, outbox, clock, connector):
    tid, token = _publishing(pipeline, world, outbox, clock)
    started = clock.now
    clock.advance(121)
    sweep(pipeline)
    connector.recent = [
        RemotePost("other", "Something else", started, "https://x.test/a/status/other"),
        RemotePost("1234", "kopi  Dampit asli, mampir ke KIM Purwantoro!", started, "https://x.test/a/status/1234"),
    ]
    report = reconcile_unknown(pipeline)
    assert report.found == {tid: "1234"}
    row = world.row(tid)
    assert (row.state, row.remote_id, row.permalink) == (S.PUBLISHED, "1234", "https://x.test/a/status/1234")
    assert row.lease_token is None
    ((_, since),) = connector.find_calls
    assert since == started - timedelta(seconds=120)
    assert connector.calls == []  # never published a second time


def test_reconcile_not_found_waits_then_reschedules(pipeline, world, outbox, clock, connector):
    acc = world.account()
    tid = world.target(acc, clock.now, text=TEXT)
    dispatch_due(pipeline, outbox)
    ((_, token, _),) = outbox.sent
    connector.answers = [Ambiguous(code="server_error")]
    assert publish_target(pipeline, tid, token) is Outcome.UNKNOWN
    clock.advance(30)
    assert reconcile_unknown(pipeline).waiting == [tid]  # too early to call it lost
    assert world.row(tid).state == S.UNKNOWN
    clock.advance(160)  # lease 120 + settle 60 since the attempt started
    assert reconcile_unknown(pipeline).rescheduled == [tid]
    row = world.row(tid)
    assert row.state == S.SCHEDULED and row.lease_token is None
    # A very late answer under the old lease cannot land any more.
    with pipeline.transaction() as conn:
        assert not lifecycle.finish(conn, tid, token, values={"state": S.PUBLISHED, "updated_at": clock.now})
    (c,) = dispatch_due(pipeline, outbox).claimed
    assert publish_target(pipeline, tid, c.lease_token) is Outcome.PUBLISHED
    assert len(connector.calls) == 2 and [a.number for a in world.attempts(tid)] == [1, 2]


def test_slow_worker_answer_after_sweep_still_counts(pipeline, world, outbox, clock, connector):
    """The sweeper marked it unknown while the call ran; the definite answer wins."""
    tid, token = _publishing(pipeline, world, outbox, clock)
    clock.advance(121)
    sweep(pipeline)
    with pipeline.transaction() as conn:
        assert lifecycle.finish(
            conn,
            tid,
            token,
            values={"state": S.PUBLISHED, "remote_id": "late", "lease_token": None, "updated_at": clock.now},
        )
    assert world.row(tid).state == S.PUBLISHED


def test_reconcile_error_leaves_unknown(pipeline, world, outbox, clock, connector):
    tid, token = _publishing(pipeline, world, outbox, clock)
    clock.advance(200)
    sweep(pipeline)

    def broken(account, since):
        raise Ambiguous(code="timeout")

    connector.find_recent = broken
    assert reconcile_unknown(pipeline).errors == [tid]
    assert world.row(tid).state == S.UNKNOWN


def test_two_identical_unknowns_match_two_remote_posts(pipeline, world, outbox, clock, connector):
    acc = world.account()
    a = world.target(acc, clock.now, text=TEXT)
    b = world.target(acc, clock.now + timedelta(seconds=1), text=TEXT)
    for _ in range(2):
        dispatch_due(pipeline, outbox)
        clock.advance(1)
    for tid, token, _ in outbox.sent:
        connector.answers = [Ambiguous(code="connection_lost")]
        publish_target(pipeline, tid, token)
    connector.recent = [RemotePost("9", TEXT, clock.now, "p9")]
    report = reconcile_unknown(pipeline)
    assert list(report.found.values()) == ["9"]  # one remote post satisfies one target only
    assert len(report.waiting) == 1
    assert {world.row(a).state, world.row(b).state} == {S.PUBLISHED, S.UNKNOWN}
