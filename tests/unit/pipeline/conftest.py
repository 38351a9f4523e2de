"""Pipeline unit fixtures: a real SQLite database per test, a fixed clock, a fake connector.

The database is migrated once per session into a template file and copied
per test (fast). Rows are written with the store's Core tables, so these
tests depend on the schema, not on the compose/approve services.
"""

from __future__ import annotations

import json
import random
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.base import AccountRef, Content, PublishResult, RemotePost
from scheduler.domain.model import AccountStatus, ReviewState, TargetState
from scheduler.services.wiring import Pipeline, PipelineConfig
from scheduler.store import tables as t
from scheduler.store.db import make_engine
from scheduler.store.migrate import upgrade

# Monday 30 November 2026, 09:00 WIB.
START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


class FixedClock:
    """A clock that moves only when told."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass
class FakeConnector:
    """A connector that answers from a script and checks the outbox rule.

    ``answers``: what each ``publish`` call returns or raises, in order
    (default: success). Before answering, it asserts that the target is
    ``publishing`` and that a ``started`` PublishAttempt row is committed
    (read through a separate connection, so uncommitted rows are invisible).
    """

    engine: sa.Engine
    platform: str = "x"
    answers: list[Any] = field(default_factory=list)
    recent: list[RemotePost] = field(default_factory=list)
    calls: list[tuple[AccountRef, Content]] = field(default_factory=list)
    find_calls: list[tuple[AccountRef, datetime]] = field(default_factory=list)
    clock: Callable[[], datetime] | None = None

    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, account: AccountRef, content: Content) -> PublishResult:
        with self.lock:  # batches call from several threads
            self.calls.append((account, content))
            n = len(self.calls)
            answer = self.answers.pop(0) if self.answers else None
        with self.engine.connect() as conn:  # a fresh connection: sees committed rows only
            attempts = conn.execute(
                sa.select(t.publish_attempts.c.outcome, t.post_targets.c.state)
                .join(t.post_targets, t.post_targets.c.id == t.publish_attempts.c.target_id)
                .where(t.publish_attempts.c.outcome == "started")
            ).all()
        assert attempts, "connector called before the PublishAttempt row was committed"
        assert all(str(a.state) == "publishing" for a in attempts)
        if isinstance(answer, BaseException):
            raise answer
        if answer is None:
            answer = PublishResult(
                remote_id=f"r{n}",
                permalink=f"https://x.test/{account.handle}/status/r{n}",
                published_at=(self.clock() if self.clock else START),
            )
        return answer

    def find_recent(self, account: AccountRef, since: datetime) -> list[RemotePost]:
        self.find_calls.append((account, since))
        return list(self.recent)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("pipeline-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def engine(template_db, tmp_path):
    path = tmp_path / "siar.db"
    shutil.copy(template_db, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def connector(engine, clock) -> FakeConnector:
    return FakeConnector(engine, clock=clock)


@pytest.fixture
def config() -> PipelineConfig:
    return PipelineConfig(
        lease_seconds=120,
        lookahead_seconds=10,
        max_attempts=3,
        backoff_base_seconds=30,
        reconcile_settle_seconds=60,
        reconcile_margin_seconds=120,
    )


@pytest.fixture
def pipeline(engine, connector, clock, config, tmp_path) -> Pipeline:
    return Pipeline(
        engine=engine,
        connector_for=lambda platform: connector,
        decrypt=lambda token: json.loads(token),
        media_root=tmp_path / "media",
        config=config,
        clock=clock,
        rng=random.Random(7),
    )


class World:
    """Writes KIMs, accounts, posts and targets straight into the tables."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        with engine.begin() as c:
            c.execute(sa.insert(t.kecamatan).values(code="35.73.01", name="Blimbing"))
            c.execute(sa.insert(t.kelurahan).values(code="35.73.01.1001", name="Purwantoro", kecamatan_code="35.73.01"))
            self.kim_id = c.execute(
                sa.insert(t.kims)
                .values(kelurahan_code="35.73.01.1001", name="KIM Purwantoro", slug="purwantoro", created_at=START)
                .returning(t.kims.c.id)
            ).scalar_one()
            self.user_id = c.execute(
                sa.insert(t.users)
                .values(email="ani@kim.id", name="Ani", role="admin", kim_id=self.kim_id, created_at=START)
                .returning(t.users.c.id)
            ).scalar_one()

    def account(
        self,
        handle: str = "kimpurwantoro",
        platform: str = "x",
        spacing: int | None = 0,
        cap: int | None = None,
        status: AccountStatus = AccountStatus.ACTIVE,
    ) -> int:
        creds = json.dumps({"platform": platform, "handle": handle, "token": "s3cret"})
        with self.engine.begin() as c:
            return c.execute(
                sa.insert(t.social_accounts)
                .values(
                    kim_id=self.kim_id,
                    platform=platform,
                    handle=handle,
                    credentials_encrypted=creds,
                    status=status,
                    min_spacing_seconds=spacing,
                    daily_cap=cap,
                    created_at=START,
                )
                .returning(t.social_accounts.c.id)
            ).scalar_one()

    def target(
        self,
        account_id: int,
        at: datetime,
        text: str = "Keripik tempe Purwantoro",
        state: TargetState = TargetState.SCHEDULED,
        **extra: Any,
    ) -> int:
        with self.engine.begin() as c:
            post_id = c.execute(
                sa.insert(t.posts)
                .values(
                    kim_id=self.kim_id,
                    author_id=self.user_id,
                    text=text,
                    review_state=ReviewState.APPROVED,
                    schedule_at=at,
                    created_at=START,
                    updated_at=START,
                )
                .returning(t.posts.c.id)
            ).scalar_one()
            return c.execute(
                sa.insert(t.post_targets)
                .values(
                    post_id=post_id,
                    account_id=account_id,
                    scheduled_at=at,
                    state=state,
                    created_at=START,
                    updated_at=START,
                    **extra,
                )
                .returning(t.post_targets.c.id)
            ).scalar_one()

    def row(self, target_id: int) -> sa.Row:
        with self.engine.connect() as c:
            return c.execute(sa.select(t.post_targets).where(t.post_targets.c.id == target_id)).one()

    def account_row(self, account_id: int) -> sa.Row:
        with self.engine.connect() as c:
            return c.execute(sa.select(t.social_accounts).where(t.social_accounts.c.id == account_id)).one()

    def attempts(self, target_id: int) -> list[sa.Row]:
        with self.engine.connect() as c:
            return list(
                c.execute(
                    sa.select(t.publish_attempts)
                    .where(t.publish_attempts.c.target_id == target_id)
                    .order_by(t.publish_attempts.c.number)
                ).all()
            )

    def audit(self, action: str) -> list[sa.Row]:
        with self.engine.connect() as c:
            return list(c.execute(sa.select(t.audit_events).where(t.audit_events.c.action == action)).all())


@pytest.fixture
def world(engine) -> World:
    return World(engine)


class Outbox:
    """Collects what dispatch enqueues."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, datetime | None]] = []

    def __call__(self, target_id: int, lease_token: str, eta: datetime | None) -> None:
        self.sent.append((target_id, lease_token, eta))


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()
