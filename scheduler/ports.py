"""What the services need from storage: repositories and a unit of work.

Abstract on purpose (cosmicpython's ``AbstractRepository`` /
``AbstractUnitOfWork``): ``scheduler/store`` implements them with SQLAlchemy,
``tests/unit/services/fakes.py`` with dictionaries. Finders stay few and
named for the question a service asks; anything fancier (reports, summaries)
belongs to the store's query modules, not here.

Contract of a unit of work::

    with uow:                  # opens a transaction
        uow.kims.add(kim)
        uow.flush()            # ids are assigned (needed for audit rows)
        uow.commit()           # nothing is written without this
    # leaving the block rolls back whatever was not committed, so a service
    # that raises writes nothing.
"""

from __future__ import annotations

import abc
import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypedDict, TypeVar

from scheduler.domain import model

T = TypeVar("T")


class Repository(abc.ABC, Generic[T]):
    """Add and get by id: what every repository offers."""

    @abc.abstractmethod
    def add(self, item: T) -> T:
        """Stage ``item`` for insertion (its id is set at the next flush)."""

    @abc.abstractmethod
    def get(self, id_: int) -> T | None:
        """The item with this id, or None."""


class KecamatanRepository(abc.ABC):
    @abc.abstractmethod
    def list(self) -> list[model.Kecamatan]: ...


class KelurahanRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, code: str) -> model.Kelurahan | None: ...

    @abc.abstractmethod
    def list(self) -> list[model.Kelurahan]: ...


class KimRepository(Repository[model.Kim]):
    @abc.abstractmethod
    def get_by_slug(self, slug: str) -> model.Kim | None: ...

    @abc.abstractmethod
    def get_by_kelurahan(self, kelurahan_code: str) -> model.Kim | None: ...

    @abc.abstractmethod
    def list(self) -> list[model.Kim]: ...


class UserRepository(Repository[model.User]):
    @abc.abstractmethod
    def get_by_email(self, email: str) -> model.User | None:
        """Case-insensitive: ``Ani@X.id`` and ``ani@x.id`` are one user."""

    @abc.abstractmethod
    def list_by_kim(self, kim_id: int, role: model.Role | None = None) -> list[model.User]: ...


class TokenRepository(Repository[model.ApiToken]):
    @abc.abstractmethod
    def get_by_prefix(self, prefix: str) -> model.ApiToken | None: ...

    @abc.abstractmethod
    def list_for_user(self, user_id: int) -> list[model.ApiToken]: ...


class AccountRepository(Repository[model.SocialAccount]):
    @abc.abstractmethod
    def list_by_kim(self, kim_id: int) -> list[model.SocialAccount]: ...


class SubjectRepository(abc.ABC):
    """UMKM, their products, and destinations (what a post promotes)."""

    @abc.abstractmethod
    def add_umkm(self, umkm: model.Umkm) -> model.Umkm: ...

    @abc.abstractmethod
    def add_product(self, product: model.Product) -> model.Product: ...

    @abc.abstractmethod
    def add_destination(self, destination: model.Destination) -> model.Destination: ...

    @abc.abstractmethod
    def get_umkm(self, id_: int) -> model.Umkm | None: ...

    @abc.abstractmethod
    def get_product(self, id_: int) -> model.Product | None: ...

    @abc.abstractmethod
    def get_destination(self, id_: int) -> model.Destination | None: ...

    @abc.abstractmethod
    def list_products(self, kim_id: int) -> list[model.Product]:
        """Products of the KIM's UMKM, by id."""

    @abc.abstractmethod
    def list_destinations(self, kim_id: int) -> list[model.Destination]:
        """Destinations registered by the KIM, by id."""


class MediaRepository(Repository[model.MediaAsset]):
    @abc.abstractmethod
    def get_many(self, ids: Iterable[int]) -> list[model.MediaAsset]:
        """The assets with these ids that exist, in no particular order."""

    @abc.abstractmethod
    def get_by_hash(self, kim_id: int, content_hash: str) -> model.MediaAsset | None:
        """The KIM's asset with these bytes (uploads are deduplicated per KIM)."""


