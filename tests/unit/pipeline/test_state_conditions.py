"""The store's conditional UPDATEs start from the states the domain's moves allow.

The conditions are generated from :mod:`scheduler.domain.outcomes`; these
check that the literal ones read exactly like the partial indexes'
predicates (``store/queries.py``) and that each statement names the domain's
sources and no other state.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from scheduler.domain import outcomes
from scheduler.domain.model import TargetState
from scheduler.store import queries as live
from scheduler.store.publishing import dispatch
from scheduler.store.publishing.conditions import state_in, state_in_literal

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def sql(clause: sa.ClauseElement) -> str:
    return str(clause.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def states_named(text: str) -> set[TargetState]:
    return {s for s in TargetState if f"'{s.value}'" in text}


@pytest.mark.parametrize(
    "states,index",
    [
        ((TargetState.SCHEDULED,), live.DUE),
        ((TargetState.RETRY_WAIT,), live.RETRY),
        ((TargetState.QUEUED,), live.QUEUED),
        ((TargetState.PUBLISHING,), live.PUBLISHING),
        ((TargetState.UNKNOWN,), live.UNKNOWN),
        ((TargetState.QUEUED, TargetState.PUBLISHING), live.LEASED),
    ],
)
def test_literal_conditions_read_like_the_partial_indexes(
    states: tuple[TargetState, ...], index: sa.TextClause
) -> None:
    assert state_in_literal(states).text == index.text


def test_the_claim_starts_from_the_domains_claim_sources_only() -> None:
    due = sql(dispatch.due_condition(NOW, NOW))
    assert states_named(due) == set(outcomes.CLAIMED.sources)
    assert live.DUE.text in due and live.RETRY.text in due


def test_release_start_and_the_sweeps_start_from_the_domains_sources() -> None:
    assert states_named(sql(state_in(outcomes.RELEASED.sources))) == {TargetState.QUEUED}
    assert states_named(sql(state_in(outcomes.STARTED.sources))) == {TargetState.QUEUED}
    assert state_in_literal(outcomes.RELEASED.sources).text == live.QUEUED.text
    assert state_in_literal(outcomes.PUBLISH_LEASE_EXPIRED.sources).text == live.PUBLISHING.text
