"""The server-less broker never shows a consumer a half-written message."""

from __future__ import annotations

import os
from queue import Empty

import pytest
from kombu import Connection

from workers import file_broker


@pytest.fixture
def channel(tmp_path):
    folder = tmp_path / "broker"
    folder.mkdir()
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(tmp_path / "control"),
    }
    with Connection("filesystem://", transport=file_broker.TRANSPORT_PATH, transport_options=options) as conn:
        yield conn.default_channel, folder


def test_the_app_uses_it_for_the_file_broker():
    from config.settings import Settings
    from workers.app import celery_config

    assert celery_config(Settings(_env_file=None))["broker_transport"] == file_broker.TRANSPORT_PATH
    config = celery_config(Settings(_env_file=None, broker_url="amqp://guest@127.0.0.1//"))
    assert config["broker_transport"] is None  # other brokers: kombu's own, from the URL


def test_a_message_is_invisible_until_it_is_complete(channel, monkeypatch):
    chan, folder = channel
    seen_before_rename = {}
    real_replace = os.replace

    def replace_after_looking(src, dst):
        # The moment just before the message becomes visible: a consumer polling
        # now must find nothing, although the payload is already on disk.
        seen_before_rename["files"] = sorted(os.listdir(folder))
        with pytest.raises(Empty):
            chan._get("publish")
        real_replace(src, dst)

    monkeypatch.setattr(file_broker.os, "replace", replace_after_looking)
    chan._put("publish", {"body": "x" * 100_000})

    assert len(seen_before_rename["files"]) == 1
    assert seen_before_rename["files"][0].startswith(".tmp-")
    assert chan._get("publish") == {"body": "x" * 100_000}
    assert os.listdir(folder) == []  # consumed, no temporary file left behind


def test_a_failed_write_leaves_nothing(channel, monkeypatch):
    chan, folder = channel

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(file_broker.os, "replace", refuse)
    with pytest.raises(Exception, match="Cannot add file"):
        chan._put("publish", {"body": "x"})
    assert os.listdir(folder) == []
