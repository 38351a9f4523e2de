"""Thin Celery tasks: parse the ids, call one service, return.

All the rules live in ``scheduler/services``; a task that is redelivered or
duplicated is harmless because the services act only under a matching lease.
"""

from __future__ import annotations

from datetime import datetime

from scheduler.services.publishing.dispatch import dispatch_while_full
from scheduler.services.publishing.publish import publish_target, publish_targets
from scheduler.services.publishing.reconcile import reconcile_unknown
from scheduler.services.publishing.sweep import sweep as sweep_leases
from workers import runtime
from workers.app import app

#: A dispatch tick that claimed a full batch claims again, for at most this many
#: seconds (below beat's one-second period) and while fewer than
#: MAX_IN_FLIGHT targets are queued or publishing: a burst goes out at the pace
#: the workers publish, not at one batch (50) a second.
DISPATCH_BUDGET_SECONDS = 0.8
MAX_IN_FLIGHT = 400


@app.task(name="siar.dispatch")
def dispatch() -> None:
    """Claim due targets and enqueue them: up to 25 due at one instant to a message.

    Decision 0007; a tick whose claim came back full claims again (see above).
    """
    dispatch_while_full(
        runtime.pipeline(), enqueue_publish, DISPATCH_BUDGET_SECONDS, MAX_IN_FLIGHT, enqueue_publish_many
    )


@app.task(name="siar.publish")
def publish(target_id: int, lease_token: str) -> None:
    """Publish one target under the lease its claim got."""
    publish_target(runtime.pipeline(), int(target_id), str(lease_token))


@app.task(name="siar.publish_batch")
def publish_batch(items: list[list[int | str]]) -> None:
    """Publish several targets, each under the lease its claim got."""
    publish_targets(runtime.pipeline(), [(int(tid), str(token)) for tid, token in items])


@app.task(name="siar.sweep")
def sweep() -> None:
    """Return expired leases: queued -> scheduled, publishing -> unknown."""
    sweep_leases(runtime.pipeline())


@app.task(name="siar.reconcile")
def reconcile() -> None:
    """Ask the platforms about targets whose outcome is unknown."""
    reconcile_unknown(runtime.pipeline())


@app.task(name="siar.engagement.refresh")
def engagement_refresh() -> None:
    """One engagement round: read the metrics of the due published targets (within budgets)."""
    from config.settings import get_settings
    from scheduler.services.engagement.collection import refresh_round
    from scheduler.services.engagement.config import EngagementConfig

    refresh_round(runtime.pipeline(), EngagementConfig.from_settings(get_settings()))


@app.task(name="siar.recurrence.extend")
def extend_recurring() -> None:
    """Top up the targets of recurring posts before their series runs out."""
    from scheduler.services.publishing.recurrence import extend_due_recurring

    extend_due_recurring(runtime.pipeline(), runtime.new_uow)


def enqueue_publish(target_id: int, lease_token: str, eta: datetime | None) -> None:
    """The dispatcher's way onto the ``publish`` queue (ETA only inside the look-ahead)."""
    publish.apply_async((target_id, lease_token), eta=eta, queue="publish")


def enqueue_publish_many(items: list[tuple[int, str]], eta: datetime | None) -> None:
    """Several targets due at the same instant in one ``publish`` message."""
    publish_batch.apply_async(([[tid, token] for tid, token in items],), eta=eta, queue="publish")
