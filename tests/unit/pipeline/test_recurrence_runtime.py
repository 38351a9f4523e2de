"""Beat's recurrence top-up extends approved recurring posts through the scheduling service."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from scheduler.domain.model import Role
from scheduler.services.people.actors import Actor
from scheduler.services.posts.compose import compose_post
from scheduler.services.posts.review import approve_post
from scheduler.services.posts.scheduling import RECURRENCE_HORIZON, ScheduleIntent
from scheduler.services.publishing.recurrence import extend_due_recurring
from scheduler.store.db import make_session_factory
from scheduler.store.tables import post_targets as T
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork


def test_recurring_post_is_topped_up_before_it_runs_out(pipeline, world, clock, engine):
    factory = make_session_factory(engine)
    new_uow = lambda: SqlAlchemyUnitOfWork(factory)  # noqa: E731
    acc = world.account()
    author = Actor(user_id=world.user_id, role=Role.ADMIN, kim_id=world.kim_id)
    post = compose_post(
        new_uow(),
        author,
        kim_id=world.kim_id,
        text="Pasar Minggu Jalan Ijen",
        targets=[acc],
        now=clock.now,
        submit=True,
        schedule=ScheduleIntent.recurring("FREQ=DAILY", clock.now + timedelta(hours=1)),
    )
    approve_post(new_uow(), Actor.system(), post.id, now=clock.now)

    def count() -> int:
        with engine.connect() as c:
            return c.execute(sa.select(sa.func.count()).select_from(T).where(T.c.post_id == post.id)).scalar_one()

    first = count()
    assert first >= 1
    assert extend_due_recurring(pipeline, new_uow) == 0  # still a full horizon ahead
    clock.advance((RECURRENCE_HORIZON - timedelta(days=3)).total_seconds())
    assert extend_due_recurring(pipeline, new_uow) > 0
    assert count() > first
