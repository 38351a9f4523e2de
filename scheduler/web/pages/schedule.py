"""The calendar (month and week), the queue list, and the approvals inbox."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import Response

from scheduler.domain.errors import NotAllowed
from scheduler.domain.timezones import get_zone
from scheduler.services.read import queue as views_queue
from scheduler.web.dates import parse_date
from scheduler.web.pages.rendering import PageDep, PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
CHIPS_PER_DAY = 6


def _day(value: str | None, today: date) -> date:
    return parse_date(value, "date") or today


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


@router.get("/calendar")
def calendar(
    page: PageDep,
    view: str = Query(default="month", pattern="^(month|week)$"),
    date_: str | None = Query(default=None, alias="date", max_length=10),
    kim: str | None = Query(default=None, max_length=100),
    platform: str | None = Query(default=None, pattern="^(x|facebook|instagram)$"),
) -> Response:
    """Targets by local day: a month grid (Monday first) or one week in detail."""
    tz = get_zone(page.zone)
    today = page.now.astimezone(tz).date()
    day = _day(date_, today)
    if view == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
        prev_day, next_day = first - timedelta(days=7), first + timedelta(days=7)
        month_start = None
    else:
        month_start = day.replace(day=1)
        first = month_start - timedelta(days=month_start.weekday())
        month_end = _add_months(month_start, 1) - timedelta(days=1)
        last = month_end + timedelta(days=6 - month_end.weekday())
        prev_day, next_day = _add_months(month_start, -1), _add_months(month_start, 1)
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    limit = None if view == "week" else CHIPS_PER_DAY
    by_day, counts = views_queue.calendar_days(
        page.engine,
        page.actor,
        start=start,
        end=end,
        zone=page.zone,
        per_day=limit or 10_000,
        kim=kim or None,
        platform=platform,
    )
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    keep = {k: v for k, v in (("kim", kim), ("platform", platform)) if v}

    def link(**changes: str) -> str:
        return "/calendar?" + urlencode({**keep, "view": view, **changes})

    return render(
        page,
        "calendar.html",
        view=view,
        day=day,
        today=today,
        days=days,
        by_day=by_day,
        month_start=month_start,
        total=sum(counts.values()),
        limit=limit,
        counts=counts,
        prev_link=link(date=prev_day.isoformat()),
        next_link=link(date=next_day.isoformat()),
        today_link=link(date=today.isoformat()),
        month_link=link(view="month", date=day.isoformat()),
        week_link=link(view="week", date=day.isoformat()),
        week_of=lambda d: "/calendar?" + urlencode({**keep, "view": "week", "date": d.isoformat()}),
        platform=platform,
        kim=kim,
    )


@router.get("/queue")
def queue(
    page: PageDep,
    state: str | None = Query(default=None, max_length=30),
    kim: str | None = Query(default=None, max_length=100),
    page_no: int = Query(default=1, alias="page", ge=1, le=100_000),
) -> Response:
    """Every target with its state, earliest first; filter by state."""
    result = views_queue.queue(page.engine, page.actor, state=state, kim=kim or None, page=page_no)
    counts = views_queue.state_counts(page.engine, page.actor, kim=kim or None)
    keep = {k: v for k, v in (("kim", kim), ("state", state)) if v}
    base = "/queue?" + (urlencode(keep) + "&" if keep else "")
    return render(
        page,
        "queue.html",
        result=result,
        counts=counts,
        state=state or "",
        base=base,
        states=[s.value for s in views_queue.OPEN_STATES] + ["published", "canceled"],
    )


@router.get("/approvals")
def approvals(page: PageDep, kim: str | None = Query(default=None, max_length=100)) -> Response:
    """Posts waiting for an admin's decision (admins; staff only read)."""
    if not page.can_review and not page.is_staff:
        raise NotAllowed(
            "review_post_not_allowed", "Hanya admin KIM yang menyetujui unggahan.", "Only KIM admins approve posts."
        )
    items, total = views_queue.pending_approval(page.engine, page.actor, kim=kim or None)
    return render(page, "approvals.html", items=items, total=total)
