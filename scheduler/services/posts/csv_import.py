"""CSV import of posts: all rows or none, and the same file twice creates nothing new.

Columns (header row, names case-insensitive): ``text`` (required),
``accounts`` (required: account ids or ``platform:handle``, separated by
spaces, commas or ``|``), ``at`` (ISO-8601 with an offset, e.g.
``2026-12-01T09:00:00+07:00``; or a local time with a ``timezone`` column;
or ``next_slot``), optional ``kim`` (slug; default: the caller's KIM),
``timezone``, ``tags``, ``as_thread``.

Files exported by Excel are accepted: UTF-8 with or without BOM, Windows-1252,
comma, semicolon or tab separated. Every row is checked first (the same
rules as composing a post); if any row has a problem nothing is written and
each problem names its line. Each row gets a dedupe key (SHA-256 of KIM,
text, accounts and schedule), stored on the post: a row already imported is
skipped, so importing the same file twice creates nothing new.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scheduler.domain.errors import DomainError, InvalidInput
from scheduler.domain.model import ScheduleKind, SocialAccount
from scheduler.domain.rules import validate_content
from scheduler.domain.timezones import get_zone, local_to_utc
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import GRANTS, Cap, authorize
from scheduler.services.posts import compose as post_service
from scheduler.services.posts import scheduling
from scheduler.services.posts.content import TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent

MAX_ROWS = 20_000
REQUIRED = ("text", "accounts", "at")
KNOWN = REQUIRED + ("kim", "timezone", "tags", "as_thread")
_SPLIT = re.compile(r"[\s,|]+")


@dataclass(frozen=True)
class RowProblem:
    line: int  # line in the file (the header is line 1)
    field: str | None
    code: str
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id


@dataclass
class ImportResult:
    rows: int
    created: int = 0
    duplicates: int = 0
    dry_run: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    post_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    kim_id: int
    text: str
    targets: list[TargetSpec]
    intent: ScheduleIntent
    tags: list[str]
    as_thread: bool
    dedupe_key: str


def _bad_file(code: str, message_id: str, message_en: str) -> InvalidInput:
    return InvalidInput(code, message_id, message_en, field="file")


def decode(data: bytes) -> str:
    """Text of an uploaded CSV (UTF-8 with/without BOM, else Windows-1252)."""
    if not data.strip():
        raise _bad_file("csv_empty", "Berkas CSV kosong.", "The CSV file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise _bad_file(
            "csv_encoding",
            "Berkas ini bukan CSV teks (UTF-16 atau biner); simpan sebagai 'CSV UTF-8'.",
            "This is not a text CSV (UTF-16 or binary); save it as 'CSV UTF-8'.",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _bad_file(
            "csv_encoding",
            "Pengodean berkas tidak dikenali; simpan sebagai 'CSV UTF-8'.",
            "The file's encoding is not recognised; save it as 'CSV UTF-8'.",
        ) from None


def read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line, row) pairs with lower-cased column names; the separator is sniffed from the header."""
    header = text.splitlines()[0] if text else ""
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [n.strip().lower() for n in next(reader)]
    except (StopIteration, csv.Error):
        raise _bad_file("csv_header", "Baris judul kolom tidak ada.", "The header row is missing.") from None
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise _bad_file(
            "csv_columns",
            f"Kolom wajib tidak ada: {', '.join(missing)}.",
            f"Required columns are missing: {', '.join(missing)}.",
        )
    unknown = [n for n in names if n and n not in KNOWN]
    if unknown:
        raise _bad_file(
            "csv_columns",
            f"Kolom tidak dikenal: {', '.join(unknown[:5])}.",
            f"Unknown columns: {', '.join(unknown[:5])}.",
        )
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise _bad_file(
                    "csv_too_many_rows",
                    f"Paling banyak {MAX_ROWS} baris per berkas.",
                    f"At most {MAX_ROWS} rows per file.",
                )
            rows.append(
                (reader.line_num, {n: (values[i].strip() if i < len(values) else "") for i, n in enumerate(names) if n})
            )
    except csv.Error:
        raise _bad_file(
            "csv_malformed",
            f"CSV rusak di sekitar baris {reader.line_num}.",
            f"The CSV is malformed near line {reader.line_num}.",
        ) from None
    if not rows:
        raise _bad_file("csv_no_rows", "Berkas CSV tidak berisi baris data.", "The CSV file has no data rows.")
    return rows


