"""Schema-driven fuzzing (schemathesis) of every operation in /api/openapi.json: no 5xx.

Bounded on purpose (``MAX_EXAMPLES`` per operation, a superadmin and a member
token, one shared world), so it runs in well under a minute; raise the bound
locally to hunt deeper.
"""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis.errors import Unsatisfiable

MAX_EXAMPLES = 6


def test_no_server_errors(app, world):
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for who in ("superadmin", "member_a"):
            headers = world.auth(who)

            @hsettings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                       suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def run(case) -> None:
                try:
                    response = case.call(headers=headers)
                except Exception as exc:  # noqa: BLE001 - an exception escaping the app is a 5xx
                    failures.append(f"{operation.label} as {who}: {type(exc).__name__}: {exc}"[:300])
                    return
                if response.status_code >= 500:
                    failures.append(f"{operation.label} as {who}: {response.status_code} {response.text[:200]}")

            try:
                run()
            except Unsatisfiable:
                pass
    assert operations >= 20
    assert failures == []
