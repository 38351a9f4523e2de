"""Engagement: summaries grouped by KIM, kelurahan, platform, ... and the KIM leaderboard.

Both come from ``services.engagement`` (definitions and the score's formula in
docs/engagement.md). ``from``/``to`` are local dates (inclusive), default: the
last 30 days. Members and admins only ever see their own KIM.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from scheduler.domain.model import Platform
from scheduler.domain.timezones import get_zone
from scheduler.services.engagement import summaries
from scheduler.services.engagement.leaderboard import leaderboard
from scheduler.store.summary_queries import GROUPS
from scheduler.web.dates import IsoDate
from scheduler.web.deps import ActorDep, EngineDep, NowDep, SettingsDep
from scheduler.web.schemas import OutputModel

router = APIRouter(tags=["engagement"])

_DAYS, _MAX = summaries.DEFAULT_PERIOD_DAYS, summaries.MAX_PERIOD_DAYS
#: The period's rules, stated on both parameters (JSON Schema cannot relate two values).
_PERIOD = (
    f"Local dates (YYYY-MM-DD), both included: `from` <= `to`, at most {_MAX} days apart "
    f"(else 422 `period_reversed` / `period_too_long`)."
)
FROM_DOC = f"First day. Default: {_DAYS} days ending at `to`. {_PERIOD}"
TO_DOC = f"Last day. Default: today in Siar's time zone (`SIAR_TIMEZONE`, WIB). {_PERIOD}"


class SummaryRowOut(OutputModel):
    key: str
    label: str
    posts: int
    likes: int
    comments: int
    shares: int
    views: int | None
    reach: int | None
    saves: int | None
    interactions: int
    engagement_rate: float | None
    missing: int
    extra: dict[str, Any] = {}


class SummaryOut(OutputModel):
    group_by: str
    from_: date = Field(serialization_alias="from")
    to: date
    captured_at: datetime | None
    rows: list[SummaryRowOut]
    total: SummaryRowOut


class LeaderRowOut(OutputModel):
    rank: int | None = Field(
        description="null: too few measured posts to be ranked, or not shown to a KIM-bound caller"
    )
    kim: str
    kim_name: str
    kelurahan: str
    score: float
    eligible: bool
    posts: int
    components: dict[str, float | int | None]


class LeaderboardOut(OutputModel):
    from_: date = Field(serialization_alias="from")
    to: date
    formula: dict[str, str] = Field(description="The score's formula, in Indonesian (id) and English (en)")
    params: dict[str, float | int]
    rows: list[LeaderRowOut]


def _period(first: date | None, last: date | None, now: datetime, zone: str) -> tuple[date, date]:
    return summaries.period(first, last, now.astimezone(get_zone(zone)).date())


def _row(r: summaries.SummaryRow) -> dict[str, Any]:
    return dict(
        key=r.key,
        label=r.label,
        posts=r.posts,
        likes=r.likes,
        comments=r.comments,
        shares=r.shares,
        views=r.views,
        reach=r.reach,
        saves=r.saves,
        interactions=r.interactions,
        engagement_rate=r.engagement_rate,
        missing=r.missing,
        extra={k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in (r.extra or {}).items()},
    )


@router.get("/engagement/summary", response_model=SummaryOut)
def summary(
    actor: ActorDep,
    engine: EngineDep,
    now: NowDep,
    settings: SettingsDep,
    group_by: Literal[GROUPS] = Query(default="kim"),  # type: ignore[valid-type]
    from_: IsoDate | None = Query(default=None, alias="from", description=FROM_DOC),
    to: IsoDate | None = Query(default=None, description=TO_DOC),
    kim: str | None = Query(
        default=None,
        max_length=100,
        description="Only this KIM (its slug; another KIM's: 404). Members and admins: always their own KIM",
    ),
    platform: Platform | None = None,
) -> SummaryOut:
    """Totals of the posts published in the period, per group."""
    first, last = _period(from_, to, now, settings.timezone)
    result = summaries.engagement_summary(
        engine, actor, group_by=group_by, first=first, last=last, kim=kim, platform=platform.value if platform else None
    )
    return SummaryOut(
        group_by=result.group_by,
        from_=first,
        to=last,
        captured_at=result.captured_at,
        rows=[SummaryRowOut(**_row(r)) for r in result.rows],
        total=SummaryRowOut(**_row(result.total)),
    )


@router.get("/leaderboard", response_model=LeaderboardOut)
def get_leaderboard(
    actor: ActorDep,
    engine: EngineDep,
    now: NowDep,
    settings: SettingsDep,
    from_: IsoDate | None = Query(default=None, alias="from", description=FROM_DOC),
    to: IsoDate | None = Query(default=None, description=TO_DOC),
) -> LeaderboardOut:
    """KIMs ranked by the award score (``services.engagement.leaderboard``; formula included).

    Members and admins get only their own KIM's row, without a rank among the others.
    """
    first, last = _period(from_, to, now, settings.timezone)
    board = leaderboard(engine, actor, first=first, last=last).as_dict()
    return LeaderboardOut(
        from_=first,
        to=last,
        formula=board["formula"],
        params=board["params"],
        rows=[LeaderRowOut(**row) for row in board["rows"]],
    )
