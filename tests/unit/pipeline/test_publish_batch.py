"""Several targets in one publish message: one start, side-by-side calls, each once."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from connectors.base import Rejected
from scheduler.domain.model import AccountStatus, AttemptOutcome, TargetState
from scheduler.services.publishing.dispatch import dispatch_due
from scheduler.services.publishing.publish import Outcome, publish_targets
from scheduler.store.tables import social_accounts as A

S = TargetState


@pytest.fixture
def config(config):
    """The pipeline tests' configuration, with three targets to a publish message."""
    return dataclasses.replace(config, publish_batch=3)


class BatchOutbox:
    """Collects single messages and batch messages from dispatch."""

    def __init__(self, fail: bool = False) -> None:
        self.single: list[tuple[int, str, object]] = []
        self.batches: list[tuple[list[tuple[int, str]], object]] = []
        self.fail = fail

    def one(self, target_id, lease_token, eta) -> None:
        self.single.append((target_id, lease_token, eta))

    def many(self, items, eta) -> None:
        if self.fail:
            raise ConnectionError("broker down")
        self.batches.append((list(items), eta))


def _accounts(world, n: int) -> list[int]:
    return [world.account(f"kim{i}") for i in range(n)]


def test_due_targets_go_out_publish_batch_to_a_message(pipeline, world, clock):
    accounts = _accounts(world, 7)
    due = [world.target(a, clock.now - timedelta(seconds=1), text=f"Kopi Dampit {a}") for a in accounts]
    box = BatchOutbox()
    report = dispatch_due(pipeline, box.one, box.many)  # publish_batch is 3 in the test config
    assert box.single == []
    assert [len(items) for items, _ in box.batches] == [3, 3, 1]
    assert {tid for items, _ in box.batches for tid, _ in items} == set(due)
    assert all(eta is None for _, eta in box.batches)
    tokens = {c.target_id: c.lease_token for c in report.claimed}
    assert all(tokens[tid] == tok for items, _ in box.batches for tid, tok in items)


def test_lookahead_targets_due_together_share_a_message_with_their_eta(pipeline, world, clock):
    accounts = _accounts(world, 3)
    soon = clock.now + timedelta(seconds=5)
    together = [world.target(a, soon, text=f"Apel Batu {a}") for a in accounts[:2]]
    alone = world.target(accounts[2], soon + timedelta(seconds=2), text="Keripik buah")
    box = BatchOutbox()
    dispatch_due(pipeline, box.one, box.many)
    by_eta = {eta: sorted(tid for tid, _ in items) for items, eta in box.batches}
    assert by_eta == {soon: sorted(together), soon + timedelta(seconds=2): [alone]}


def test_a_refused_batch_message_gives_every_claim_back(pipeline, world, clock):
    accounts = _accounts(world, 2)
    ids = [world.target(a, clock.now, text=f"Sambal {a}") for a in accounts]
    report = dispatch_due(pipeline, BatchOutbox().one, BatchOutbox(fail=True).many)
    assert sorted(report.released) == sorted(ids)
    assert [world.row(i).state for i in ids] == [S.SCHEDULED, S.SCHEDULED]


def test_batch_publishes_each_target_once_with_its_own_attempt(pipeline, world, connector, clock):
    accounts = _accounts(world, 3)
    ids = [world.target(a, clock.now, text=f"Tempe Sanan {a}") for a in accounts]
    box = BatchOutbox()
    dispatch_due(pipeline, box.one, box.many)
    items = [pair for batch, _ in box.batches for pair in batch]
    outcomes = publish_targets(pipeline, items)
    assert outcomes == {i: Outcome.PUBLISHED for i in ids}
    assert sorted(c.text for _, c in connector.calls) == sorted(f"Tempe Sanan {a}" for a in accounts)
    remote_ids = set()
    for i in ids:
        row = world.row(i)
        assert row.state == S.PUBLISHED and row.attempts == 1 and row.lease_token is None
        assert row.content_fingerprint.startswith("c1:")
        (attempt,) = world.attempts(i)
        assert attempt.outcome == AttemptOutcome.PUBLISHED
        remote_ids.add(row.remote_id)
    assert len(remote_ids) == 3
    # The same message again (a redelivery) changes nothing and calls nobody.
    assert publish_targets(pipeline, items) == {i: Outcome.STALE for i in ids}
    assert len(connector.calls) == 3


def test_create_calls_of_a_batch_run_side_by_side(pipeline, world, connector, clock):
    accounts = _accounts(world, 3)
    ids = [world.target(a, clock.now, text=f"Kopi {a}") for a in accounts]
    box = BatchOutbox()
    dispatch_due(pipeline, box.one, box.many)
    ((items, _),) = box.batches
    everyone_in = threading.Barrier(3, timeout=10)  # breaks if the calls ran one after another
    original = connector.publish

    def publish(account, content):
        everyone_in.wait()
        return original(account, content)

    connector.publish = publish  # type: ignore[method-assign]
    assert publish_targets(pipeline, items) == {i: Outcome.PUBLISHED for i in ids}


def test_stale_and_held_targets_do_not_stop_the_others(pipeline, world, connector, clock):
    ok, stale, held, rejected = _accounts(world, 4)
    t_ok = world.target(ok, clock.now, text="Keripik kentang")
    t_stale = world.target(stale, clock.now, text="Keripik singkong")
    t_held = world.target(held, clock.now, text="Keripik pisang")
    t_rej = world.target(rejected, clock.now, text="Keripik apel")
    box = BatchOutbox()
    report = dispatch_due(pipeline, box.one, box.many)
    tokens = {c.target_id: c.lease_token for c in report.claimed}
    with world.engine.begin() as c:  # the account needs reconnecting after the claim
        c.execute(sa.update(A).where(A.c.id == held).values(status=AccountStatus.NEEDS_RECONNECT))
    # The calls run side by side, in no set order: answer by the post's text.
    answers = {"Keripik kentang": None, "Keripik apel": Rejected("Ditolak.", "Refused.", code="bad_media")}
    original = connector.publish

    def publish(account, content):
        connector.answers = [answers[content.text]]
        return original(account, content)

    connector.publish = publish  # type: ignore[method-assign]
    outcomes = publish_targets(
        pipeline, [(t_ok, tokens[t_ok]), (t_stale, "0" * 32), (t_held, tokens[t_held]), (t_rej, tokens[t_rej])]
    )
    assert outcomes == {t_ok: Outcome.PUBLISHED, t_stale: Outcome.STALE, t_held: Outcome.HELD, t_rej: Outcome.FAILED}
    assert world.row(t_ok).state == S.PUBLISHED
    assert world.row(t_stale).state == S.QUEUED and world.attempts(t_stale) == []
    assert world.row(t_held).state == S.SCHEDULED and world.attempts(t_held) == []
    assert world.row(t_rej).state == S.FAILED
    assert sorted(c.text for _, c in connector.calls) == ["Keripik apel", "Keripik kentang"]
