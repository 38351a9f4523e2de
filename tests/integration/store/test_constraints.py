"""The database itself refuses what the domain forbids (on SQLite too: foreign keys are ON)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scheduler.domain import model as m
from scheduler.store import tables

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def city(session_factory):
    """Two kelurahan, one KIM with an admin and an account."""
    with session_factory() as session:
        session.add(m.Kecamatan(code="klojen", name="Klojen"))
        session.flush()
        session.add_all(
            [
                m.Kelurahan(code="oro-oro-dowo", name="Oro-oro Dowo", kecamatan_code="klojen"),
                m.Kelurahan(code="kauman", name="Kauman", kecamatan_code="klojen"),
            ]
        )
        session.flush()
        kim = m.Kim(kelurahan_code="oro-oro-dowo", name="KIM Oro-oro Dowo", slug="oro-oro-dowo")
        session.add(kim)
        session.flush()
        admin = m.User(email="admin@ood.id", name="Admin", role=m.Role.ADMIN, kim_id=kim.id)
        account = m.SocialAccount(kim_id=kim.id, platform=m.Platform.FACEBOOK, handle="kim.ood")
        session.add_all([admin, account])
        session.commit()
        return {"kim": kim.id, "admin": admin.id, "account": account.id}


def _refused(session_factory, *objects) -> None:
    with session_factory() as session:
        session.add_all(objects)
        with pytest.raises(IntegrityError):
            session.commit()


def test_one_kim_per_kelurahan(session_factory, city):
    _refused(session_factory, m.Kim(kelurahan_code="oro-oro-dowo", name="KIM kedua", slug="ood-2"))


def test_kim_slug_is_unique(session_factory, city):
    _refused(session_factory, m.Kim(kelurahan_code="kauman", name="KIM Kauman", slug="oro-oro-dowo"))


def test_kim_needs_a_real_kelurahan(session_factory, city):
    _refused(session_factory, m.Kim(kelurahan_code="atlantis", name="KIM ?", slug="atlantis"))


def test_email_is_unique_whatever_the_case(session_factory, city):
    _refused(session_factory, m.User(email="ADMIN@ood.ID", name="Kembar", role=m.Role.MEMBER, kim_id=city["kim"]))


def test_email_unique_through_core_inserts_too(session_factory, city):
    with session_factory() as session:
        with pytest.raises(IntegrityError):
            session.execute(
                sa.insert(tables.users).values(
                    email="Admin@OOD.id",
                    name="x",
                    role="member",
                    password_hash="",
                    language="id",
                    active=True,
                    created_at=T0,
                )
            )


def test_api_token_prefix_is_unique(session_factory, city):
    with session_factory() as session:
        session.add(m.ApiToken(user_id=city["admin"], token_hash="h1", prefix="siar_dup"))
        session.commit()
    _refused(session_factory, m.ApiToken(user_id=city["admin"], token_hash="h2", prefix="siar_dup"))


def test_one_target_per_post_account_occurrence(session_factory, city):
    target = lambda occurrence: m.PostTarget(account_id=city["account"], occurrence=occurrence)  # noqa: E731
    _refused(
        session_factory, m.Post(kim_id=city["kim"], author_id=city["admin"], text="x", targets=[target(0), target(0)])
    )
    with session_factory() as session:
        session.add(m.Post(kim_id=city["kim"], author_id=city["admin"], text="x", targets=[target(0), target(1)]))
        session.commit()


def test_attempt_numbers_are_unique_per_target(session_factory, city):
    with session_factory() as session:
        post = m.Post(
            kim_id=city["kim"], author_id=city["admin"], text="x", targets=[m.PostTarget(account_id=city["account"])]
        )
        session.add(post)
        session.flush()
        session.add(m.PublishAttempt(target_id=post.targets[0].id, number=1, started_at=T0))
        session.commit()
        target_id = post.targets[0].id
    _refused(session_factory, m.PublishAttempt(target_id=target_id, number=1, started_at=T0))


def test_dedupe_key_unique_per_kim_but_null_is_free(session_factory, city):
    post = lambda key: m.Post(kim_id=city["kim"], author_id=city["admin"], text="x", dedupe_key=key)  # noqa: E731
    with session_factory() as session:
        session.add_all([post("row-1"), post(None), post(None)])
        session.commit()
    _refused(session_factory, post("row-1"))


def test_subject_kind_and_id_go_together(session_factory, city):
    _refused(
        session_factory,
        m.Post(kim_id=city["kim"], author_id=city["admin"], text="x", subject_kind=m.SubjectKind.PRODUCT),
    )


def test_a_kim_with_members_cannot_be_deleted(session_factory, city):
    with session_factory() as session:
        with pytest.raises(IntegrityError):
            session.execute(sa.delete(tables.kims).where(tables.kims.c.id == city["kim"]))
            session.commit()


def test_deleting_a_user_keeps_the_audit_trail(session_factory, city):
    with session_factory() as session:
        member = m.User(email="anggota@ood.id", name="Anggota", role=m.Role.MEMBER, kim_id=city["kim"])
        session.add(member)
        session.flush()
        session.add(m.AuditEvent(at=T0, action="user.login", actor_id=member.id, kim_id=city["kim"]))
        session.commit()
        session.execute(sa.delete(tables.users).where(tables.users.c.id == member.id))
        session.commit()
        event = session.scalars(sa.select(m.AuditEvent)).one()
        session.refresh(event)
        assert event.actor_id is None and event.action == "user.login"


def test_heartbeat_kind_is_worker_or_beat(session_factory):
    with session_factory() as session:
        session.execute(
            sa.insert(tables.heartbeats).values(name="worker@host", kind="worker", hostname="host", pid=1, seen_at=T0)
        )
        session.commit()
        assert session.execute(sa.select(tables.heartbeats.c.seen_at)).scalar_one() == T0
        with pytest.raises(IntegrityError):
            session.execute(
                sa.insert(tables.heartbeats).values(name="x", kind="robot", hostname="host", pid=2, seen_at=T0)
            )
