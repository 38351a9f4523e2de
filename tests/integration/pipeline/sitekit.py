"""A whole Siar site for pipeline and chaos tests: database, broker, sandbox, worker, beat.

:func:`build_site` migrates the schema, loads the Malang seed, creates one KIM
with an admin through the services, and points this process's settings at
the site; :class:`Site` then adds sandbox accounts, posts with ``siar post
add``, and runs ``siar worker`` / ``siar beat`` as real subprocesses with the
site's environment, each in its own process group so that exactly what the
test started can be stopped (SIGTERM to the main process, SIGKILL of the group
as a last resort). Loaded by the conftests as module ``pipeline_sitekit``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet

SIAR = str(Path(sys.executable).with_name("siar"))


def wait_until(condition: Callable[[], Any], timeout: float, what: str | Callable[[], str], every: float = 0.1) -> Any:
    """Poll until ``condition()`` is truthy; return it, or fail naming ``what``.

    ``what`` may be a callable, evaluated only on failure (e.g. to add logs).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            text = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout}s waiting for {text}")
        time.sleep(every)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Site:
    env: dict[str, str]
    db_url: str
    engine: sa.Engine
    sandbox: Any
    kim_id: int
    admin_id: int
    accounts: dict[str, int] = field(default_factory=dict)  # "x:handle" -> account id
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    backend: str = ""
    nodes: dict[str, str] = field(default_factory=dict)  # worker name -> Celery node prefix
    _app: Any = None

    # -- processes ---------------------------------------------------------
    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = Path(self.env["SIAR_DATA_DIR"]) / f"{name}.log"
        self.logs[name] = log
        proc = subprocess.Popen(
            [SIAR, *args],
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we can stop exactly what we started
        )
        self.procs[name] = proc
        return proc

    def start_worker(self, name: str = "w1", concurrency: int = 2) -> subprocess.Popen:
        node = f"{name}-{uuid.uuid4().hex[:6]}"
        self.nodes[name] = node
        return self.start(
            name, "worker", "--concurrency", str(concurrency), "--hostname", f"{node}@%h", "--loglevel", "INFO"
        )

    def start_beat(self) -> subprocess.Popen:
        return self.start("beat", "beat", "--loglevel", "INFO")

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        proc = self.procs.pop(name)
        if proc.poll() is None:
            # The main process only: it shuts its pool children down itself (warm shutdown).
            (os.killpg if sig == signal.SIGKILL else os.kill)(proc.pid, sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        _reap_group(proc.pid)
        return proc.returncode

    def stop_all(self) -> dict[str, int]:
        """Stop beat first (no new ticks), then the workers; returns their exit codes."""
        order = sorted(self.procs, key=lambda n: n != "beat")
        return {name: self.stop(name) for name in order}

    def log(self, name: str) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace") if path and path.exists() else ""

    # -- data ----------------------------------------------------------------
    def add_account(self, platform: str, handle: str | None = None, **pacing: int) -> int:
        from scheduler.services.accounts.credentials import issued_by_sandbox
        from scheduler.services.accounts.manage import add_account, set_pacing
        from scheduler.services.people.actors import Actor
        from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

        handle = handle or f"kim_{uuid.uuid4().hex[:8]}"
        creds = issued_by_sandbox(platform, self.sandbox.create_account(platform, handle))
        uow = SqlAlchemyUnitOfWork.from_url(self.db_url)
        account = add_account(
            uow,
            Actor.system(),
            kim_id=self.kim_id,
            platform=platform,
            handle=handle,
            credentials=creds,
            now=utcnow(),
            sandbox=True,
        )
        if pacing:
            set_pacing(SqlAlchemyUnitOfWork.from_url(self.db_url), Actor.system(), account.id, now=utcnow(), **pacing)
        self.accounts[f"{platform}:{handle}"] = account.id
        return account.id

    def post(self, *account_ids: int, text: str, at: datetime, media: tuple[Path, ...] = ()) -> int:
        """``siar post add`` in a subprocess (as an operator would); returns the post id."""
        args = [SIAR, "post", "add", "--text", text, "--at", at.isoformat()]
        for account_id in account_ids:
            args += ["--account", str(account_id)]
        for path in media:
            args += ["--media", str(path)]
        out = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr + out.stdout
        first = out.stdout.split()[1]  # "Unggahan #12 dibuat, ..."
        return int(first.lstrip("#"))

    def add_posts(self, items: list[tuple[int, str, datetime]]) -> dict[int, tuple[datetime, str]]:
        """Compose and approve one post per ``(account_id, text, due)`` in this process.

        Faster than :meth:`post` (no subprocess per post) for the hundreds of
        posts of a chaos test or a benchmark; returns post id -> (due, text).
        """
        from scheduler.services.people.actors import Actor
        from scheduler.services.posts.compose import compose_post
        from scheduler.services.posts.review import approve_post
        from scheduler.services.posts.scheduling import ScheduleIntent
        from scheduler.store.db import make_session_factory
        from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

        sessions = make_session_factory(self.engine)
        author = Actor(user_id=self.admin_id, role="admin", kim_id=self.kim_id)  # type: ignore[arg-type]
        plan: dict[int, tuple[datetime, str]] = {}
        for account_id, text, due in items:
            post = compose_post(
                SqlAlchemyUnitOfWork(sessions),
                author,
                kim_id=self.kim_id,
                text=text,
                targets=[account_id],
                schedule=ScheduleIntent.at_instant(due),
                now=utcnow(),
                submit=True,
            )
            approve_post(SqlAlchemyUnitOfWork(sessions), Actor.system(), post.id, now=utcnow())
            plan[post.id] = (due, text)
        return plan

    def all_targets(self) -> list[sa.Row]:
        """Every target of the site, in id order."""
        from scheduler.store.tables import post_targets as T

        with self.engine.connect() as c:
            return list(c.execute(sa.select(T).order_by(T.c.id)).all())

    def targets(self, post_id: int) -> list[sa.Row]:
        from scheduler.store.tables import post_targets as T

        with self.engine.connect() as c:
            return list(c.execute(sa.select(T).where(T.c.post_id == post_id).order_by(T.c.id)).all())

    def nudge(self, task: str) -> None:
        """Send a periodic task now (``siar.sweep``, ``siar.reconcile``) through the real broker."""
        if self._app is None:
            from config.settings import Settings
            from workers.app import make_app

            self._app = make_app(Settings())
        self._app.send_task(task, queue="dispatch")

    def flush_broker(self) -> int:
        """Lose every message on the broker (Redis FLUSHDB, or the file broker's files)."""
        url = self.env.get("SIAR_BROKER_URL")
        if url:
            return _flush_redis(url, self.broker_prefix())
        folder = Path(self.env["SIAR_DATA_DIR"]) / "broker"
        files = [f for f in folder.iterdir() if f.is_file()]
        for f in files:
            f.unlink(missing_ok=True)
        return len(files)

    def explain(self, post_id: int) -> str:
        """Targets of a post and the tail of every process log (for failure messages)."""
        rows = "\n".join(
            f"  target {r.id}: {r.state} attempts={r.attempts} error={r.last_error_code} {r.last_error_message or ''}"
            for r in self.targets(post_id)
        )
        logs = "\n".join(f"--- {name} ---\n{self.log(name)[-3000:]}" for name in self.logs)
        return f"post {post_id}:\n{rows}\n{logs}"

    def broker_prefix(self) -> str:
        """This site's Redis key prefix (other sites on the same Redis are left alone)."""
        from config.settings import Settings
        from workers.app import broker_key_prefix

        return broker_key_prefix(Settings())

    def heartbeats(self) -> list[sa.Row]:
        from scheduler.store.tables import heartbeats

        with self.engine.connect() as c:
            return list(c.execute(sa.select(heartbeats)).all())


def _reap_group(pgid: int) -> None:
    """Make sure nothing of a process group we started survives (prefork children)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def bare_kim(conn: sa.Connection, now: datetime, accounts: int, daily_cap: int = 1000) -> tuple[int, int, list[int]]:
    """A kecamatan, a kelurahan, a KIM with an admin and ``accounts`` X accounts, straight
    into the tables (no services, no seed): for the benches and claim tests that need
    thousands of rows fast. Pacing is lifted (no gap, ``daily_cap``). Returns
    (kim id, admin id, account ids in order)."""
    from scheduler.store import tables as t

    conn.execute(sa.insert(t.kecamatan).values(code="b", name="Blimbing"))
    conn.execute(sa.insert(t.kelurahan).values(code="b1", name="Arjosari", kecamatan_code="b"))
    kim = conn.execute(
        sa.insert(t.kims).values(kelurahan_code="b1", name="KIM", slug="kim", created_at=now).returning(t.kims.c.id)
    ).scalar_one()
    user = conn.execute(
        sa.insert(t.users)
        .values(email="b@k.id", name="B", role="admin", kim_id=kim, created_at=now)
        .returning(t.users.c.id)
    ).scalar_one()
    ids = (
        conn.execute(
            sa.insert(t.social_accounts).returning(t.social_accounts.c.id, sort_by_parameter_order=True),
            [
                {
                    "kim_id": kim,
                    "platform": "x",
                    "handle": f"h{a}",
                    "credentials_encrypted": "{}",
                    "min_spacing_seconds": 0,
                    "daily_cap": daily_cap,
                    "created_at": now,
                }
                for a in range(accounts)
            ],
        )
        .scalars()
        .all()
    )
    return kim, user, list(ids)


def build_site(
    tmp: Path, db_url: str, broker_url: str | None, sandbox: Any, extra_env: dict[str, str] | None = None
) -> Site:
    """Migrate, seed and populate a site; point this process's settings at it."""
    from config.settings import get_settings
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user
    from scheduler.services.registry.kims import create_kim
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.migrate import upgrade
    from scheduler.store.seed import read_malang, seed_malang
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAR_")}
    env.update(
        {
            "SIAR_ENV": "test",
            "SIAR_DATA_DIR": str(tmp),
            "SIAR_DATABASE_URL": db_url,
            "SIAR_SECRET_KEY": Fernet.generate_key().decode(),
            "SIAR_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if broker_url:
        env["SIAR_BROKER_URL"] = broker_url
    if sandbox is not None:
        env["SIAR_SANDBOX_URL"] = sandbox.base_url  # where the workers send sandbox accounts' requests
    env.update(extra_env or {})
    for key, value in env.items():
        if key.startswith("SIAR_"):
            os.environ[key] = value
    get_settings.cache_clear()

    upgrade(db_url)
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    _, kelurahan = read_malang()
    now = utcnow()
    kim = create_kim(
        SqlAlchemyUnitOfWork.from_url(db_url),
        Actor.system(),
        kelurahan_code=kelurahan[0].code,
        name="KIM Uji Pipeline",
        now=now,
    )
    admin = add_user(
        SqlAlchemyUnitOfWork.from_url(db_url),
        Actor.system(),
        email=f"admin-{uuid.uuid4().hex[:6]}@kim.id",
        role="admin",
        password="rahasia-sekali-123",
        now=now,
        name="Admin",
        kim_id=kim.id,
    )
    return Site(env=env, db_url=db_url, engine=engine, sandbox=sandbox, kim_id=kim.id, admin_id=admin.id)


BACKENDS = ("sqlite+filesystem", "postgresql+redis")


@contextlib.contextmanager
def running_site(
    request: Any, backend: str, tmp: Path, sandbox: Any, extra_env: dict[str, str] | None = None
) -> Iterator[Site]:
    """A site on ``backend`` with one worker (``w1``) and beat running; checked on the way out.

    ``request`` is the pytest request (PostgreSQL and Redis come from the
    ``postgres_url`` / ``redis_url`` fixtures, which fail under CI=true if
    the server is missing). On exit: every process stopped, none left, clean
    exit codes for processes stopped with SIGTERM, no tracebacks in the logs.
    """
    vhost = None
    if backend == "sqlite+filesystem":
        db_url, broker = f"sqlite:///{tmp / 'siar.db'}", None
    elif backend == "sqlite+rabbitmq":
        db_url = f"sqlite:///{tmp / 'siar.db'}"
        vhost, broker = _fresh_rabbitmq_vhost()
    else:
        db_url = _fresh_pg_database(request.getfixturevalue("postgres_url"))
        broker = request.getfixturevalue("redis_url")
    site = build_site(tmp, db_url, broker, sandbox, extra_env)
    site.backend = backend
    if broker:
        assert site.broker_prefix().startswith("siar-")
    try:
        site.start_worker("w1", concurrency=2)
        site.start_beat()
        wait_until(lambda: {h.kind for h in site.heartbeats()} >= {"worker", "beat"}, 60, "worker and beat heartbeats")
        yield site
        pgids = [p.pid for p in site.procs.values()]
        codes = site.stop_all()
        assert not any(group_alive(g) for g in pgids), "worker/beat processes left behind"
        assert all(code == 0 for code in codes.values()), codes  # warm shutdown on SIGTERM
        for name in codes:
            log = site.log(name)
            assert "Traceback" not in log and "ERROR/" not in log, log[-4000:]
        stopped = {site.nodes[n] for n in codes if n in site.nodes}
        left = [h.name for h in site.heartbeats() if h.name.split("@")[0] in stopped]
        assert not left, f"heartbeat rows of cleanly stopped workers not removed: {left}"
    finally:
        site.stop_all()
        site.engine.dispose()
        if vhost:
            _rabbitmqctl("delete_vhost", vhost)
        elif broker:
            _flush_redis(broker, site.broker_prefix())


def _fresh_pg_database(server_url: str) -> str:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"siar_pipe_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    return url


def _flush_redis(url: str, prefix: str) -> int:
    """Delete this site's keys only: the Redis DB is shared with other tests."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
        return len(keys)
    finally:
        client.close()


AMQP_URL = os.environ.get("SIAR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


def _fresh_rabbitmq_vhost() -> tuple[str, str]:
    """A throw-away RabbitMQ virtual host (isolation from anything else on the server)."""
    import pytest
    from kombu import Connection

    try:
        with Connection(AMQP_URL, connect_timeout=5) as probe:
            probe.ensure_connection(max_retries=1)
        vhost = f"siar_test_{uuid.uuid4().hex[:10]}"
        _rabbitmqctl("add_vhost", vhost)
        user = sa.make_url(AMQP_URL.replace("amqp://", "postgresql://", 1)).username or "guest"
        _rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    except Exception as exc:
        message = f"RabbitMQ is not reachable or not manageable: {exc}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message + " (CI=true: a missing service fails the run)")
        pytest.skip(message)
    return vhost, AMQP_URL.rstrip("/") + "/" + vhost
