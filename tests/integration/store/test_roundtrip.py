"""Every entity goes in and comes back equal, with aware UTC datetimes, enums and slots."""

from __future__ import annotations

import dataclasses
import enum
import json
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from scheduler.domain import model as m
from scheduler.store import tables
from scheduler.store.orm import start_mappers
from scheduler.store.types import StoreValueError

UTC = UTC
WIB = timezone(timedelta(hours=7))
T0 = datetime(2026, 3, 2, 2, 0, 0, 123456, tzinfo=UTC)


def _base(session) -> dict:
    """A kecamatan, kelurahan, KIM, admin and an X account."""
    session.add(m.Kecamatan(code="blimbing", name="Blimbing"))
    session.flush()
    session.add(m.Kelurahan(code="arjosari", name="Arjosari", kecamatan_code="blimbing"))
    session.flush()
    kim = m.Kim(kelurahan_code="arjosari", name="KIM Arjosari", slug="arjosari", formed_on=date(2021, 8, 17))
    session.add(kim)
    session.flush()
    admin = m.User(
        email="admin@arjosari.id", name="Bu Sri", role=m.Role.ADMIN, kim_id=kim.id, password_hash="$argon2id$v=19$x"
    )
    session.add(admin)
    session.flush()
    account = m.SocialAccount(
        kim_id=kim.id,
        platform=m.Platform.X,
        handle="kim_arjosari",
        slots=[m.PostingSlot(0, time(9, 0)), m.PostingSlot(4, time(19, 30)), m.PostingSlot(6, time(7, 5, 30))],
        status=m.AccountStatus.PAUSED,
        paused_until=T0 + timedelta(minutes=15),
        daily_cap=5,
    )
    session.add(account)
    session.flush()
    return {"kim": kim, "admin": admin, "account": account}


def _everything(session) -> list:
    base = _base(session)
    kim, admin, account = base["kim"], base["admin"], base["account"]
    token = m.ApiToken(user_id=admin.id, token_hash="$argon2id$t", prefix="siar_ab12", name="cli", last_used_at=T0)
    umkm = m.Umkm(kelurahan_code="arjosari", name="Keripik Tempe Bu Sri", owner="Sri", kim_id=kim.id)
    session.add_all([token, umkm])
    session.flush()
    product = m.Product(umkm_id=umkm.id, name="Keripik tempe pedas", category="keripik")
    destination = m.Destination(
        kelurahan_code="arjosari", name="Kampung Wisata", category="wisata kampung", kim_id=kim.id
    )
    asset = m.MediaAsset(
        kim_id=kim.id,
        content_hash="a" * 64,
        kind=m.MediaKind.IMAGE,
        mime_type="image/jpeg",
        size_bytes=123_456,
        storage_key="media/aa/a.jpg",
        width=1080,
        height=1350,
        uploaded_by=admin.id,
    )
    video = m.MediaAsset(
        kim_id=kim.id,
        content_hash="b" * 64,
        kind=m.MediaKind.VIDEO,
        mime_type="video/mp4",
        size_bytes=9_000_000_000,
        storage_key="media/bb/b.mp4",
        duration_seconds=12.5,
    )
    session.add_all([product, destination, asset, video])
    session.flush()
    variant = m.MediaVariant(
        asset_id=asset.id,
        platform=m.Platform.INSTAGRAM,
        storage_key="v/a-ig.jpg",
        mime_type="image/jpeg",
        size_bytes=99_000,
        width=1080,
        height=1350,
    )
    post = m.Post(
        kim_id=kim.id,
        author_id=admin.id,
        text="Keripik tempe Arjosari! #UMKMMalang",
        media_ids=[video.id, asset.id],
        tags=["umkm", "keripik"],
        subject_kind=m.SubjectKind.PRODUCT,
        subject_id=product.id,
        review_state=m.ReviewState.APPROVED,
        schedule_kind=m.ScheduleKind.RECURRING,
        schedule_at=datetime(2026, 3, 2, 9, 0, tzinfo=WIB),  # aware, not UTC: stored as the same instant
        recurrence_rule="FREQ=WEEKLY;BYDAY=MO",
        recurrence_until=T0 + timedelta(days=60),
        expanded_until=T0 + timedelta(days=14),
        as_thread=True,
        dedupe_key="row-7",
        reviewed_by=admin.id,
        reviewed_at=T0,
        targets=[
            m.PostTarget(
                account_id=account.id,
                scheduled_at=T0,
                state=m.TargetState.PUBLISHED,
                occurrence=0,
                attempts=1,
                remote_id="1790000000000000001",
                permalink="https://x.com/i/1",
                published_at=T0 + timedelta(seconds=2),
                likes=3,
                views=2_500_000_000,
                metrics_captured_at=T0 + timedelta(hours=1),
                engagement_due_at=T0 + timedelta(hours=7),
                content_fingerprint="f" * 64,
            ),
            m.PostTarget(
                account_id=account.id,
                scheduled_at=T0 + timedelta(days=7),
                occurrence=1,
                state=m.TargetState.RETRY_WAIT,
                next_attempt_at=T0 + timedelta(days=7, minutes=1),
                lease_token="lease-1",
                lease_until=T0 + timedelta(days=7, minutes=2),
                last_error_code="transient",
                last_error_message="Server X sibuk; dicoba lagi.",
            ),
        ],
    )
    session.add_all([variant, post])
    session.flush()
    target = post.targets[0]
    attempt = m.PublishAttempt(
        target_id=target.id,
        number=1,
        started_at=T0,
        lease_token="lease-0",
        finished_at=T0 + timedelta(seconds=2),
        outcome=m.AttemptOutcome.PUBLISHED,
    )
    snapshot = m.EngagementSnapshot(
        target_id=target.id,
        captured_at=T0 + timedelta(hours=1),
        likes=3,
        views=2_500_000_000,
        raw={"public_metrics": {"like_count": 3}, "ok": True},
    )
    event = m.AuditEvent(
        at=T0,
        action="post.approve",
        actor_id=admin.id,
        kim_id=kim.id,
        post_id=post.id,
        target_id=target.id,
        detail={"from": "pending_approval", "to": "approved"},
    )
    session.add_all([attempt, snapshot, event])
    session.flush()
    return [
        session.get(m.Kecamatan, "blimbing"),
        session.get(m.Kelurahan, "arjosari"),
        kim,
        admin,
        account,
        token,
        umkm,
        product,
        destination,
        asset,
        video,
        variant,
        post,
        *post.targets,
        attempt,
        snapshot,
        event,
    ]


