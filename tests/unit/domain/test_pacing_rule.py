"""One pacing rule for scheduling, the pages and dispatch (``pacing_for``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from scheduler.domain.model import Platform, SocialAccount
from scheduler.domain.pacing import DEFAULT_PACING, Pacing, pacing_for


@dataclass(frozen=True)
class Row:
    """Dispatch's view of an account (like ``store.publishing.dispatch.Candidate``)."""

    platform: str
    min_spacing_seconds: int | None
    daily_cap: int | None


def test_an_account_and_a_dispatch_row_get_the_same_pacing() -> None:
    account = SocialAccount(kim_id=1, platform=Platform.FACEBOOK, handle="kim", min_spacing_seconds=60)
    assert pacing_for(account) == pacing_for(Row("facebook", 60, None)) == Pacing(timedelta(minutes=1), 25)
    assert pacing_for(Row("x", None, None)) == DEFAULT_PACING[Platform.X]


def test_a_stored_cap_below_one_counts_as_one() -> None:
    assert pacing_for(Row("instagram", None, 0)) == Pacing(timedelta(minutes=30), 1)
