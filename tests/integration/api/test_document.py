"""What the OpenAPI document promises, one promise at a time (the schemathesis run checks them all).

Strict dates and times (a number is not a date), enums where the API knows
the values, methods and ``Allow``, roles named in the document and checked
before the input, and ``kim`` defaults per role.
"""

from __future__ import annotations

import pytest
from siar_api_kit import error_of

from scheduler.domain.model import ReviewState, TargetState
from scheduler.services.engagement.summaries import MAX_PERIOD_DAYS
from scheduler.store.summary_queries import GROUPS

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/openapi.json").json()


def _parameter(document: dict, path: str, name: str, method: str = "get") -> dict:
    [found] = [p for p in document["paths"][path][method]["parameters"] if p["name"] == name]
    return found


def _enum(document: dict, parameter: dict) -> list[str]:
    schemas = [
        document["components"]["schemas"][s["$ref"].rsplit("/", 1)[1]] if "$ref" in s else s
        for s in parameter["schema"].get("anyOf", [parameter["schema"]])
    ]
    [values] = [s["enum"] for s in schemas if "enum" in s]
    return values


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/leaderboard?to=0",
        "/api/v1/leaderboard?from=1700000000",
        "/api/v1/engagement/summary?to=2026-01-01T00:00:00",
        "/api/v1/engagement/summary?from=20260101",
        "/api/v1/posts?to=0.5",
        "/api/v1/posts?from=1700000000",
        "/api/v1/posts?to=2026-12-01",
    ],
)
def test_a_number_or_another_shape_is_not_a_date(client, world, url):
    r = client.get(url, headers={**world.auth("staff"), "Accept-Language": "en"})
    assert r.status_code == 422, r.text
    field = "to" if "to=" in url else "from"
    assert "like 2026-12-01" in error_of(r)["fields"][field]
    r = client.get(url, headers=world.auth("staff"))
    assert error_of(r)["fields"][field].startswith("format ")  # Indonesian: "format tanggal/waktu tidak sah"


def test_dates_of_the_documented_shape_are_accepted(client, world):
    staff = world.auth("staff")
    assert client.get("/api/v1/leaderboard?from=2026-01-01&to=2026-01-31", headers=staff).json()["to"] == "2026-01-31"
    assert (
        client.get("/api/v1/posts?from=2026-01-01T00:00:00%2B07:00&to=2026-02-01T00:00:00Z", headers=staff).status_code
        == 200
    )
    r = client.get("/api/v1/posts?from=2026-01-01T00:00:00", headers=staff)  # no offset
    assert r.status_code == 422 and error_of(r)["code"] == "naive_datetime"


def test_state_and_group_by_are_enums_of_the_real_values(client, world, document):
    states = _enum(document, _parameter(document, "/api/v1/posts", "state"))
    assert set(states) == {s.value for s in ReviewState} | {s.value for s in TargetState}
    for state in states:
        assert client.get(f"/api/v1/posts?state={state}", headers=world.auth("staff")).status_code == 200
    r = client.get("/api/v1/posts?state=terbit", headers=world.auth("staff"))
    assert r.status_code == 422 and "state" in error_of(r)["fields"]
    summary = "/api/v1/engagement/summary"
    assert tuple(_enum(document, _parameter(document, summary, "group_by"))) == GROUPS
    assert _enum(document, _parameter(document, summary, "platform")) == ["x", "facebook", "instagram"]


def test_the_period_limit_is_stated_and_its_error_is_bilingual(client, world, document):
    for path in ("/api/v1/leaderboard", "/api/v1/engagement/summary"):
        for name in ("from", "to"):
            assert f"at most {MAX_PERIOD_DAYS} days" in _parameter(document, path, name)["description"]
    url = "/api/v1/leaderboard?from=2020-01-01&to=2026-01-01"
    r = client.get(url, headers=world.auth("staff"))
    assert r.status_code == 422 and error_of(r)["code"] == "period_too_long"
    assert error_of(r)["message"] == f"Periode paling panjang {MAX_PERIOD_DAYS} hari."
    r = client.get(url, headers={**world.auth("staff"), "Accept-Language": "en"})
    assert error_of(r)["message"] == f"The period can be at most {MAX_PERIOD_DAYS} days."


def _allow(response) -> set[str]:
    """The methods of an ``Allow`` header, less HEAD, which goes with GET and no document declares."""
    methods = set(response.headers["allow"].split(", "))
    assert "HEAD" not in methods or "GET" in methods
    return methods - {"HEAD"}


