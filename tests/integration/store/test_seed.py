"""Kota Malang seed data and the `siar db upgrade && siar seed malang` path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from scheduler.domain import model as m
from scheduler.store import tables
from scheduler.store.migrate import head
from scheduler.store.seed import read_malang, seed_malang, slugify


def test_slugs():
    assert slugify("Oro-oro Dowo") == "oro-oro-dowo"
    assert slugify("Rampal Celaket") == "rampal-celaket"


def test_csv_codes_are_unique_and_complete():
    kecamatan, kelurahan = read_malang()
    assert len(kecamatan) == 5 and len(kelurahan) == 57
    assert len({k.code for k in kelurahan}) == 57
    assert {k.kecamatan_code for k in kelurahan} == {k.code for k in kecamatan}
    assert next(k for k in kelurahan if k.code == "arjosari").kecamatan_code == "blimbing"


def test_seed_twice_gives_57_kelurahan_in_5_kecamatan(session_factory):
    with session_factory() as session:
        first = seed_malang(session)
        session.commit()
    with session_factory() as session:
        second = seed_malang(session)
        session.commit()
    assert (first.kecamatan_added, first.kelurahan_added) == (5, 57)
    assert (second.kecamatan_added, second.kelurahan_added) == (0, 0)
    assert (second.kecamatan_total, second.kelurahan_total) == (5, 57)
    with session_factory() as session:
        count = lambda t: session.scalar(sa.select(sa.func.count()).select_from(t))  # noqa: E731
        assert (count(tables.kecamatan), count(tables.kelurahan)) == (5, 57)
        blimbing = session.get(m.Kelurahan, "blimbing")  # kelurahan Blimbing in kecamatan Blimbing
        assert blimbing.name == "Blimbing" and blimbing.kecamatan_code == "blimbing"


def _siar(*args: str, data_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAR_")}
    env.update(SIAR_DATA_DIR=str(data_dir), SIAR_ENV="test")
    return subprocess.run(
        [sys.executable, "-c", "from scheduler.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_db_upgrade_then_seed_malang(tmp_path):
    data_dir = tmp_path / "belum-ada" / "var"  # does not exist yet
    seeded = _siar("seed", "malang", data_dir=data_dir, cwd=tmp_path)
    assert seeded.returncode != 0 and "siar db upgrade" in seeded.stderr

    upgraded = _siar("db", "upgrade", data_dir=data_dir, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert head() in upgraded.stdout
    assert (data_dir / "siar.db").is_file()

    seeded = _siar("seed", "malang", data_dir=data_dir, cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert "57 kelurahan di 5 kecamatan" in seeded.stdout

    again = _siar("seed", "malang", data_dir=data_dir, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 kelurahan di 0 kecamatan" in again.stdout
    assert "total 57 kelurahan di 5 kecamatan" in again.stdout

    engine = sa.create_engine(f"sqlite:///{data_dir / 'siar.db'}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM kelurahan")).scalar_one() == 57
        assert conn.execute(sa.text("SELECT count(DISTINCT kecamatan_code) FROM kelurahan")).scalar_one() == 5
    engine.dispose()
