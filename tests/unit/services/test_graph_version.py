"""The Graph API version notice behind ``siar status`` and ``/api/v1/health``, at a given clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from connectors import graph_versions
from scheduler.services.operations import graph_version

END = datetime(2027, 1, 21, tzinfo=UTC)  # v21.0 stops working that day


def test_no_warning_61_days_before_the_end():
    notice = graph_version.notice("v21.0", END - timedelta(days=61))
    assert (notice.level, notice.days_left, notice.message) == ("ok", 61, None)
    assert not notice.warning and not notice.alert


def test_a_warning_60_days_before_the_end_in_both_languages():
    notice = graph_version.notice("v21.0", END - timedelta(days=60))
    assert (notice.level, notice.days_left) == ("ending", 60)
    assert notice.warning and not notice.alert
    assert "21-01-2027" in notice.message_id and "60 hari lagi" in notice.message_id
    assert "2027-01-21" in notice.message_en and "in 60 days" in notice.message_en
    assert "SIAR_FACEBOOK_GRAPH_VERSION" in notice.message_id and graph_versions.newest() in notice.message_en


def test_the_day_is_taken_in_utc():
    # 06:30 WIB on 21 January is still 20 January in UTC: one day left.
    wib = timezone(timedelta(hours=7))
    notice = graph_version.notice("v21.0", datetime(2027, 1, 21, 6, 30, tzinfo=wib))
    assert (notice.level, notice.days_left) == ("ending", 1)


def test_an_ended_version_is_an_alert():
    notice = graph_version.notice("v21.0", END)
    assert notice.level == "ended" and notice.alert and not notice.warning
    assert "sudah berhenti dilayani sejak 21-01-2027" in notice.message_id
    assert "stopped working since 2027-01-21" in notice.message_en
    older = graph_version.notice("v2.3", END)
    assert older.alert and older.ends_on is None and "sejak lama" in older.message_id


def test_a_version_unknown_to_siar_is_a_warning():
    notice = graph_version.notice("v30.0", END)
    assert notice.level == "unknown" and notice.warning and not notice.alert
    assert "tidak mengenal" in notice.message_id and "does not know" in notice.message_en


def test_the_newest_version_has_no_end_yet():
    notice = graph_version.notice(graph_versions.newest(), END)
    assert (notice.level, notice.ends_on, notice.message) == ("ok", None, None)


def test_the_default_version_is_not_about_to_end():
    """Fails on purpose once the default has 60 days or fewer left (today, by the real clock):
    move ``DEFAULT_VERSION`` in connectors/graph_versions.py to a newer version."""
    today = datetime.now(UTC)
    notice = graph_version.notice(graph_versions.DEFAULT_VERSION, today)
    assert notice.level == "ok", notice.message_en
