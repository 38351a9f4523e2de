"""Keep recurring posts' targets ahead of time (beat, every few minutes).

Approval expands a recurring post over a bounded horizon
(:data:`scheduler.services.posts.scheduling.RECURRENCE_HORIZON`); this tops it up
before the last target is reached, through the scheduling service's own
:func:`~scheduler.services.posts.scheduling.extend_recurring` (pacing and audit
included). Posts whose series has ended simply add nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from scheduler.ports import AbstractUnitOfWork
from scheduler.services.posts.scheduling import RECURRENCE_HORIZON, extend_recurring
from scheduler.services.wiring import Pipeline
from scheduler.store.publishing import recurrence as recurrence_store

log = logging.getLogger(__name__)

#: Posts looked at per run.
BATCH = 100


def extend_due_recurring(p: Pipeline, new_uow: Callable[[], AbstractUnitOfWork]) -> int:
    """Extend every recurring post whose targets end within the horizon; returns targets added."""
    now = p.now()
    with p.engine.connect() as conn:
        post_ids = recurrence_store.recurring_to_extend(conn, now + RECURRENCE_HORIZON, BATCH)
    added = 0
    for post_id in post_ids:
        try:
            added += extend_recurring(new_uow(), post_id, now)
        except Exception:
            log.exception("recurring post %s not extended", post_id)
    if added:
        log.info("recurrence: %d target(s) added", added)
    return added
