"""Faults on demand, per platform, reproducible with a seed.

Each request of a platform draws ONE number from that platform's seeded
generator, so the same seed and the same sequence of requests give the same
faults. Kinds, checked in this order against cumulative rates:

- ``error_rate``: a 5xx answer in the platform's shape (nothing applied);
- ``rate_limit_rate``: a rate-limit answer with the platform's headers/body (nothing applied);
- ``hang_rate``: the request is held for ``hang_s`` seconds, past a client's
  timeout, then the connection is closed without an answer (nothing applied);
- ``drop_rate``: the request IS applied, then the TCP connection is closed
  with no HTTP response ("applied, then the connection dropped").

``latency_ms`` (+ up to ``jitter_ms``) is added to every request.
``only`` limits error/rate-limit/hang/drop to ``"create"`` requests or lets
them hit ``"all"`` requests of the platform.

A separate gate HOLDS create requests inside the sandbox until released (or
until its timeout), so a chaos test can kill a worker while its create call is
in flight.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_FIELDS = (
    "latency_ms",
    "jitter_ms",
    "error_rate",
    "rate_limit_rate",
    "hang_rate",
    "hang_s",
    "drop_rate",
    "seed",
    "only",
)


class FaultConfigError(ValueError):
    """A fault setting is out of range."""


@dataclass
class FaultPlan:
    """Fault settings of one platform and its seeded generator."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    hang_rate: float = 0.0
    hang_s: float = 30.0
    drop_rate: float = 0.0
    seed: int = 0
    only: str = "all"
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultPlan:
        """Build a plan from the admin API's JSON, checking ranges."""
        unknown = set(body) - set(FAULT_FIELDS) - {"platform"}
        if unknown:
            raise FaultConfigError(f"unknown fault fields: {sorted(unknown)}")
        plan = cls(**{k: body[k] for k in FAULT_FIELDS if k in body})
        rates = (plan.error_rate, plan.rate_limit_rate, plan.hang_rate, plan.drop_rate)
        if any(not 0.0 <= float(r) <= 1.0 for r in rates) or sum(rates) > 1.0 + 1e-9:
            raise FaultConfigError("rates must be between 0 and 1 and add up to at most 1")
        if plan.latency_ms < 0 or plan.jitter_ms < 0 or plan.hang_s < 0:
            raise FaultConfigError("latency_ms, jitter_ms and hang_s must not be negative")
        if plan.only not in ("all", "create"):
            raise FaultConfigError('only must be "all" or "create"')
        plan.rng = random.Random(int(plan.seed))
        return plan

    def to_json(self) -> dict[str, Any]:
        """The settings as JSON (without the generator)."""
        data = asdict(self)
        data.pop("rng", None)
        return data

    def decide(self, kind: str) -> tuple[str | None, float]:
        """Pick the fault for one request of ``kind``: (fault or None, added latency in seconds)."""
        roll = self.rng.random()
        delay = (self.latency_ms + (self.rng.random() * self.jitter_ms if self.jitter_ms else 0.0)) / 1000.0
        if self.only == "create" and kind != "create":
            return None, delay
        edge = 0.0
        for name, rate in (
            ("error", self.error_rate),
            ("rate_limit", self.rate_limit_rate),
            ("hang", self.hang_rate),
            ("drop", self.drop_rate),
        ):
            edge += rate
            if roll < edge:
                return name, delay
        return None, delay


@dataclass
class HoldGate:
    """Holds create requests of one platform until released or timed out."""

    enabled: bool = False
    timeout_s: float = 60.0
    waiting: list[asyncio.Future[str]] = field(default_factory=list)

    async def wait(self) -> str:
        """Wait until released; returns the release action ("apply", "drop" or "error")."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout_s)
        except TimeoutError:
            return "apply"
        finally:
            if future in self.waiting:
                self.waiting.remove(future)

    def release(self, action: str = "apply", count: int | None = None) -> int:
        """Let held requests go on with ``action``; returns how many were released."""
        released = 0
        for future in list(self.waiting):
            if count is not None and released >= count:
                break
            if not future.done():
                future.set_result(action)
                released += 1
            self.waiting.remove(future)
        return released
