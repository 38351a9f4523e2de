"""The SQLAlchemy unit of work: one Session (one transaction) per ``with uow:``.

Leaving the block without ``commit()`` rolls back, so a service that raises
half-way writes nothing. Sessions use ``expire_on_commit=False``: services
return the entities they changed, and callers read them after the block,
when the session is closed (the objects are detached but keep their values).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.domain.errors import Conflict
from scheduler.ports import AbstractUnitOfWork
from scheduler.store import repositories as repos
from scheduler.store.db import make_engine, make_session_factory


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """Open with a session factory (``make_session_factory``) or an engine."""

    def __init__(self, session_factory: Callable[..., Session] | None = None, *, engine: Engine | None = None) -> None:
        if session_factory is None:
            if engine is None:
                raise ValueError("SqlAlchemyUnitOfWork needs a session factory or an engine")
            session_factory = make_session_factory(engine)
        self.session_factory = session_factory
        self.session: Session | None = None

    @classmethod
    def from_url(cls, url: str | None = None) -> SqlAlchemyUnitOfWork:
        """A unit of work on ``url`` (default: the configured database)."""
        return cls(make_session_factory(make_engine(url)))

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        if self.session is not None:
            raise RuntimeError("this unit of work is already open; nesting is not supported")
        session = self.session_factory(expire_on_commit=False)
        self.session = session
        self.kecamatan = repos.SqlKecamatanRepository(session)
        self.kelurahan = repos.SqlKelurahanRepository(session)
        self.kims = repos.SqlKimRepository(session)
        self.users = repos.SqlUserRepository(session)
        self.tokens = repos.SqlTokenRepository(session)
        self.accounts = repos.SqlAccountRepository(session)
        self.subjects = repos.SqlSubjectRepository(session)
        self.media = repos.SqlMediaRepository(session)
        self.posts = repos.SqlPostRepository(session)
        self.targets = repos.SqlTargetRepository(session)
        self.attempts = repos.SqlAttemptRepository(session)
        self.snapshots = repos.SqlSnapshotRepository(session)
        self.audit = repos.SqlAuditRepository(session)
        return self

    def __exit__(self, *exc: Any) -> None:
        # close() rolls back whatever was not committed and detaches the
        # entities *without* expiring them (rollback() would expire them, and
        # the entities a service returns could no longer be read).
        assert self.session is not None
        try:
            self.session.close()
        finally:
            self.session = None

    def _open(self) -> Session:
        if self.session is None:
            raise RuntimeError("use the unit of work inside 'with uow:'")
        return self.session

    def connection(self) -> Connection:
        """The open transaction's connection, for Core SQL beside the repositories."""
        return self._open().connection()

    def commit(self) -> None:
        with _conflicts_as_domain_errors():
            self._open().commit()

    def rollback(self) -> None:
        self._open().rollback()

    def flush(self) -> None:
        with _conflicts_as_domain_errors():
            self._open().flush()


@contextmanager
def _conflicts_as_domain_errors() -> Iterator[None]:
    """A constraint the services checked but a concurrent writer beat us to
    (two admins adding the same e-mail at once) is a Conflict, not a crash."""
    try:
        yield
    except IntegrityError as error:
        raise Conflict(
            "concurrent_change",
            "Data ini baru saja ditambahkan atau diubah orang lain; muat ulang dan coba lagi.",
            "This was just added or changed by someone else; reload and try again.",
        ) from error
