"""Which KIMs a page may show: the read side's one tenancy decision.

Page queries (``scheduler.services.read``) and the engagement summaries
(``scheduler.services.engagement.summaries``) read with SQL for speed, so they cannot lean on a
repository's checks; every one of them asks :func:`kim_scope` first. A
member or admin sees only their own KIM (asking for another is "not found",
as everywhere else); staff and superadmin see every KIM, or the one they
filter on.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found
from scheduler.store.tables import kims


def kim_scope(
    conn: sa.Connection, actor: Actor, kim: int | str | None = None, *, slug_only: bool = False
) -> tuple[int, ...] | None:
    """The KIM ids ``actor`` may read (None: every KIM), after authorization.

    ``kim`` is an optional filter: a KIM id or slug (only a slug with ``slug_only``, as the
    engagement summaries take it). Another KIM's, or a missing one, is "not found".
    """
    if kim not in (None, ""):
        by_id = not slug_only and (isinstance(kim, int) or str(kim).isdigit())
        column = kims.c.id if by_id else kims.c.slug
        value = int(kim) if by_id else str(kim)
        row = conn.execute(sa.select(kims.c.id).where(column == value)).first()
        if row is None:
            raise not_found("kim", "kim")
        authorize(actor, Cap.READ_KIM, row.id, what="kim")
        return (row.id,)
    authorize(actor, Cap.READ_KIM, actor.kim_id if actor.is_kim_bound else None)
    if actor.is_kim_bound:
        return (actor.kim_id,) if actor.kim_id is not None else ()
    return None


def restrict(query: sa.Select[Any], column: sa.ColumnElement[Any], scope: tuple[int, ...] | None) -> sa.Select[Any]:
    """``query`` narrowed to ``scope`` on ``column`` (a kim_id column)."""
    if scope is None:
        return query
    return query.where(column.in_(scope))
