"""Browser tests of the web pages: a whole Siar site, a real HTTP server, headless Chromium.

The site comes from the pipeline kit (``tests/integration/pipeline/sitekit.py``):
PostgreSQL, Redis as the broker (the production pair), the session sandbox,
and a real ``siar worker`` and ``siar beat``. On top of it: a second KIM (for the tenancy checks), a
member, a second admin and a staff user, three sandbox accounts, a UMKM
product; then ``create_app()`` served by uvicorn on a free 127.0.0.1 port.

Chromium is Debian's (``/usr/bin/chromium``) driven by Playwright's Python
package; nothing is downloaded. Every page a test opens goes through
:class:`Browser.open`, which records each request URL, console error and page
error; the ``guard`` checks after each test that no request left 127.0.0.1
and that the console stayed clean.
"""

from __future__ import annotations

import importlib.util
import io
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "rahasia-sekali-123"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

if "pipeline_sitekit" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "pipeline_sitekit", ROOT / "tests" / "integration" / "pipeline" / "sitekit.py"
    )
    _kit = importlib.util.module_from_spec(_spec)
    sys.modules["pipeline_sitekit"] = _kit
    _spec.loader.exec_module(_kit)
kit = sys.modules["pipeline_sitekit"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class WebSite:
    site: Any
    base_url: str
    users: dict[str, str]  # role -> e-mail
    accounts: dict[str, int]  # platform -> account id
    other_kim_slug: str
    other_post_id: int
    other_media_id: int
    product_name: str
    product_id: int


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), (11, 110, 79)).save(buffer, "PNG")
    return buffer.getvalue()


