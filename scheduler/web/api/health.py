"""``GET /api/v1/health``: database, broker, live workers, last beat tick, Graph API version.

Open without sign-in (load balancers and monitoring call it); it names no
KIM data, only counts. Always 200 with ``ok`` true/false, so a monitor reads
the body rather than guessing from a status code. ``facebook_graph`` warns
60 days before the configured Graph API version ends (``ok`` stays true) and
turns ``ok`` false once it has ended.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from scheduler.services.operations import health
from scheduler.web.deps import EngineDep, NowDep, SettingsDep
from scheduler.web.schemas import OutputModel

router = APIRouter(tags=["health"])


class CheckOut(OutputModel):
    ok: bool
    error: str | None = None


class GraphVersionOut(OutputModel):
    version: str = Field(description="SIAR_FACEBOOK_GRAPH_VERSION, e.g. v25.0")
    state: Literal["ok", "ending", "ended", "unknown"] = Field(
        description="ending: ends within 60 days; ended: Facebook refuses it; unknown: not in Siar's table"
    )
    ends_on: date | None = Field(description="The first day Meta no longer serves it (UTC), when known")
    days_left: int | None
    message: dict[str, str] | None = Field(
        description="What to do, in Indonesian (id) and English (en); null when nothing is needed"
    )


class HealthOut(OutputModel):
    ok: bool
    database: CheckOut
    broker: CheckOut
    live_workers: int
    workers: list[str]
    beat_alive: bool
    beat_last_tick: datetime | None
    overdue_targets: int
    unknown_targets: int
    facebook_graph: GraphVersionOut


@router.get("/health", response_model=HealthOut)
def get_health(engine: EngineDep, settings: SettingsDep, now: NowDep) -> HealthOut:
    h = health.check(
        engine,
        settings.broker,
        settings.broker_transport_options,
        now,
        facebook_graph_version=settings.facebook_graph_version,
    )
    g = h.facebook_graph
    return HealthOut(
        ok=h.ok,
        database=CheckOut(ok=h.database, error=h.database_error),
        broker=CheckOut(ok=h.broker, error=h.broker_error),
        live_workers=len(h.live_workers),
        workers=h.live_workers,
        beat_alive=h.beat_alive,
        beat_last_tick=h.beat_last_tick,
        overdue_targets=h.overdue,
        unknown_targets=h.unknown,
        facebook_graph=GraphVersionOut(
            version=g.version, state=g.level, ends_on=g.ends_on, days_left=g.days_left, message=g.message
        ),
    )
