"""Dispatch: claim due targets and hand them to the publish queue (decision 0001).

Runs every second (beat). One write transaction claims a batch with one
conditional UPDATE (:func:`scheduler.store.dispatch_store.claim`) after pacing chose
which due targets may go; only after it committed are the publish messages
sent, each carrying the ``(target_id, lease_token)`` pairs of up to
``publish_batch`` (25) targets due at one instant (decision 0007) and, for
targets due later inside the look-ahead window, a short ETA. If sending
fails, the claim is released at once (and, should even that fail, the
sweeper releases it when the lease runs out): nothing is lost, nothing is
sent twice.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from scheduler.services.publishing import pacing as pacing_runtime
from scheduler.services.wiring import Pipeline
from scheduler.store.publishing import dispatch as dispatch_store
from scheduler.store.publishing import liveness as liveness_store

log = logging.getLogger(__name__)


class Enqueue(Protocol):
    """Send "publish target T under lease L", not before ``eta`` (None: now)."""

    def __call__(self, target_id: int, lease_token: str, eta: datetime | None) -> None: ...


class EnqueueMany(Protocol):
    """Send one message "publish these targets, each under its lease", not before ``eta``."""

    def __call__(self, items: list[tuple[int, str]], eta: datetime | None) -> None: ...


@dataclass
class DispatchReport:
    claimed: list[dispatch_store.Claim] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    skipped_busy: bool = False  # another dispatcher held the lock this tick


def dispatch_due(p: Pipeline, enqueue: Enqueue, enqueue_many: EnqueueMany | None = None) -> DispatchReport:
    """Claim what is due (or due within the look-ahead window) and enqueue it.

    With ``enqueue_many``, targets due at the same instant (all those due
    now, or due together later inside the look-ahead window, with that ETA)
    go out ``publish_batch`` to a message: one start transaction and
    side-by-side create calls for them.
    """
    now = p.now()
    horizon = now + timedelta(seconds=p.config.lookahead_seconds)
    report = DispatchReport()
    with p.transaction() as conn:
        if not dispatch_store.try_dispatch_lock(conn):
            report.skipped_busy = True
            return report
        candidates = dispatch_store.due_candidates(conn, now, horizon, p.config.claim_batch * 4)
        if not candidates:
            return report
        activity = dispatch_store.recent_activity(
            conn,
            (c.account_id for c in candidates),
            now - pacing_runtime.lookback(candidates) - horizon_gap(p),
        )
        chosen = pacing_runtime.choose(candidates, activity, now, p.config.claim_batch)
        report.claimed = dispatch_store.claim(conn, chosen, now, horizon, p.config.lease_seconds)
    if enqueue_many is None:
        for c in report.claimed:
            eta = c.due_at if c.due_at > now else None
            _send(p, report, [c], functools.partial(enqueue, c.target_id, c.lease_token, eta))
    else:
        # Targets due at the same instant (all those due now, or a burst
        # scheduled for the same minute) share messages, publish_batch each.
        by_eta: dict[datetime | None, list[dispatch_store.Claim]] = {}
        for c in report.claimed:
            by_eta.setdefault(c.due_at if c.due_at > now else None, []).append(c)
        size = max(1, p.config.publish_batch)
        for eta, same in by_eta.items():
            for i in range(0, len(same), size):
                group = same[i : i + size]
                pairs = [(c.target_id, c.lease_token) for c in group]
                _send(p, report, group, functools.partial(enqueue_many, pairs, eta))
    if report.claimed:
        log.info("dispatch claimed %d target(s)", len(report.claimed))
    return report


def _send(p: Pipeline, report: DispatchReport, group: list[dispatch_store.Claim], send: Callable[[], None]) -> None:
    """Send one message for ``group``; if the broker refuses it, give the claims back."""
    try:
        send()
    except Exception:
        log.exception("enqueue failed for target(s) %s; releasing their claims", [c.target_id for c in group])
        for c in group:
            try:
                with p.transaction() as conn:
                    if dispatch_store.release(conn, c.target_id, c.lease_token, p.now()):
                        report.released.append(c.target_id)
            except Exception:
                log.exception("could not release target %s", c.target_id)


def dispatch_while_full(
    p: Pipeline, enqueue: Enqueue, budget_seconds: float, max_in_flight: int, enqueue_many: EnqueueMany | None = None
) -> int:
    """:func:`dispatch_due` again while it claims full batches; returns how many were claimed.

    One batch per beat tick caps a burst at ``claim_batch`` targets a second,
    whatever the workers could do. So a tick claims again after a full batch,
    for at most ``budget_seconds`` and only while fewer than ``max_in_flight``
    targets are queued or publishing: the broker never holds more than the
    workers will take well within a lease (a target left queued past its
    lease would be swept back and claimed again, harmless but wasted work).
    """
    deadline = time.monotonic() + budget_seconds
    total = 0
    while True:
        report = dispatch_due(p, enqueue, enqueue_many)
        total += len(report.claimed)
        if len(report.claimed) < p.config.claim_batch or time.monotonic() >= deadline:
            return total
        with p.engine.connect() as conn:
            if liveness_store.count_in_flight(conn) >= max_in_flight:
                return total


def horizon_gap(p: Pipeline) -> timedelta:
    """How far back in-flight work can still matter for pacing (the look-ahead window)."""
    return timedelta(seconds=p.config.lookahead_seconds)
