"""Checking a social account against its platform, and making sandbox accounts.

``check_account`` decrypts the stored credentials in memory only, asks the
platform's connector (``connector.check``), and flags the account
``needs_reconnect`` when the platform refuses the credentials.

``create_sandbox_credentials`` asks a sandbox server's admin API
(``POST /_sandbox/accounts``) for the credentials of a training account,
which are then stored like any other (encrypted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from connectors.base import AccountCheck, AuthExpired, ConnectorError
from scheduler.domain.errors import InvalidInput
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.accounts import credentials, secrets
from scheduler.services.accounts import manage as accounts
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found

SANDBOX_TIMEOUT = (5.0, 15.0)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    remote_user_id: str | None
    error_code: str | None
    message_id: str | None
    message_en: str | None
    status: str


def check_account(
    uow: AbstractUnitOfWork, actor: Actor, account_id: int, *, connector_for: Callable[[str], Any], now: datetime
) -> CheckResult:
    """Ask the platform whether the account's credentials work (KIM admins)."""
    with uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise not_found("account", "account")
        authorize(actor, Cap.MANAGE_ACCOUNTS, account.kim_id, what="account")
        platform, handle = str(account.platform), account.handle
        token, sandbox = account.credentials_encrypted, account.sandbox
    result: AccountCheck | None = None
    error: ConnectorError | None
    try:
        ref = accounts.connector_account(platform, handle, token, sandbox=sandbox, decrypt=secrets.decrypt_credentials)
        result = connector_for(platform).check(ref)
        error = result.error
    except ConnectorError as exc:
        result, error = None, exc
    status = "active"
    if error is not None and isinstance(error, AuthExpired):
        updated = accounts.mark_needs_reconnect(uow, actor, account_id, reason=error.message_id, now=now)
        status = str(updated.status)
    else:
        status = str(accounts.get_account(uow, actor, account_id).status)
    if error is None and result is not None and result.ok:
        return CheckResult(True, result.remote_user_id, None, None, None, status)
    return CheckResult(
        False,
        None,
        getattr(error, "code", "check_failed"),
        getattr(error, "message_id", "Pemeriksaan akun gagal."),
        getattr(error, "message_en", "The account check failed."),
        status,
    )


def create_sandbox_credentials(sandbox_url: str | None, platform: str, handle: str) -> dict[str, Any]:
    """Credentials of a new (or existing) account of the configured sandbox, from its admin API,
    as Siar stores them (checked, without the sandbox's own address)."""
    if not sandbox_url:
        raise InvalidInput(
            "sandbox_not_configured",
            "Mode latihan (sandbox) belum diatur di server (SIAR_SANDBOX_URL).",
            "The sandbox (training mode) is not configured on the server (SIAR_SANDBOX_URL).",
            field="sandbox",
        )
    try:
        response = requests.post(
            sandbox_url.rstrip("/") + "/_sandbox/accounts",
            json={"platform": platform, "handle": handle},
            timeout=SANDBOX_TIMEOUT,
        )
    except requests.RequestException:
        raise InvalidInput(
            "sandbox_unreachable",
            "Server sandbox tidak bisa dihubungi.",
            "The sandbox server cannot be reached.",
            field="sandbox",
        ) from None
    if response.status_code >= 400:
        raise InvalidInput(
            "sandbox_refused",
            "Server sandbox menolak membuat akun ini.",
            "The sandbox server refused to create this account.",
            field="handle",
        )
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput(
            "sandbox_refused",
            "Jawaban server sandbox tidak sah.",
            "The sandbox server's answer is not valid.",
            field="sandbox",
        )
    return credentials.issued_by_sandbox(platform, data)
