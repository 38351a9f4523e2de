"""``siar status`` on the configured Graph API version: a warning 60 days ahead, an alert once it ended.

Workers and beat are alive at the injected clock, so the version is the only
thing that can make the site unhealthy here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from scheduler.cli import main

END = datetime(2027, 1, 21, tzinfo=UTC)  # v21.0 stops working that day


@pytest.fixture
def live_site(siar_env, monkeypatch):
    """A migrated site whose worker and beat beat at the clock ``site(now)`` sets."""
    from scheduler.services.publishing import liveness
    from scheduler.store.db import make_engine
    from scheduler.store.migrate import upgrade

    upgrade(siar_env.db_url)

    def at(now: datetime, version: str) -> None:
        from config.settings import get_settings

        monkeypatch.setenv("SIAR_FACEBOOK_GRAPH_VERSION", version)
        get_settings.cache_clear()
        monkeypatch.setattr("scheduler.cli.status.utcnow", lambda: now)
        engine = make_engine(siar_env.db_url)
        try:
            liveness.record(engine, "celery@a", "worker", now, "a", 11)
            liveness.record(engine, "beat@a", "beat", now, "a", 12)
        finally:
            engine.dispose()

    return at


def test_a_version_ending_within_60_days_warns_in_both_languages_but_passes_the_check(live_site):
    live_site(END - timedelta(days=48), "v21.0")  # 2026-12-04
    result = CliRunner().invoke(main, ["status", "--check"])
    assert result.exit_code == 0, result.output
    assert "Graph API Facebook: v21.0 (berhenti dilayani pada 21-01-2027)" in result.output
    assert (
        "PERINGATAN: Versi Graph API Facebook v21.0 berhenti dilayani pada 21-01-2027 (48 hari lagi)" in result.output
    )
    assert "WARNING: Facebook Graph API v21.0 stops working on 2027-01-21 (in 48 days)" in result.output
    assert "Kesimpulan: SEHAT (ada peringatan)" in result.output


def test_a_version_far_from_its_end_says_nothing_more(live_site):
    live_site(END - timedelta(days=48), "v25.0")
    result = CliRunner().invoke(main, ["status", "--check"])
    assert result.exit_code == 0, result.output
    assert "PERINGATAN" not in result.output and "Kesimpulan: SEHAT\n" in result.output


def test_an_ended_version_fails_the_check(live_site):
    live_site(END, "v21.0")
    result = CliRunner().invoke(main, ["status", "--check"])
    assert result.exit_code == 1, result.output
    assert "BERHENTI: Versi Graph API Facebook v21.0 sudah berhenti dilayani sejak 21-01-2027" in result.output
    assert "ENDED: Facebook Graph API v21.0 stopped working since 2027-01-21" in result.output
    assert "Kesimpulan: PERLU PERHATIAN" in result.output


def test_json_reports_the_version(live_site):
    live_site(END - timedelta(days=10), "v21.0")
    data = json.loads(CliRunner().invoke(main, ["status", "--json"]).output)
    assert data["healthy"] is True
    assert data["facebook_graph"]["version"] == "v21.0" and data["facebook_graph"]["state"] == "ending"
    assert data["facebook_graph"]["ends_on"] == "2027-01-21" and data["facebook_graph"]["days_left"] == 10
    assert set(data["facebook_graph"]["message"]) == {"id", "en"}
    live_site(END, "v21.0")
    result = CliRunner().invoke(main, ["status", "--json", "--check"])
    assert result.exit_code == 1 and json.loads(result.output)["healthy"] is False


def test_a_malformed_version_is_one_bilingual_line(siar_env, monkeypatch):
    from config.settings import get_settings

    monkeypatch.setenv("SIAR_FACEBOOK_GRAPH_VERSION", "25")
    get_settings.cache_clear()
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 1
    assert "harus berbentuk vNN.N" in result.output and "must look like vNN.N" in result.output
    assert "Traceback" not in result.output
