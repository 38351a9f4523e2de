"""The API reference at ``/api/docs`` renders Siar's OpenAPI 3.1 document in a real browser.

Swagger UI 4 answered FastAPI's ``openapi: 3.1.0`` document with "Unable to
render this definition" and listed nothing; the Swagger UI 5 files that
``fastapi-offline`` ships read it. A SQLite site with one staff user, served
by uvicorn, opened in Debian's Chromium (``new_browser``: no request leaves
127.0.0.1, no console error). Every operation and every schema of the
document is listed, ``GET /api/v1/posts`` can be tried from the page with the
browser's session, and nothing on the way breaks the Content-Security-Policy.
Screenshots at 1280x900 and 390x844 go to ``artifacts/screenshots/api-docs-*``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

PASSWORD = "rahasia-sekali-123"  # the conftest's Browser.sign_in types this one
STAFF = "staf@kominfo.id"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# Recorded before any page script runs (Playwright's init scripts are not subject to the page's CSP).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def docs_site(serve: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated SQLite site with a staff user, served over HTTP; yields the base URL."""
    from cryptography.fernet import Fernet

    from config.settings import get_settings
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user
    from scheduler.store.migrate import upgrade
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork
    from scheduler.web.app import create_app

    tmp = tmp_path_factory.mktemp("api-docs")
    saved = {k: v for k, v in os.environ.items() if k.startswith("SIAR_")}
    os.environ.update(
        SIAR_ENV="test",
        SIAR_DATA_DIR=str(tmp),
        SIAR_DATABASE_URL=f"sqlite:///{tmp / 's.db'}",
        SIAR_SECRET_KEY=Fernet.generate_key().decode(),
        SIAR_SESSION_COOKIE_SECURE="false",
    )
    get_settings.cache_clear()
    try:
        url = get_settings().db_url
        upgrade(url)
        add_user(
            SqlAlchemyUnitOfWork.from_url(url),
            Actor.system(),
            email=STAFF,
            role="staff",
            password=PASSWORD,
            now=datetime.now(UTC),
            name="Sri Kominfo",
        )
        with serve(create_app()) as base_url:
            yield base_url
    finally:
        for key in [k for k in os.environ if k.startswith("SIAR_")]:
            del os.environ[key]
        os.environ.update(saved)
        get_settings.cache_clear()


def _operation(page: Any, method: str, path: str) -> Any:
    """The operation block Swagger UI draws for ``method path``."""
    return page.locator(f".opblock-{method}", has=page.locator(f".opblock-summary-path[data-path='{path}']"))


def test_the_api_docs_list_every_operation_and_work_under_the_policy(new_browser, docs_site, screenshots):
    document = httpx.get(docs_site + "/api/openapi.json").json()
    assert document["openapi"].startswith("3.1"), document["openapi"]  # what Swagger UI 4 could not read
    operations = [(method, path) for path, item in document["paths"].items() for method in item if method in METHODS]
    assert ("get", "/api/v1/posts") in operations

    b = new_browser(docs_site)
    b.context.add_init_script(RECORD_VIOLATIONS)
    b.sign_in(STAFF)
    page = b.page
    page.set_viewport_size(DESKTOP)
    response = b.open("/api/docs")
    assert response is not None and response.status == 200
    page.wait_for_selector("#swagger-ui .opblock, #swagger-ui .version-pragma")  # listed, or refused
    versions = page.evaluate("JSON.stringify(window.versions)")  # Swagger UI's build, for the messages
    body = page.inner_text("#swagger-ui")
    assert "Unable to render" not in body, (versions, body[:500])
    assert page.evaluate("window.versions.swaggerUI.version").startswith("5."), versions
    assert "Siar API" in page.inner_text("#swagger-ui .info .title")

    # every operation of the document is listed (all tags open), GET /api/v1/posts among them
    assert page.locator("#swagger-ui .opblock").count() == len(operations), operations
    posts = _operation(page, "get", "/api/v1/posts")
    assert posts.count() == 1
    assert posts.locator(".opblock-summary-method").inner_text() == "GET"
    assert posts.is_visible()
    page.screenshot(path=str(screenshots / "api-docs-desktop.png"))
    page.set_viewport_size(PHONE)
    assert posts.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing runs off the phone
    page.screenshot(path=str(screenshots / "api-docs-phone.png"))
    page.set_viewport_size(DESKTOP)

    # "Try it out" on GET /api/v1/posts: the page's fetch carries the session cookie (connect-src 'self')
    posts.locator(".opblock-summary").click()
    posts.locator("button.try-out__btn").click()
    with page.expect_response(lambda r: r.url.startswith(docs_site + "/api/v1/posts?")) as answer:
        posts.locator("button.execute").click()
    assert answer.value.status == 200
    expect(posts.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    posts.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "api-docs-try-it-out-desktop.png"))

    # the schemas (JSON Schema 2020-12 in OpenAPI 3.1) are listed by name and open
    schemas = page.locator("section.models")
    schemas.scroll_into_view_if_needed()
    shown = set(page.locator("section.models .json-schema-2020-12__title").all_inner_texts())
    wanted = {schema.get("title", name) for name, schema in document["components"]["schemas"].items()}
    assert wanted <= shown, sorted(wanted - shown)  # a schema is shown by its title, else by its name
    schemas.locator(".json-schema-2020-12-expand-deep-button").first.click()
    expect(schemas.locator(".json-schema-2020-12-body").first).to_be_visible()

    # Swagger UI 5 drew all of that without an inline script or style the policy refuses
    assert page.evaluate("window.__csp") == []
