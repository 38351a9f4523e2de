"""``GET /api/v1/health``: database, broker, live workers, last beat tick.

Open without sign-in (load balancers and monitoring call it); it names no
KIM data, only counts. Always 200 with ``ok`` true/false, so a monitor reads
the body rather than guessing from a status code.
"""
from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from scheduler.services import health
from scheduler.web.deps import EngineDep, NowDep, SettingsDep
from scheduler.web.schemas import OutputModel

router = APIRouter(tags=["health"])


class CheckOut(OutputModel):
    ok: bool
    error: str | None = None


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


@router.get("/health", response_model=HealthOut)
def get_health(engine: EngineDep, settings: SettingsDep, now: NowDep) -> HealthOut:
    h = health.check(engine, settings.broker, settings.broker_transport_options, now)
    return HealthOut(ok=h.ok, database=CheckOut(ok=h.database, error=h.database_error),
                     broker=CheckOut(ok=h.broker, error=h.broker_error),
                     live_workers=len(h.live_workers), workers=h.live_workers,
                     beat_alive=h.beat_alive, beat_last_tick=h.beat_last_tick,
                     overdue_targets=h.overdue, unknown_targets=h.unknown)
