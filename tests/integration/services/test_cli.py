"""`siar kim add`, `siar user add`, `siar token create|revoke` through click's CliRunner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.store.db import make_engine, make_session_factory
from scheduler.store.migrate import upgrade
from scheduler.store.seed import seed_malang


@pytest.fixture
def cli_db(siar_env):
    """The configured SQLite database in the temp data dir, migrated and seeded."""
    upgrade(siar_env.db_url)
    engine = make_engine(siar_env.db_url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    engine.dispose()
    return siar_env


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_kim_user_token_round_trip(cli_db):
    result = run("kim", "add", "--kelurahan", "arjosari", "--name", "KIM Arjosari Berdaya", "--formed-on", "2020-05-01")
    assert result.exit_code == 0, result.output
    assert "kim-arjosari-berdaya" in result.output

    result = run(
        "user",
        "add",
        "Ani@Example.ID",
        "--role",
        "admin",
        "--kim",
        "kim-arjosari-berdaya",
        "--name",
        "Ani",
        input="rahasia-panjang\n",
    )
    assert result.exit_code == 0, result.output
    assert "ani@example.id" in result.output

    result = run("token", "create", "ani@example.id")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("siar_") and len(token.splitlines()) == 1

    from scheduler.cli._context import open_uow
    from scheduler.services.people.tokens import authenticate_token

    actor = authenticate_token(open_uow(), token, now=datetime.now(UTC))
    assert actor.role == "admin"

    prefix = token.split("_")[1]
    result = run("token", "revoke", prefix)
    assert result.exit_code == 0, result.output
    from scheduler.domain.errors import NotAllowed

    with pytest.raises(NotAllowed):
        authenticate_token(open_uow(), token, now=datetime.now(UTC))


@pytest.mark.parametrize(
    "args, input, needle",
    [
        (("kim", "add", "--kelurahan", "atlantis", "--name", "KIM A"), None, "kelurahan"),
        (("kim", "add", "--kelurahan", "arjosari", "--name", "KIM A", "--timezone", "Mars/Base"), None, "Mars/Base"),
        (("user", "add", "x@example.id", "--role", "staff"), "\n", "password"),
        (("user", "add", "x@example.id", "--role", "staff"), "short\n", "password"),
        (("user", "add", "x@example.id", "--role", "member"), "rahasia-panjang\n", "KIM"),
        (("user", "add", "x@example.id", "--role", "member", "--kim", "nope"), "rahasia-panjang\n", "not found"),
        (("token", "create", "nobody@example.id"), None, "not found"),
        (("token", "revoke", "deadbeef"), None, "not found"),
    ],
)
def test_errors_are_one_bilingual_line_and_non_zero(cli_db, args, input, needle):
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    [line] = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert line.startswith("Galat:") and "/ Error:" in line
    assert needle.lower() in line.lower()


def test_duplicate_kim_and_user_are_refused(cli_db):
    assert run("kim", "add", "--kelurahan", "arjosari", "--name", "KIM A").exit_code == 0
    again = CliRunner().invoke(main, ["kim", "add", "--kelurahan", "arjosari", "--name", "KIM B"])
    assert again.exit_code == 1 and "sudah punya KIM" in again.stderr
    assert run("user", "add", "s@example.id", "--role", "staff", input="rahasia-panjang\n").exit_code == 0
    dup = CliRunner().invoke(main, ["user", "add", "S@EXAMPLE.ID", "--role", "staff"], input="rahasia-panjang\n")
    assert dup.exit_code == 1 and "already registered" in dup.stderr


def test_missing_schema_says_run_db_upgrade(siar_env):
    result = CliRunner().invoke(main, ["kim", "add", "--kelurahan", "arjosari", "--name", "K"])
    assert result.exit_code == 1
    assert "siar db upgrade" in result.stderr and "Traceback" not in result.output
