"""The pages satisfy the Content-Security-Policy in a real browser.

A site seeded like ``siar demo`` (12 KIMs, their people and sandbox accounts,
weeks of published posts with engagement, two posts awaiting approval) on
SQLite, served by uvicorn, opened in Debian's Chromium. Every GET route of
the app that answers HTML (taken from ``app.routes``, so a new page is walked
without editing this file) is opened as staff, a KIM admin and a member,
and as nobody for the sign-in page and the API docs. On each: no
``securitypolicyviolation`` event, no console error, and the styles still
apply (Siar's stylesheet, pygal's stylesheet for the charts, Swagger UI).
Screenshots at 1280x900 and 390x844 go to ``artifacts/screenshots/csp-*``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from fastapi.routing import iter_route_contexts

PASSWORD = "rahasia-sekali-123"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BRAND = "rgb(11, 110, 79)"  # --brand in siar.css
FIRST_SERIES = "rgb(11, 110, 79)"  # charts.STYLE.colors[0]
# Recorded before any page script runs (Playwright's init scripts are not subject to the page's CSP).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@dataclass
class DemoWeb:
    base_url: str
    app: Any
    emails: dict[str, str]  # role -> e-mail
    values: dict[str, str]  # path parameter -> a value that answers for every role


@pytest.fixture(scope="module")
def demo_web(sandbox: Any, serve: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWeb]:
    from cryptography.fernet import Fernet

    from config.settings import get_settings
    from scheduler.demo import history, samples, seeding
    from scheduler.demo.sandbox_admin import SandboxAdmin
    from scheduler.store import tables
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.migrate import upgrade
    from scheduler.store.seed import seed_malang
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork
    from scheduler.web.app import create_app

    tmp = tmp_path_factory.mktemp("csp")
    saved = {k: v for k, v in os.environ.items() if k.startswith("SIAR_")}
    os.environ.update(
        SIAR_ENV="test",
        SIAR_DATA_DIR=str(tmp),
        SIAR_DATABASE_URL=f"sqlite:///{tmp / 's.db'}",
        SIAR_SECRET_KEY=Fernet.generate_key().decode(),
        SIAR_SESSION_COOKIE_SECURE="false",
        SIAR_SANDBOX_URL=sandbox.base_url,
    )
    get_settings.cache_clear()
    settings = get_settings()
    try:
        upgrade(settings.db_url)
        engine = make_engine(settings.db_url)
        factory = make_session_factory(engine)
        with factory.begin() as session:
            seed_malang(session)
        now = datetime.now(UTC)
        site = seeding.seed_site(
            lambda: SqlAlchemyUnitOfWork(factory), SandboxAdmin(sandbox.base_url), now, password_for=lambda _: PASSWORD
        )
        history.backfill(lambda: SqlAlchemyUnitOfWork(factory), site, now, settings.media_dir)
        samples.submit_for_review(lambda: SqlAlchemyUnitOfWork(factory), site, now, settings.media_dir)
        kim = site.kims[0]  # has a post awaiting approval (submit_for_review: the first two KIMs)
        with engine.connect() as conn:
            post_id = conn.execute(
                sa.select(tables.post_targets.c.post_id)
                .join(tables.engagement_snapshots, tables.engagement_snapshots.c.target_id == tables.post_targets.c.id)
                .join(tables.posts, tables.posts.c.id == tables.post_targets.c.post_id)
                .where(tables.posts.c.kim_id == kim.id)
                .limit(1)
            ).scalar_one()
            media_id = conn.execute(
                sa.select(tables.media_assets.c.id).where(tables.media_assets.c.kim_id == kim.id).limit(1)
            ).scalar_one()
            member_id = kim.member_id
        engine.dispose()
        emails = {p.role: p.email for p in site.logins if p.kim_slug in (None, kim.spec.slug)}
        app = create_app()
        with serve(app) as base_url:
            yield DemoWeb(
                base_url,
                app,
                emails,
                {
                    "post_id": str(post_id),
                    "media_id": str(media_id),
                    "user_id": str(member_id),
                    "kim_id": str(kim.id),
                    "account_id": str(kim.accounts["x"]),
                    "code": "id",
                },
            )
    finally:
        for key in [k for k in os.environ if k.startswith("SIAR_")]:
            del os.environ[key]
        os.environ.update(saved)
        get_settings.cache_clear()


def html_pages(web: DemoWeb, cookies: httpx.Cookies | None = None) -> dict[str, int]:
    """Every GET route of the app whose answer is an HTML page, and its status (asked with HEAD)."""
    pages = {}
    with httpx.Client(base_url=web.base_url, cookies=cookies) as http:
        for route in iter_route_contexts(web.app.routes):
            if "GET" not in (route.methods or ()):
                continue
            url = re.sub(r"\{(\w+)[^}]*\}", lambda m: web.values[m.group(1)], route.path)
            answer = http.head(url)
            if answer.headers.get("content-type", "").startswith("text/html"):
                pages[url] = answer.status_code
    return pages


def _sign_in(page: Any, base_url: str, email: str) -> None:
    page.goto(base_url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit]")
    assert page.url == base_url + "/", page.url


def _name(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "dashboard"


def _open_and_check(
    page: Any, base_url: str, url: str, label: str, errors: list[str], screenshots: Path, status: int = 200
) -> None:
    """Open ``url`` (answering ``status``: a role's 403 page is checked too) and check it."""
    response = page.goto(base_url + url, wait_until="networkidle")
    assert response is not None and response.status == status, (label, url, response and response.status)
    if status >= 400:  # Chromium reports the page's own status as a console error
        errors[:] = [e for e in errors if f"responded with a status of {status}" not in e]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], url
    violations = page.evaluate("window.__csp")
    assert violations == [], (label, url, violations)
    assert errors == [], (label, url, errors)
    if urlsplit(page.url).path.startswith("/api/docs"):
        # Swagger UI was started by static/api-docs.js and fetched the document (connect-src 'self')
        page.wait_for_selector("#swagger-ui .swagger-ui")
        assert '"title":"Siar API"' in page.evaluate("window.ui.specSelectors.specStr()")
        assert page.eval_on_selector(".swagger-ui", "e => getComputedStyle(e).fontFamily") != ""
    else:
        assert page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor") == BRAND, url
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(screenshots / f"csp-{label}-{_name(url)}-{size}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert page.evaluate("window.__csp") == [], (label, url)


def _new_page(chromium: Any) -> tuple[Any, Any, list[str]]:
    context = chromium.new_context(viewport=DESKTOP, locale="id-ID")
    context.set_default_timeout(20_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


@pytest.mark.parametrize("role", ["staff", "admin", "member"])
def test_every_page_satisfies_the_policy(chromium, demo_web, screenshots, role):
    context, page, errors = _new_page(chromium)
    try:
        _sign_in(page, demo_web.base_url, demo_web.emails[role])
        cookies = httpx.Cookies({c["name"]: c["value"] for c in context.cookies()})
        pages = html_pages(demo_web, cookies)
        assert {"/", "/queue", "/calendar", "/engagement", "/api/docs"} <= set(pages), pages
        seen_chart = False
        assert all(status < 500 for status in pages.values()), sorted(pages.items())
        for url, status in pages.items():
            _open_and_check(page, demo_web.base_url, url, role, errors, screenshots, status)
            if page.locator(".pygal-chart").count():
                seen_chart = True
                fill = page.eval_on_selector(".pygal-chart .color-0", "e => getComputedStyle(e).fill")
                assert fill == FIRST_SERIES, (url, fill)  # /charts.css applies to the inline SVG
            if page.locator(".keep-lines").count():
                assert page.eval_on_selector(".keep-lines", "e => getComputedStyle(e).whiteSpace") == "pre-wrap"
        assert seen_chart, "no page showed a chart: the check of /charts.css did not run"
        if role == "admin":
            assert pages["/approvals"] == pages["/import"] == pages["/compose"] == 200
    finally:
        context.close()


def test_sign_in_page_and_api_docs_for_nobody(chromium, demo_web, screenshots):
    context, page, errors = _new_page(chromium)
    try:
        for url in ("/api/docs", "/login"):
            _open_and_check(page, demo_web.base_url, url, "nobody", errors, screenshots)
        # a refused sign-in posts the form through siar.js and shows the message in the page
        page.fill("#email", demo_web.emails["member"])
        page.fill("#password", "salah-sekali")
        with page.expect_response(lambda r: r.url.endswith("/auth/login")) as answer:
            page.click("button[type=submit]")
        assert answer.value.status == 401
        page.wait_for_selector("[data-error]:not([hidden])")
        assert "salah" in page.inner_text("[data-error]")
        errors.clear()  # Chromium logs the 401 of the fetch as a console error
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()


def test_the_policy_is_enforced_and_the_check_can_fail(chromium, demo_web):
    """Inline code is refused and reported, and no other site may frame a page."""
    context, page, errors = _new_page(chromium)
    try:
        page.goto(demo_web.base_url + "/login", wait_until="load")
        ran = page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.head.appendChild(script);
            const style = document.createElement("style");
            style.textContent = "body { background: red }";
            document.head.appendChild(style);
            return new Promise(resolve => setTimeout(() => resolve(window.__ran === true), 200));
        }""")
        assert ran is False
        directives = {v.split()[0] for v in page.evaluate("window.__csp")}
        assert {"script-src-elem", "style-src-elem"} <= directives
        assert page.eval_on_selector("body", "e => getComputedStyle(e).backgroundColor") != "rgb(255, 0, 0)"
        errors.clear()
        # framing: a page of another origin embeds Siar -> Chromium refuses to show it
        framer = context.new_page()
        with framer.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused:
            framer.set_content(f'<iframe src="{demo_web.base_url}/login"></iframe>')
        assert "frame-ancestors 'none'" in refused.value.text and "blocked" in refused.value.text
        assert framer.frames[1].locator("#email").count() == 0, "the sign-in page was framed"
    finally:
        context.close()


def test_head_over_a_real_connection_has_no_body(demo_web):
    """uvicorn with the HEAD middleware: headers as for GET, no body on the wire (the next answer
    on the same connection would be garbled otherwise)."""
    with httpx.Client(base_url=demo_web.base_url) as http:
        for url in ("/login", "/static/siar.css", "/api/v1/health", "/api/openapi.json", "/charts.css"):
            head = http.head(url)
            get = http.get(url)
            assert head.status_code == get.status_code == 200, url
            assert head.content == b"" and head.headers["content-length"] == str(len(get.content)), url
            assert head.headers["x-content-type-options"] == "nosniff", url
