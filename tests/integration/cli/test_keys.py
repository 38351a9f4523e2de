"""`siar keys generate` and `siar keys rotate` on a real SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner
from cryptography.fernet import Fernet

from config.settings import get_settings
from scheduler.cli import main
from scheduler.services.accounts import manage as accounts
from scheduler.services.accounts import secrets
from scheduler.services.people.actors import Actor
from scheduler.services.registry import kims
from scheduler.store.migrate import upgrade
from scheduler.store.seed import seed_malang
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def test_generate_prints_a_usable_key():
    result = CliRunner().invoke(main, ["keys", "generate"])
    assert result.exit_code == 0
    Fernet(result.output.strip().encode())


def test_rotate_reencrypts_with_the_newest_key(siar_env, monkeypatch):
    old = Fernet.generate_key().decode()
    monkeypatch.setenv("SIAR_SECRET_KEY", old)
    get_settings.cache_clear()
    url = get_settings().db_url
    get_settings().ensure_dirs()
    upgrade(url)
    uow = SqlAlchemyUnitOfWork.from_url(url)
    with uow:
        seed_malang(uow.session)
        uow.commit()
    system = Actor.system()
    kim = kims.create_kim(uow, system, kelurahan_code="purwantoro", name="KIM Purwantoro", now=NOW)
    account = accounts.add_account(
        uow,
        system,
        kim_id=kim.id,
        platform="x",
        handle="kim_purwantoro",
        credentials={
            "consumer_key": "ck",
            "consumer_secret": "s3cr3t",
            "access_token": "1-at",
            "access_token_secret": "ats",
            "user_id": "1",
        },
        now=NOW,
    )

    new = Fernet.generate_key().decode()
    monkeypatch.setenv("SIAR_SECRET_KEY", f"{new},{old}")
    get_settings.cache_clear()
    result = CliRunner().invoke(main, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 akun")

    with uow:
        stored = uow.accounts.get(account.id).credentials_encrypted
    assert Fernet(new.encode()).decrypt(stored.encode())  # readable with the new key alone
    assert secrets.decrypt_credentials(stored, [new])["consumer_secret"] == "s3cr3t"
