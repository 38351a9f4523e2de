"""Tenancy matrix: every role against its own and another KIM's objects, on every endpoint.

Each cell is (status on KIM A's object, status on KIM B's object) for a
caller of KIM A (member, admin); staff and superadmin are bound to no KIM,
so for them both columns mean "some KIM". Another KIM's object is always
404 (its existence does not leak), a visible object with a missing
permission 403; a role that can never take the action gets 403 whatever the
object (the answer does not depend on it, so nothing leaks either).
State-changing cases get a fresh object for every call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from siar_api_kit import future, png_bytes

from scheduler.domain.model import Role
from scheduler.services.people import tokens
from scheduler.services.people.actors import Actor
from scheduler.services.posts import compose as posts
from scheduler.services.posts.content import TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent

WHO = ("member_a", "admin_a", "staff", "superadmin")
_counter = itertools.count()


@dataclass
class Case:
    name: str
    method: str
    path: Callable[[Any, Any], str]  # (kim, ctx) -> path
    expect: dict[str, tuple[int, int]]  # who -> (own KIM, other KIM)
    kwargs: Callable[[Any, Any], dict] = lambda kim, ctx: {}
    setup: Callable[[Any, Any], Any] | None = None  # (kim, ctx) -> ctx (a fresh object)


def _read(code_ok: int = 200) -> dict[str, tuple[int, int]]:
    return {
        "member_a": (code_ok, 404),
        "admin_a": (code_ok, 404),
        "staff": (code_ok, code_ok),
        "superadmin": (code_ok, code_ok),
    }


def _manage(code_ok: int = 200) -> dict[str, tuple[int, int]]:
    return {"member_a": (403, 403), "admin_a": (code_ok, 404), "staff": (403, 403), "superadmin": (code_ok, code_ok)}


def _write(code_ok: int = 200) -> dict[str, tuple[int, int]]:
    return {
        "member_a": (code_ok, 404),
        "admin_a": (code_ok, 404),
        "staff": (403, 403),
        "superadmin": (code_ok, code_ok),
    }


def _global(member: int, staff: int) -> dict[str, tuple[int, int]]:
    return {
        "member_a": (member, member),
        "admin_a": (member, member),
        "staff": (staff, staff),
        "superadmin": (staff, staff),
    }


def _fresh_post(submit: bool) -> Callable[[Any, Any], Any]:
    def make(kim: Any, ctx: Any) -> Any:
        author = Actor(ctx.world.user_ids[f"member_{'a' if kim is ctx.world.a else 'b'}"], Role.MEMBER, kim.id)
        post = posts.compose_post(
            ctx.uow,
            author,
            kim_id=kim.id,
            text="Keripik buah segar",
            targets=[TargetSpec(kim.account_id)],
            schedule=ScheduleIntent.at_instant(future()),
            now=future(0),
            submit=submit,
        )
        return post.id

    return make


def _draft_body(kim: Any, ctx: Any) -> dict:
    return {
        "json": {
            "kim": kim.slug,
            "text": "Sambal pecel",
            "targets": [{"account_id": kim.account_id}],
            "schedule": {"at": future().isoformat()},
        }
    }


CASES = [
    Case("get kim", "GET", lambda k, c: f"/api/v1/kims/{k.id}", _read()),
    Case("list accounts", "GET", lambda k, c: f"/api/v1/accounts?kim={k.slug}", _read()),
    Case("get account", "GET", lambda k, c: f"/api/v1/accounts/{k.account_id}", _read()),
    Case("check account", "POST", lambda k, c: f"/api/v1/accounts/{k.account_id}/check", _manage()),
    Case(
        "set slots",
        "PUT",
        lambda k, c: f"/api/v1/accounts/{k.account_id}/slots",
        _manage(),
        lambda k, c: {"json": {"slots": [{"weekday": 1, "at": "09:00"}]}},
    ),
    Case(
        "set pacing",
        "PUT",
        lambda k, c: f"/api/v1/accounts/{k.account_id}/pacing",
        _manage(),
        lambda k, c: {"json": {"daily_cap": 4}},
    ),
    Case(
        "add account",
        "POST",
        lambda k, c: "/api/v1/accounts",
        _manage(201),
        lambda k, c: {
            "json": {
                "kim": k.slug,
                "platform": "instagram",
                "handle": f"ig{next(_counter)}",
                "credentials": {"username": "u", "password": "p", "settings": {"mid": "m"}},
            }
        },
    ),
    Case("get media", "GET", lambda k, c: f"/api/v1/media/{k.media_id}", _read()),
    Case(
        "upload media",
        "POST",
        lambda k, c: "/api/v1/media",
        _write(201),
        lambda k, c: {
            "files": {"file": ("x.png", png_bytes(color=(next(_counter) % 250, 1, 2)), "image/png")},
            "data": {"kim": k.slug},
        },
    ),
    Case("get post", "GET", lambda k, c: f"/api/v1/posts/{k.post_id}", _read()),
    Case("list posts", "GET", lambda k, c: f"/api/v1/posts?kim={k.slug}", _read()),
    Case("create post", "POST", lambda k, c: "/api/v1/posts", _write(201), _draft_body),
    Case(
        "validate post",
        "POST",
        lambda k, c: "/api/v1/posts/validate",
        _write(200),
        lambda k, c: {"json": {"kim": k.slug, "text": "Halo", "targets": [{"account_id": k.account_id}]}},
    ),
    Case(
        "edit post",
        "PATCH",
        lambda k, c: f"/api/v1/posts/{c.fresh}",
        _write(),
        lambda k, c: {"json": {"tags": ["umkm"]}},
        _fresh_post(submit=False),
    ),
    Case(
        "submit post", "POST", lambda k, c: f"/api/v1/posts/{c.fresh}/submit", _write(), setup=_fresh_post(submit=False)
    ),
    Case(
        "approve post",
        "POST",
        lambda k, c: f"/api/v1/posts/{c.fresh}/approve",
        _manage(),
        setup=_fresh_post(submit=True),
    ),
    Case(
        "reject post",
        "POST",
        lambda k, c: f"/api/v1/posts/{c.fresh}/reject",
        _manage(),
        lambda k, c: {"json": {"reason": "Kurang foto"}},
        _fresh_post(submit=True),
    ),
    Case(
        "cancel post", "POST", lambda k, c: f"/api/v1/posts/{c.fresh}/cancel", _write(), setup=_fresh_post(submit=True)
    ),
    Case(
        "import dry run",
        "POST",
        lambda k, c: "/api/v1/import/posts?dry_run=true",
        _write(),
        lambda k, c: {
            "files": {
                "file": (
                    "p.csv",
                    f"kim,text,accounts,at\n{k.slug},Halo,{k.account_id},{future().isoformat()}\n".encode(),
                    "text/csv",
                )
            },
            "data": {"kim": k.slug},
        },
    ),
    Case("engagement summary", "GET", lambda k, c: f"/api/v1/engagement/summary?kim={k.slug}", _read()),
    Case(
        "audit of a kim",
        "GET",
        lambda k, c: f"/api/v1/audit?kim={k.slug}",
        {"member_a": (403, 403), "admin_a": (200, 404), "staff": (200, 200), "superadmin": (200, 200)},
    ),
    Case(
        "create kim",
        "POST",
        lambda k, c: "/api/v1/kims",
        _global(403, 201),
        lambda k, c: {"json": {"kelurahan": c.free_kelurahan(), "name": f"KIM baru {next(_counter)}"}},
    ),
    Case("kelurahan coverage", "GET", lambda k, c: "/api/v1/kelurahan", _global(403, 200)),
    Case("leaderboard", "GET", lambda k, c: "/api/v1/leaderboard", _global(200, 200)),
    Case("list kims", "GET", lambda k, c: "/api/v1/kims", _global(200, 200)),
    Case("me", "GET", lambda k, c: "/api/v1/me", _global(200, 200)),
]


class Ctx:
    def __init__(self, world: Any, uow: Any) -> None:
        self.world, self.uow, self.fresh = world, uow, None
        self._kelurahan = iter(
            [
                "Bunulrejo",
                "Kasin",
                "Sukoharjo",
                "Kidul Dalem",
                "Kauman",
                "Klojen",
                "Rampal Celaket",
                "Samaan",
                "Penanggungan",
                "Gadingkasri",
            ]
        )

    def free_kelurahan(self) -> str:
        return next(self._kelurahan)


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_tenancy_matrix(client, world, uow):
    ctx = Ctx(world, uow)
    wrong: list[str] = []
    for case in CASES:
        for who in WHO:
            for column, kim in enumerate((world.a, world.b)):
                if case.setup is not None:
                    ctx.fresh = case.setup(kim, ctx)
                kwargs = case.kwargs(kim, ctx)
                r = client.request(case.method, case.path(kim, ctx), headers=world.auth(who), **kwargs)
                want = case.expect[who][column]
                if r.status_code != want:
                    wrong.append(
                        f"{case.name} by {who} on KIM {'AB'[column]}: {r.status_code} != {want} {r.text[:160]}"
                    )
    assert wrong == []


def test_no_token_revoked_token_and_forged_cookie_are_401(client, world, uow):
    revoked = world.tokens["admin_b"]
    tokens.revoke_token(uow, Actor.system(), revoked.split("_")[1], now=future(0))
    forged = {"siar_session": "forged-session-id-that-was-never-issued"}
    for case in CASES:
        kim = world.a
        ctx = Ctx(world, uow)
        ctx.fresh = world.a.post_id
        path = case.path(kim, ctx)
        for headers, cookies in (
            ({}, {}),
            ({"Authorization": f"Bearer {revoked}"}, {}),
            ({"Authorization": "Bearer siar_deadbeef_notarealtoken"}, {}),
            ({"Authorization": "Basic dXNlcjpwYXNz"}, {}),
            ({}, forged),
        ):
            client.cookies.clear()
            for name, value in cookies.items():
                client.cookies.set(name, value)
            r = client.request(case.method, path, headers=headers)
            assert r.status_code == 401, (case.name, headers, cookies, r.status_code, r.text)
            assert r.json()["error"]["code"] in (
                "unauthenticated",
                "bad_token",
                "session_invalid",
                "bad_authorization_header",
            )
    client.cookies.clear()
