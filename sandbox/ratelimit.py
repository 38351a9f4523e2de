"""Per-account and per-app request limits, in fixed windows.

The numbers are generous by default (a sandbox should not get in the way) and
can be tightened through ``PUT /_sandbox/ratelimits`` to exercise a client's
handling of the platforms' real rate-limit answers.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class LimitConfig:
    """Limits of one platform: requests per window, per account and for the whole app."""

    account_limit: int = 100_000
    app_limit: int = 1_000_000
    window_s: float = 900.0
    # Facebook only: which error code a per-account overrun answers (4, 17, 32 or 613).
    account_code: int = 32

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> LimitConfig:
        """Build limits from the admin API's JSON, checking ranges."""
        unknown = set(body) - {"platform", "account_limit", "app_limit", "window_s", "account_code"}
        if unknown:
            raise ValueError(f"unknown rate-limit fields: {sorted(unknown)}")
        config = cls(**{k: v for k, v in body.items() if k != "platform"})
        if config.account_limit < 0 or config.app_limit < 0 or config.window_s <= 0:
            raise ValueError("limits must be >= 0 and window_s > 0")
        if config.account_code not in (4, 17, 32, 613):
            raise ValueError("account_code must be one of 4, 17, 32, 613")
        return config


@dataclass
class Verdict:
    """The outcome of counting one request."""

    allowed: bool
    scope: str  # "account" or "app": the tighter of the two
    limit: int
    remaining: int
    reset_at: int  # epoch seconds
    app_used_pct: int
    account_used_pct: int
    code: int = 0  # Facebook: the error code a per-account overrun answers
    owner: str = ""  # Facebook: the Page id the usage headers name


@dataclass
class RateLimiter:
    """Fixed-window counters per (platform, account) and per platform (the app)."""

    configs: dict[str, LimitConfig] = field(default_factory=dict)
    _windows: dict[tuple[str, str], tuple[float, int]] = field(default_factory=dict)

    def config(self, platform: str) -> LimitConfig:
        """The limits in force for a platform."""
        return self.configs.setdefault(platform, LimitConfig())

    def _count(self, key: tuple[str, str], window_s: float, now: float) -> tuple[int, float]:
        start, used = self._windows.get(key, (now, 0))
        if now - start >= window_s:
            start, used = now, 0
        used += 1
        self._windows[key] = (start, used)
        return used, start + window_s

    def hit(self, platform: str, account: str, now: float | None = None) -> Verdict:
        """Count one request of ``account`` on ``platform`` and say whether it may proceed."""
        now = time.time() if now is None else now
        cfg = self.config(platform)
        app_used, app_reset = self._count((platform, ""), cfg.window_s, now)
        acc_used, acc_reset = self._count((platform, account), cfg.window_s, now)
        app_pct = min(100, math.ceil(100 * app_used / max(cfg.app_limit, 1)))
        acc_pct = min(100, math.ceil(100 * acc_used / max(cfg.account_limit, 1)))
        if app_used > cfg.app_limit:
            return Verdict(False, "app", cfg.app_limit, 0, math.ceil(app_reset), app_pct, acc_pct)
        if acc_used > cfg.account_limit:
            return Verdict(False, "account", cfg.account_limit, 0, math.ceil(acc_reset), app_pct, acc_pct)
        return Verdict(
            True, "account", cfg.account_limit, cfg.account_limit - acc_used, math.ceil(acc_reset), app_pct, acc_pct
        )

    def forget(self, platform: str) -> None:
        """Start fresh windows for one platform (after its limits change)."""
        self._windows = {k: v for k, v in self._windows.items() if k[0] != platform}

    def reset(self) -> None:
        """Forget all counters and custom limits."""
        self.configs.clear()
        self._windows.clear()

    def to_json(self) -> dict[str, Any]:
        """The limits in force, per platform."""
        return {p: asdict(self.config(p)) for p in ("x", "facebook", "instagram")}
