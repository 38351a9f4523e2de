"""The main service flows through SqlAlchemyUnitOfWork on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.domain.errors import Conflict, InvalidInput, NotFound
from scheduler.domain.model import ReviewState, Role, TargetState
from scheduler.services.accounts import manage as accounts
from scheduler.services.accounts import secrets
from scheduler.services.people import tokens, users
from scheduler.services.people.actors import Actor
from scheduler.services.posts import compose as posts
from scheduler.services.posts import review
from scheduler.services.posts.content import TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB
HOUR = timedelta(hours=1)
SYSTEM = Actor.system()


def test_post_lifecycle(uow, rows, setup_kim):
    kim, member, admin, x, ig, image = setup_kim()
    post = posts.compose_post(
        uow,
        member,
        kim_id=kim.id,
        text="Keripik buah Arjosari #UMKM",
        targets=[TargetSpec(x.id), TargetSpec(ig.id, "Versi Instagram")],
        media_ids=[image.id],
        tags=["#kuliner", "umkm"],
        now=NOW,
        schedule=ScheduleIntent.at_local(datetime(2026, 11, 30, 19, 0), "Asia/Jakarta"),
    )
    assert post.targets[0].scheduled_at == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    review.submit_post(uow, member, post.id, now=NOW)
    approved = review.approve_post(uow, admin, post.id, now=NOW + HOUR)
    assert approved.review_state == ReviewState.APPROVED
    assert {t.state for t in approved.targets} == {TargetState.SCHEDULED}

    fresh = posts.get_post(uow, member, post.id)  # a new session reads what was committed
    assert fresh.media_ids == [image.id] and fresh.tags == ["kuliner", "umkm"]
    assert {t.text_override for t in fresh.targets} == {None, "Versi Instagram"}
    assert {t.scheduled_at for t in fresh.targets} == {datetime(2026, 11, 30, 12, 0, tzinfo=UTC)}

    canceled = review.cancel_post(uow, admin, post.id, now=NOW + 2 * HOUR)
    assert {t.state for t in canceled.targets} == {TargetState.CANCELED}
    with uow:
        actions = [e.action for e in uow.audit.list(post_id=post.id)]
        assert actions == [
            "post.create",
            "post.submit",
            "post.approve",
            "post.schedule",
            "post.schedule",
            "post.cancel",
        ]
        stored = uow.accounts.get(x.id)
        assert "sekret" not in stored.credentials_encrypted
        assert secrets.decrypt_credentials(stored.credentials_encrypted)["access_token"] == "sekret-x"
    assert rows()["audit_events"] >= 6


def test_tenancy_and_tokens_on_a_real_database(uow, setup_kim):
    kim_a, member_a, admin_a, x_a, _, _ = setup_kim()
    kim_b, member_b, _, x_b, _, _ = setup_kim(kelurahan="kauman", slug="kim-kauman")
    post = posts.compose_post(
        uow,
        member_a,
        kim_id=kim_a.id,
        text="Halo",
        targets=[x_a.id],
        now=NOW,
        schedule=ScheduleIntent.at_instant(NOW + HOUR),
    )
    with pytest.raises(NotFound):
        posts.get_post(uow, member_b, post.id)
    with pytest.raises(NotFound):
        posts.compose_post(
            uow,
            member_a,
            kim_id=kim_a.id,
            text="Halo",
            targets=[x_b.id],
            now=NOW,
            schedule=ScheduleIntent.at_instant(NOW + HOUR),
        )
    issued = tokens.create_token(uow, member_a, member_a.user_id, now=NOW)
    assert tokens.authenticate_token(uow, issued.token, now=NOW) == member_a
    with pytest.raises(Conflict):
        users.add_user(
            uow, SYSTEM, email="ANGGOTA@kim-kauman.id", role="member", password="rahasia-123", kim_id=kim_b.id, now=NOW
        )


@pytest.mark.parametrize("bad", ["past", "zone", "too_long", "ig_no_media", "foreign_account"])
def test_refused_compose_writes_nothing(uow, rows, bad, setup_kim):
    kim, member, _, x, ig, image = setup_kim()
    _, _, _, x_b, _, _ = setup_kim(kelurahan="kauman", slug="kim-kauman")
    kwargs = dict(
        text="Kopi Malang", targets=[x.id], media_ids=[image.id], schedule=ScheduleIntent.at_instant(NOW + HOUR)
    )
    if bad == "past":
        kwargs["schedule"] = ScheduleIntent.at_instant(NOW - HOUR)
    elif bad == "zone":
        kwargs["schedule"] = ScheduleIntent.at_instant(NOW + HOUR, "Mars/Olympus")
    elif bad == "too_long":
        kwargs["text"] = "kopi " * 100
    elif bad == "ig_no_media":
        kwargs.update(targets=[ig.id], media_ids=[])
    else:
        kwargs["targets"] = [x_b.id]
    before = rows()
    with pytest.raises((InvalidInput, NotFound)):
        posts.compose_post(uow, member, kim_id=kim.id, now=NOW, **kwargs)
    assert rows() == before


def test_failure_after_changes_rolls_everything_back(uow, rows, setup_kim):
    """approve_post flips the review state, then finds the recurrence exhausted and raises:
    the database must still show the post pending, with no audit event."""
    kim, member, admin, x, _, _ = setup_kim()
    intent = ScheduleIntent.recurring("FREQ=DAILY;COUNT=2", NOW + HOUR, "Asia/Jakarta")
    post = posts.compose_post(
        uow, member, kim_id=kim.id, text="Senam pagi", targets=[x.id], now=NOW, schedule=intent, submit=True
    )
    before = rows()
    with pytest.raises(InvalidInput) as caught:
        review.approve_post(uow, admin, post.id, now=NOW + 72 * HOUR)
    assert caught.value.field == "recurrence_rule"
    assert rows() == before
    assert posts.get_post(uow, member, post.id).review_state == ReviewState.PENDING_APPROVAL


def test_unit_of_work_without_commit_writes_nothing(uow, rows):
    before = rows()
    with pytest.raises(RuntimeError):
        with uow:
            kims_repo = uow.kims
            from scheduler.domain.model import Kim

            kims_repo.add(Kim(kelurahan_code="arjosari", name="KIM X", slug="kim-x", created_at=NOW))
            uow.flush()
            raise RuntimeError("boom")
    with uow:
        uow.kims.add(Kim(kelurahan_code="arjosari", name="KIM Y", slug="kim-y", created_at=NOW))
        # leaving without commit
    assert rows() == before


def test_recurring_and_next_slot_on_a_real_database(uow, setup_kim):
    kim, member, admin, x, _, _ = setup_kim()
    from datetime import time

    from scheduler.domain.model import PostingSlot

    accounts.set_slots(uow, admin, x.id, [PostingSlot(d, time(9, 0)) for d in range(7)], now=NOW)
    slot_post = posts.compose_post(
        uow,
        member,
        kim_id=kim.id,
        text="Slot",
        targets=[x.id],
        now=NOW,
        schedule=ScheduleIntent.next_slot(),
        submit=True,
    )
    rec = posts.compose_post(
        uow,
        member,
        kim_id=kim.id,
        text="Rutin",
        targets=[x.id],
        now=NOW,
        schedule=ScheduleIntent.recurring("FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=16;BYMINUTE=0", NOW + 8 * HOUR),
        submit=True,
    )
    approved_slot = review.approve_post(uow, admin, slot_post.id, now=NOW)
    assert approved_slot.targets[0].scheduled_at == NOW + HOUR  # 09:00 WIB
    approved_rec = review.approve_post(uow, admin, rec.id, now=NOW)
    assert [t.occurrence for t in approved_rec.targets] == [0, 1, 2, 3]
    assert approved_rec.expanded_until == NOW + timedelta(days=14)


def test_a_unique_constraint_lost_to_a_concurrent_writer_is_a_conflict(uow, rows):
    """The service checked the e-mail was free, but another transaction took it first."""
    from scheduler.domain.model import User

    before = rows()
    with pytest.raises(Conflict) as caught:
        with uow:
            uow.users.add(User(email="sama@example.id", name="A", role=Role.STAFF, created_at=NOW))
            uow.users.add(User(email="SAMA@example.id", name="B", role=Role.STAFF, created_at=NOW))
            uow.commit()
    assert caught.value.code == "concurrent_change"
    assert rows() == before


@pytest.mark.parametrize("bad", ["second_kim", "duplicate_email", "approve_rejected", "foreign_post", "too_many_media"])
def test_other_refusals_write_nothing(uow, rows, setup_kim, bad):
    from scheduler.domain.errors import IllegalTransition
    from scheduler.services.registry import kims

    kim, member, admin, x, _, image = setup_kim()
    _, member_b, _, _, _, _ = setup_kim(kelurahan="kauman", slug="kim-kauman")
    post = posts.compose_post(
        uow,
        member,
        kim_id=kim.id,
        text="Kopi",
        targets=[x.id],
        now=NOW,
        schedule=ScheduleIntent.at_instant(NOW + HOUR),
        submit=True,
    )
    if bad == "approve_rejected":
        review.reject_post(uow, admin, post.id, reason="Tidak jelas", now=NOW)
    images = [image.id]
    if bad == "too_many_media":  # X takes at most 4
        import io

        from PIL import Image

        from scheduler.services.posts import media

        for shade in range(4):
            buf = io.BytesIO()
            Image.new("RGB", (800, 800), (shade * 40, 10, 10)).save(buf, "PNG")
            images.append(
                media.upload_media(uow, member, kim_id=kim.id, filename=f"{shade}.png", data=buf.getvalue(), now=NOW).id
            )
    before = rows()
    calls = {
        "second_kim": (
            Conflict,
            lambda: kims.create_kim(uow, SYSTEM, kelurahan_code="arjosari", name="KIM Kedua", now=NOW),
        ),
        "duplicate_email": (
            Conflict,
            lambda: users.add_user(
                uow, SYSTEM, email="Admin@KIM-Arjosari.id", role="admin", password="rahasia-123", kim_id=kim.id, now=NOW
            ),
        ),
        "approve_rejected": (IllegalTransition, lambda: review.approve_post(uow, admin, post.id, now=NOW)),
        "foreign_post": (NotFound, lambda: review.cancel_post(uow, member_b, post.id, now=NOW)),
        "too_many_media": (InvalidInput, lambda: posts.edit_post(uow, member, post.id, media_ids=images, now=NOW)),
    }
    error, call = calls[bad]
    with pytest.raises(error) as caught:
        call()
    if bad == "too_many_media":
        assert caught.value.code == "too_many_media" and caught.value.field == "media"
    assert rows() == before
    assert posts.get_post(uow, member, post.id).review_state in (ReviewState.PENDING_APPROVAL, ReviewState.REJECTED)
