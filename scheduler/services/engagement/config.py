"""Knobs of engagement collection (defaults are production values; tests shrink them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from scheduler.domain.engagement import (
    DEFAULT_PROFILES,
    FALLBACK_PROFILE,
    PlatformProfile,
    RefreshPolicy,
)


@dataclass(frozen=True)
class EngagementConfig:
    """The refresh schedule, each platform's batch size and call budget, and round limits."""

    policy: RefreshPolicy = field(default_factory=RefreshPolicy)
    profiles: Mapping[str, PlatformProfile] = field(default_factory=lambda: dict(DEFAULT_PROFILES))
    #: Targets taken into one round at most (the rest is simply still due next round).
    round_limit: int = 20_000
    #: A target being read is "leased" this long, so a concurrent round skips it.
    lease: timedelta = timedelta(minutes=5)
    #: After a failed call (not a rate limit) the batch is tried again this much later.
    error_backoff: timedelta = timedelta(minutes=5)

    def profile(self, platform: str) -> PlatformProfile:
        return self.profiles.get(str(platform), FALLBACK_PROFILE)

    @classmethod
    def from_settings(cls, settings: object | None = None, **overrides: object) -> EngagementConfig:
        """The configuration of this site: ``SIAR_ENGAGEMENT_MAX_AGE_DAYS`` if the settings have it."""
        days = getattr(settings, "engagement_max_age_days", None) if settings is not None else None
        values: dict[str, object] = {}
        if days:
            values["policy"] = RefreshPolicy.with_max_age_days(int(days))
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
