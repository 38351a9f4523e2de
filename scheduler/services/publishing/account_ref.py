"""The account a pipeline worker hands a connector (publishing, reconcile, engagement collection).

Its credentials are decrypted with the pipeline's key, and credentials the
connector renews are encrypted and saved to the account's row
(:func:`renewal.credentials_saver`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from connectors.base import AccountRef
from scheduler.services.accounts.manage import connector_account
from scheduler.services.accounts.renewal import credentials_saver
from scheduler.store import accounts as account_store

if TYPE_CHECKING:
    from scheduler.services.wiring import Pipeline


class StoredAccount(Protocol):
    """What a claimed job or plan carries of its account's row."""

    @property
    def account_id(self) -> int: ...
    @property
    def platform(self) -> str: ...
    @property
    def handle(self) -> str: ...
    @property
    def credentials_encrypted(self) -> str: ...
    @property
    def sandbox(self) -> bool: ...


def account_ref(p: Pipeline, account: StoredAccount) -> AccountRef:
    """The connector's view of the account, with credentials decrypted (never logged)."""
    return connector_account(
        account.platform,
        account.handle,
        account.credentials_encrypted,
        sandbox=account.sandbox,
        decrypt=p.decrypt,
        on_credentials_changed=credentials_saver(
            account.account_id, p.encrypt, account_store.credentials_store(p.engine)
        ),
    )
