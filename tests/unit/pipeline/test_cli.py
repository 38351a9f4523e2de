"""``siar status`` and ``siar post add`` on an empty server-less site (no workers)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from scheduler.cli import main


def _upgraded(siar_env):
    from scheduler.store.migrate import upgrade

    upgrade(siar_env.db_url)


def test_status_without_workers_says_so_in_indonesian(siar_env):
    _upgraded(siar_env)
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 0, result.output
    assert "Worker aktif: 0" in result.output
    assert "jalankan 'siar worker'" in result.output
    assert "Beat: belum pernah berdetak" in result.output
    assert "PERLU PERHATIAN" in result.output


def test_status_check_fails_when_unhealthy_and_json_is_parseable(siar_env):
    _upgraded(siar_env)
    result = CliRunner().invoke(main, ["status", "--check", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["healthy"] is False and data["workers"] == [] and data["beat"] is None


def test_status_on_a_missing_schema_is_one_bilingual_line(siar_env):
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 1
    assert "siar db upgrade" in result.output and "Traceback" not in result.output


def test_post_add_needs_exactly_one_time(siar_env):
    _upgraded(siar_env)
    both = CliRunner().invoke(main, ["post", "add", "--account", "1", "--text", "x",
                                     "--at", "2026-12-01T09:00+07:00", "--next-slot"])
    assert both.exit_code == 1 and "--next-slot" in both.output
    bad = CliRunner().invoke(main, ["post", "add", "--account", "1", "--text", "x",
                                    "--at", "besok pagi"])
    assert bad.exit_code == 1 and "ISO-8601" in bad.output


def test_post_add_unknown_account(siar_env):
    _upgraded(siar_env)
    result = CliRunner().invoke(main, ["post", "add", "--account", "99", "--text", "x",
                                       "--at", "2026-12-01T09:00+07:00"])
    assert result.exit_code == 1 and "tidak ditemukan" in result.output
