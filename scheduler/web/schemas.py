"""Schema bases shared by the API's routers.

Inputs forbid unknown fields (a typo must not be silently ignored); outputs
are separate models per resource, so nothing is returned by accident
(credentials, hashes). Each router module holds its own In/Out models.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

#: Ids are 32-bit in the schema; a larger number can only be "not found" (and must not
#: reach SQLite, which cannot even bind it).
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


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
    text = {400: "Malformed request", 401: "Not signed in / bad token", 403: "Not allowed",
            404: "Not found (or another KIM's)", 409: "Conflict or illegal state change",
            413: "Body too large", 422: "Invalid input", 429: "Too many attempts"}
    return {s: {"model": ErrorEnvelope, "description": text.get(s, "Error")} for s in statuses}
