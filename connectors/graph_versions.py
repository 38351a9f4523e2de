"""Meta's Graph API versions and the day each one stops working: the one table.

Siar reads it to warn before the configured version ends
(``scheduler/services/operations/graph_version.py``: ``siar status``, ``/api/v1/health``);
the sandbox reads it to refuse, as Meta does, a version past its end or one
not released yet (``sandbox/facebook_api.py``). It lives in ``connectors``
because both sides may import ``connectors`` while the sandbox must never
import ``scheduler`` (tests/unit/test_import_contract.py); it imports nothing
but the standard library and does no I/O, so the sandbox takes no client code
with it.

Source: "Available until" in https://developers.facebook.com/docs/graph-api/changelog/versions .
Meta's rule (https://developers.facebook.com/docs/apps/versions): a version
stops working two years after the next one is released, so the newest
version's end is "TBD" (``None`` here) until its successor ships. When Meta
releases a version: add it, give the previous one its end date, and move
``DEFAULT_VERSION`` forward long before the old default's last 60 days (a
test fails when fewer than 60 days are left).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

#: The form of a version in a URL path: ``v25.0``.
VERSION_FORM = re.compile(r"v(\d{1,3})\.(\d{1,2})")

#: version -> the first day (UTC) it no longer works; None: not announced yet.
ENDS: dict[str, date | None] = {
    "v19.0": date(2026, 5, 21),
    "v20.0": date(2026, 9, 24),
    "v21.0": date(2027, 1, 21),
    "v22.0": date(2027, 5, 20),
    "v23.0": date(2027, 10, 8),
    "v24.0": date(2028, 2, 18),
    "v25.0": date(2028, 7, 29),
    "v26.0": date(2028, 11, 4),  # two years after v27.0 was released (2026-11-04)
    "v27.0": None,
}

#: What Siar calls unless ``SIAR_FACEBOOK_GRAPH_VERSION`` says otherwise: the
#: newest version whose end date Meta has published (a known end date lets
#: ``siar status`` warn in time).
DEFAULT_VERSION = "v25.0"

Lifecycle = Literal["live", "ended", "unreleased"]


def parse(version: str) -> tuple[int, int] | None:
    """``"v25.0"`` -> ``(25, 0)``; None when it is not of that form."""
    match = VERSION_FORM.fullmatch(version)
    return (int(match[1]), int(match[2])) if match else None


def newest() -> str:
    """The newest version in the table."""
    return max(ENDS, key=lambda v: parse(v) or (0, 0))


def oldest() -> str:
    """The oldest version in the table."""
    return min(ENDS, key=lambda v: parse(v) or (0, 0))


def ends_on(version: str) -> date | None:
    """The first day ``version`` no longer works; None when not announced or not in the table."""
    return ENDS.get(version)


def lifecycle(version: str, today: date) -> Lifecycle:
    """Whether ``version`` works on ``today`` (UTC).

    A listed version is ``ended`` from its end date on. A well-formed version
    older than every listed one ended long ago; anything else not listed
    (newer than the newest, or a number Meta never used) is ``unreleased``.
    """
    if version in ENDS:
        end = ENDS[version]
        return "ended" if end is not None and today >= end else "live"
    number = parse(version)
    oldest_number = parse(oldest())
    if number is not None and oldest_number is not None and number < oldest_number:
        return "ended"
    return "unreleased"