def _intent(raw: dict[str, str], default_zone: str) -> ScheduleIntent:
    value = raw.get("at", "")
    zone = raw.get("timezone") or None
    if value.lower() in ("next_slot", "slot", "slot berikutnya"):
        return ScheduleIntent.next_slot()
    try:
        at = datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        raise InvalidInput(
            "bad_datetime",
            "Format waktu tidak sah (contoh: 2026-12-01T09:00:00+07:00).",
            "Invalid time (e.g. 2026-12-01T09:00:00+07:00).",
            field="at",
        ) from None
    if at.tzinfo is None and not zone:
        raise InvalidInput(
            "naive_datetime",
            "Waktu tanpa zona waktu: tambahkan +07:00 atau isi kolom timezone.",
            "Time without a time zone: add +07:00 or fill the timezone column.",
            field="at",
        )
    try:
        if at.tzinfo is None:
            assert zone  # checked just above
            return ScheduleIntent.at_instant(local_to_utc(at, get_zone(zone, field="timezone")), zone)
        return ScheduleIntent.at_instant(at.astimezone(UTC), zone or default_zone)
    except OverflowError:
        raise InvalidInput(
            "datetime_out_of_range",
            "Tanggal di luar jangkauan; periksa tahunnya.",
            "The date is out of range; check the year.",
            field="at",
        ) from None


def _key(kim_id: int, text: str, targets: list[TargetSpec], intent: ScheduleIntent) -> str:
    when = intent.at.isoformat() if intent.at else str(intent.kind)
    accounts = ",".join(str(t.account_id) for t in sorted(targets, key=lambda t: t.account_id))
    return hashlib.sha256(f"{kim_id}\n{accounts}\n{when}\n{text}".encode()).hexdigest()


class _SharedTransaction(AbstractUnitOfWork):
    """A unit of work whose ``with`` and ``commit`` join the caller's open transaction,
    so the post service can be reused row after row and the import commits once."""

    def __init__(self, inner: AbstractUnitOfWork) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _SharedTransaction:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def commit(self) -> None:
        self._inner.flush()

    def rollback(self) -> None:  # the caller's transaction decides
        return None

    def flush(self) -> None:
        self._inner.flush()


def _check_rows(
    uow: AbstractUnitOfWork,
    actor: Actor,
    rows: list[tuple[int, dict[str, str]]],
    default_kim_id: int | None,
    now: datetime,
) -> tuple[list[_Row], list[RowProblem]]:
    kims: dict[str, Any] = {}
    accounts: dict[int, list[SocialAccount]] = {}
    checked: list[_Row] = []
    problems: list[RowProblem] = []
    for line, raw in rows:
        try:
            slug = raw.get("kim") or ""
            if slug:
                if slug not in kims:
                    kims[slug] = uow.kims.get_by_slug(slug)
                kim = kims[slug]
                if kim is None:
                    raise InvalidInput(
                        "unknown_kim", f"KIM '{slug}' tidak ditemukan.", f"KIM '{slug}' not found.", field="kim"
                    )
                kim_id, zone = kim.id, kim.timezone
            else:
                if default_kim_id is None:
                    raise InvalidInput("kim_required", "Isi kolom kim.", "Fill the kim column.", field="kim")
                kim_id, zone = default_kim_id, None
            authorize(actor, Cap.WRITE_POST, kim_id, what="kim")
            if kim_id not in accounts:
                accounts[kim_id] = uow.accounts.list_by_kim(kim_id)
            owned = accounts[kim_id]
            text = raw.get("text", "")
            if not text:
                raise InvalidInput("text_required", "Teks wajib diisi.", "The text is required.", field="text")
            specs: list[TargetSpec] = []
            for token in [t for t in _SPLIT.split(raw.get("accounts", "")) if t]:
                match = None
                if token.isdigit():
                    match = next((a for a in owned if a.id == int(token)), None)
                elif ":" in token:
                    platform, handle = token.split(":", 1)
                    match = next(
                        (
                            a
                            for a in owned
                            if str(a.platform) == platform.lower() and a.handle.lower() == handle.lstrip("@").lower()
                        ),
                        None,
                    )
                if match is None:
                    raise InvalidInput(
                        "unknown_account",
                        f"Akun '{token}' tidak ditemukan di KIM ini.",
                        f"Account '{token}' not found in this KIM.",
                        field="accounts",
                    )
                assert match.id is not None  # a stored account
                if all(s.account_id != match.id for s in specs):
                    specs.append(TargetSpec(match.id))
            if not specs:
                raise InvalidInput(
                    "accounts_required", "Isi kolom accounts.", "Fill the accounts column.", field="accounts"
                )
            intent = scheduling.check_intent(_intent(raw, zone or "Asia/Jakarta"), now)
            as_thread = raw.get("as_thread", "").lower() in ("1", "true", "ya", "yes", "y")
            by_id = {a.id: a for a in owned}
            errors = [
                p
                for s in specs
                for p in validate_content(by_id[s.account_id].platform, text, [], as_thread=as_thread)
                if p.is_error
            ]
            if errors:
                first = errors[0]
                raise InvalidInput(first.code, first.message_id, first.message_en, field="text")
            if intent.kind == ScheduleKind.NEXT_SLOT and any(not by_id[s.account_id].slots for s in specs):
                raise InvalidInput(
                    "no_slots", "Akun belum punya jadwal posting rutin.", "An account has no posting slots.", field="at"
                )
            tags = [t for t in _SPLIT.split(raw.get("tags", "")) if t]
            checked.append(_Row(line, kim_id, text, specs, intent, tags, as_thread, _key(kim_id, text, specs, intent)))
        except DomainError as error:
            problems.append(RowProblem(line, error.field, error.code, error.message_id, error.message_en))
    return checked, problems