def test_every_path_answers_options_and_405_with_exactly_its_methods(client, world, document):
    staff = world.auth("staff")
    for path, operations in document["paths"].items():
        declared = {m.upper() for m in operations if m in HTTP_METHODS}
        url = (
            path.replace("{kim_id}", str(world.a.id))
            .replace("{account_id}", str(world.a.account_id))
            .replace("{media_id}", str(world.a.media_id))
            .replace("{post_id}", str(world.a.post_id))
        )
        r = client.options(url, headers=staff)
        assert r.status_code == 204 and _allow(r) == declared | {"OPTIONS"}, path
        undeclared = sorted({"PUT", "PATCH", "DELETE", "POST", "GET"} - declared)[0]
        r = client.request(undeclared, url, headers=staff)
        assert r.status_code == 405, (path, undeclared, r.text)
        assert error_of(r)["code"] == "method_not_allowed"
        assert _allow(r) == declared | {"OPTIONS"}, path


def test_a_word_where_an_id_goes_is_not_an_id(client, world):
    r = client.patch("/api/v1/posts/validate", json={}, headers=world.auth("member_a"))
    assert r.status_code == 405 and _allow(r) == {"OPTIONS", "POST"}
    assert client.get("/api/v1/posts/keripik", headers=world.auth("member_a")).status_code == 404
    assert client.options("/api/v1/tidak-ada").status_code == 404


def test_a_role_that_may_never_act_hears_so_before_its_input_is_read(client, world, document):
    r = client.post("/api/v1/posts", json={"text": 5, "schedule": "besok"}, headers=world.auth("staff"))
    assert r.status_code == 403 and error_of(r)["code"] == "write_post_not_allowed"
    r = client.post("/api/v1/posts/validate", json={}, headers=world.auth("staff"))
    assert r.status_code == 403
    assert (
        document["paths"]["/api/v1/posts"]["post"]["responses"]["403"]["description"]
        == "Not allowed: only member, admin, superadmin may do this"
    )
    assert (
        "Superadmin (bound to no KIM): required"
        in document["components"]["schemas"]["PostIn"]["properties"]["kim"]["description"]
    )


def test_without_kim_staff_list_the_accounts_of_every_kim_and_members_their_own(client, world):
    every = client.get("/api/v1/accounts", headers=world.auth("staff"))
    assert every.status_code == 200
    assert {a["kim_id"] for a in every.json()} == {world.a.id, world.b.id}
    own = client.get("/api/v1/accounts", headers=world.auth("member_a")).json()
    assert {a["kim_id"] for a in own} == {world.a.id}
    only_b = client.get(f"/api/v1/accounts?kim={world.b.slug}", headers=world.auth("staff")).json()
    assert {a["kim_id"] for a in only_b} == {world.b.id}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"allow_self_approval": 0}, "allow_self_approval"),
        ({"formed_on": 20200101}, "formed_on"),
        ({"formed_on": "2020-01-01T00:00:00"}, "formed_on"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": " Asia/Jakarta"}, "timezone"),
        ({"name": "   "}, "name"),
    ],
)
def test_json_values_of_another_type_or_outside_the_enum_are_refused(client, world, rows, change, field):
    before = rows()
    body = {"kelurahan": "Kasin", "name": "KIM Kasin", **change}
    r = client.post("/api/v1/kims", json=body, headers={**world.auth("staff"), "Accept-Language": "en"})
    assert r.status_code == 422 and field in error_of(r)["fields"], r.text
    assert len(error_of(r)["fields"][field]) < 200  # not the 600 zone names
    assert rows() == before


def test_an_unknown_kelurahan_is_not_found(client, world, rows):
    before = rows()
    r = client.post("/api/v1/kims", json={"kelurahan": "Atlantis", "name": "KIM Atlantis"}, headers=world.auth("staff"))
    assert r.status_code == 404 and error_of(r)["fields"] == {"kelurahan": "Kelurahan 'Atlantis' tidak dikenal."}
    assert rows() == before


def test_every_operation_that_needs_a_sign_in_says_so(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["token"] == {"type": "http", "scheme": "bearer", "description": schemes["token"]["description"]}
    assert schemes["session"]["in"] == "cookie" and schemes["session"]["name"] == "siar_session"
    open_ones = {
        (path, method) for path, ops in document["paths"].items() for method, op in ops.items() if "security" not in op
    }
    assert open_ones == {("/api/v1/health", "get"), ("/auth/login", "post")}
