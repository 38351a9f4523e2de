"""Seed data: the 5 kecamatan and 57 kelurahan of Kota Malang.

Codes are stable slugs of the names ("blimbing", "arjosari", "oro-oro-dowo").
Kecamatan and kelurahan live in different tables, so the kelurahan Blimbing in
kecamatan Blimbing is no clash; should two kelurahan ever share a name, both
get their kecamatan's code appended ("sumbersari-lowokwaru").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scheduler.domain.model import Kecamatan, Kelurahan
from scheduler.store import tables

MALANG_CSV = "malang-kelurahan.csv"


class SeedError(ValueError):
    """The seed file is malformed (message in Bahasa Indonesia and English)."""


@dataclass(frozen=True)
class SeedResult:
    """What a seed run added (zero on a second run)."""

    kecamatan_added: int
    kelurahan_added: int
    kecamatan_total: int
    kelurahan_total: int


def slugify(name: str) -> str:
    """``"Oro-oro Dowo"`` -> ``"oro-oro-dowo"`` (ASCII, lower case, dashes)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def read_malang() -> tuple[list[Kecamatan], list[Kelurahan]]:
    """Parse the shipped CSV into entities with their codes (no database)."""
    text = resources.files("scheduler").joinpath("data", MALANG_CSV).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or set(rows[0]) != {"kecamatan", "kelurahan"}:
        raise SeedError(f"{MALANG_CSV}: kolom harus 'kecamatan,kelurahan'. / columns must be 'kecamatan,kelurahan'.")
    pairs = [(r["kecamatan"].strip(), r["kelurahan"].strip()) for r in rows]
    if any(not kec or not kel for kec, kel in pairs):
        raise SeedError(f"{MALANG_CSV}: ada baris kosong. / a row is empty.")

    kecamatan = {slugify(kec): Kecamatan(code=slugify(kec), name=kec) for kec, _ in pairs}
    clashes = Counter(slugify(kel) for _, kel in pairs)
    kelurahan: list[Kelurahan] = []
    for kec, kel in pairs:
        code = slugify(kel)
        if clashes[code] > 1:
            code = f"{code}-{slugify(kec)}"
        kelurahan.append(Kelurahan(code=code, name=kel, kecamatan_code=slugify(kec)))
    if len({k.code for k in kelurahan}) != len(kelurahan):
        raise SeedError(
            f"{MALANG_CSV}: kelurahan ganda dalam satu kecamatan. / duplicate kelurahan within a kecamatan."
        )
    return list(kecamatan.values()), kelurahan


def seed_malang(session: Session) -> SeedResult:
    """Add the kecamatan and kelurahan that are missing; existing rows are left alone.

    Idempotent: a second run adds nothing. Flushes but does not commit (the
    caller owns the transaction). Needs :func:`scheduler.store.orm.start_mappers`.
    """
    kecamatan, kelurahan = read_malang()
    have_kec = set(session.scalars(sa.select(tables.kecamatan.c.code)))
    have_kel = set(session.scalars(sa.select(tables.kelurahan.c.code)))
    new_kec = [k for k in kecamatan if k.code not in have_kec]
    new_kel = [k for k in kelurahan if k.code not in have_kel]
    session.add_all(new_kec)
    session.flush()  # parents first: the kelurahan FK points at them
    session.add_all(new_kel)
    session.flush()
    return SeedResult(
        kecamatan_added=len(new_kec),
        kelurahan_added=len(new_kel),
        kecamatan_total=len(have_kec) + len(new_kec),
        kelurahan_total=len(have_kel) + len(new_kel),
    )