def _identity(obj):
    cls = type(obj)
    key = obj.code if isinstance(obj, (m.Kecamatan, m.Kelurahan)) else obj.id
    return cls, key


def _all_values(obj):
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, list):
            yield from value
        else:
            yield value


def test_every_entity_round_trips(session_factory):
    with session_factory() as session:
        saved = _everything(session)
        session.commit()
    assert {type(o) for o in saved} >= {
        m.Kecamatan,
        m.Kelurahan,
        m.Kim,
        m.User,
        m.ApiToken,
        m.SocialAccount,
        m.Umkm,
        m.Product,
        m.Destination,
        m.MediaAsset,
        m.MediaVariant,
        m.Post,
        m.PostTarget,
        m.PublishAttempt,
        m.EngagementSnapshot,
        m.AuditEvent,
    }
    with session_factory() as session:
        for original in saved:
            cls, key = _identity(original)
            loaded = session.get(cls, key)
            assert loaded is not None
            assert loaded == original, cls.__name__
            for value in _all_values(loaded):
                if isinstance(value, datetime):
                    assert value.tzinfo is UTC, (cls.__name__, value)
            for f in dataclasses.fields(loaded):
                declared = getattr(original, f.name)
                if isinstance(declared, enum.Enum):
                    assert type(getattr(loaded, f.name)) is type(declared)

        post = session.get(m.Post, saved[12].id)
        assert post.schedule_at == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
        assert post.schedule_at.tzinfo is UTC
        assert [t.occurrence for t in post.targets] == [0, 1]
        assert post.targets[0].state is m.TargetState.PUBLISHED
        assert post.subject_kind is m.SubjectKind.PRODUCT
        account = session.get(m.SocialAccount, saved[4].id)
        assert account.slots == [
            m.PostingSlot(0, time(9, 0)),
            m.PostingSlot(4, time(19, 30)),
            m.PostingSlot(6, time(7, 5, 30)),
        ]
        assert all(type(s) is m.PostingSlot for s in account.slots)
        raw_slots = session.execute(sa.text("SELECT slots FROM social_accounts")).scalar_one()
        raw_slots = json.loads(raw_slots) if isinstance(raw_slots, str) else raw_slots  # SQLite: text
        assert raw_slots == [
            {"weekday": 0, "at": "09:00"},
            {"weekday": 4, "at": "19:30"},
            {"weekday": 6, "at": "07:05:30"},
        ]

    # Stored as values, not names.
    with session_factory() as session:
        states = session.execute(sa.select(tables.post_targets.c.state).order_by("occurrence")).scalars().all()
        raw = session.execute(sa.text("SELECT state FROM post_targets ORDER BY occurrence")).scalars().all()
    assert states == [m.TargetState.PUBLISHED, m.TargetState.RETRY_WAIT]
    assert raw == ["published", "retry_wait"]


def test_start_mappers_is_idempotent():
    start_mappers()
    start_mappers()
    assert sa.inspect(m.Post).attrs["targets"] is not None


