"""Dates and times as requests write them: ISO 8601 text, parsed strictly, in one place.

Pydantic on its own reads a number as a Unix timestamp (``to=0`` would be
1 January 1970, ``to=0.5`` half a second later) and a date-time where a date
is asked for. Every endpoint that takes a date or a time uses the types
below instead (the JSON API through pydantic, the HTML pages through
:func:`parse_date`): the text must have the documented shape, then the
calendar decides whether the day exists.

* a date is ``YYYY-MM-DD`` (RFC 3339 ``full-date``, OpenAPI ``format: date``);
* a time is ``YYYY-MM-DDTHH:MM[:SS[.fraction]]`` and an offset (``+07:00``
  or ``Z``; RFC 3339 ``date-time``, OpenAPI ``format: date-time``, which
  also asks for the seconds). Where an instant is needed, a time without an
  offset is refused as ``naive_datetime`` ("waktu tanpa zona waktu"); a
  schedule reads it as a wall-clock time in its ``timezone``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

from scheduler.domain.errors import InvalidInput

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATETIME_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)

DATE_ERROR = "date_format"
DATETIME_ERROR = "datetime_format"


def _text_shaped(shape: re.Pattern[str], error: str, example: str, already: type) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, already):  # Python callers (tests, services) pass the object itself
            return value
        if not isinstance(value, str) or not shape.fullmatch(value):
            raise PydanticCustomError(error, "Input should be text like {example}", {"example": example})
        return value

    return check


#: A calendar date, ``YYYY-MM-DD`` only.
IsoDate = Annotated[date, BeforeValidator(_text_shaped(DATE_RE, DATE_ERROR, "2026-12-01", date))]
_time_shaped = _text_shaped(DATETIME_RE, DATETIME_ERROR, "2026-12-01T09:00:00+07:00", datetime)
#: An instant: a time with its offset.
IsoInstant = Annotated[AwareDatetime, BeforeValidator(_time_shaped)]
#: A schedule's time: an instant, or a wall-clock time (no offset) read in the schedule's zone.
IsoLocalOrInstant = Annotated[datetime, BeforeValidator(_time_shaped)]


def parse_date(value: str | None, field: str) -> date | None:
    """A page's ``YYYY-MM-DD`` query value (None when empty); InvalidInput if malformed."""
    if not value:
        return None
    try:
        if not DATE_RE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "bad_date", "Tanggal harus berbentuk YYYY-MM-DD.", "The date must look like YYYY-MM-DD.", field=field
        ) from None