def import_posts(
    uow: AbstractUnitOfWork,
    actor: Actor,
    data: bytes,
    *,
    now: datetime,
    dry_run: bool = False,
    default_kim_id: int | None = None,
) -> ImportResult:
    """Check every row; unless ``dry_run`` or a row has a problem, create all posts in one transaction.

    With problems and ``dry_run=False`` -> InvalidInput carrying ``problems`` (nothing written).
    """
    if actor.role not in GRANTS[Cap.WRITE_POST]:
        authorize(actor, Cap.WRITE_POST, default_kim_id, what="kim")  # raises before reading the file
    if default_kim_id is not None:
        authorize(actor, Cap.WRITE_POST, default_kim_id, what="kim")
    rows = read_rows(decode(data))
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    with uow:
        checked, result.problems = _check_rows(uow, actor, rows, default_kim_id, now)
        known: dict[int, set[str]] = {}
        fresh: list[_Row] = []
        for row in checked:
            if row.kim_id not in known:
                known[row.kim_id] = {p.dedupe_key for p in uow.posts.list_by_kim(row.kim_id) if p.dedupe_key}
            if row.dedupe_key in known[row.kim_id]:
                result.duplicates += 1
                continue
            known[row.kim_id].add(row.dedupe_key)
            fresh.append(row)
        if result.problems:
            if dry_run:
                return result
            raise ImportRefused(result)
        if dry_run:
            result.created = len(fresh)
            return result
        shared = _SharedTransaction(uow)
        # The session's identity map holds objects weakly: keep the KIMs and accounts every
        # row looks up alive, or each row would load them again (half the import's queries).
        pinned = [(uow.kims.get(k), uow.accounts.list_by_kim(k)) for k in {r.kim_id for r in fresh}]
        for row in fresh:
            post = post_service.compose_post(
                shared,
                actor,
                kim_id=row.kim_id,
                text=row.text,
                targets=row.targets,
                schedule=row.intent,
                now=now,
                tags=row.tags,
                as_thread=row.as_thread,
            )
            post.dedupe_key = row.dedupe_key
            result.post_ids.append(post.id or 0)
        uow.flush()
        uow.commit()
        del pinned
        result.created = len(fresh)
        return result


class ImportRefused(InvalidInput):
    """Some rows have problems; nothing was imported. ``result.problems`` lists them by line."""

    def __init__(self, result: ImportResult) -> None:
        first = result.problems[0]
        count = len(result.problems)
        fields = {
            f"line {p.line}" + (f" {p.field}" if p.field else ""): {"id": p.message_id, "en": p.message_en}
            for p in result.problems[:200]
        }
        super().__init__(
            "import_rows_invalid",
            f"{count} baris bermasalah (pertama: baris {first.line}); tidak ada yang diimpor.",
            f"{count} row(s) have problems (first: line {first.line}); nothing was imported.",
            fields=fields,
        )
        self.result = result
