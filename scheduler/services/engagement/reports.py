"""Engagement reports: the summaries of one period in several groupings, as CSV, XLSX or a table.

* CSV: UTF-8 with a byte-order mark (so Excel reads Indonesian text and
  names right), ``;`` as delimiter and ``,`` as decimal mark by default: the
  list and decimal separators of Excel and LibreOffice in the Indonesian
  locale, so a double-click opens it in columns with numbers as numbers.
  ``dialect="intl"`` writes ``,`` and ``.`` instead (for tools that expect
  RFC 4180 with a decimal point). Several groupings follow one another,
  each with its own header line, after a comment block with the filters
  and the capture time.
* XLSX (openpyxl): a sheet "Info" (filters, capture time, definitions), then
  one sheet per grouping; rates are real numbers formatted as percentages.
* Table: aligned text for the terminal.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from scheduler.domain.errors import InvalidInput
from scheduler.domain.timezones import get_zone
from scheduler.services.engagement.summaries import (
    GROUP_LABELS,
    Summary,
    SummaryRow,
    check_group,
    engagement_summary,
)
from scheduler.services.people.actors import Actor

FORMATS = ("csv", "xlsx", "table")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("label", "Kelompok / Group"),
    ("posts", "Unggahan / Posts"),
    ("likes", "Suka / Likes"),
    ("comments", "Komentar / Comments"),
    ("shares", "Dibagikan / Shares"),
    ("saves", "Disimpan / Saves"),
    ("views", "Tayangan / Views"),
    ("reach", "Jangkauan / Reach"),
    ("interactions", "Interaksi / Interactions"),
    ("engagement_rate", "Tingkat keterlibatan % / Engagement rate %"),
    ("missing", "Hilang di platform / Missing on platform"),
)

DEFINITIONS = (
    "Interaksi = suka + komentar + dibagikan + disimpan / Interactions = likes + comments + shares + saves",
    "Tingkat keterlibatan = interaksi / tayangan, hanya unggahan yang tayangannya diketahui "
    "/ Engagement rate = interactions / views, only over posts whose views are known",
    "Unggahan dihitung pada hari terbitnya menurut zona waktu KIM (WIB) "
    "/ Posts count on their publication day in the KIM's time zone (WIB)",
    "Unggahan yang hilang di platform memakai angka terakhir yang terlihat "
    "/ Posts missing on the platform keep their last values seen",
)


@dataclass(frozen=True)
class Report:
    summaries: list[Summary]
    filters: dict[str, str]
    captured_at: datetime | None
    generated_at: datetime


def build_report(
    engine: sa.Engine,
    actor: Actor,
    *,
    first: date,
    last: date,
    groups: Sequence[str],
    now: datetime,
    kim: str | None = None,
    platform: str | None = None,
) -> Report:
    """The summaries of the period in each of ``groups`` (checked before anything is read)."""
    groups = [g for g in dict.fromkeys(groups)]
    if not groups:
        raise InvalidInput(
            "group_required", "Pilih sedikitnya satu pengelompokan.", "Choose at least one grouping.", field="by"
        )
    for group in groups:
        check_group(group)
    summaries = [
        engagement_summary(engine, actor, group_by=g, first=first, last=last, kim=kim, platform=platform)
        for g in groups
    ]
    captured = max((s.captured_at for s in summaries if s.captured_at), default=None)
    return Report(summaries, summaries[0].scope.filters(), captured, now)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput(
            "unknown_format",
            "Format harus csv, xlsx atau table.",
            "The format must be csv, xlsx or table.",
            field="format",
        )
    return fmt


def _wib(instant: datetime | None) -> str:
    if instant is None:
        return "-"
    return instant.astimezone(get_zone("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M WIB")


def _value(row: SummaryRow, name: str) -> Any:
    if name == "engagement_rate":
        return None if row.engagement_rate is None else row.engagement_rate * 100
    return getattr(row, name)


def _rows(summary: Summary) -> list[SummaryRow]:
    return [*summary.rows, summary.total]


def _info_lines(report: Report) -> list[tuple[str, str]]:
    f = report.filters
    return [
        ("Laporan / Report", "Keterlibatan media sosial KIM / KIM social-media engagement"),
        ("Periode / Period", f"{f['from']} .. {f['to']} (hari lokal / local days)"),
        ("KIM", f["kim"]),
        ("Platform", f["platform"]),
        ("Data diambil / Data captured", _wib(report.captured_at)),
        ("Dibuat / Generated", _wib(report.generated_at)),
    ]


# -- CSV ---------------------------------------------------------------------------


def to_csv(report: Report, dialect: str = "id") -> bytes:
    """UTF-8 with BOM; ``dialect`` "id" (``;`` and decimal comma) or "intl" (``,`` and point)."""
    if dialect not in ("id", "intl"):
        raise InvalidInput(
            "unknown_csv_dialect",
            "Dialek CSV harus id atau intl.",
            "The CSV dialect must be id or intl.",
            field="csv_dialect",
        )
    delimiter, decimal = (";", ",") if dialect == "id" else (",", ".")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for name, value in _info_lines(report):
        writer.writerow([f"# {name}", value])
    for summary in report.summaries:
        writer.writerow([])
        label_id, label_en = GROUP_LABELS[summary.group_by]
        writer.writerow([f"# {label_id} / {label_en}"])
        writer.writerow([title for _, title in COLUMNS])
        for row in _rows(summary):
            cells = []
            for name, _ in COLUMNS:
                value = _value(row, name)
                if value is None:
                    cells.append("")
                elif isinstance(value, float):
                    cells.append(f"{value:.2f}".replace(".", decimal))
                else:
                    cells.append(str(value))
            writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- XLSX --------------------------------------------------------------------------


def _sheet_title(label: str) -> str:
    """Excel refuses : \\ / ? * [ ] in sheet names and more than 31 characters."""
    return re.sub(r"[:\\/?*\[\]]", "-", label)[:31]


def to_xlsx(report: Report) -> bytes:
    """A workbook: "Info" first, then one sheet per grouping."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    info = book.active
    assert isinstance(info, Worksheet)  # a new workbook opens on its one worksheet
    info.title = "Info"
    for name, value in _info_lines(report):
        info.append([name, value])
    info.append([])
    info.append(["Definisi / Definitions"])
    for line in DEFINITIONS:
        info.append([line])
    info.column_dimensions["A"].width = 32
    info.column_dimensions["B"].width = 60
    for summary in report.summaries:
        label_id, label_en = GROUP_LABELS[summary.group_by]
        sheet = book.create_sheet(_sheet_title(label_id))
        sheet.append([title for _, title in COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in _rows(summary):
            values = [_value(row, name) for name, _ in COLUMNS]
            rate = values[-2]
            values[-2] = None if rate is None else rate / 100  # a real fraction, shown as %
            sheet.append(values)
            sheet.cell(sheet.max_row, len(COLUMNS) - 1).number_format = "0.00%"
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 36
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- terminal table --------------------------------------------------------------


SHORT = {
    "label": "Kelompok",
    "posts": "Unggahan",
    "likes": "Suka",
    "comments": "Komentar",
    "shares": "Dibagikan",
    "saves": "Disimpan",
    "views": "Tayangan",
    "reach": "Jangkauan",
    "interactions": "Interaksi",
    "engagement_rate": "Rate %",
    "missing": "Hilang",
}


def to_table(report: Report) -> str:
    """Aligned text: a header block, then one table per grouping."""
    lines = [f"{name}: {value}" for name, value in _info_lines(report)]
    for summary in report.summaries:
        label_id, label_en = GROUP_LABELS[summary.group_by]
        lines += ["", f"== {label_id} / {label_en} =="]
        table = [[SHORT[name] for name, _ in COLUMNS]]
        for row in _rows(summary):
            cells = []
            for name, _ in COLUMNS:
                value = _value(row, name)
                cells.append("-" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value))
            table.append(cells)
        widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
        for index, cells in enumerate(table):
            lines.append(
                "  ".join(
                    c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                )
            )
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str, *, csv_dialect: str = "id") -> bytes:
    """The report in ``fmt`` ("csv", "xlsx" or "table") as bytes."""
    check_format(fmt)
    if fmt == "csv":
        return to_csv(report, csv_dialect)
    if fmt == "xlsx":
        return to_xlsx(report)
    return to_table(report).encode("utf-8")
