"""Siar's settings: the only module that reads the environment.

Every variable has the ``SIAR_`` prefix and may also come from a ``.env``
file. The defaults need no server: a SQLite database and a file-backed Celery
broker inside ``SIAR_DATA_DIR``. Production (``SIAR_ENV=production``) refuses
to start without a real ``SIAR_SECRET_KEY``; dev and demo create one in the
data directory and keep it there.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from connectors import graph_versions

PLACEHOLDER_KEYS = {"", "changeme", "change-me", "changethis", "secret", "please-change"}
SECRET_KEY_FILE = "secret.key"


class SettingsError(RuntimeError):
    """The configuration cannot be used (message names the variable)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIAR_", env_file=".env", extra="ignore")

    env: Literal["dev", "demo", "test", "production"] = "dev"
    data_dir: Path = Field(default_factory=lambda: Path.cwd() / "var")
    database_url: str | None = None
    broker_url: str | None = None
    # Fernet keys, newest first, separated by commas: the first encrypts,
    # all decrypt (rotation: put the new key first, run `siar keys rotate`).
    secret_key: str | None = None
    timezone: str = "Asia/Jakarta"
    language: Literal["id", "en"] = "id"
    log_level: str = "INFO"
    http_connect_timeout: float = 5.0
    http_read_timeout: float = 30.0
    lease_seconds: int = 120
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    # Session cookie gets the Secure flag; turn off only for plain-http dev on 127.0.0.1.
    session_cookie_secure: bool = True
    # Origin of a sandbox server (`siar sandbox serve`): where every request of a sandbox
    # (training) account goes, and where new sandbox accounts are made. Unset: none.
    sandbox_url: str | None = None
    # Graph API version of every Facebook call; Meta retires each one about two
    # years after the next is released (`siar status` warns 60 days ahead).
    facebook_graph_version: str = graph_versions.DEFAULT_VERSION
    # Read Facebook post insights (views, reach) with the other figures. Needs the
    # Meta app's `read_insights` permission; without it leave this off (Facebook
    # then counts reactions, comments and shares, and views stay unknown).
    facebook_insights: bool = False

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("sandbox_url")
    @classmethod
    def _origin(cls, value: str | None) -> str | None:
        from connectors.transport import sandbox_origin

        try:
            return sandbox_origin(value)
        except ValueError:
            # SettingsError, like the Graph version's: one bilingual line, no traceback.
            raise SettingsError(
                "SIAR_SANDBOX_URL harus berupa origin seperti http://127.0.0.1:8765 (tanpa path). "
                "/ SIAR_SANDBOX_URL must be an origin like http://127.0.0.1:8765 (no path)."
            ) from None

    @field_validator("facebook_graph_version")
    @classmethod
    def _graph_version_form(cls, value: str) -> str:
        value = value.strip()
        if graph_versions.parse(value) is None:
            # SettingsError, not ValueError: pydantic passes it through as it is, and the
            # CLI and the web app turn it into one bilingual line instead of a traceback.
            shown = repr(value[:20])
            raise SettingsError(
                f"SIAR_FACEBOOK_GRAPH_VERSION harus berbentuk vNN.N, misalnya "
                f"{graph_versions.DEFAULT_VERSION} (sekarang {shown}). "
                f"/ SIAR_FACEBOOK_GRAPH_VERSION must look like vNN.N, e.g. "
                f"{graph_versions.DEFAULT_VERSION} (got {shown})."
            )
        return value

    # -- derived values -------------------------------------------------
    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'siar.db'}"

    @property
    def broker(self) -> str:
        return self.broker_url or "filesystem://"

    @property
    def broker_transport_options(self) -> dict[str, Any]:
        if self.broker.startswith("filesystem://"):
            folder = str(self.data_dir / "broker")
            return {
                "data_folder_in": folder,
                "data_folder_out": folder,
                "processed_folder": str(self.data_dir / "broker-processed"),
                "store_processed": False,
                # kombu's default is ./control in the working directory
                "control_folder": str(self.data_dir / "broker-control"),
            }
        return {}

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    def ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.media_dir.mkdir(parents=True, exist_ok=True)
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            folder = self.broker_transport_options.get(key)
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)

    def secret_keys(self) -> list[str]:
        """The Fernet keys (newest first). Dev/demo create and keep one."""
        raw = (self.secret_key or "").strip()
        if raw.lower() not in PLACEHOLDER_KEYS:
            keys = [k.strip() for k in raw.split(",") if k.strip()]
            for key in keys:
                _check_fernet_key(key)
            return keys
        if self.is_production:
            raise SettingsError(
                "SIAR_SECRET_KEY belum diisi atau masih contoh; mode produksi menolak berjalan. "
                "/ SIAR_SECRET_KEY is missing or a placeholder; production refuses to start. "
                "Generate one with: siar keys generate"
            )
        path = self.data_dir / SECRET_KEY_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key = base64.urlsafe_b64encode(os.urandom(32)).decode()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(key + "\n")
        return [path.read_text().strip()]


def _check_fernet_key(key: str) -> None:
    try:
        ok = len(base64.urlsafe_b64decode(key.encode())) == 32
    except ValueError:
        ok = False
    if not ok:
        raise SettingsError(
            "SIAR_SECRET_KEY bukan kunci Fernet yang sah (32 bita, base64 url-safe). "
            "/ SIAR_SECRET_KEY is not a valid Fernet key (32 bytes, url-safe base64)."
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
