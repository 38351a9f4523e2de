"""An X thread goes out as the parts stored with its target, and reconcile knows it by its first."""

from __future__ import annotations

import sqlalchemy as sa

from connectors.base import RemotePost
from scheduler.domain.model import TargetState
from scheduler.domain.rules import rules_for
from scheduler.services.publishing.dispatch import dispatch_due
from scheduler.services.publishing.publish import Outcome, publish_target
from scheduler.services.publishing.reconcile import reconcile_unknown
from scheduler.services.publishing.sweep import sweep
from scheduler.store import tables as t
from scheduler.store.publishing import lifecycle

S = TargetState
LONG = " ".join(f"Kalimat {i} tentang Kampung Warna-Warni Jodipan di Kota Malang." for i in range(12))


def _as_thread(world, target_id: int) -> None:
    with world.engine.begin() as c:
        post_id = c.execute(sa.select(t.post_targets.c.post_id).where(t.post_targets.c.id == target_id)).scalar_one()
        c.execute(sa.update(t.posts).where(t.posts.c.id == post_id).values(as_thread=True))


def _publish(pipeline, outbox, target_id: int) -> Outcome:
    dispatch_due(pipeline, outbox)
    ((sent_id, token, _),) = outbox.sent
    assert sent_id == target_id
    return publish_target(pipeline, target_id, token)


def test_the_connector_gets_the_stored_parts_not_a_new_split(pipeline, world, outbox, clock, connector):
    # Parts no splitter would produce from this text: what was stored is what is sent.
    stored = ["Bagian pertama yang sudah diperiksa.", "Bagian kedua.", "Bagian ketiga."]
    tid = world.target(world.account(), clock.now, text=LONG, thread_parts=stored)
    _as_thread(world, tid)
    assert _publish(pipeline, outbox, tid) is Outcome.PUBLISHED
    ((_, content),) = connector.calls
    assert content.thread_parts == tuple(stored)
    assert content.text == LONG


def test_a_target_saved_without_parts_is_split_by_the_same_rules(pipeline, world, outbox, clock, connector):
    tid = world.target(world.account(), clock.now, text=LONG)
    _as_thread(world, tid)
    assert world.row(tid).thread_parts == []
    assert _publish(pipeline, outbox, tid) is Outcome.PUBLISHED
    ((_, content),) = connector.calls
    expected = rules_for("x").parts(LONG, as_thread=True)
    assert expected is not None and len(expected) > 1
    assert content.thread_parts == expected


def test_a_target_saved_without_parts_and_not_a_thread_is_one_tweet(pipeline, world, outbox, clock, connector):
    tid = world.target(world.account(), clock.now, text="Kopi Dampit")
    assert _publish(pipeline, outbox, tid) is Outcome.PUBLISHED
    ((_, content),) = connector.calls
    assert content.thread_parts == ("Kopi Dampit",)


def test_refused_characters_in_an_unsplit_old_target_fail_without_a_call(pipeline, world, outbox, clock, connector):
    tid = world.target(world.account(), clock.now, text=LONG + " \ufffe")
    _as_thread(world, tid)
    assert _publish(pipeline, outbox, tid) is Outcome.FAILED
    assert connector.calls == []
    assert world.row(tid).last_error_code == "x_invalid_characters"


def test_reconcile_finds_a_thread_by_its_stored_first_part(pipeline, world, outbox, clock, connector):
    """A short first part (a long word follows it) is no prefix match: the stored part is."""
    stored = ["Halo Malang!", "ꦩ" * 140, "selesai"]
    tid = world.target(world.account(), clock.now, text=" ".join(stored), thread_parts=stored)
    _as_thread(world, tid)
    dispatch_due(pipeline, outbox)
    ((_, token, _),) = outbox.sent
    started = clock.now
    with pipeline.transaction() as conn:
        assert lifecycle.start(conn, tid, token, clock.now, pipeline.config.lease_seconds)
    clock.advance(pipeline.config.lease_seconds + 1)
    assert sweep(pipeline).unknown == [tid]
    connector.recent = [
        RemotePost("9", "Halo", started, "https://x.test/a/status/9"),
        RemotePost("10", "halo  Malang!", started, "https://x.test/a/status/10"),
    ]
    assert reconcile_unknown(pipeline).found == {tid: "10"}
    assert world.row(tid).state == S.PUBLISHED and connector.calls == []
