"""Sweep: expired leases and ended pauses (decision 0002, step 5).

* ``queued`` with an expired lease -> ``scheduled``: the worker never
  started it (message lost with a flushed broker or a killed worker),
  nothing was sent, so dispatch simply claims it again.
* ``publishing`` with an expired lease -> ``unknown``: the create call may
  have applied; reconcile asks the platform.
* accounts paused by a rate limit whose reset time passed -> ``active``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from scheduler.services.wiring import Pipeline
from scheduler.store.publishing import sweep as sweep_store

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    rescheduled: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    unpaused: list[int] = field(default_factory=list)


def sweep(p: Pipeline) -> SweepReport:
    """Run one sweep in one transaction."""
    now = p.now()
    with p.transaction() as conn:
        report = SweepReport(
            rescheduled=sweep_store.sweep_queued(conn, now),
            unknown=sweep_store.sweep_publishing(conn, now),
            unpaused=sweep_store.unpause_accounts(conn, now),
        )
    if report.rescheduled or report.unknown or report.unpaused:
        log.warning(
            "sweep: %d queued target(s) back to scheduled, %d publishing target(s) unknown, %d account(s) unpaused",
            len(report.rescheduled),
            len(report.unknown),
            len(report.unpaused),
        )
    return report
