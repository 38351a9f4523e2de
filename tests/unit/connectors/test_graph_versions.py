"""The one table of Graph API versions (connectors/graph_versions.py) and the setting that picks one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from config.settings import Settings, SettingsError
from connectors import graph_versions as gv


def test_a_version_ends_on_its_end_date_not_the_day_after():
    end = gv.ends_on("v21.0")
    assert end == date(2027, 1, 21)
    assert gv.lifecycle("v21.0", end - timedelta(days=1)) == "live"
    assert gv.lifecycle("v21.0", end) == "ended"


@pytest.mark.parametrize(
    "version,today,expected",
    [
        ("v20.0", date(2026, 12, 4), "ended"),  # ended 2026-09-24
        ("v2.3", date(2026, 12, 4), "ended"),  # older than every listed version
        ("v25.0", date(2026, 12, 4), "live"),
        ("v27.0", date(2030, 1, 1), "live"),  # the newest: no end announced yet
        ("v28.0", date(2026, 12, 4), "unreleased"),  # newer than the newest
        ("v25.5", date(2026, 12, 4), "unreleased"),  # a number Meta never used
        ("latest", date(2026, 12, 4), "unreleased"),
    ],
)
def test_lifecycle(version, today, expected):
    assert gv.lifecycle(version, today) == expected


def test_the_table_is_ordered_and_only_the_newest_has_no_end():
    versions = sorted(gv.ENDS, key=gv.parse)
    assert versions[-1] == gv.newest() and gv.ENDS[gv.newest()] is None
    ends = [gv.ENDS[v] for v in versions[:-1]]
    assert None not in ends and ends == sorted(ends), "each version ends after the one before it"


def test_the_default_version_is_supported_until_mid_2028():
    end = gv.ends_on(gv.DEFAULT_VERSION)
    assert end is not None and end >= date(2028, 7, 1)


def test_the_setting_defaults_to_the_table_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("SIAR_FACEBOOK_GRAPH_VERSION", raising=False)
    assert Settings().facebook_graph_version == gv.DEFAULT_VERSION
    monkeypatch.setenv("SIAR_FACEBOOK_GRAPH_VERSION", " v27.0 ")
    assert Settings().facebook_graph_version == "v27.0"


@pytest.mark.parametrize("bad", ["25.0", "v25", "latest", "v25.0.1", "V25.0", ""])
def test_a_malformed_version_is_refused_in_both_languages(monkeypatch, bad):
    monkeypatch.setenv("SIAR_FACEBOOK_GRAPH_VERSION", bad)
    with pytest.raises(SettingsError) as caught:
        Settings()
    message = str(caught.value)
    assert "SIAR_FACEBOOK_GRAPH_VERSION harus berbentuk vNN.N" in message
    assert "SIAR_FACEBOOK_GRAPH_VERSION must look like vNN.N" in message
