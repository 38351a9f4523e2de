"""config/settings.py: server-less defaults and the secret-key rules."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from config.settings import Settings, SettingsError


def make(tmp_path, **kwargs) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **kwargs)


def test_defaults_need_no_server(tmp_path, monkeypatch):
    for var in ("SIAR_DATABASE_URL", "SIAR_BROKER_URL", "SIAR_ENV"):
        monkeypatch.delenv(var, raising=False)
    settings = make(tmp_path)
    assert settings.db_url == f"sqlite:///{tmp_path / 'siar.db'}"
    assert settings.broker.startswith("filesystem://")
    options = settings.broker_transport_options
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "broker")
    settings.ensure_dirs()
    assert (tmp_path / "broker").is_dir() and (tmp_path / "media").is_dir()


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("SIAR_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/siar")
    monkeypatch.setenv("SIAR_BROKER_URL", "redis://127.0.0.1:6379/0")
    settings = make(tmp_path)
    assert settings.db_url == "postgresql+psycopg://postgres@127.0.0.1/siar"
    assert settings.broker == "redis://127.0.0.1:6379/0"
    assert settings.broker_transport_options == {}


def test_dev_creates_a_key_once_and_keeps_it(tmp_path):
    first = make(tmp_path, env="dev").secret_keys()
    again = make(tmp_path, env="demo").secret_keys()
    assert first == again and len(first) == 1
    Fernet(first[0].encode())  # a usable key
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0  # readable by the owner only


@pytest.mark.parametrize("key", [None, "", "changeme", "change-me"])
def test_production_refuses_a_missing_or_placeholder_key(tmp_path, key):
    with pytest.raises(SettingsError, match="SIAR_SECRET_KEY"):
        make(tmp_path, env="production", secret_key=key).secret_keys()
    assert not (tmp_path / "secret.key").exists()


def test_production_accepts_real_keys_for_rotation(tmp_path):
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    assert make(tmp_path, env="production", secret_key=f"{new}, {old}").secret_keys() == [new, old]


def test_an_invalid_key_is_refused_in_any_mode(tmp_path):
    with pytest.raises(SettingsError, match="Fernet"):
        make(tmp_path, env="dev", secret_key="not-a-fernet-key").secret_keys()


def test_the_sandbox_is_an_origin(tmp_path, monkeypatch):
    monkeypatch.setenv("SIAR_SANDBOX_URL", "http://127.0.0.1:8765/")
    assert make(tmp_path).sandbox_url == "http://127.0.0.1:8765"
    monkeypatch.setenv("SIAR_SANDBOX_URL", "")
    assert make(tmp_path).sandbox_url is None
    monkeypatch.setenv("SIAR_SANDBOX_URL", "http://127.0.0.1:8765/_sandbox")
    with pytest.raises(SettingsError) as caught:
        make(tmp_path)
    assert "SIAR_SANDBOX_URL harus" in str(caught.value) and "must be an origin" in str(caught.value)


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("true", True), ("false", False)])
def test_facebook_insights_setting_reaches_the_facebook_connector(tmp_path, monkeypatch, value, expected):
    from scheduler.services.wiring import connector_lookup

    monkeypatch.delenv("SIAR_FACEBOOK_INSIGHTS", raising=False)
    if value is not None:
        monkeypatch.setenv("SIAR_FACEBOOK_INSIGHTS", value)
    connector_for = connector_lookup(make(tmp_path))
    assert connector_for("facebook").with_insights is expected
    assert connector_for("facebook").graph_version == make(tmp_path).facebook_graph_version
