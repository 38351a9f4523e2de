"""Credentials a connector renewed (a fresh Instagram session): encrypted and kept, in one place.

A connector hands renewed credentials to its account's
``AccountRef.on_credentials_changed``; :func:`credentials_saver` makes that
callback for everyone who builds an account for a connector on the
pipeline's side (publishing and reconcile, engagement collection). The write
itself is handed in (``save``), so this module keeps to the use-case layer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

#: Encrypts clear credentials into the token stored with the account.
Encrypt = Callable[[Mapping[str, Any]], str]
#: Stores an account's new encrypted credentials: ``save(account_id, token)``.
Save = Callable[[int, str], None]


def credentials_saver(account_id: int, encrypt: Encrypt | None, save: Save) -> Callable[[dict[str, Any]], None]:
    """The ``on_credentials_changed`` of one account: renewed credentials are encrypted, then saved.

    Without an encryptor they are not kept (clear credentials are never
    stored), with a warning; the connector goes on with them in memory.
    """

    def keep(new_credentials: dict[str, Any]) -> None:
        if encrypt is None:
            log.warning("renewed credentials for account %s not stored: no encryptor", account_id)
            return
        save(account_id, encrypt(new_credentials))

    return keep
