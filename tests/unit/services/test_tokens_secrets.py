"""API tokens and credential encryption."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from scheduler.domain.errors import NotAllowed, NotFound
from scheduler.services.accounts import secrets
from scheduler.services.people import tokens


def test_token_is_shown_once_stored_hashed_and_authenticates(world, now):
    issued = tokens.create_token(world.uow, world.admin_a, world.admin_a.user_id, now=now)
    assert issued.token.startswith(f"siar_{issued.prefix}_")
    assert issued.token not in repr(issued)
    [row] = world.uow.tokens.list_for_user(world.admin_a.user_id)
    assert row.token_hash.startswith("sha256:") and issued.token.split("_", 2)[2] not in row.token_hash
    actor = tokens.authenticate_token(world.uow, issued.token, now=now)
    assert actor == world.admin_a
    assert world.uow.tokens.get_by_prefix(issued.prefix).last_used_at == now
    [event] = world.uow.audit.list(action="token.create")
    assert issued.token.split("_", 2)[2] not in repr(event)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
        lambda t: "siar_deadbeef_" + t.split("_", 2)[2],  # unknown prefix
        lambda t: "Bearer " + t,
        lambda t: "",
    ],
)
def test_mangled_tokens_are_refused(world, now, mangle):
    issued = tokens.create_token(world.uow, world.superadmin, "ani@kim-arjosari.id", now=now)
    with pytest.raises(NotAllowed):
        tokens.authenticate_token(world.uow, mangle(issued.token), now=now)


def test_revoked_token_no_longer_works(world, now):
    issued = tokens.create_token(world.uow, world.member_a, world.member_a.user_id, now=now)
    tokens.revoke_token(world.uow, world.member_a, issued.prefix, now=now)
    with pytest.raises(NotAllowed):
        tokens.authenticate_token(world.uow, issued.token, now=now)
    assert len(world.uow.audit.list(action="token.revoke")) == 1


def test_tokens_of_others(world, now):
    # an admin of another KIM does not even learn that the user exists
    with pytest.raises(NotFound):
        tokens.create_token(world.uow, world.admin_b, world.member_a.user_id, now=now)
    # a KIM admin may not mint tokens for their members
    with pytest.raises(NotAllowed):
        tokens.create_token(world.uow, world.admin_a, world.member_a.user_id, now=now)
    issued = tokens.create_token(world.uow, world.staff, world.member_a.user_id, now=now)
    with pytest.raises(NotFound):
        tokens.revoke_token(world.uow, world.member_b, issued.prefix, now=now)
    with pytest.raises(NotAllowed):
        tokens.create_token(world.uow, world.staff, world.superadmin.user_id, now=now)


def test_credentials_round_trip_and_repr_hides_values(secret_key):
    token = secrets.encrypt_credentials({"access_token": "EAAB-very-secret", "page_id": "42"})
    assert "very-secret" not in token
    creds = secrets.decrypt_credentials(token)
    assert creds["access_token"] == "EAAB-very-secret"
    assert "very-secret" not in repr(creds) and "very-secret" not in str(creds)
    assert creds.to_dict() == {"access_token": "EAAB-very-secret", "page_id": "42"}


def test_rotation_re_encrypts_with_the_newest_key(secret_key):
    old_token = secrets.encrypt_credentials({"k": "v"}, keys=[secret_key])
    new_key = Fernet.generate_key().decode()
    rotated = secrets.rotate(old_token, keys=[new_key, secret_key])
    assert secrets.decrypt_credentials(rotated, keys=[new_key])["k"] == "v"
    with pytest.raises(secrets.CredentialsUnreadable):
        secrets.decrypt_credentials(old_token, keys=[new_key])


def test_rotate_all_accounts(world, now, secret_key, monkeypatch):
    new_key = Fernet.generate_key().decode()
    count = secrets.rotate_all(world.uow, world.superadmin, now=now, keys=[new_key, secret_key])
    assert count == 4
    for account in world.uow.data.accounts:
        assert secrets.decrypt_credentials(account.credentials_encrypted, keys=[new_key])
    with pytest.raises(NotAllowed):
        secrets.rotate_all(world.uow, world.admin_a, now=now)
