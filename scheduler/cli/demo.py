"""``siar demo``: one command to see Siar work, on a bare machine.

In a data directory of its own (SQLite and a file broker, no servers) it
migrates the database, loads Kota Malang's 57 kelurahan, seeds a dozen KIMs
with their UMKM, destinations, people and sandbox accounts, back-fills a few
weeks of published posts with engagement, then runs the sandbox, the web
app, a worker and beat as child processes and schedules sample posts for the
next few minutes. Ctrl-C stops everything it started.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from scheduler.cli._context import bilingual_errors, fail

DEFAULT_DATA_DIR = Path("var") / "demo"
DEFAULT_PORT = 8000
DEFAULT_SANDBOX_PORT = 8765
HOST = "127.0.0.1"
#: Stop order: beat first (nothing new is dispatched), then the worker (finishes what it holds)
#: and the web app, the sandbox last (an in-flight publish still reaches it).
STOP_ORDER = (("beat",), ("worker", "web"), ("sandbox",))
STOP_DEADLINE = 20.0
BANNER_WAIT = 30.0
#: Children started again if they die (at most MAX_RESTARTS times each); the sandbox and
#: the web app are not: without them the demo has nothing to show, so it stops.
RESTARTABLE = ("worker", "beat")
MAX_RESTARTS = 5
ROLE_NAMES = {"superadmin": "superadmin", "staff": "staf Kominfo", "admin": "admin KIM", "member": "anggota KIM"}


def _siar() -> list[str]:
    """How to run ``siar`` in a child: the script beside this Python, else the module."""
    script = Path(sys.executable).with_name("siar")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from scheduler.cli import main; sys.exit(main())"]


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _accepting(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _child_env(data_dir: Path, port: int, sandbox_port: int) -> dict[str, str]:
    """The environment of every child: this demo's data directory, SQLite, file broker.

    Empty values override a ``.env`` file or an exported production URL: the
    demo never touches a real database, broker or key. The session cookie
    drops its Secure flag because the demo serves plain http on 127.0.0.1;
    ``SIAR_SANDBOX_URL`` is where the workers send every sandbox account's requests, and
    lets admins connect more sandbox accounts in the web app; the sandbox answers Facebook
    post insights, so the demo reads them (``SIAR_FACEBOOK_INSIGHTS``) as a site whose Meta
    app has ``read_insights`` would.
    """
    env = dict(os.environ)
    env.update(
        {
            "SIAR_ENV": "demo",
            "SIAR_DATA_DIR": str(data_dir),
            "SIAR_DATABASE_URL": "",
            "SIAR_BROKER_URL": "",
            "SIAR_SECRET_KEY": "",
            "SIAR_WEB_HOST": HOST,
            "SIAR_WEB_PORT": str(port),
            "SIAR_SESSION_COOKIE_SECURE": "false",
            "SIAR_SANDBOX_URL": f"http://{HOST}:{sandbox_port}",
            "SIAR_FACEBOOK_INSIGHTS": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@click.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="Direktori data demo (SQLite, antrean berkas, media, log) / demo data directory.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port aplikasi web / web app port.",
)
@click.option(
    "--sandbox-port",
    type=click.IntRange(1, 65535),
    default=None,
    help=f"Port sandbox (bawaan {DEFAULT_SANDBOX_PORT}, atau port run sebelumnya) / "
    "sandbox port (default: the previous run's).",
)
@click.option("--fresh", is_flag=True, help="Hapus data demo lama dan mulai dari awal / start over.")
@bilingual_errors
def demo(data_dir: Path, port: int, sandbox_port: int | None, fresh: bool) -> None:
    """Jalankan Siar lengkap dengan data contoh Kota Malang / run all of Siar with sample data.

    Sandbox, web, worker dan beat berjalan sebagai proses anak; Ctrl-C menghentikan semuanya.
    """
    from scheduler.demo import datadir

    data_dir = data_dir.expanduser().resolve()
    new = datadir.prepare(data_dir, fresh)
    state = None if new else datadir.load_state(data_dir)
    remembered = state.get("sandbox_port") if state else None
    if remembered and sandbox_port and sandbox_port != remembered:
        fail(
            f"data demo di {data_dir} dibuat dengan --sandbox-port {remembered}; pakai port itu atau tambahkan --fresh",
            f"the demo data in {data_dir} was made with --sandbox-port {remembered}; use that port or add --fresh",
        )
    sandbox_port = sandbox_port or remembered or DEFAULT_SANDBOX_PORT
    for name, wanted in (("--port", port), ("--sandbox-port", sandbox_port)):
        if not _port_free(wanted):
            fail(
                f"port {wanted} ({name}) sudah dipakai program lain; pilih port lain dengan {name}",
                f"port {wanted} ({name}) is in use by another program; choose another with {name}",
            )
    env = _child_env(data_dir, port, sandbox_port)
    os.environ.update(env)  # the seeding below runs in this process, on the same settings
    from config.settings import get_settings

    get_settings.cache_clear()
    sys.exit(_run(data_dir, port, sandbox_port, env, state))


def _run(data_dir: Path, port: int, sandbox_port: int, env: dict[str, str], state: dict[str, Any] | None) -> int:
    from config.settings import get_settings
    from scheduler.demo.processes import Supervisor

    settings = get_settings()
    settings.ensure_dirs()
    sup = Supervisor(env=env, log_dir=data_dir / "logs")
    stop = threading.Event()
    serving = threading.Event()  # set once the children run and the demo only watches
    stopping = threading.Event()  # set once the shutdown has begun
    received: list[int] = []

    def on_signal(signum: int, _frame: Any) -> None:
        received.append(signum)
        if stopping.is_set():  # a second Ctrl-C while stopping: no more waiting
            sup.kill_all()
            return
        stop.set()
        if not serving.is_set():
            # Still migrating or seeding: abandon that now (nothing half-done is kept:
            # a data directory without its state file is started over next time).
            raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    from scheduler.demo.sandbox_admin import SandboxUnavailable

    code = 0
    try:
        code = _serve(sup, stop, serving, data_dir, port, sandbox_port, state, settings)
    except SandboxUnavailable as error:
        sup.say("demo", f"Galat / Error: {error}")
        code = 1
    except KeyboardInterrupt:
        code = 128 + (received[0] if received else signal.SIGINT)  # the shell's convention
    finally:
        stopping.set()
        sup.say("demo", "menghentikan semua proses... / stopping every process...")
        codes = sup.stop_all(
            STOP_ORDER, STOP_DEADLINE, on_kill=lambda n: sup.say("demo", f"{n} tidak berhenti; dipaksa (SIGKILL)")
        )
        sup.say(
            "demo",
            "selesai; tidak ada proses yang tertinggal / done; nothing left running "
            f"({', '.join(f'{n}={c}' for n, c in codes.items())})",
        )
    return code


def _serve(
    sup: Any,
    stop: threading.Event,
    serving: threading.Event,
    data_dir: Path,
    port: int,
    sandbox_port: int,
    state: dict[str, Any] | None,
    settings: Any,
) -> int:
    from scheduler.demo import datadir, history, samples, seeding
    from scheduler.demo.sandbox_admin import SandboxAdmin
    from scheduler.demo.watch import Watch
    from scheduler.store import migrate
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.seed import seed_malang
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    def say(line: str) -> None:
        sup.say("demo", line)

    def checkpoint() -> None:
        # The signal handler raises KeyboardInterrupt, but Python drops an exception raised
        # while a finalizer (__del__, a weakref callback) runs; so look again between steps.
        if stop.is_set():
            raise KeyboardInterrupt

    siar = _siar()
    say(f"data demo di / demo data in {data_dir}")
    migrate.upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        seeded = seed_malang(session)
    say(f"basis data siap; {seeded.kelurahan_total} kelurahan di {seeded.kecamatan_total} kecamatan / database ready")
    checkpoint()

    sup.start(
        "sandbox",
        [
            *siar,
            "sandbox",
            "serve",
            "--host",
            HOST,
            "--port",
            str(sandbox_port),
            "--state",
            str(data_dir / "sandbox.sqlite"),
        ],
    )
    sandbox = SandboxAdmin(f"http://{HOST}:{sandbox_port}")
    sandbox.wait_ready(30)
    # Engagement grows with a half-life of minutes, not the default six hours, so it shows.
    sandbox.set_engagement(half_life_s=600)
    checkpoint()

    def make_uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory)

    now = datetime.now(UTC)
    if state is None:
        say("mengisi 12 KIM, pengguna, UMKM, destinasi dan akun sandbox... / seeding...")
        site = seeding.seed_site(make_uow, sandbox, now)
        checkpoint()
        done = history.backfill(make_uow, site, now, settings.media_dir)
        say(
            f"riwayat: {done.posts} unggahan, {done.targets} target terbit, {done.snapshots} "
            "pengukuran keterlibatan / history back-filled with engagement readings"
        )
        samples.submit_for_review(make_uow, site, now, settings.media_dir)
        checkpoint()
        # Written last: a directory without it was not finished and is started over.
        datadir.save_state(data_dir, sandbox_port=sandbox_port, logins=site.logins, api_token=site.api_token)
    else:
        site = seeding.load_site(make_uow, datadir.logins_of(state), state.get("api_token", ""))
    checkpoint()
    now = datetime.now(UTC)
    scheduled = samples.schedule_samples(make_uow, site, now, settings.media_dir, stamp=state is not None)
    checkpoint()
    # Read-only and every second: a deferred BEGIN never takes SQLite's write lock from the worker.
    watch = Watch(make_engine(settings.db_url, sqlite_begin="deferred"), since=now)

    say(
        f"{len(scheduled)} unggahan contoh dijadwalkan; menjalankan worker, beat dan aplikasi web... "
        "/ sample posts scheduled; starting the worker, beat and web app..."
    )
    sup.start("worker", [*siar, "worker", "--concurrency", "2", "--hostname", "demo@%h", "--loglevel", "INFO"])
    sup.start("beat", [*siar, "beat", "--loglevel", "INFO"])
    sup.start("web", [*siar, "serve", "--host", HOST, "--port", str(port)])

    # The sign-in table comes once the web app answers, below the children's start-up
    # banners, where it is seen (or after BANNER_WAIT seconds, whatever happens).
    banner_due = time.monotonic() + BANNER_WAIT
    banner_shown = False
    serving.set()
    while not stop.wait(1.0):
        if not banner_shown and (_accepting(port) or time.monotonic() > banner_due):
            banner_shown = True
            _banner(sup, site, scheduled, port, sandbox_port, data_dir)
            if _accepting(port):
                say(f"aplikasi web siap / web app ready: http://{HOST}:{port}/")
        for line in watch.poll():
            say(line)
        for name, code in sup.exited():
            log = data_dir / "logs" / f"{name}.log"
            if name in RESTARTABLE and sup.children[name].restarts < MAX_RESTARTS:
                # What a process manager (systemd, Procfile runners) does in production.
                # Nothing is lost: a target whose message died with the worker returns
                # to "scheduled" when its lease expires (sweep) and is dispatched again.
                say(
                    f"{name} berhenti sendiri (kode {code}), dijalankan ulang; lihat {log} "
                    f"/ {name} exited by itself (code {code}), restarting"
                )
                sup.restart(name)
                continue
            say(f"{name} berhenti sendiri (kode {code}); lihat {log} / {name} exited by itself (code {code})")
            return 1
    return 0


def _banner(sup: Any, site: Any, scheduled: list[Any], port: int, sandbox_port: int, data_dir: Path) -> None:
    from scheduler.domain.timezones import get_zone

    wib = get_zone("Asia/Jakarta")
    rows = [("Peran / role", "KIM", "Email", "Kata sandi / password")]
    for p in site.logins:
        rows.append((ROLE_NAMES.get(p.role, p.role), (p.kim_slug or "-").removeprefix("kim-"), p.email, p.password))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    rule = "+".join("-" * (w + 2) for w in widths)
    lines = ["", "Siar demo: masuk dengan salah satu akun ini / sign in with one of these:", rule]
    for i, row in enumerate(rows):
        lines.append("|".join(f" {cell.ljust(w)} " for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            lines.append(rule)
    lines.append(rule)
    first = min((s.due_at for s in scheduled), default=None)
    lines += [
        "",
        f"  Aplikasi web / web app:    http://{HOST}:{port}/",
        f"  API (OpenAPI):             http://{HOST}:{port}/api/openapi.json",
        f"  Token API staf Kominfo:    {site.api_token}",
        f"     curl -H 'Authorization: Bearer {site.api_token}' http://{HOST}:{port}/api/v1/posts",
        f"  Sandbox (X/Facebook/IG):   http://{HOST}:{sandbox_port}/_sandbox/posts",
        f"  {len(scheduled)} unggahan contoh terjadwal; yang pertama pukul "
        f"{first.astimezone(wib):%H:%M:%S} WIB / sample posts scheduled"
        if first
        else "",
        f"  Log lengkap / full logs:   {data_dir / 'logs'}",
        f"  Status antrean / queue:    SIAR_DATA_DIR={data_dir} siar status",
        "  Tekan Ctrl-C untuk berhenti / press Ctrl-C to stop.",
        "",
    ]
    for line in lines:
        sup.say("demo", line)
