"""Security headers on every answer, and HEAD wherever GET is answered.

The routes come from the app itself (``fastapi.routing.iter_route_contexts``
over ``app.routes``), so a page or endpoint added later is checked without
touching this file; a path parameter with no sample value here fails the
test, on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from siar_api_kit import PASSWORD, error_of
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from scheduler.web.app import create_app
from scheduler.web.limits import DEFAULT_MAX_BYTES

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
EXPECTED = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
HSTS = "max-age=31536000"


def _sample_values(world) -> dict[str, str]:
    return {
        "kim_id": str(world.a.id),
        "account_id": str(world.a.account_id),
        "media_id": str(world.a.media_id),
        "post_id": str(world.a.post_id),
        "user_id": str(world.user_ids["member_a"]),
        "code": "en",
    }


def _concrete(path: str, values: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        assert name in values, f"no sample value for {{{name}}} in {path}: add one to _sample_values"
        return values[name]

    return re.sub(r"\{([^}]+)\}", fill, path)


def _files_of(mount: Mount) -> list[str]:
    """The URL of every file a static mount serves."""
    app = mount.app
    assert isinstance(app, StaticFiles), mount.path
    return [
        f"{mount.path}/{path.name}"
        for directory in app.all_directories
        for path in sorted(Path(directory).iterdir())
        if path.is_file()
    ]


def routes(app, world) -> list[tuple[str, set[str]]]:
    """(concrete URL, methods) for every route and static mount of ``app``."""
    values = _sample_values(world)
    out = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            out.extend((url, {"GET"}) for url in _files_of(route.original_route))
        else:
            out.append((_concrete(route.path, values), set(route.methods or ())))
    return out


def _signed_in(app, email: str) -> TestClient:
    client = TestClient(app, base_url="https://testserver")
    assert client.post("/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
    return client


def _assert_headers(response, where: str, production: bool = False) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (where, response.status_code, name)
    assert response.headers.get("strict-transport-security") == (HSTS if production else None), where


@pytest.mark.parametrize("env", ["test", "production"])
def test_every_route_answers_with_the_security_headers(settings, engine, world, rows, env):
    app = create_app(settings.model_copy(update={"env": env}), engine=engine)
    production = env == "production"
    all_routes = routes(app, world)
    gets = sorted({url for url, methods in all_routes if "GET" in methods})
    assert {"/login", "/", "/approvals", "/api/v1/posts", "/api/docs", "/static/siar.css", "/charts.css"} <= set(gets)
    clients = [_signed_in(app, world.emails["admin_a"]), _signed_in(app, world.emails["staff"])]
    anonymous = TestClient(app, base_url="https://testserver")
    for url in gets:
        statuses = []
        for client in (*clients, anonymous):
            r = client.get(url, follow_redirects=False)
            _assert_headers(r, f"GET {url}", production)
            statuses.append(r.status_code)
        # a real answer for someone, not only error pages
        assert any(s < 400 for s in statuses), (url, statuses)
    # every other method, from a signed-in browser without its CSRF token: refused, headers on
    before = rows()
    writes = [(url, m) for url, methods in all_routes for m in sorted(methods - {"GET", "HEAD"})]
    assert len(writes) > 15
    for url, method in writes:
        r = clients[0].request(method, url, json={}, follow_redirects=False)
        assert r.status_code >= 400, (method, url, r.status_code)
        _assert_headers(r, f"{method} {url}", production)
    assert rows() == before


def test_errors_carry_the_headers_too(app, client, world):
    @app.get("/api/v1/_boom")
    def boom() -> None:
        raise RuntimeError("boom")

    answers = {
        "404 page": client.get("/tidak-ada"),
        "404 api": client.get("/api/v1/tidak-ada"),
        "405": client.delete("/api/v1/kims", headers=world.auth("staff")),
        "401": client.get("/api/v1/me"),
        "413": client.post(
            "/api/v1/posts",
            content=b"x" * (DEFAULT_MAX_BYTES + 1),
            headers={**world.auth("member_a"), "content-type": "application/json"},
        ),
    }
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        answers["500"] = c.get("/api/v1/_boom")
    for label, r in answers.items():
        assert str(r.status_code) == label.split()[0], (label, r.status_code)
        _assert_headers(r, label)


def test_a_header_a_response_sets_itself_is_kept(app, client):
    @app.get("/api/v1/_own")
    def own():
        from fastapi.responses import PlainTextResponse

        return PlainTextResponse("x", headers={"Referrer-Policy": "no-referrer"})

    r = client.get("/api/v1/_own")
    assert r.headers.get_list("referrer-policy") == ["no-referrer"]
    assert r.headers["x-frame-options"] == "DENY"


def test_head_is_answered_wherever_get_is(app, world):
    client = _signed_in(app, world.emails["admin_a"])
    gets = sorted({url for url, methods in routes(app, world) if "GET" in methods})
    assert len(gets) > 30
    for url in gets:
        get = client.get(url, follow_redirects=False)
        head = client.head(url, follow_redirects=False)
        assert head.status_code != 405, url
        assert head.status_code == get.status_code, (url, get.status_code, head.status_code)
        assert head.content == b"", url
        assert head.headers.get("content-type") == get.headers.get("content-type"), url
        if "content-length" in get.headers:
            assert head.headers["content-length"] == get.headers["content-length"], url
        _assert_headers(head, f"HEAD {url}")


def test_head_where_there_is_no_get_stays_405_and_allow_lists_head(client, world):
    r = client.head("/auth/login")
    assert r.status_code == 405 and r.headers["allow"] == "OPTIONS, POST" and r.content == b""
    for url in ("/login", "/api/v1/me"):  # paths with only a GET: Allow says HEAD works too
        r = client.delete(url, headers=world.auth("staff"))
        assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed", url
        assert r.headers["allow"] == "GET, HEAD, OPTIONS", url
