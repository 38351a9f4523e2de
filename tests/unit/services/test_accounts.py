"""Social accounts: credentials encrypted, slots and pacing validated, refusals write nothing."""

from __future__ import annotations

from datetime import time

import pytest

from scheduler.domain.errors import Conflict, InvalidInput
from scheduler.domain.model import PostingSlot
from scheduler.services.accounts import manage as accounts
from scheduler.services.accounts import secrets
from scheduler.services.audit import trail as audit

X = {
    "consumer_key": "ck",
    "consumer_secret": "cs",
    "access_token": "1-at",
    "access_token_secret": "ats",
    "user_id": "1",
}


PAGE = {"page_id": "104882", "page_access_token": "EAAB-top-secret"}


def test_add_account_encrypts_credentials_and_audits_without_them(world, now):
    account = accounts.add_account(
        world.uow,
        world.admin_a,
        kim_id=world.kim_a.id,
        platform="facebook",
        handle="@kim.page",
        credentials=PAGE,
        now=now,
        slots=[{"weekday": 2, "at": "10:30"}, PostingSlot(0, time(9, 0))],
        sandbox=True,
    )
    assert account.handle == "kim.page" and account.timezone == "Asia/Jakarta"
    assert account.sandbox is True
    assert [(s.weekday, s.at) for s in account.slots] == [(0, time(9, 0)), (2, time(10, 30))]
    assert "top-secret" not in account.credentials_encrypted
    clear = secrets.decrypt_credentials(world.uow.accounts.get(account.id).credentials_encrypted)
    assert clear["page_access_token"] == "EAAB-top-secret"
    assert "top-secret" not in repr(world.uow.data.audit)


@pytest.mark.parametrize(
    "kwargs, error, field",
    [
        ({"platform": "tiktok"}, InvalidInput, "platform"),
        ({"handle": " @ "}, InvalidInput, "handle"),
        ({"credentials": {}}, InvalidInput, "credentials"),
        ({"handle": "KIMARJOSARI", "platform": "x"}, Conflict, "handle"),  # exists, any case
        ({"slots": [{"weekday": 9, "at": "10:00"}]}, InvalidInput, "slots"),
        ({"timezone": "WIB"}, InvalidInput, "timezone"),
        (
            {"credentials": {**PAGE, "sandbox_base_url": "http://127.0.0.1:9999"}},
            InvalidInput,
            "credentials.sandbox_base_url",
        ),
        ({"credentials": {**PAGE, "page_token": "t"}}, InvalidInput, "credentials.page_token"),
        ({"credentials": {"page_access_token": "EAAB-top-secret"}}, InvalidInput, "credentials.page_id"),
    ],
)
def test_bad_account_input_writes_nothing(world, now, kwargs, error, field):
    credentials = X if kwargs.get("platform") == "x" else PAGE
    args = {"platform": "facebook", "handle": "kim.page", "credentials": credentials} | kwargs
    before, commits = world.uow.snapshot(), world.uow.commits
    with pytest.raises(error) as caught:
        accounts.add_account(world.uow, world.admin_a, kim_id=world.kim_a.id, now=now, **args)
    assert caught.value.field == field
    assert world.uow.data == before and world.uow.commits == commits


@pytest.mark.parametrize("spacing, cap, field", [(-1, None, "min_spacing_seconds"), (None, 0, "daily_cap")])
def test_bad_pacing_is_refused(world, now, spacing, cap, field):
    with pytest.raises(InvalidInput) as caught:
        accounts.set_pacing(world.uow, world.admin_a, world.x_a.id, min_spacing_seconds=spacing, daily_cap=cap, now=now)
    assert caught.value.field == field


def test_pacing_override_changes_where_late_posts_land(world, now):
    accounts.set_pacing(world.uow, world.admin_a, world.x_a.id, min_spacing_seconds=3600, daily_cap=5, now=now)
    stored = world.uow.accounts.get(world.x_a.id)
    assert (stored.min_spacing_seconds, stored.daily_cap) == (3600, 5)


def test_audit_detail_drops_secret_looking_keys(world, now):
    with world.uow:
        event = audit.record(
            world.uow,
            world.admin_a,
            "test",
            now,
            password="x",
            api_token="y",
            credentials={"a": 1},
            nested={"session_id": "z", "ok": 1},
            fine=now,
        )
        world.uow.commit()
    assert event.detail == {"nested": {"ok": 1}, "fine": now.isoformat()}


@pytest.mark.parametrize(
    "credentials, code",
    [
        ({**X, "sandbox_base_url": "http://127.0.0.1:9999"}, "credentials_address_not_allowed"),
        ({**X, "api_host": "10.0.0.1"}, "credentials_address_not_allowed"),
        ({**X, "catatan": "token baru"}, "credentials_unknown_key"),
        ({"access_token": "1-baru"}, "credentials_missing_key"),
        (PAGE, "credentials_unknown_key"),  # a Facebook Page's credentials for the X account
    ],
)
def test_reconnect_refuses_bad_credentials_and_changes_nothing(world, now, credentials, code):
    accounts.mark_needs_reconnect(world.uow, world.admin_a, world.x_a.id, reason="token expired", now=now)
    before, commits = world.uow.snapshot(), world.uow.commits
    with pytest.raises(InvalidInput) as caught:
        accounts.reconnect(world.uow, world.admin_a, world.x_a.id, credentials=credentials, now=now)
    assert caught.value.code == code and caught.value.field.startswith("credentials")
    assert world.uow.data == before and world.uow.commits == commits


def test_reconnect_stores_checked_credentials(world, now):
    accounts.reconnect(world.uow, world.admin_a, world.x_a.id, credentials={**X, "user_id": 1}, now=now)
    stored = secrets.decrypt_credentials(world.uow.accounts.get(world.x_a.id).credentials_encrypted)
    assert dict(stored) == {**X, "user_id": "1"}
