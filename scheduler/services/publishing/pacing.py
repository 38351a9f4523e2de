"""Pacing at dispatch: which due targets may go now (docs/design.md#pacing-and-rate-limits).

Scheduling already spreads an account's posts with the domain's pacing
(:mod:`scheduler.domain.pacing`); this is the safety net at the last moment,
for posts scheduled by hand at the same minute, retries landing together, or
a backlog after an outage. The rules are the domain's own
(:func:`~scheduler.domain.pacing.pacing_for`, the account's pacing, and
:func:`~scheduler.domain.pacing.check_pacing`: minimum gap, cap per local
day of the account's zone), applied to the instant the target would go out,
``max(due, now)``, against what the account published or has in flight.
A held target stays ``scheduled`` and is looked at again on the next tick.
Candidates are taken earliest first, and a chosen one counts for the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from scheduler.domain.pacing import check_pacing, pacing_for
from scheduler.store.publishing.dispatch import Candidate

#: How far back published posts can matter: a local day plus the widest gap.
DAY = timedelta(hours=26)


def lookback(candidates: Iterable[Candidate]) -> timedelta:
    """How far back publications can matter for these candidates (a day, or a longer gap)."""
    return max([DAY, *(pacing_for(c).min_spacing for c in candidates)])


def choose(
    candidates: Iterable[Candidate],
    activity: dict[int, list[datetime]],
    now: datetime,
    limit: int,
) -> list[Candidate]:
    """The candidates pacing lets go now, at most ``limit``, earliest first."""
    taken: dict[int, list[datetime]] = {k: list(v) for k, v in activity.items()}
    chosen: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.due_at, c.target_id)):
        if len(chosen) >= limit:
            break
        at = max(c.due_at, now)
        instants = taken.setdefault(c.account_id, [])
        if check_pacing(at, instants, pacing_for(c), c.timezone) is not None:
            continue
        instants.append(at)
        chosen.append(c)
    return chosen
