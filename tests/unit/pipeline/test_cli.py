"""``siar status`` and ``siar post add`` on an empty server-less site (no workers)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from scheduler.cli import main

#: ``siar post add`` refuses a time in the past by the CLI's clock; the tests that give --at run
#: it at this instant, so their times (a few days later) are ahead of "now" on any day.
NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # Monday 1 March 2027, 09:00 WIB
AHEAD = "2027-03-02T09:00+07:00"


@pytest.fixture
def post_clock(monkeypatch):
    """The CLI's clock (``scheduler.cli._context.utcnow``, imported by name) stopped at NOW."""
    monkeypatch.setattr("scheduler.cli.post.utcnow", lambda: NOW)
    return NOW


def _upgraded(siar_env):
    from scheduler.store.migrate import upgrade

    upgrade(siar_env.db_url)


def test_status_without_workers_says_so_in_indonesian(siar_env):
    _upgraded(siar_env)
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 0, result.output
    assert "Worker aktif: 0" in result.output
    assert "jalankan 'siar worker'" in result.output
    assert "Beat: belum pernah berdetak" in result.output
    assert "PERLU PERHATIAN" in result.output


def test_status_check_fails_when_unhealthy_and_json_is_parseable(siar_env):
    _upgraded(siar_env)
    result = CliRunner().invoke(main, ["status", "--check", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["healthy"] is False and data["workers"] == [] and data["beat"] is None


def test_status_on_a_missing_schema_is_one_bilingual_line(siar_env):
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 1
    assert "siar db upgrade" in result.output and "Traceback" not in result.output


def test_post_add_needs_exactly_one_time(siar_env, post_clock):
    _upgraded(siar_env)
    both = CliRunner().invoke(main, ["post", "add", "--account", "1", "--text", "x", "--at", AHEAD, "--next-slot"])
    assert both.exit_code == 1 and "--next-slot" in both.output
    bad = CliRunner().invoke(main, ["post", "add", "--account", "1", "--text", "x", "--at", "besok pagi"])
    assert bad.exit_code == 1 and "ISO-8601" in bad.output


def test_post_add_unknown_account(siar_env, post_clock):
    _upgraded(siar_env)
    result = CliRunner().invoke(main, ["post", "add", "--account", "99", "--text", "x", "--at", AHEAD])
    assert result.exit_code == 1 and "tidak ditemukan" in result.output


def _kim_with_account(siar_env) -> int:
    """A KIM with an admin and one X account (pacing lifted); returns the account id."""

    from scheduler.services.accounts.manage import add_account, set_pacing
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user
    from scheduler.services.registry.kims import create_kim
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.seed import read_malang, seed_malang
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    _upgraded(siar_env)
    engine = make_engine(siar_env.db_url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    engine.dispose()
    now = NOW
    uow = lambda: SqlAlchemyUnitOfWork.from_url(siar_env.db_url)  # noqa: E731
    kim = create_kim(uow(), Actor.system(), kelurahan_code=read_malang()[1][0].code, name="KIM Uji CLI", now=now)
    add_user(
        uow(),
        Actor.system(),
        email="admin@kim.id",
        role="admin",
        name="Admin",
        password="rahasia-sekali-123",
        now=now,
        kim_id=kim.id,
    )
    account = add_account(
        uow(),
        Actor.system(),
        kim_id=kim.id,
        platform="x",
        handle="kimuji",
        credentials={
            "consumer_key": "k",
            "consumer_secret": "s",
            "access_token": "t",
            "access_token_secret": "ts",
            "user_id": "1",
        },
        now=now,
    )
    set_pacing(uow(), Actor.system(), account.id, now=now, min_spacing_seconds=0, daily_cap=50)
    return account.id


def test_post_add_recurring_expands_the_series_in_wib(siar_env, post_clock):
    account = _kim_with_account(siar_env)
    result = CliRunner().invoke(
        main,
        [
            "post",
            "add",
            "--account",
            str(account),
            "--text",
            "Pasar minggu Kayutangan",
            "--at",
            "2027-03-07T08:00",
            "--rrule",
            "FREQ=WEEKLY;COUNT=2",
            "--zone",
            "Asia/Jakarta",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "target #" in ln]
    assert [ln.split(", ")[-1] for ln in lines] == ["07-03-2027 08:00:00 WIB", "14-03-2027 08:00:00 WIB"]


def test_post_add_recurring_refuses_a_bad_rule_and_writes_nothing(siar_env, post_clock):
    import sqlalchemy as sa

    account = _kim_with_account(siar_env)
    for extra, words in (
        (["--at", "2027-03-07T08:00", "--rrule", "SETIAP MINGGU"], "pengulangan"),
        (["--rrule", "FREQ=DAILY"], "--at"),
        (["--at", "2027-03-07T08:00", "--until", "2027-04-01T00:00"], "--rrule"),
    ):
        result = CliRunner().invoke(main, ["post", "add", "--account", str(account), "--text", "Bakso bakar", *extra])
        assert result.exit_code == 1, result.output
        assert words in result.output and "Traceback" not in result.output
    engine = sa.create_engine(siar_env.db_url)
    with engine.connect() as c:
        assert c.execute(sa.text("select count(*) from posts")).scalar_one() == 0
    engine.dispose()


def test_worker_runs_celery_without_gossip_and_mingle(siar_env, monkeypatch):
    """Gossip's restart after a lost Redis connection is where Celery workers die (kombu#582)."""
    import workers

    seen: list[list[str]] = []
    monkeypatch.setattr(workers.app, "worker_main", lambda argv: seen.append(list(argv)))
    result = CliRunner().invoke(main, ["worker", "--concurrency", "2", "--pool", "threads"])
    assert result.exit_code == 0, result.output
    (argv,) = seen
    assert argv[0] == "worker"
    assert {"--without-gossip", "--without-mingle", "--concurrency=2", "--pool=threads"} <= set(argv)
    assert "--without-heartbeat" not in argv  # broker heartbeats still detect a dead connection
