"""Typed errors shared by every layer (domain, services, web, cli, workers).

Every error carries a stable machine ``code`` plus a message in Bahasa
Indonesia (``message_id``, shown first) and in English (``message_en``),
written for a KIM admin, not a programmer. The web layer maps the classes to
HTTP statuses (InvalidInput 422/400, NotAllowed 403, NotFound 404, Conflict
409, IllegalTransition 409) and renders ``{"error": {code, message, fields}}``.

``Problem`` is a value, not an exception: validation functions return a list
of them (for live checking while a member composes a post); a service that
must refuse turns the errors among them into one ``InvalidInput``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypedDict, Unpack

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding about user input.

    ``severity="warning"`` means Siar can still proceed (e.g. it will pad an
    image to an allowed aspect ratio); only ``"error"`` blocks.
    ``platform`` names the platform the rule belongs to, if any.
    """

    code: str
    field: str | None
    message_id: str
    message_en: str
    platform: str | None = None
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def message(self, language: str = "id") -> str:
        """The message in ``language`` ("id" or "en"; anything else -> Indonesian)."""
        return self.message_en if language == "en" else self.message_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "field": self.field,
            "message_id": self.message_id,
            "message_en": self.message_en,
            "platform": self.platform,
            "severity": self.severity,
        }


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block (severity ``"error"``)."""
    return [p for p in problems if p.is_error]


class DomainError(Exception):
    """Base of every error Siar raises on purpose.

    ``fields`` maps a field name to its bilingual messages, for forms that
    mark several fields at once: ``{"text": {"id": ..., "en": ...}}``.
    """

    default_code = "domain_error"

    def __init__(
        self,
        code: str | None,
        message_id: str,
        message_en: str,
        field: str | None = None,
        fields: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message_id = message_id
        self.message_en = message_en
        self.field = field
        self.fields = dict(fields or {})
        if field and field not in self.fields:
            self.fields[field] = {"id": message_id, "en": message_en}
        super().__init__(f"[{self.code}] {message_en}")

    def message(self, language: str = "id") -> str:
        """The message in ``language`` ("id" or "en"; anything else -> Indonesian)."""
        return self.message_en if language == "en" else self.message_id

    def as_dict(self, language: str = "id") -> dict[str, Any]:
        """The ``error`` object of the JSON API."""
        out: dict[str, Any] = {"code": self.code, "message": self.message(language)}
        if self.fields:
            lang = "en" if language == "en" else "id"
            out["fields"] = {k: v[lang] for k, v in self.fields.items()}
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r})"


class ErrorDetails(TypedDict, total=False):
    """The optional keywords of :class:`DomainError`, for subclasses that pass them on."""

    field: str | None
    fields: dict[str, dict[str, str]] | None


class InvalidInput(DomainError):
    """The user's input is wrong; ``field`` names what to fix.

    ``problems`` keeps the full list when built with :meth:`from_problems`.
    """

    default_code = "invalid_input"

    def __init__(
        self,
        code: str | None,
        message_id: str,
        message_en: str,
        *,
        problems: list[Problem] | None = None,
        **details: Unpack[ErrorDetails],
    ) -> None:
        super().__init__(code, message_id, message_en, **details)
        self.problems: list[Problem] = list(problems or [])

    @classmethod
    def from_problems(cls, problems: Iterable[Problem]) -> InvalidInput:
        """One error from a validation result (warnings are kept but do not count).

        The first blocking problem gives code and message; every blocking
        problem with a field lands in ``fields`` (messages of the same field
        are joined, prefixed with the platform when there is one).
        """
        all_problems = list(problems)
        blocking = errors_only(all_problems)
        if not blocking:
            raise ValueError("from_problems needs at least one problem of severity 'error'")
        first = blocking[0]
        fields: dict[str, dict[str, str]] = {}
        for p in blocking:
            if not p.field:
                continue
            mid, men = p.message_id, p.message_en
            if p.platform:
                label = _PLATFORM_LABEL.get(p.platform, p.platform)
                mid, men = f"{label}: {mid}", f"{label}: {men}"
            if p.field in fields:
                fields[p.field] = {
                    "id": fields[p.field]["id"] + " " + mid,
                    "en": fields[p.field]["en"] + " " + men,
                }
            else:
                fields[p.field] = {"id": mid, "en": men}
        if len(blocking) == 1:
            mid, men = first.message_id, first.message_en
        else:
            mid = f"{first.message_id} (dan {len(blocking) - 1} masalah lain)"
            men = f"{first.message_en} (and {len(blocking) - 1} more problem(s))"
        return cls(first.code, mid, men, field=first.field, fields=fields, problems=all_problems)


_PLATFORM_LABEL = {"x": "X", "facebook": "Facebook", "instagram": "Instagram"}


class IllegalTransition(DomainError):
    """A state change the state machine does not allow (e.g. cancel a published post)."""

    default_code = "illegal_transition"

    def __init__(
        self,
        from_state: str,
        to_state: str,
        message_id: str | None = None,
        message_en: str | None = None,
        code: str | None = None,
        event: str | None = None,
    ) -> None:
        self.from_state = str(from_state)
        self.to_state = str(to_state)
        self.event = event
        super().__init__(
            code,
            message_id or f"Tidak bisa mengubah status dari '{self.from_state}' ke '{self.to_state}'.",
            message_en or f"Cannot change the status from '{self.from_state}' to '{self.to_state}'.",
        )


class RefusalError(DomainError):
    """A DomainError whose arguments are all optional: each subclass sets its default code and message."""

    default_message_id: ClassVar[str]
    default_message_en: ClassVar[str]

    def __init__(
        self,
        code: str | None = None,
        message_id: str | None = None,
        message_en: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(
            code,
            self.default_message_id if message_id is None else message_id,
            self.default_message_en if message_en is None else message_en,
            field=field,
        )


class NotAllowed(RefusalError):
    """The user may not do this (role or KIM does not permit it)."""

    default_code = "not_allowed"
    default_message_id = "Anda tidak punya izin untuk melakukan ini."
    default_message_en = "You are not allowed to do this."


class NotFound(RefusalError):
    """The thing asked for does not exist (or is outside the user's KIM)."""

    default_code = "not_found"
    default_message_id = "Data tidak ditemukan."
    default_message_en = "Not found."


class Conflict(RefusalError):
    """The thing already exists or was changed meanwhile (duplicates, stale edits)."""

    default_code = "conflict"
    default_message_id = "Data ini sudah ada atau baru saja diubah orang lain."
    default_message_en = "This already exists or was just changed by someone else."
