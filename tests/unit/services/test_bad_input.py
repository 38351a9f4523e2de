"""The issue's list of bad inputs: each is refused with a typed, bilingual error naming
the field, and nothing at all is written (not even an audit event)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from scheduler.domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from scheduler.domain.model import MediaAsset, MediaKind
from scheduler.services.people import users
from scheduler.services.posts import compose as posts
from scheduler.services.posts import review
from scheduler.services.posts.content import TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent
from scheduler.services.registry import kims

HOUR = timedelta(hours=1)


def _compose(world, now, *, targets=None, media=None, text="Kopi Arjosari", schedule=None, actor=None, kim=None):
    return posts.compose_post(
        world.uow,
        actor or world.member_a,
        kim_id=(kim or world.kim_a).id,
        text=text,
        targets=[TargetSpec(a.id) for a in (targets or [world.x_a])],
        media_ids=[m.id for m in (media or [])],
        schedule=schedule or ScheduleIntent.at_instant(now + HOUR),
        now=now,
    )


def _rejected_post(world, now):
    post = _compose(world, now)
    review.submit_post(world.uow, world.member_a, post.id, now=now)
    review.reject_post(world.uow, world.admin_a, post.id, reason="Kurang jelas", now=now)
    return post.id


def _five_images(world):
    extra = []
    with world.uow:
        for n in range(3):
            extra.append(
                world.uow.media.add(
                    MediaAsset(
                        kim_id=world.kim_a.id,
                        content_hash=f"{100 + n:064x}",
                        kind=MediaKind.IMAGE,
                        mime_type="image/jpeg",
                        size_bytes=1000,
                        storage_key=f"e/{n}",
                        width=1080,
                        height=1080,
                    )
                )
            )
        world.uow.commit()
    return [world.image_a, world.image_a2, *extra]


def _submitted(world, now):
    post = _compose(world, now)
    review.submit_post(world.uow, world.member_a, post.id, now=now)
    return post.id


def _clear_slots(world):
    with world.uow:
        world.uow.accounts.get(world.x_a.id).slots = []
        world.uow.commit()


def _nothing(world, now):
    return None


# case -> (prepare(world, now) -> context, act(world, now, context), error, field)
CASES = {
    "schedule in the past": (
        _nothing,
        lambda w, now, _: _compose(w, now, schedule=ScheduleIntent.at_instant(now - HOUR)),
        InvalidInput,
        "schedule_at",
    ),
    "naive schedule time": (
        _nothing,
        lambda w, now, _: _compose(w, now, schedule=ScheduleIntent.at_instant(datetime(2027, 1, 1, 9))),
        InvalidInput,
        "schedule_at",
    ),
    "unknown time zone": (
        _nothing,
        lambda w, now, _: _compose(w, now, schedule=ScheduleIntent.at_instant(now + HOUR, "Asia/Malang")),
        InvalidInput,
        "timezone",
    ),
    "text over X's limit": (_nothing, lambda w, now, _: _compose(w, now, text="keripik " * 60), InvalidInput, "text"),
    "Instagram target without media": (
        _nothing,
        lambda w, now, _: _compose(w, now, targets=[w.ig_a]),
        InvalidInput,
        "media",
    ),
    "too many media for X": (
        lambda w, now: _five_images(w),
        lambda w, now, media: _compose(w, now, media=media),
        InvalidInput,
        "media",
    ),
    "no target": (
        _nothing,
        lambda w, now, _: posts.compose_post(
            w.uow,
            w.member_a,
            kim_id=w.kim_a.id,
            text="x",
            targets=[],
            now=now,
            schedule=ScheduleIntent.at_instant(now + HOUR),
        ),
        InvalidInput,
        "targets",
    ),
    "another KIM's account as target": (
        _nothing,
        lambda w, now, _: _compose(w, now, targets=[w.x_b]),
        NotFound,
        "targets",
    ),
    "another KIM's media": (_nothing, lambda w, now, _: _compose(w, now, media=[w.image_b]), NotFound, "media_ids"),
    "member posting into another KIM": (_nothing, lambda w, now, _: _compose(w, now, actor=w.member_b), NotFound, None),
    "member acting on another KIM's post": (
        lambda w, now: _compose(w, now).id,
        lambda w, now, post_id: review.submit_post(w.uow, w.member_b, post_id, now=now),
        NotFound,
        None,
    ),
    "a second KIM for one kelurahan": (
        _nothing,
        lambda w, now, _: kims.create_kim(
            w.uow, w.staff, kelurahan_code="blimbing-arjosari", name="KIM Arjosari Dua", now=now
        ),
        Conflict,
        "kelurahan",
    ),
    "approving a rejected post": (
        _rejected_post,
        lambda w, now, post_id: review.approve_post(w.uow, w.admin_a, post_id, now=now),
        IllegalTransition,
        None,
    ),
    "a duplicate email": (
        _nothing,
        lambda w, now, _: users.add_user(
            w.uow,
            w.staff,
            email="Ani@KIM-Arjosari.id",
            role="member",
            password="rahasia-123",
            kim_id=w.kim_a.id,
            now=now,
        ),
        Conflict,
        "email",
    ),
    "a recurrence rule that is not RFC 5545": (
        _nothing,
        lambda w, now, _: _compose(w, now, schedule=ScheduleIntent.recurring("every monday please", now + HOUR)),
        InvalidInput,
        "recurrence_rule",
    ),
    "next free slot on an account without slots": (
        lambda w, now: _clear_slots(w),
        lambda w, now, _: _compose(w, now, schedule=ScheduleIntent.next_slot()),
        InvalidInput,
        "schedule",
    ),
    "reject without a reason": (
        _submitted,
        lambda w, now, post_id: review.reject_post(w.uow, w.admin_a, post_id, reason=" ", now=now),
        InvalidInput,
        "reason",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_and_nothing_is_written(world, now, case):
    prepare, act, error, field = CASES[case]
    context = prepare(world, now)
    before = world.uow.snapshot()
    commits = world.uow.commits
    with pytest.raises(error) as caught:
        act(world, now, context)
    err = caught.value
    assert err.message_id and err.message_en and err.message_id != err.message_en
    if field is not None:
        assert err.field == field, (err.field, err.fields)
    assert world.uow.commits == commits
    assert world.uow.data == before  # not a row, not an audit event
