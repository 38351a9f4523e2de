"""Managing people (deactivate, passwords, tokens), subjects, and retrying failed targets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.domain import states
from scheduler.domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from scheduler.domain.model import SubjectKind, TargetState
from scheduler.services.people import tokens, users
from scheduler.services.posts import compose as posts
from scheduler.services.posts import review
from scheduler.services.posts.content import SubjectRef, TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent
from scheduler.services.registry import subjects


def walk(target, now, *path, **fields):
    """Move ``target`` along ``path`` as the pipeline would (its moves are tested in tests/unit/pipeline)."""
    for state in path:
        states.transition(target, state, now)
    for name, value in fields.items():
        setattr(target, name, value)


def _with_password(world, who, now):
    return users.change_password(
        world.uow, world.superadmin, world.actor(who).user_id, new_password="awal-12345", now=now
    )


def test_deactivated_user_cannot_sign_in_or_use_tokens(world, now):
    _with_password(world, "member_a", now)
    issued = tokens.create_token(world.uow, world.member_a, world.member_a.user_id, now=now)
    users.set_user_active(world.uow, world.admin_a, world.member_a.user_id, active=False, now=now)
    with pytest.raises(NotAllowed):
        users.authenticate(world.uow, email="ani@kim-arjosari.id", password="awal-12345", now=now)
    with pytest.raises(NotAllowed):
        tokens.authenticate_token(world.uow, issued.token, now=now)
    with pytest.raises(NotFound):  # another KIM's admin
        users.set_user_active(world.uow, world.admin_b, world.member_a.user_id, active=True, now=now)
    with pytest.raises(NotAllowed):
        users.set_user_active(world.uow, world.staff, world.superadmin.user_id, active=False, now=now)
    assert [e.action for e in world.uow.audit.list(action="user.deactivate")] == ["user.deactivate"]


def test_change_own_password_needs_the_current_one(world, now):
    _with_password(world, "member_a", now)
    with pytest.raises(InvalidInput) as caught:
        users.change_password(
            world.uow,
            world.member_a,
            world.member_a.user_id,
            new_password="baru-123456",
            current_password="salah",
            now=now,
        )
    assert caught.value.field == "current_password"
    users.change_password(
        world.uow,
        world.member_a,
        world.member_a.user_id,
        new_password="baru-123456",
        current_password="awal-12345",
        now=now,
    )
    assert (
        users.authenticate(world.uow, email="ani@kim-arjosari.id", password="baru-123456", now=now).id
        == world.member_a.user_id
    )
    with pytest.raises(NotAllowed):  # a member does not manage other members
        users.change_password(world.uow, world.member_a, world.member_a2.user_id, new_password="baru-123456", now=now)


def test_list_tokens_shows_own_tokens_only(world, now):
    tokens.create_token(world.uow, world.member_a, world.member_a.user_id, now=now, name="laptop")
    [row] = tokens.list_tokens(world.uow, world.member_a, world.member_a.user_id)
    assert row.name == "laptop"
    with pytest.raises(NotFound):
        tokens.list_tokens(world.uow, world.member_a2, world.member_a.user_id)


def test_subjects_and_a_post_that_promotes_one(world, now):
    umkm = subjects.add_umkm(
        world.uow,
        world.admin_a,
        kelurahan_code="blimbing-arjosari",
        name="Keripik Tempe Bu Sri",
        owner="Sri",
        kim_id=world.kim_a.id,
        now=now,
    )
    product = subjects.add_product(
        world.uow, world.admin_a, umkm_id=umkm.id, name="Keripik tempe original", category="keripik", now=now
    )
    shared = subjects.add_destination(
        world.uow, world.staff, kelurahan_code="klojen-kauman", name="Kampung Heritage Kayutangan", now=now
    )
    foreign = subjects.add_destination(
        world.uow, world.admin_b, kelurahan_code="klojen-kauman", name="Pasar Besar", kim_id=world.kim_b.id, now=now
    )
    with pytest.raises(NotAllowed):
        subjects.add_destination(
            world.uow, world.admin_a, kelurahan_code="klojen-kauman", name="X", now=now
        )  # city-wide data: staff only
    for ref in (SubjectRef(SubjectKind.PRODUCT, product.id), SubjectRef(SubjectKind.DESTINATION, shared.id)):
        post = posts.compose_post(
            world.uow,
            world.member_a,
            kim_id=world.kim_a.id,
            text="Promo",
            targets=[TargetSpec(world.x_a.id)],
            subject=ref,
            now=now,
            schedule=ScheduleIntent.at_instant(now + timedelta(hours=1)),
        )
        assert (post.subject_kind, post.subject_id) == (ref.kind, ref.id)
    with pytest.raises(NotFound):
        posts.compose_post(
            world.uow,
            world.member_a,
            kim_id=world.kim_a.id,
            text="Promo",
            targets=[TargetSpec(world.x_a.id)],
            now=now,
            subject=SubjectRef(SubjectKind.DESTINATION, foreign.id),
            schedule=ScheduleIntent.at_instant(now + timedelta(hours=1)),
        )


def test_retry_a_failed_target(world, now):
    post = posts.compose_post(
        world.uow,
        world.member_a,
        kim_id=world.kim_a.id,
        text="Halo",
        targets=[world.x_a.id],
        now=now,
        submit=True,
        schedule=ScheduleIntent.at_instant(now + timedelta(hours=1)),
    )
    review.approve_post(world.uow, world.admin_a, post.id, now=now)
    with world.uow:
        [t] = world.uow.posts.get(post.id).targets
        walk(t, now + timedelta(hours=1), TargetState.QUEUED, TargetState.PUBLISHING, TargetState.FAILED)
        t.last_error_code, t.last_error_message = "rejected", "Teks ditolak X"
        world.uow.commit()
    with pytest.raises(NotAllowed):
        review.retry_target(world.uow, world.member_a, t.id, now=now + timedelta(hours=2))
    again = review.retry_target(world.uow, world.admin_a, t.id, now=now + timedelta(hours=2))
    [t2] = again.targets
    assert t2.state == TargetState.SCHEDULED and t2.scheduled_at == now + timedelta(hours=2)
    assert t2.last_error_code is None
    with pytest.raises(IllegalTransition):  # scheduled is not failed
        review.retry_target(world.uow, world.admin_a, t.id, now=now + timedelta(hours=2))
