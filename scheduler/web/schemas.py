"""Schema bases shared by the API's routers.

Inputs forbid unknown fields (a typo must not be silently ignored); outputs
are separate models per resource, so nothing is returned by accident
(credentials, hashes). Each router module holds its own In/Out models.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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
