"""Schema bases shared by the API's routers.

Inputs forbid unknown fields (a typo must not be silently ignored); outputs
are separate models per resource, so nothing is returned by accident
(credentials, hashes). Each router module holds its own In/Out models.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import Path
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError


def _json_number(value: Any) -> Any:
    """A JSON integer is a number (``3`` or ``3.0``), never text (``"3"``) or a boolean."""
    if isinstance(value, (str, bytes, bool)):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


#: An integer in a JSON body (pydantic alone would also take ``"3"`` and ``true``).
Int = Annotated[int, BeforeValidator(_json_number)]
#: ``true`` or ``false`` in a JSON body (pydantic alone would also take ``0``, ``"yes"``...).
Flag = Annotated[bool, Strict()]


def _true_or_false(value: Any) -> Any:
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise PydanticCustomError("bool_parsing", "Input should be true or false")


#: ``true`` or ``false`` in a query string (not ``1``, ``yes`` or ``on``).
QueryFlag = Annotated[bool, BeforeValidator(_true_or_false)]

#: Ids are 32-bit in the schema; a larger number can only be "not found" (and must not
#: reach SQLite, which cannot even bind it).
MAX_ID = 2**31 - 1
Id = Annotated[Int, Field(ge=1, le=MAX_ID)]
#: An id in a path: routes declare it ``{name:int}`` (digits only), so ``/posts/validate``
#: is not "post number validate" and answers 405 for a method it does not have.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

#: The highest page number a list accepts (beyond it every list is empty anyway).
MAX_PAGE = 100_000
PAGE_DOC = "Page number, from 1 (past the last page: no items)"

#: The IANA zones this server knows (its tzdata): one enum in the document, a plain str in Python.
#: Not the system's "localtime" link nor tzdata's placeholder "Factory": neither names a place.
_ZONES = sorted(available_timezones() - {"localtime", "posixrules", "Factory"})
_Zones = enum.StrEnum("TimeZoneName", {name: name for name in _ZONES})  # type: ignore[misc]
TimeZoneName = Annotated[_Zones, AfterValidator(lambda zone: zone.value)]

#: ``kim`` of a request that acts inside one KIM.
KIM_TO_ACT_IN = (
    "KIM id or slug. Members and admins: optional, their own KIM by default (another "
    "KIM: 404). Superadmin (bound to no KIM): required, else 422 `kim_required`."
)
#: ``kim`` of a list: a filter.
KIM_FILTER = (
    "Only this KIM (id or slug; another KIM's: 404). Default: members and admins their "
    "own KIM, staff and superadmin every KIM."
)


class InputModel(BaseModel):
    """Base of every request body: unknown fields -> 422."""

    model_config = ConfigDict(extra="forbid", str_max_length=20_000)


class OutputModel(BaseModel):
    """Base of every response body."""

    model_config = ConfigDict(from_attributes=True)


class Page(OutputModel):
    page: int
    per_page: int
    total: int


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorEnvelope(BaseModel):
    """Every error answer: ``{"error": {"code", "message", "fields"}}``."""

    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI ``responses`` entries documenting the error envelope for ``statuses``."""
    text = {
        400: "Malformed request",
        401: "Not signed in / bad token",
        403: "Not allowed",
        404: "Not found (or another KIM's)",
        409: "Conflict or illegal state change",
        413: "Body too large",
        422: "Invalid input",
        429: "Too many attempts",
    }
    return {s: {"model": ErrorEnvelope, "description": text.get(s, "Error")} for s in statuses}
