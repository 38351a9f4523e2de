"""The allowed source states of each conditional UPDATE, generated from the domain's moves.

A move (:mod:`scheduler.domain.outcomes`) names the states it may be made
from, taken from the domain's transition table; these turn them into SQL. Two
forms: :func:`state_in`, a bound condition, and :func:`state_in_literal`, the
states written as SQL literals, for the queries that must match a partial
index (``store/queries.py`` says why: a generic plan for ``state = $1``
ignores the partial indexes). A literal condition reads exactly like the
index's predicate in ``store/queries.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from scheduler.domain.model import TargetState
from scheduler.store.tables import post_targets

T = post_targets


def state_in(states: Sequence[TargetState]) -> sa.ColumnElement[bool]:
    """``state = :s`` for one state, ``state IN (...)`` for several (bound parameters)."""
    if len(states) == 1:
        return T.c.state == states[0]
    return T.c.state.in_(list(states))


def state_in_literal(states: Sequence[TargetState]) -> sa.TextClause:
    """``post_targets.state = 'x'`` or ``post_targets.state IN ('x', 'y')``, as SQL literals."""
    if not states:
        raise ValueError("no states")
    quoted = [f"'{TargetState(s).value}'" for s in states]  # enum values only: nothing to escape
    if len(quoted) == 1:
        return sa.text(f"post_targets.state = {quoted[0]}")
    return sa.text(f"post_targets.state IN ({', '.join(quoted)})")
