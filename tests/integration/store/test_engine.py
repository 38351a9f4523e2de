"""Engine settings: SQLite pragmas and write locking, PostgreSQL pre-ping, the configured URL."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from scheduler.domain import model as m
from scheduler.store.db import make_engine, make_session_factory
from scheduler.store.migrate import current, head, upgrade


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 30_000
    finally:
        engine.dispose()


def test_postgres_engine_pre_pings(postgres_url):
    engine = make_engine(postgres_url)
    try:
        assert engine.pool._pre_ping
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()


def test_defaults_come_from_the_settings(siar_env):
    assert current() is None  # looking does not create the file
    assert not (siar_env.data_dir / "siar.db").exists()
    assert upgrade() == head()
    assert (siar_env.data_dir / "siar.db").is_file()
    engine = make_engine()
    try:
        assert engine.url.database == str(siar_env.data_dir / "siar.db")
    finally:
        engine.dispose()


def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path):
    """Two read-then-write transactions: the second waits (BEGIN IMMEDIATE + busy timeout)."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO kecamatan (code, name) VALUES ('sukun', 'Sukun')")
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with engine.begin() as conn:
                name = conn.exec_driver_sql("SELECT name FROM kecamatan WHERE code = 'sukun'").scalar()
                conn.exec_driver_sql("UPDATE kecamatan SET name = ? WHERE code = 'sukun'", (name + " B",))
        except BaseException as exc:
            errors.append(exc)
        finally:
            second_done.set()

    try:
        with engine.begin() as conn:
            name = conn.exec_driver_sql("SELECT name FROM kecamatan WHERE code = 'sukun'").scalar()
            thread = threading.Thread(target=second_writer)
            thread.start()
            assert not second_done.wait(0.3), "the second writer must wait for the first"
            conn.exec_driver_sql("UPDATE kecamatan SET name = ? WHERE code = 'sukun'", (name + " A",))
        assert second_done.wait(10)
        thread.join(10)
        assert errors == []
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM kecamatan").scalar() == "Sukun A B"
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_savepoints_and_objects_usable_after_commit(backend, tmp_path, request):
    url = f"sqlite:///{tmp_path / 's.db'}" if backend == "sqlite" else request.getfixturevalue("pg_database")()
    upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            session.add(m.Kecamatan(code="lowokwaru", name="Lowokwaru"))
            nested = session.begin_nested()
            session.add(m.Kecamatan(code="klojen", name="Klojen"))
            session.flush()
            nested.rollback()
            session.commit()
            codes = session.scalars(sa.select(m.Kecamatan.code)).all()
            kec = session.get(m.Kecamatan, "lowokwaru")
        assert codes == ["lowokwaru"]
        assert kec.name == "Lowokwaru"  # expire_on_commit=False: readable after the session closed
    finally:
        engine.dispose()
