"""Engagement that grows with a post's age, reproducibly.

Each post draws its own "potential" (final likes, comments, shares, views...)
from a generator seeded with (seed, platform, post id), then approaches it
along a saturating curve ``potential * (1 - 2 ** (-age / half_life))``. Same
seed, same post, same age: same numbers, on every run. Ground truth set
through the admin API overrides the curve, metric by metric.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

# Normalized metric names the sandbox speaks in its admin API.
METRICS = ("likes", "comments", "shares", "views", "reach", "saves", "quotes", "bookmarks", "clicks")


@dataclass
class EngagementConfig:
    """Seed and pace of the growth curve, plus a clock offset to fast-forward a demo."""

    seed: int = 2024
    half_life_s: float = 6 * 3600.0
    clock_offset_s: float = 0.0

    def now(self) -> float:
        """The sandbox's notion of "now" for engagement (real time plus the offset)."""
        return time.time() + self.clock_offset_s


def potential(seed: int, platform: str, post_id: str) -> dict[str, int]:
    """The saturation values of one post's metrics."""
    rng = random.Random(f"{seed}:{platform}:{post_id}")
    views = rng.randint(200, 5000)
    likes = int(views * rng.uniform(0.02, 0.12))
    return {
        "views": views,
        "reach": int(views * rng.uniform(0.55, 0.9)),
        "likes": likes,
        "comments": int(likes * rng.uniform(0.05, 0.3)),
        "shares": int(likes * rng.uniform(0.02, 0.2)),
        "saves": int(likes * rng.uniform(0.01, 0.15)),
        "quotes": int(likes * rng.uniform(0.0, 0.05)),
        "bookmarks": int(likes * rng.uniform(0.0, 0.1)),
        "clicks": int(views * rng.uniform(0.005, 0.04)),
    }


def metrics_at(
    config: EngagementConfig,
    platform: str,
    post_id: str,
    created_at: float,
    override: dict[str, int] | None = None,
    now: float | None = None,
) -> dict[str, int]:
    """Metrics of a post at ``now`` (default: the config's clock); ground truth wins."""
    age = max(0.0, (now if now is not None else config.now()) - created_at)
    share = 1.0 - 2.0 ** (-age / config.half_life_s) if config.half_life_s > 0 else 1.0
    values = {name: int(top * share) for name, top in potential(config.seed, platform, post_id).items()}
    if override:
        values.update({k: int(v) for k, v in override.items() if k in METRICS})
    return values
