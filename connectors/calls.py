"""The steps every library-backed connector shares: call-and-classify, and the account check.

``call`` runs one call into a platform library (tweepy, facebook-sdk,
instagrapi) and raises whatever it raises as the taxonomy
(connectors/errors.py): a ``ConnectorError`` as it is, anything else through
the connector's classifier, which turns the library's exception into a
``Failure`` and walks the connector's table (``<platform>_errors.py``). The
error is raised ``from None`` (the library's text may hold tokens) and keeps
the original as its ``__context__``, where ``clients.spoils_client`` looks for
a network failure.

``account_check`` is what ``check`` returns for every platform: the error that
stopped the read, ``AuthExpired`` when the credentials reach another account
than the stored one, else ``ok`` with the remote id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from connectors.base import AccountCheck, AccountRef
from connectors.errors import AuthExpired, ConnectorError

T = TypeVar("T")

#: ``(exception, create) -> taxonomy error``: one per connector (its table and its library's facts).
Classifier = Callable[[BaseException, bool], ConnectorError]


def classified(exc: BaseException, classify: Classifier, *, create: bool) -> ConnectorError:
    """``exc`` as a taxonomy error: a ``ConnectorError`` as it is, anything else through ``classify``."""
    return exc if isinstance(exc, ConnectorError) else classify(exc, create)


def call(
    fn: Callable[[], T],
    classify: Classifier,
    *,
    create: bool,
    unclassified: tuple[type[BaseException], ...] = (),
) -> T:
    """Run one platform-library call; raise any failure as a taxonomy error.

    ``create``: the call is the one create of a publish (an unknown failure is
    then Ambiguous, not Transient). ``unclassified``: exceptions the caller
    handles itself (instagrapi's ``LoginRequired``), raised as they are.
    """
    try:
        return fn()
    except unclassified:
        raise
    except Exception as exc:
        raise classified(exc, classify, create=create) from None


@dataclass(frozen=True)
class AccountMismatch:
    """What ``check`` says when the credentials reach another account than the stored one."""

    code: str
    message_id: str
    message_en: str


def stored_id(account: AccountRef, name: str) -> str | None:
    """The stored remote id ``name`` as text; None when it is not stored (any account will do)."""
    value = account.credentials.get(name)
    return str(value) if value else None


def account_check(
    platform: str,
    account: AccountRef,
    remote_id: Callable[[], str],
    expected: str | None,
    mismatch: AccountMismatch,
) -> AccountCheck:
    """Read the remote id with ``remote_id``; compare it with ``expected`` (None: no comparison)."""
    try:
        found = remote_id()
    except ConnectorError as error:
        return AccountCheck(False, platform, account.handle, error=error)
    if expected is not None and expected != found:
        wrong = AuthExpired(mismatch.message_id, mismatch.message_en, code=mismatch.code, platform=platform)
        return AccountCheck(False, platform, account.handle, found, wrong)
    return AccountCheck(True, platform, account.handle, found)
