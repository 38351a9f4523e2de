"""The OpenAPI document tells the truth: schemathesis with every check, as a staff user, finds nothing.

This is ``schemathesis run /api/openapi.json --checks all`` (the same engine and
phases: examples, coverage, fuzzing, stateful) against the app on the seeded
test database, in-process, with a fixed seed and a bounded number of examples,
so the same cases run every time in a couple of minutes. Any failure of any
check fails the test and is listed with the request that reproduces it.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import schemathesis_hooks
from fastapi import FastAPI
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis_hooks import within_period_rules

from scheduler.services.engagement.summaries import MAX_PERIOD_DAYS
from scheduler.web.dates import IsoDate

ROOT = Path(__file__).resolve().parents[3]
HOOKS = Path(schemathesis_hooks.__file__).resolve()
SEED = 20_241_117
MAX_EXAMPLES = 25


def run_all_checks(
    app: Any, headers: dict[str, str], *, max_examples: int = MAX_EXAMPLES, seed: int = SEED
) -> tuple[int, list[str]]:
    """(cases sent, failures) of every phase and every check against ``app``."""
    settings = tomllib.loads((ROOT / "schemathesis.toml").read_text())  # what the CLI reads too
    assert settings.pop("hooks") == f"{HOOKS.relative_to(ROOT)}"  # imported above, which registers them
    settings.update(
        seed=seed,
        headers=headers,
        workers=1,
        generation={"max-examples": max_examples, "database": "none", "deterministic": True},
    )
    config = SchemathesisConfig.from_dict(settings)
    config.projects.get_default().checks.update(included_check_names=["all"])  # --checks all
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config)
    cases = 0
    failures: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            for case_id, checks in event.recorder.checks.items():
                failures.extend(
                    _describe(event.recorder, case_id, check.failure_info)
                    for check in checks
                    if check.failure_info is not None
                )
        elif isinstance(event, events.NonFatalError):
            failures.append(f"{event.label}: error {event.value!r}")
        elif isinstance(event, events.FatalError):
            failures.append(f"schemathesis stopped: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            failures.extend(f"{f.operation} [{f.code}]: {f.message}" for f in event.failures)
    return cases, sorted(set(failures))


def _describe(recorder: Any, case_id: str, info: Any) -> str:
    failure = info.failure
    response = recorder.find_response(case_id=failure.case_id or case_id)
    answer = f"{response.status_code} {response.content[:300]!r}" if response is not None else "no answer"
    return (
        f"{failure.operation} [{failure.code} {failure.title}]: {failure.message}\n"
        f"    {info.code_sample}\n    -> {answer}"
    )


def test_the_run_finds_a_planted_lie_and_not_the_strict_date():
    """A toy API whose document says "a date" but which takes a number too: the run must say so.

    The same parameter as Siar's ``IsoDate`` passes.
    """
    toy = FastAPI(openapi_url="/api/openapi.json")

    @toy.get("/api/v1/day")
    def day(on: date) -> dict[str, str]:  # pydantic alone reads on=0 as 1970-01-01
        return {"on": on.isoformat()}

    @toy.get("/api/v1/strict-day")
    def strict_day(on: IsoDate) -> dict[str, str]:
        return {"on": on.isoformat()}

    cases, failures = run_all_checks(toy, {}, max_examples=10)
    assert cases > 0
    assert [f.split(":")[0] for f in failures] == ["GET /api/v1/day [ST201 Schema-violating request accepted]"]


def test_the_hooks_move_a_period_inside_the_rules_and_leave_non_dates_alone():
    today = date(2026, 6, 15)
    assert within_period_rules({"from": "2026-03-01", "to": "2026-01-01"}, today) == {
        "from": "2026-01-01",
        "to": "2026-03-01",
    }
    assert within_period_rules({"from": "2000-01-01", "to": "2026-01-01"}, today) == {
        "from": "2000-01-01",
        "to": (date(2000, 1, 1) + timedelta(days=MAX_PERIOD_DAYS)).isoformat(),
    }
    assert within_period_rules({"from": "2030-01-01"}, today) == {"from": "2026-06-13"}
    assert (
        within_period_rules({"from": "1999-01-01"}, today)["from"]
        == (today - timedelta(days=MAX_PERIOD_DAYS - 2)).isoformat()
    )
    for untouched in (
        {"from": "0", "to": "2020-01-01"},
        {"to": "2024-13-01", "from": "2030-01-01"},
        {"to": "0001-01-01"},
        {},
    ):
        assert within_period_rules(dict(untouched), today) == untouched


@pytest.mark.slow
def test_every_check_passes_as_staff(app, world):
    cases, failures = run_all_checks(app, world.auth("staff"))
    print(f"schemathesis: {cases} cases, {len(failures)} failures")
    assert cases > 1000
    if failures:
        pytest.fail(f"{len(failures)} failures in {cases} cases:\n\n" + "\n\n".join(failures), pytrace=False)
