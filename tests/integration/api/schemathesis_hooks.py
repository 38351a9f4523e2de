"""Schemathesis hooks: the API's rules that relate two values, or a value to today.

JSON Schema describes each parameter alone, so these rules are stated in the
parameters' descriptions and cannot be in their schemas:

* an engagement period: ``from <= to``, at most ``MAX_PERIOD_DAYS`` apart,
  ``to`` defaulting to today and ``from`` to 30 days before ``to``;
* a KIM's ``formed_on`` is not after today.

Generated data that would break them is moved inside them (``map_case``), so
the checks test everything else. Values that are not dates at all are left
alone: they must still be refused. ``schemathesis.toml`` names this module
for ``schemathesis run`` from the repository root (and for any in-process
run that finds that file); ``test_openapi_conformance.py`` imports it. The
mapping is idempotent, so a hook registered twice changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import schemathesis

from scheduler.services.engagement.summaries import MAX_PERIOD_DAYS
from scheduler.web.dates import DATE_RE

PERIOD_PATHS = frozenset({"/api/v1/engagement/summary", "/api/v1/leaderboard"})
#: Room for the server's "today" being another day than ours (midnight, another zone).
MARGIN = timedelta(days=2)


def _day(value: Any) -> date | None:
    if isinstance(value, str) and DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def within_period_rules(query: dict[str, Any], today: date) -> dict[str, Any]:
    """``query`` with ``from``/``to`` moved inside the period rules (when both present ones are dates)."""
    if any(name in query and _day(query[name]) is None for name in ("from", "to")):
        return query
    first, last = _day(query.get("from")), _day(query.get("to"))
    longest = timedelta(days=MAX_PERIOD_DAYS)
    if first is not None and last is not None:
        first, last = min(first, last), max(first, last)
        if last - first > longest:
            last = first + longest
        query["to"] = last.isoformat()
    elif first is not None:  # ``to`` is the server's today
        first = min(max(first, today - longest + MARGIN), today - MARGIN)
    if first is not None:
        query["from"] = first.isoformat()
    return query


@schemathesis.hook
def map_case(ctx: Any, case: Any) -> Any:
    today = datetime.now(UTC).date()
    path = ctx.operation.path if ctx.operation is not None else None
    if path in PERIOD_PATHS and isinstance(case.query, dict):
        case.query = within_period_rules(dict(case.query), today)
    elif path == "/api/v1/kims" and ctx.operation.method.upper() == "POST" and isinstance(case.body, dict):
        formed = _day(case.body.get("formed_on"))
        if formed is not None and formed > today - MARGIN:
            case.body = {**case.body, "formed_on": (today - MARGIN).isoformat()}
    return case