class PostRepository(Repository[model.Post]):
    """Posts own their targets: add a target by appending to ``post.targets``."""

    @abc.abstractmethod
    def get_for_update(self, id_: int) -> model.Post | None:
        """The post and its targets, locked until commit (state changes read fresh rows).

        Dispatch claims targets with ``FOR UPDATE SKIP LOCKED``: while a service
        holds these locks it cannot claim them, and a claim that won the race
        is seen here, so an edit or cancel never overwrites a claimed target.
        """

    @abc.abstractmethod
    def list_by_kim(self, kim_id: int, state: model.ReviewState | None = None) -> list[model.Post]: ...

    @abc.abstractmethod
    def page(self, query: PostQuery) -> tuple[list[model.Post], int]:
        """One page of the posts matching ``query``, newest (highest id) first, and the total."""


@dataclass(frozen=True)
class PostQuery:
    """A filtered, paged list of posts (the API's ``GET /posts``).

    ``kim_ids`` None means every KIM. ``target_state``: posts with at least
    one target in that state. ``start``/``end`` bound a post's *when*: its
    earliest target instant, else its own ``schedule_at``, as ``[start, end)``.
    """

    kim_ids: tuple[int, ...] | None
    review: model.ReviewState | None = None
    target_state: model.TargetState | None = None
    start: datetime | None = None
    end: datetime | None = None
    offset: int = 0
    limit: int = 50


class TargetRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, id_: int) -> model.PostTarget | None: ...

    @abc.abstractmethod
    def for_account_between(
        self,
        account_id: int,
        start: datetime,
        end: datetime,
        states: Iterable[model.TargetState] | None = None,
    ) -> list[model.PostTarget]:
        """Targets of an account scheduled in ``[start, end)``, by ``scheduled_at``.

        For pacing: the instants already taken on that account.
        """

    @abc.abstractmethod
    def for_account_in_states(self, account_id: int, states: Iterable[model.TargetState]) -> list[model.PostTarget]: ...


class AttemptRepository(Repository[model.PublishAttempt]):
    @abc.abstractmethod
    def list_for_target(self, target_id: int) -> list[model.PublishAttempt]: ...


class SnapshotRepository(abc.ABC):
    """Engagement snapshots: append-only."""

    @abc.abstractmethod
    def add(self, snapshot: model.EngagementSnapshot) -> model.EngagementSnapshot: ...

    @abc.abstractmethod
    def list_for_target(self, target_id: int) -> list[model.EngagementSnapshot]:
        """Oldest first."""


class AuditFilter(TypedDict, total=False):
    """The filters of ``AuditRepository.list`` and ``.page``: an event matches every one given (None: any)."""

    kim_id: int | None
    post_id: int | None
    action: str | None


class AuditRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, event: model.AuditEvent) -> model.AuditEvent: ...

    @abc.abstractmethod
    def list(
        self, *, kim_id: int | None = None, post_id: int | None = None, action: str | None = None
    ) -> list[model.AuditEvent]:
        """Events matching every given filter, oldest first."""

    @abc.abstractmethod
    def page(
        self,
        *,
        kim_id: int | None = None,
        post_id: int | None = None,
        action: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[builtins.list[model.AuditEvent], int]:  # ``list`` is the method above here
        """One page of the matching events, newest first (``at``, then id), and their total."""


class AbstractUnitOfWork(abc.ABC):
    """One transaction and the repositories that work inside it."""

    kecamatan: KecamatanRepository
    kelurahan: KelurahanRepository
    kims: KimRepository
    users: UserRepository
    tokens: TokenRepository
    accounts: AccountRepository
    subjects: SubjectRepository
    media: MediaRepository
    posts: PostRepository
    targets: TargetRepository
    attempts: AttemptRepository
    snapshots: SnapshotRepository
    audit: AuditRepository

    def __enter__(self) -> AbstractUnitOfWork:
        return self

    def __exit__(self, *exc: Any) -> None:
        # Whatever was committed stays; anything else is thrown away.
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    @abc.abstractmethod
    def flush(self) -> None:
        """Send staged changes so new rows get their ids (still uncommitted)."""
