"""A dispatch tick claims batch after batch while they come back full, within bounds."""

from __future__ import annotations

from datetime import timedelta

from scheduler.domain.model import TargetState
from scheduler.services.publishing.dispatch import dispatch_while_full


def _due(world, clock, n: int) -> list[int]:
    return [
        world.target(world.account(f"kim{i}"), clock.now - timedelta(seconds=1), text=f"Pecel Kawi {i}")
        for i in range(n)
    ]


def test_full_batches_are_followed_by_more_until_nothing_is_due(pipeline, world, outbox, clock):
    ids = _due(world, clock, 130)  # claim_batch is 50: 50 + 50 + 30
    assert dispatch_while_full(pipeline, outbox, 5.0, 1000) == 130
    assert sorted(t for t, _, _ in outbox.sent) == sorted(ids)
    assert {world.row(i).state for i in ids} == {TargetState.QUEUED}


def test_in_flight_bound_stops_further_batches(pipeline, world, outbox, clock):
    _due(world, clock, 130)
    # After 50 in flight another batch is allowed (50 < 60); after 100 it is not.
    assert dispatch_while_full(pipeline, outbox, 5.0, 60) == 100


def test_time_budget_stops_further_batches(pipeline, world, outbox, clock):
    _due(world, clock, 130)
    assert dispatch_while_full(pipeline, outbox, 0.0, 1000) == 50  # one batch per tick, as before
