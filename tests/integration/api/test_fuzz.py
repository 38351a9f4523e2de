"""Schema-driven fuzzing (schemathesis) of every operation in /api/openapi.json: no 5xx.

Bounded on purpose (``MAX_EXAMPLES`` per operation, caller and generation
mode: schema-valid and deliberately invalid data, a superadmin and a member
token, one shared world), so it runs in well under a minute;
raise the bound locally to hunt deeper. A self-check fuzzes a toy app with a
planted bug, so this test can fail.
"""

from __future__ import annotations

import itertools
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

MAX_EXAMPLES = 4


def fuzz(
    app: Any,
    callers: dict[str, dict[str, str]],
    max_examples: int = MAX_EXAMPLES,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE,),
) -> tuple[int, list[str]]:
    """(operations fuzzed, failures): every answer >= 500 or exception escaping the app.

    ``callers`` maps a name to its headers; every caller runs in every generation
    mode (positive: valid by the schema; negative: deliberately invalid).
    """
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for (who, headers), mode in itertools.product(callers.items(), modes):
            try:
                _fuzz_one(operation, mode, who, headers, max_examples, failures)
            except Unsatisfiable:
                pass
    return operations, failures


def _fuzz_one(
    operation: Any, mode: GenerationMode, who: str, headers: dict[str, str], max_examples: int, failures: list[str]
) -> None:
    @hsettings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        try:
            response = case.call(headers=headers)
        except Exception as exc:
            failures.append(f"{operation.label} as {who} ({mode.value}): {type(exc).__name__}: {exc}"[:300])
            return
        if response.status_code >= 500:
            failures.append(f"{operation.label} as {who} ({mode.value}): {response.status_code} {response.text[:200]}")

    run()


def test_no_server_errors(app, world):
    operations, failures = fuzz(
        app,
        {who: world.auth(who) for who in ("superadmin", "member_a")},
        modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    )
    assert operations >= 25
    assert failures == []


def test_fuzzer_finds_a_planted_bug():
    toy = FastAPI(openapi_url="/api/openapi.json")

    @toy.get("/api/v1/greet")
    def greet(name: str) -> dict[str, str]:
        if name.isascii():  # the planted bug: most names crash
            raise RuntimeError("planted")
        return {"hello": name}

    operations, failures = fuzz(toy, {"anyone": {}}, max_examples=20)
    assert operations == 1 and failures
