"""What the publishing pipeline's services share: its settings, clock and ports.

:class:`Pipeline` is built once per process (a Celery worker, ``siar
status``) by :func:`build_pipeline`, and by tests with a fixed clock and a
fake connector. The services of :mod:`scheduler.services.publishing` (dispatch, publish,
sweep, reconcile, liveness) and engagement collection take it as their first
argument and never read the environment or the wall clock themselves.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from config.settings import Settings
    from connectors.base import Connector

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The wall clock, in UTC (the default clock of a running pipeline)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class PipelineConfig:
    """Knobs of the pipeline. Defaults are production values; tests shrink them."""

    #: How long a claimed or publishing target is ours (``SIAR_LEASE_SECONDS``).
    lease_seconds: float = 120.0
    #: Targets due within this window are claimed early and sent with a short
    #: ETA, for sub-second precision. Never more than 60 s (decision 0001).
    lookahead_seconds: float = 10.0
    #: Targets claimed per dispatch tick.
    claim_batch: int = 50
    #: Targets due at the same instant sent in one publish message: one start
    #: transaction for them, then their create calls side by side on the
    #: worker process's thread pool. Half a claim batch, so a full claim makes
    #: two messages for two worker processes. Burst of 5,000 at prefork 4
    #: (bench/pipeline_bench.py): 10 -> 419/s, 20 -> 498/s, 25 -> 548/s.
    publish_batch: int = 25
    #: Transient failures allowed before a target fails for good.
    max_attempts: int = 8
    #: Backoff after a transient failure: base * 2**(attempt-1), capped, full jitter.
    backoff_base_seconds: float = 30.0
    backoff_cap_seconds: float = 3600.0
    #: A rate limit without a reset time pauses the account this long.
    rate_limit_default_seconds: float = 900.0
    #: Reconcile looks for posts created since the attempt started minus this.
    reconcile_margin_seconds: float = 120.0
    #: "Not found" only counts once the attempt started ``lease_seconds`` plus
    #: this long ago: its create call has surely ended, and the platform's
    #: lists (which may lag a little behind a create) have caught up.
    #: None: half the lease (60 s with the default lease).
    reconcile_settle_seconds: float | None = None
    #: Targets reconciled per run.
    reconcile_batch: int = 50
    #: ``siar status``: a target this late is overdue; a worker heartbeat this old is dead.
    overdue_grace_seconds: float = 60.0
    worker_ttl_seconds: float = 30.0
    beat_ttl_seconds: float = 15.0

    def __post_init__(self) -> None:
        if not 0 <= self.lookahead_seconds <= 60:
            raise ValueError("lookahead_seconds must be within 0..60 (decision 0001)")
        if self.reconcile_settle_seconds is None:
            object.__setattr__(self, "reconcile_settle_seconds", self.lease_seconds / 2)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> PipelineConfig:
        """The configuration for ``settings`` (``SIAR_LEASE_SECONDS``), with overrides."""
        values: dict[str, Any] = {"lease_seconds": float(settings.lease_seconds)}
        values.update(overrides)
        return cls(**values)


@dataclass
class Pipeline:
    """The pipeline's dependencies.

    ``connector_for(platform)`` returns the connector of a platform;
    ``decrypt(token)`` returns the clear credentials of an account;
    ``media_root`` is where media storage keys point.
    """

    engine: sa.Engine
    connector_for: Callable[[str], Connector]
    decrypt: Callable[[str], Mapping[str, Any]]
    media_root: Path
    config: PipelineConfig = field(default_factory=PipelineConfig)
    clock: Clock = utc_now
    #: Encrypts renewed credentials a connector hands back (None: not kept).
    encrypt: Callable[[Mapping[str, Any]], str] | None = None
    rng: random.Random = field(default_factory=random.Random)

    def now(self) -> datetime:
        return self.clock()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""
        with self.engine.begin() as conn:
            yield conn


def build_pipeline(settings: Settings | None = None, **overrides: Any) -> Pipeline:
    """The pipeline of this process, wired to the configured database and the real connectors."""
    from config.settings import get_settings
    from scheduler.services.accounts.secrets import decrypt_credentials, encrypt_credentials
    from scheduler.store.db import make_engine

    settings = settings or get_settings()
    keys = settings.secret_keys()
    config = PipelineConfig.from_settings(settings, **overrides)
    return Pipeline(
        engine=make_engine(settings.db_url),
        connector_for=connector_lookup(settings),
        decrypt=lambda token: decrypt_credentials(token, keys),
        encrypt=lambda data: encrypt_credentials(data, keys),
        media_root=settings.media_dir,
        config=config,
    )


def connector_lookup(settings: Settings) -> Callable[[str], Connector]:
    """The real connectors (``connectors.registry``): configured HTTP timeouts, Graph API version
    and sandbox -- the only place that decides where a training account's requests go."""
    from connectors.registry import default_registry
    from connectors.transport import Timeouts

    registry = default_registry(
        timeouts=Timeouts(settings.http_connect_timeout, settings.http_read_timeout),
        sandbox_url=settings.sandbox_url,
        graph_version=settings.facebook_graph_version,
        facebook_insights=settings.facebook_insights,
    )
    return registry.get
