"""Which KIMs a page may show: the read side's one tenancy decision.

Page queries (``scheduler.services.read``) read with SQL for speed, so they cannot lean on a
repository's checks; every one of them asks :func:`kim_scope` first. A
member or admin sees only their own KIM (asking for another is "not found",
as everywhere else); staff and superadmin see every KIM, or the one they
filter on.
"""

from __future__ import annotations

import sqlalchemy as sa

from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found
from scheduler.store.tables import kims


def kim_scope(conn: sa.Connection, actor: Actor, kim: int | str | None = None) -> tuple[int, ...] | None:
    """The KIM ids a page may read (None: every KIM), after authorization.

    ``kim`` is an optional filter: a KIM id or slug.
    """
    if kim not in (None, ""):
        column = kims.c.id if isinstance(kim, int) or str(kim).isdigit() else kims.c.slug
        value = int(kim) if column is kims.c.id else str(kim)
        row = conn.execute(sa.select(kims.c.id).where(column == value)).first()
        if row is None:
            raise not_found("kim", "kim")
        authorize(actor, Cap.READ_KIM, row.id, what="kim")
        return (row.id,)
    authorize(actor, Cap.READ_KIM, actor.kim_id if actor.is_kim_bound else None)
    if actor.is_kim_bound:
        return (actor.kim_id,) if actor.kim_id is not None else ()
    return None


def restrict(query: sa.Select, column: sa.ColumnElement, scope: tuple[int, ...] | None) -> sa.Select:
    """``query`` narrowed to ``scope`` on ``column`` (a kim_id column)."""
    if scope is None:
        return query
    return query.where(column.in_(scope))
