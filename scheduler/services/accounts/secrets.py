"""Social-account credentials, encrypted at rest with MultiFernet.

Keys come from ``get_settings().secret_keys()``, newest first: the first
encrypts, all decrypt, so rotation is "put the new key first, run
:func:`rotate_all`, then drop the old key". Clear credentials exist only in
memory, inside :class:`Credentials`, whose repr and str never show values.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from scheduler.domain.errors import DomainError, InvalidInput
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize


class CredentialsUnreadable(DomainError):
    """Stored credentials cannot be decrypted with any configured key."""

    default_code = "credentials_unreadable"


class Credentials(Mapping[str, Any]):
    """Read-only clear credentials whose repr hides every value."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Credentials(<redacted: {', '.join(sorted(self._data))}>)"

    __str__ = __repr__

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for a connector; do not log it."""
        return dict(self._data)


def _cipher(keys: list[str] | None = None) -> MultiFernet:
    if keys is None:
        from config.settings import get_settings

        keys = get_settings().secret_keys()
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def encrypt_credentials(data: Mapping[str, Any], keys: list[str] | None = None) -> str:
    """The Fernet token of ``data`` as JSON, with the newest key."""
    if not isinstance(data, Mapping) or not data:
        raise InvalidInput(
            "credentials_required",
            "Kredensial akun wajib diisi.",
            "Account credentials are required.",
            field="credentials",
        )
    try:
        payload = json.dumps(dict(data), sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        raise InvalidInput(
            "credentials_invalid",
            "Kredensial harus berupa data JSON.",
            "Credentials must be JSON data.",
            field="credentials",
        ) from None
    return _cipher(keys).encrypt(payload.encode()).decode()


def decrypt_credentials(token: str, keys: list[str] | None = None) -> Credentials:
    """The clear credentials of an encrypted token (any configured key)."""
    try:
        return Credentials(json.loads(_cipher(keys).decrypt(token.encode())))
    except (InvalidToken, ValueError, AttributeError):
        raise CredentialsUnreadable(
            None,
            "Kredensial akun tidak bisa dibuka dengan kunci yang ada; sambungkan ulang akun.",
            "The account credentials cannot be decrypted with the configured keys; reconnect it.",
        ) from None


def rotate(token: str, keys: list[str] | None = None) -> str:
    """Re-encrypt ``token`` with the newest key (it may be encrypted with any configured key)."""
    try:
        return _cipher(keys).rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialsUnreadable(
            None,
            "Kredensial akun tidak bisa dibuka dengan kunci yang ada.",
            "The account credentials cannot be decrypted with the configured keys.",
        ) from None


def rotate_all(uow: AbstractUnitOfWork, actor: Actor, *, now: datetime, keys: list[str] | None = None) -> int:
    """Re-encrypt every account's credentials with the newest key; returns how many.

    All or nothing: one unreadable account aborts the whole rotation.
    """
    authorize(actor, Cap.MANAGE_USERS)
    with uow:
        count = 0
        for kim in uow.kims.list():
            assert kim.id is not None  # a stored KIM
            for account in uow.accounts.list_by_kim(kim.id):
                if account.credentials_encrypted:
                    account.credentials_encrypted = rotate(account.credentials_encrypted, keys)
                    count += 1
        audit.record(uow, actor, "keys.rotate", now, accounts=count)
        uow.commit()
        return count
