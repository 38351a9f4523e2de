"""Shared plumbing of the CLI commands: a unit of work from the settings, the
clock, and one-line bilingual errors instead of tracebacks."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

if TYPE_CHECKING:
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

P = ParamSpec("P")
R = TypeVar("R")


def open_uow() -> SqlAlchemyUnitOfWork:  # imported lazily: `siar --help` stays quick
    """A unit of work on the configured database (``SIAR_DATABASE_URL`` or SQLite in the data dir)."""
    from config.settings import get_settings
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    settings = get_settings()
    settings.ensure_dirs()
    return SqlAlchemyUnitOfWork.from_url(settings.db_url)


def utcnow() -> datetime:
    """The CLI's clock (services take ``now`` as an argument)."""
    return datetime.now(UTC)


def fail(message_id: str, message_en: str) -> NoReturn:
    """Print one bilingual line on stderr and exit with status 1."""
    click.echo(f"Galat: {message_id} / Error: {message_en}", err=True)
    sys.exit(1)


def bilingual_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the errors a user can cause into one line and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from config.settings import SettingsError
        from scheduler.domain.errors import DomainError

        try:
            return func(*args, **kwargs)
        except DomainError as error:
            fail(error.message_id, error.message_en)
        except SettingsError as error:
            click.echo(f"Galat / Error: {error}", err=True)
            sys.exit(1)
        except (OperationalError, ProgrammingError) as error:
            # Most often: the schema is missing. Never print the URL (it may hold a password).
            reason = str(getattr(error, "orig", error)).splitlines()[0][:200]
            fail(
                f"basis data belum siap ({reason}); jalankan 'siar db upgrade'",
                f"the database is not ready ({reason}); run 'siar db upgrade'",
            )

    return wrapper
