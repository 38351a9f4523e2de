"""Engagement is wired into beat, the worker and the CLI."""

from __future__ import annotations

from click.testing import CliRunner


def test_beat_runs_a_round_every_minute_on_the_engagement_queue():
    from workers.schedule import beat_schedule

    entry = beat_schedule()["engagement"]
    assert entry["task"] == "siar.engagement.refresh"
    assert entry["schedule"] <= 60 and entry["options"]["queue"] == "engagement"


def test_task_is_registered():
    from workers import tasks

    assert tasks.engagement_refresh.name == "siar.engagement.refresh"


def test_cli_commands_are_registered():
    from scheduler.cli import COMMANDS, main

    assert COMMANDS["engagement"] == "scheduler.cli.engagement:engagement"
    assert COMMANDS["report"] == "scheduler.cli.report:report"
    runner = CliRunner()
    assert "--now" in runner.invoke(main, ["engagement", "refresh", "--help"]).output
    out = runner.invoke(main, ["report", "engagement", "--help"]).output
    assert "--from" in out and "--by" in out and "csv|xlsx|table" in out