def _populate(site: Any) -> dict[str, Any]:
    """Users, accounts, a product, and another KIM with a post and a photo."""
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user
    from scheduler.services.posts.compose import compose_post
    from scheduler.services.posts.content import TargetSpec
    from scheduler.services.posts.media import upload_media
    from scheduler.services.posts.scheduling import ScheduleIntent
    from scheduler.services.registry.kims import create_kim
    from scheduler.services.registry.subjects import add_product, add_umkm
    from scheduler.store.seed import read_malang
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork.from_url(site.db_url)

    now = datetime.now(UTC)
    system = Actor.system()
    tag = uuid.uuid4().hex[:6]
    users = {"admin": f"admin2-{tag}@kim.id", "member": f"anggota-{tag}@kim.id", "staff": f"staf-{tag}@kominfo.id"}
    add_user(
        uow(),
        system,
        email=users["admin"],
        role="admin",
        password=PASSWORD,
        now=now,
        name="Budi Admin",
        kim_id=site.kim_id,
    )
    add_user(
        uow(),
        system,
        email=users["member"],
        role="member",
        password=PASSWORD,
        now=now,
        name="Ani Anggota",
        kim_id=site.kim_id,
    )
    add_user(uow(), system, email=users["staff"], role="staff", password=PASSWORD, now=now, name="Sri Kominfo")
    accounts = {p: site.add_account(p, f"kim{p[:2]}_{tag}") for p in ("x", "facebook", "instagram")}
    with uow() as u:
        kim = u.kims.get(site.kim_id)
        kelurahan_code = kim.kelurahan_code
    umkm = add_umkm(uow(), system, kelurahan_code=kelurahan_code, name="UMKM Sanan Jaya", now=now, kim_id=site.kim_id)
    product = add_product(uow(), system, umkm_id=umkm.id, name="Keripik Tempe Sanan", now=now, category="keripik")
    _, kelurahan = read_malang()
    other = create_kim(uow(), system, kelurahan_code=kelurahan[1].code, name="KIM Tetangga", now=now)
    other_admin = add_user(
        uow(),
        system,
        email=f"lain-{tag}@kim.id",
        role="admin",
        password=PASSWORD,
        now=now,
        name="Admin Lain",
        kim_id=other.id,
    )
    from scheduler.services.accounts.credentials import issued_by_sandbox
    from scheduler.services.accounts.manage import add_account

    creds = issued_by_sandbox("x", site.sandbox.create_account("x", f"lain_{tag}"))
    other_account = add_account(
        uow(), system, kim_id=other.id, platform="x", handle=f"lain_{tag}", credentials=creds, now=now, sandbox=True
    )
    from config.settings import get_settings

    media_dir = get_settings().media_dir
    asset = upload_media(
        uow(),
        Actor(other_admin.id, other_admin.role, other.id),
        kim_id=other.id,
        filename="lain.png",
        data=_png(),
        now=now,
        media_dir=media_dir,
    )
    post = compose_post(
        uow(),
        Actor(other_admin.id, other_admin.role, other.id),
        kim_id=other.id,
        text="Unggahan KIM lain",
        targets=[TargetSpec(other_account.id)],
        schedule=ScheduleIntent.at_instant(now.replace(year=now.year + 1), "Asia/Jakarta"),
        now=now,
    )
    return dict(
        users=users,
        accounts=accounts,
        other_kim_slug=other.slug,
        other_post_id=post.id,
        other_media_id=asset.id,
        product_name=product.name,
        product_id=product.id,
    )


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free 127.0.0.1 port, in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    kit.wait_until(lambda: server.started, 30, "the web server to start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="session")
def serve() -> Any:
    """:func:`serving` for test modules (a conftest's functions cannot be imported)."""
    return serving


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where browser tests save their screenshots (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="module")
def web(request: pytest.FixtureRequest, sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSite]:
    """The whole site with worker and beat, served over HTTP on 127.0.0.1."""
    from config.settings import get_settings

    saved = {k: v for k, v in os.environ.items() if k.startswith("SIAR_")}
    tmp = tmp_path_factory.mktemp("web")
    try:
        with kit.running_site(
            request,
            "postgresql+redis",
            tmp,
            sandbox,
            extra_env={"SIAR_SESSION_COOKIE_SECURE": "false", "SIAR_SANDBOX_URL": sandbox.base_url},
        ) as site:
            data = _populate(site)
            from scheduler.web.app import create_app

            get_settings.cache_clear()
            with serving(create_app()) as base_url:
                yield WebSite(site=site, base_url=base_url, **data)
    finally:
        for key in [k for k in os.environ if k.startswith("SIAR_")]:
            del os.environ[key]
        os.environ.update(saved)
        get_settings.cache_clear()


class Browser:
    """One signed-in (or not) browser context that records what its pages ask for."""

    def __init__(self, context: Any, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.new_page()

    def new_page(self) -> Any:
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.console_errors.append(f"{page.url}: {e}"))
        return page

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path, wait_until="load")
        return response

    def sign_in(self, email: str) -> None:
        self.open("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", PASSWORD)
        with self.page.expect_navigation(wait_until="load"):
            self.page.click("button[type=submit]")
        assert urlsplit(self.page.url).path == "/", self.page.url

    def screenshot(self, name: str) -> None:
        """Save the current page at phone and desktop widths under artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        original = self.page.viewport_size
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            self.page.set_viewport_size(size)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        if original:
            self.page.set_viewport_size(original)

    def foreign_requests(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname != "127.0.0.1":
                out.append(url)
        return out


@pytest.fixture
def png() -> bytes:
    """A 1080x1080 PNG photo."""
    return _png()


# -- posts a test needs, made by its own fixture (never another test's leftovers) ------------

KERIPIK = "Keripik tempe Sanan, renyah dan gurih! Pesan lewat KIM kami. #UMKMMalang"


@dataclass(frozen=True)
class SitePost:
    id: int
    text: str  # unique: this post's copies in the sandbox are found by it
    scheduled_at: datetime
    admin: str  # e-mail of an admin of the post's KIM


def _new_kim(web: WebSite) -> tuple[int, str, str]:
    """A KIM of its own (first kelurahan without one) with an admin and a member:
    (kim id, admin e-mail, member e-mail). Its approvals, calendar and queue hold only what
    the test puts there (the month view shows six targets a day: other tests' posts of the
    same day would push this one's out)."""
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user
    from scheduler.services.registry.kims import create_kim
    from scheduler.store.seed import read_malang
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork.from_url(web.site.db_url)

    with uow() as u:
        taken = {k.kelurahan_code for k in u.kims.list()}
    code = next(k.code for k in read_malang()[1] if k.code not in taken)
    now = datetime.now(UTC)
    kim = create_kim(uow(), Actor.system(), kelurahan_code=code, name=f"KIM Uji {code}", now=now)
    emails = []
    for role in ("admin", "member"):
        email = f"{role}-{uuid.uuid4().hex[:6]}@kim.id"
        add_user(
            uow(),
            Actor.system(),
            email=email,
            role=role,
            password=PASSWORD,
            now=now,
            name=f"{role.title()} {code}",
            kim_id=kim.id,
        )
        emails.append(email)
    return kim.id, emails[0], emails[1]


def compose_as_member(
    web: WebSite, at: datetime, kim_id: int, member: str, admin: str, product_id: int | None = None
) -> SitePost:
    """What the compose page makes: ``member``'s post (about the product, if given) with a
    photo, on X, Facebook and Instagram, submitted for review, due at ``at``.

    The three sandbox accounts are new for each post, so no other test's post on the same
    account can move this one (pacing) or be counted with it.
    """
    from config.settings import get_settings
    from scheduler.domain.model import SubjectKind
    from scheduler.services.accounts.credentials import issued_by_sandbox
    from scheduler.services.accounts.manage import add_account
    from scheduler.services.people.actors import Actor
    from scheduler.services.posts.compose import compose_post
    from scheduler.services.posts.content import SubjectRef, TargetSpec
    from scheduler.services.posts.media import upload_media
    from scheduler.services.posts.scheduling import ScheduleIntent
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    site = web.site

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork.from_url(site.db_url)

    with uow() as u:
        user = u.users.get_by_email(member)
        assert user is not None
        author = Actor.of(user)
    now = datetime.now(UTC)
    accounts = []
    for platform in ("x", "facebook", "instagram"):
        handle = f"kim{platform[:2]}_{uuid.uuid4().hex[:6]}"
        creds = issued_by_sandbox(platform, site.sandbox.create_account(platform, handle))
        accounts.append(
            add_account(
                uow(),
                Actor.system(),
                kim_id=kim_id,
                platform=platform,
                handle=handle,
                credentials=creds,
                now=now,
                sandbox=True,
            ).id
        )
    photo = upload_media(
        uow(), author, kim_id=kim_id, filename="keripik.png", data=_png(), now=now, media_dir=get_settings().media_dir
    )
    text = f"{KERIPIK} Kode {uuid.uuid4().hex[:6]}."
    subject = SubjectRef(SubjectKind.PRODUCT, product_id) if product_id is not None else None
    post = compose_post(
        uow(),
        author,
        kim_id=kim_id,
        text=text,
        targets=[TargetSpec(a) for a in accounts],
        schedule=ScheduleIntent.at_instant(at, "Asia/Jakarta"),
        now=now,
        media_ids=[photo.id],
        subject=subject,
        submit=True,
    )
    return SitePost(post.id, text, at, admin)


@pytest.fixture
def submitted_post(web: WebSite) -> SitePost:
    """A member's post waiting for approval by its KIM's admin (a KIM of its own), due in 45 s.

    45 s: the admin approves it in the browser a few seconds later, and a time more than
    30 s in the past can no longer be approved (``schedule_in_past``).
    """
    kim_id, admin, member = _new_kim(web)
    at = (datetime.now(UTC) + timedelta(seconds=45)).replace(microsecond=0)
    return compose_as_member(web, at, kim_id, member, admin)


@pytest.fixture(scope="module")
def measured_post(web: WebSite) -> SitePost:
    """A member's post, approved, published by the worker on its three sandbox accounts, given
    engagement in the sandbox and measured by ``siar engagement refresh --now``."""
    import subprocess

    from scheduler.services.people.actors import Actor
    from scheduler.services.posts.review import approve_post
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    site = web.site
    post = compose_as_member(
        web,
        datetime.now(UTC) + timedelta(seconds=5),
        site.kim_id,
        web.users["member"],
        web.users["admin"],
        product_id=web.product_id,
    )
    approve_post(SqlAlchemyUnitOfWork.from_url(site.db_url), Actor.system(), post.id, now=datetime.now(UTC))
    kit.wait_until(
        lambda: all(t.state == "published" for t in site.targets(post.id)),
        120,
        lambda: site.explain(post.id),
        every=0.5,
    )
    copies = [p for p in site.sandbox.posts() if p.get("text") == post.text]
    assert sorted(p["platform"] for p in copies) == ["facebook", "instagram", "x"], copies
    for copy in copies:
        site.sandbox.set_metrics(copy["platform"], copy["id"], likes=40, comments=7, shares=3, views=900, reach=700)
    out = subprocess.run(
        [kit.SIAR, "engagement", "refresh", "--now"], env=site.env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return post


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists() and os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{CHROMIUM} is missing (CI=true): install Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_browser(chromium: Any) -> Iterator[Any]:
    """``new_browser(base_url, phone=False) -> Browser`` on any served site; after the test: no foreign
    request, no console error."""
    opened: list[Browser] = []

    def make(base_url: str, phone: bool = False) -> Browser:
        context = chromium.new_context(viewport=PHONE if phone else DESKTOP, locale="en-US")
        context.set_default_timeout(20_000)
        b = Browser(context, base_url)
        opened.append(b)
        return b

    yield make
    try:
        for b in opened:
            assert b.requests, "the browser made no request at all"
            assert b.foreign_requests() == [], b.foreign_requests()
            assert b.console_errors == [], b.console_errors
    finally:
        for b in opened:
            b.context.close()


@pytest.fixture
def browse(new_browser: Any, web: WebSite) -> Any:
    """``browse(role=None, phone=False) -> Browser`` on ``web``, signed in as ``role`` (the same checks)."""

    def make(role: str | None = None, phone: bool = False) -> Browser:
        b = new_browser(web.base_url, phone)
        if role:
            b.sign_in(web.users[role])
        return b

    return make


def wait_for(condition: Any, timeout: float, what: str, every: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)
