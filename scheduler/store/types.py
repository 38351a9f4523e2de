"""Column types that keep the domain's values intact on PostgreSQL and SQLite.

- ``UtcDateTime``: aware UTC in, aware UTC out, on both databases; naive
  datetimes are refused (a naive value is a bug: whose wall clock was it?).
- ``StrEnum``: a domain ``StrEnum`` stored as VARCHAR of its *values*; no
  native PostgreSQL ENUM, so adding a state is a one-line migration.
- ``LowerCaseString``: stored and compared lower-cased (e-mail addresses).
- ``JsonList`` / ``JsonDict``: JSON (JSONB on PostgreSQL), mutation-tracked.
- ``SlotList``: ``list[PostingSlot]`` as ``[{"weekday": 0, "at": "09:00"}]``.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict, MutableList

from scheduler.domain.model import PostingSlot

UTC = UTC


class StoreValueError(ValueError):
    """A value cannot be stored as given (message in Bahasa Indonesia and English)."""


_ZERO = timedelta(0)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """An instant. PostgreSQL: ``timestamptz``; SQLite: ISO text in UTC.

    SQLite keeps the text without an offset so that stored values sort and
    compare as instants (``scheduled_at <= :now`` uses the index).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise StoreValueError(
                f"Nilai waktu harus datetime, bukan {type(value).__name__}. "
                f"/ An instant must be a datetime, not {type(value).__name__}."
            )
        if value.tzinfo is None or value.utcoffset() is None:
            raise StoreValueError(
                f"Waktu tanpa zona waktu ditolak: {value.isoformat()}; pakai datetime sadar-zona (UTC). "
                f"/ Naive datetime refused: {value.isoformat()}; use an aware (UTC) datetime."
            )
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.tzinfo is UTC:
            return value.replace(tzinfo=UTC)
        if value.utcoffset() == _ZERO:  # psycopg's ZoneInfo("Etc/UTC"): no conversion needed
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnum(sa.TypeDecorator[enum.Enum]):
    """A ``str``-valued enum stored as VARCHAR of its values (``"retry_wait"``)."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum_class: type[enum.Enum], length: int = 32) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        try:
            return str(self.enum_class(value).value)
        except ValueError:
            allowed = ", ".join(m.value for m in self.enum_class)
            raise StoreValueError(
                f"Nilai {value!r} tidak dikenal untuk {self.enum_class.__name__} (boleh: {allowed}). "
                f"/ Unknown {self.enum_class.__name__} value {value!r} (allowed: {allowed})."
            ) from None

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> enum.Enum | None:
        return None if value is None else self.enum_class(value)

    @property
    def python_type(self) -> type[enum.Enum]:
        return self.enum_class

    def __repr__(self) -> str:
        return f"StrEnum({self.enum_class.__name__}, length={string_length(self)})"


def string_length(column_type: sa.TypeDecorator[Any]) -> int | None:
    """The VARCHAR length of a type stored as ``sa.String`` (``StrEnum``, ``LowerCaseString``)."""
    impl = column_type.impl_instance
    if not isinstance(impl, sa.String):
        raise TypeError(f"{type(column_type).__name__} is not stored as a string")
    return impl.length


class LowerCaseString(sa.TypeDecorator[str]):
    """Stored lower-cased; bound parameters are lower-cased too, so
    ``User.email == "Ani@Example.id"`` finds ``ani@example.id`` and a plain
    UNIQUE constraint is case-insensitive."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else value.strip().lower()


class JsonType(sa.TypeDecorator[Any]):
    """JSON; JSONB on PostgreSQL (indexable, compact). The base of the JSON types below."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


class _JsonListType(JsonType):
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            raise StoreValueError(
                f"Diharapkan daftar (list), bukan {type(value).__name__}. "
                f"/ Expected a list, not {type(value).__name__}."
            )
        return list(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        return [] if value is None else value


class _JsonDictType(JsonType):
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise StoreValueError(
                f"Diharapkan objek (dict), bukan {type(value).__name__}. / Expected a dict, not {type(value).__name__}."
            )
        return value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        return {} if value is None else value


def JsonList() -> sa.types.TypeEngine[Any]:
    """A JSON array; in-place changes (``post.tags.append(...)``) are tracked."""
    return MutableList.as_mutable(_JsonListType())


def JsonDict() -> sa.types.TypeEngine[Any]:
    """A JSON object; in-place changes (``event.detail["k"] = v``) are tracked."""
    return MutableDict.as_mutable(_JsonDictType())


class _SlotListType(JsonType):
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return []
        return [slot_to_json(slot) for slot in value]

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        return [] if value is None else [slot_from_json(item) for item in value]


def SlotList() -> sa.types.TypeEngine[Any]:
    """``list[PostingSlot]`` as ``[{"weekday": 0, "at": "09:00"}]``; appends are tracked."""
    return MutableList.as_mutable(_SlotListType())


def slot_to_json(slot: PostingSlot) -> dict[str, Any]:
    """``PostingSlot(0, time(9))`` -> ``{"weekday": 0, "at": "09:00"}``."""
    if not isinstance(slot, PostingSlot):
        raise StoreValueError(
            f"Slot harus PostingSlot, bukan {type(slot).__name__}. "
            f"/ A slot must be a PostingSlot, not {type(slot).__name__}."
        )
    if not isinstance(slot.weekday, int) or not 0 <= slot.weekday <= 6:
        raise StoreValueError(
            f"Hari slot harus 0 (Senin) .. 6 (Minggu), bukan {slot.weekday!r}. "
            f"/ Slot weekday must be 0 (Monday) .. 6 (Sunday), not {slot.weekday!r}."
        )
    if not isinstance(slot.at, time) or slot.at.tzinfo is not None:
        raise StoreValueError(
            f"Jam slot harus waktu lokal tanpa zona (datetime.time), bukan {slot.at!r}. "
            f"/ Slot time must be a local datetime.time without tzinfo, not {slot.at!r}."
        )
    at = slot.at.replace(microsecond=0)
    text = at.strftime("%H:%M") if at.second == 0 else at.strftime("%H:%M:%S")
    return {"weekday": slot.weekday, "at": text}


def slot_from_json(item: dict[str, Any]) -> PostingSlot:
    """The inverse of :func:`slot_to_json`."""
    return PostingSlot(weekday=int(item["weekday"]), at=time.fromisoformat(item["at"]))
