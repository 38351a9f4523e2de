"""A service changing a post's state and dispatch claiming its targets must not
overwrite each other (PostgreSQL row locks; SQLite serializes writers)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from scheduler.domain.model import ReviewState, TargetState
from scheduler.services.posts import compose as posts
from scheduler.services.posts import review
from scheduler.services.posts.scheduling import ScheduleIntent
from scheduler.store.tables import post_targets

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_cancel_waits_for_a_concurrent_claim_and_keeps_the_claimed_target(engine, uow, setup_kim):
    kim, member, admin, x, _, _ = setup_kim()
    post = posts.compose_post(
        uow,
        member,
        kim_id=kim.id,
        text="Pasar Minggu",
        targets=[x.id],
        now=NOW,
        schedule=ScheduleIntent.at_instant(NOW + HOUR),
        submit=True,
    )
    review.approve_post(uow, admin, post.id, now=NOW)
    target_id = post.targets[0].id

    # "Dispatch" holds the target row (as its claim's FOR UPDATE would) ...
    dispatch = engine.connect()
    tx = dispatch.begin()
    locked = dispatch.execute(
        sa.select(post_targets.c.state).where(post_targets.c.id == target_id).with_for_update()
    ).scalar_one()
    assert locked == "scheduled"
    outcome: dict[str, object] = {}

    def cancel() -> None:
        try:
            outcome["post"] = review.cancel_post(uow, admin, post.id, now=NOW + timedelta(minutes=1))
        except Exception as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=cancel)
    worker.start()
    # Give cancel the chance to (wrongly) go ahead: it must still be waiting.
    # (PostgreSQL: the row lock; SQLite: BEGIN IMMEDIATE waits for the writer.)
    time.sleep(0.5)
    assert worker.is_alive(), "cancel did not wait for the claimed row"
    # ... and claims it, then commits.
    dispatch.execute(
        post_targets.update()
        .where(post_targets.c.id == target_id)
        .values(state="queued", lease_token="lease-x", lease_until=datetime.now(UTC) + timedelta(minutes=2))
    )
    tx.commit()
    dispatch.close()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert "error" not in outcome, outcome.get("error")
    with engine.connect() as conn:
        state = conn.execute(sa.select(post_targets.c.state).where(post_targets.c.id == target_id)).scalar_one()
    assert state == TargetState.QUEUED  # the claim stands; cancel did not overwrite it
    assert outcome["post"].review_state == ReviewState.CANCELED