def test_mutations_in_place_are_saved(session_factory):
    with session_factory() as session:
        base = _base(session)
        post = m.Post(kim_id=base["kim"].id, author_id=base["admin"].id, text="halo", tags=["a"])
        session.add(post)
        session.commit()
        post_id, account_id = post.id, base["account"].id
    with session_factory() as session:
        post = session.get(m.Post, post_id)
        post.tags.append("b")
        account = session.get(m.SocialAccount, account_id)  # held: the session keeps clean objects weakly
        account.slots.append(m.PostingSlot(2, time(12)))
        session.commit()
    with session_factory() as session:
        assert session.get(m.Post, post_id).tags == ["a", "b"]
        assert session.get(m.SocialAccount, account_id).slots[-1] == m.PostingSlot(2, time(12))


def test_media_ids_keep_order_and_reference_real_assets(session_factory):
    with session_factory() as session:
        base = _base(session)
        kim_id = base["kim"].id
        assets = [
            m.MediaAsset(
                kim_id=kim_id,
                content_hash=f"{i:064x}",
                kind=m.MediaKind.IMAGE,
                mime_type="image/png",
                size_bytes=10,
                storage_key=f"k{i}",
            )
            for i in range(3)
        ]
        session.add_all(assets)
        session.flush()
        a, b, c = (x.id for x in assets)
        post = m.Post(kim_id=kim_id, author_id=base["admin"].id, text="x", media_ids=[c, a, b])
        session.add(post)
        session.commit()
        post_id = post.id
    with session_factory() as session:
        post = session.get(m.Post, post_id)
        assert list(post.media_ids) == [c, a, b]
        post.media_ids = [b, c]  # replace: reorder and drop one in one flush
        session.commit()
    with session_factory() as session:
        post = session.get(m.Post, post_id)
        assert list(post.media_ids) == [b, c]
        del post.media_ids[0]
        post.media_ids.append(a)
        session.commit()
    with session_factory() as session:
        assert list(session.get(m.Post, post_id).media_ids) == [c, a]
        rows = session.execute(
            sa.select(tables.post_media.c.media_id, tables.post_media.c.position)
            .where(tables.post_media.c.post_id == post_id)
            .order_by(tables.post_media.c.position)
        ).all()
        assert [tuple(r) for r in rows] == [(c, 0), (a, 1)]
    # An id that names no media asset is refused by the database.
    with session_factory() as session:
        post = session.get(m.Post, post_id)
        post.media_ids.append(999_999)
        with pytest.raises(IntegrityError):
            session.commit()
    # An asset in use cannot be deleted.
    with session_factory() as session:
        with pytest.raises(IntegrityError):
            session.execute(sa.delete(tables.media_assets).where(tables.media_assets.c.id == c))
            session.commit()


def test_targets_cascade_and_delete_orphans(session_factory):
    with session_factory() as session:
        base = _base(session)
        post = m.Post(
            kim_id=base["kim"].id,
            author_id=base["admin"].id,
            text="x",
            targets=[m.PostTarget(account_id=base["account"].id, occurrence=i) for i in range(3)],
        )
        session.add(post)
        session.commit()
        post_id = post.id
    with session_factory() as session:
        post = session.get(m.Post, post_id)
        post.targets.pop(1)
        session.commit()
        assert session.scalar(sa.select(sa.func.count()).select_from(tables.post_targets)) == 2
        target_id = post.targets[0].id
        session.add(m.PublishAttempt(target_id=target_id, number=1, started_at=T0))
        session.commit()
    with session_factory() as session:
        session.delete(session.get(m.Post, post_id))
        session.commit()
        assert session.scalar(sa.select(sa.func.count()).select_from(tables.post_targets)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(tables.publish_attempts)) == 0


def test_naive_datetimes_are_refused(session_factory):
    with session_factory() as session:
        base = _base(session)
        session.commit()
        session.add(m.AuditEvent(at=datetime(2026, 1, 1, 9, 0), action="x", kim_id=base["kim"].id))
        with pytest.raises(StatementError) as info:
            session.flush()
    assert isinstance(info.value.orig, StoreValueError)
    assert "Naive datetime refused" in str(info.value) and "tanpa zona waktu" in str(info.value)


def test_unknown_enum_values_are_refused(session_factory):
    with session_factory() as session:
        base = _base(session)
        session.commit()
        target = m.PostTarget(account_id=base["account"].id, state="teleported")  # type: ignore[arg-type]
        session.add(m.Post(kim_id=base["kim"].id, author_id=base["admin"].id, text="x", targets=[target]))
        with pytest.raises(StatementError) as info:
            session.flush()
    assert "Unknown TargetState value 'teleported'" in str(info.value)


def test_email_is_stored_lower_case_and_found_in_any_case(session_factory):
    with session_factory() as session:
        session.add(m.User(email="Staf.Kominfo@MalangKota.go.id", name="Staf", role=m.Role.STAFF))
        session.commit()
    with session_factory() as session:
        user = session.scalars(sa.select(m.User).where(m.User.email == "STAF.kominfo@malangkota.GO.ID")).one()
        assert user.email == "staf.kominfo@malangkota.go.id"
        assert user.kim_id is None and user.role is m.Role.STAFF
