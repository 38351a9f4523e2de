"""Hand-written in-memory fakes of the service ports (no mocks).

``FakeUnitOfWork`` keeps every table as a list in ``FakeData``. Entering the
unit of work takes a deep copy; ``rollback`` restores it, so a service that
raises leaves the data exactly as it was (and tests can assert that with
``uow.data == before``). ``commits`` counts commits.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scheduler import ports
from scheduler.domain.model import (
    ApiToken,
    AuditEvent,
    Destination,
    EngagementSnapshot,
    Kecamatan,
    Kelurahan,
    Kim,
    MediaAsset,
    Post,
    PostTarget,
    Product,
    PublishAttempt,
    ReviewState,
    Role,
    SocialAccount,
    TargetState,
    Umkm,
    User,
)


@dataclass
class FakeData:
    kecamatan: list[Kecamatan] = field(default_factory=list)
    kelurahan: list[Kelurahan] = field(default_factory=list)
    kims: list[Kim] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    tokens: list[ApiToken] = field(default_factory=list)
    accounts: list[SocialAccount] = field(default_factory=list)
    umkm: list[Umkm] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    destinations: list[Destination] = field(default_factory=list)
    media: list[MediaAsset] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    attempts: list[PublishAttempt] = field(default_factory=list)
    snapshots: list[EngagementSnapshot] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


class _Table:
    name: str

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def rows(self) -> list[Any]:
        return getattr(self._uow.data, self.name)

    def add(self, item: Any) -> Any:
        self.rows.append(item)
        self._uow.flush()
        return item

    def get(self, id_: int) -> Any:
        return next((r for r in self.rows if r.id == id_), None)


class FakeKecamatan(_Table, ports.KecamatanRepository):
    name = "kecamatan"

    def list(self) -> list[Kecamatan]:
        return list(self.rows)


class FakeKelurahan(_Table, ports.KelurahanRepository):
    name = "kelurahan"

    def get(self, code: str) -> Kelurahan | None:
        return next((r for r in self.rows if r.code == code), None)

    def list(self) -> list[Kelurahan]:
        return list(self.rows)


class FakeKims(_Table, ports.KimRepository):
    name = "kims"

    def get_by_slug(self, slug: str) -> Kim | None:
        return next((k for k in self.rows if k.slug == slug), None)

    def get_by_kelurahan(self, kelurahan_code: str) -> Kim | None:
        return next((k for k in self.rows if k.kelurahan_code == kelurahan_code), None)

    def list(self) -> list[Kim]:
        return sorted(self.rows, key=lambda k: k.name)


class FakeUsers(_Table, ports.UserRepository):
    name = "users"

    def get_by_email(self, email: str) -> User | None:
        return next((u for u in self.rows if u.email.lower() == email.lower()), None)

    def list_by_kim(self, kim_id: int, role: Role | None = None) -> list[User]:
        return [u for u in self.rows if u.kim_id == kim_id and (role is None or u.role == role)]


class FakeTokens(_Table, ports.TokenRepository):
    name = "tokens"

    def get_by_prefix(self, prefix: str) -> ApiToken | None:
        return next((t for t in self.rows if t.prefix == prefix), None)

    def list_for_user(self, user_id: int) -> list[ApiToken]:
        return [t for t in self.rows if t.user_id == user_id]


class FakeAccounts(_Table, ports.AccountRepository):
    name = "accounts"

    def list_by_kim(self, kim_id: int) -> list[SocialAccount]:
        return [a for a in self.rows if a.kim_id == kim_id]


class FakeSubjects(ports.SubjectRepository):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def _add(self, name: str, item: Any) -> Any:
        getattr(self._uow.data, name).append(item)
        self._uow.flush()
        return item

    def _get(self, name: str, id_: int) -> Any:
        return next((r for r in getattr(self._uow.data, name) if r.id == id_), None)

    def add_umkm(self, umkm: Umkm) -> Umkm:
        return self._add("umkm", umkm)

    def add_product(self, product: Product) -> Product:
        return self._add("products", product)

    def add_destination(self, destination: Destination) -> Destination:
        return self._add("destinations", destination)

    def get_umkm(self, id_: int) -> Umkm | None:
        return self._get("umkm", id_)

    def get_product(self, id_: int) -> Product | None:
        return self._get("products", id_)

    def get_destination(self, id_: int) -> Destination | None:
        return self._get("destinations", id_)

    def list_products(self, kim_id: int) -> list[Product]:
        mine = {u.id for u in self._uow.data.umkm if u.kim_id == kim_id}
        return [p for p in self._uow.data.products if p.umkm_id in mine]

    def list_destinations(self, kim_id: int) -> list[Destination]:
        return [d for d in self._uow.data.destinations if d.kim_id == kim_id]


class FakeMedia(_Table, ports.MediaRepository):
    name = "media"

    def get_many(self, ids: Iterable[int]) -> list[MediaAsset]:
        wanted = set(ids)
        return [m for m in self.rows if m.id in wanted]

    def get_by_hash(self, kim_id: int, content_hash: str) -> MediaAsset | None:
        return next((m for m in self.rows if m.kim_id == kim_id and m.content_hash == content_hash), None)


class FakePosts(_Table, ports.PostRepository):
    name = "posts"

    def get_for_update(self, id_: int) -> Post | None:
        self._uow.locked.add(id_)
        return self.get(id_)

    def list_by_kim(self, kim_id: int, state: ReviewState | None = None) -> list[Post]:
        return [p for p in self.rows if p.kim_id == kim_id and (state is None or p.review_state == state)]

    def page(self, query: ports.PostQuery) -> tuple[list[Post], int]:
        def when(post: Post) -> datetime | None:
            instants = [t.scheduled_at for t in post.targets if t.scheduled_at is not None]
            return min(instants) if instants else post.schedule_at

        found = []
        for p in self.rows:
            at = when(p)
            if (
                (query.kim_ids is None or p.kim_id in query.kim_ids)
                and (query.review is None or p.review_state == query.review)
                and (query.target_state is None or any(t.state == query.target_state for t in p.targets))
                and (query.start is None or (at is not None and at >= query.start))
                and (query.end is None or (at is not None and at < query.end))
            ):
                found.append(p)
        found.sort(key=lambda p: p.id or 0, reverse=True)
        return found[query.offset : query.offset + query.limit], len(found)


class FakeTargets(ports.TargetRepository):
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def _all(self) -> list[PostTarget]:
        return [t for p in self._uow.data.posts for t in p.targets]

    def get(self, id_: int) -> PostTarget | None:
        return next((t for t in self._all() if t.id == id_), None)

    def for_account_between(
        self, account_id: int, start: datetime, end: datetime, states: Iterable[TargetState] | None = None
    ) -> list[PostTarget]:
        wanted = set(states) if states is not None else None
        found = [
            t
            for t in self._all()
            if t.account_id == account_id
            and t.scheduled_at is not None
            and start <= t.scheduled_at < end
            and (wanted is None or t.state in wanted)
        ]
        return sorted(found, key=lambda t: t.scheduled_at)

    def for_account_in_states(self, account_id: int, states: Iterable[TargetState]) -> list[PostTarget]:
        wanted = set(states)
        return [t for t in self._all() if t.account_id == account_id and t.state in wanted]


class FakeAttempts(_Table, ports.AttemptRepository):
    name = "attempts"

    def list_for_target(self, target_id: int) -> list[PublishAttempt]:
        return [a for a in self.rows if a.target_id == target_id]


class FakeSnapshots(_Table, ports.SnapshotRepository):
    name = "snapshots"

    def list_for_target(self, target_id: int) -> list[EngagementSnapshot]:
        return sorted((s for s in self.rows if s.target_id == target_id), key=lambda s: s.captured_at)


class FakeAudit(_Table, ports.AuditRepository):
    name = "audit"

    def list(
        self, *, kim_id: int | None = None, post_id: int | None = None, action: str | None = None
    ) -> list[AuditEvent]:
        return [
            e
            for e in self.rows
            if (kim_id is None or e.kim_id == kim_id)
            and (post_id is None or e.post_id == post_id)
            and (action is None or e.action == action)
        ]

    def page(
        self,
        *,
        kim_id: int | None = None,
        post_id: int | None = None,
        action: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[list[AuditEvent], int]:
        events = sorted(
            self.list(kim_id=kim_id, post_id=post_id, action=action), key=lambda e: (e.at, e.id or 0), reverse=True
        )
        return events[offset : offset + limit], len(events)


class FakeUnitOfWork(ports.AbstractUnitOfWork):
    def __init__(self) -> None:
        self.data = FakeData()
        self._committed = copy.deepcopy(self.data)
        self.commits = 0
        self.rollbacks = 0
        self.locked: set[int] = set()  # post ids a service asked to lock
        self.kecamatan = FakeKecamatan(self)
        self.kelurahan = FakeKelurahan(self)
        self.kims = FakeKims(self)
        self.users = FakeUsers(self)
        self.tokens = FakeTokens(self)
        self.accounts = FakeAccounts(self)
        self.subjects = FakeSubjects(self)
        self.media = FakeMedia(self)
        self.posts = FakePosts(self)
        self.targets = FakeTargets(self)
        self.attempts = FakeAttempts(self)
        self.snapshots = FakeSnapshots(self)
        self.audit = FakeAudit(self)

    def __enter__(self) -> FakeUnitOfWork:
        self._committed = copy.deepcopy(self.data)
        return self

    def flush(self) -> None:
        for name in (
            "kims",
            "users",
            "tokens",
            "accounts",
            "umkm",
            "products",
            "destinations",
            "media",
            "posts",
            "attempts",
            "snapshots",
            "audit",
        ):
            for row in getattr(self.data, name):
                if row.id is None:
                    row.id = self.data.new_id()
        for post in self.data.posts:
            for target in post.targets:
                target.post_id = post.id
                if target.id is None:
                    target.id = self.data.new_id()

    def commit(self) -> None:
        self.flush()
        self._committed = copy.deepcopy(self.data)
        self.commits += 1

    def rollback(self) -> None:
        if self.data != self._committed:  # keep identities when nothing changed
            self.rollbacks += 1
            self.data = copy.deepcopy(self._committed)

    def snapshot(self) -> FakeData:
        """A copy of everything, for "nothing was written" assertions."""
        return copy.deepcopy(self.data)
