"""Engagement for staff and admins: filters, charts, top posts, best hours, export; leaderboard; coverage."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date
from typing import Annotated, TypedDict
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from scheduler.domain.timezones import get_zone
from scheduler.services.engagement import coverage as coverage_service
from scheduler.services.engagement import leaderboard as leaderboard_service
from scheduler.services.engagement import reports, summaries
from scheduler.services.read import engagement as views_engagement
from scheduler.web.dates import parse_date
from scheduler.web.i18n import translations
from scheduler.web.pages import charts, formatting
from scheduler.web.pages.rendering import Page, PageDep, PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _period(page: Page, first: str | None, last: str | None) -> tuple[date, date]:
    today = page.now.astimezone(get_zone(page.zone)).date()
    return summaries.period(parse_date(first, "from"), parse_date(last, "to"), today)


@dataclass(frozen=True)
class Filters:
    """The engagement filters of the query string, shared by the page and its export."""

    from_: str | None
    to: str | None
    group_by: str
    kim: str | None
    kelurahan: str | None
    kecamatan: str | None
    platform: str | None


def _filters(
    from_: str | None = Query(default=None, alias="from", max_length=10),
    to: str | None = Query(default=None, max_length=10),
    group_by: str = Query(default="kim", max_length=20),
    kim: str | None = Query(default=None, max_length=100),
    kelurahan: str | None = Query(default=None, max_length=64),
    kecamatan: str | None = Query(default=None, max_length=64),
    platform: str | None = Query(default=None, max_length=20),
) -> Filters:
    return Filters(from_, to, group_by, kim, kelurahan, kecamatan, platform)


FiltersDep = Annotated[Filters, Depends(_filters)]


class Narrowing(TypedDict):
    kim: str | None
    kelurahan: str | None
    kecamatan: str | None
    platform: str | None


def _narrowing(filters: Filters) -> Narrowing:
    """The KIM, place and platform filters as the read models take them (blank: None)."""
    return Narrowing(
        kim=filters.kim or None,
        kelurahan=filters.kelurahan or None,
        kecamatan=filters.kecamatan or None,
        platform=filters.platform or None,
    )


@router.get("/engagement")
def engagement(page: PageDep, filters_in: FiltersDep) -> Response:
    """Charts over time and by group, top posts, best posting hours, and export links."""
    from_, to, group_by, kim, kelurahan, kecamatan, platform = astuple(filters_in)
    first, last = _period(page, from_, to)
    if group_by not in views_engagement.GROUPINGS:
        group_by = "kim"
    view = views_engagement.engagement_view(
        page.engine,
        page.actor,
        first=first,
        last=last,
        group_by=group_by,
        **_narrowing(filters_in),
    )
    days = views_engagement.days_filled(view.by_day, first, last)
    _ = translations(page.lang).gettext
    group_titles = {
        "kim": _("Interactions by KIM"),
        "kelurahan": _("Interactions by kelurahan"),
        "kecamatan": _("Interactions by kecamatan"),
        "platform": _("Interactions by platform"),
        "subject": _("Interactions by product or destination"),
    }
    # Day first, as Indonesians write dates ("1 Des", never "12-01"), with the year when the
    # period spans two years (so the day after "31 Des 2026" is "1 Jan 2027").
    fmt = formatting.Formatter(page.lang, page.zone)
    pattern = "d MMM" if first.year == last.year else "d MMM y"
    fmt_labels = [fmt.day(date.fromisoformat(d.key), pattern) for d in days]
    filters = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "group_by": group_by,
        "kim": kim or "",
        "kelurahan": kelurahan or "",
        "kecamatan": kecamatan or "",
        "platform": platform or "",
    }
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        page,
        "engagement.html",
        view=view,
        filters=filters,
        choices=views_engagement.filter_choices(page.engine, page.actor),
        chart_time=charts.engagement_over_time(days, page.lang, fmt_labels),
        chart_group=charts.by_group(view.by_group.rows, page.lang, group_titles[group_by])
        if view.by_group.rows
        else None,
        chart_hours=charts.hours([(h.hour, h.posts, h.median_interactions) for h in view.hours], page.lang)
        if view.hours
        else None,
        export_csv=f"/engagement/export?format=csv&{query}",
        export_xlsx=f"/engagement/export?format=xlsx&{query}",
    )


@router.get("/engagement/export")
def export(
    page: PageDep,
    filters_in: FiltersDep,
    format: str = Query(default="csv", pattern="^(csv|xlsx)$"),
) -> Response:
    """The page's numbers as CSV (Excel-friendly for the page's language) or XLSX."""
    first, last = _period(page, filters_in.from_, filters_in.to)
    report = views_engagement.export_report(
        page.engine,
        page.actor,
        first=first,
        last=last,
        group_by=filters_in.group_by,
        now=page.now,
        **_narrowing(filters_in),
    )
    body = reports.render(report, format, csv_dialect="id" if page.lang == "id" else "intl")
    media = (
        "text/csv; charset=utf-8"
        if format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"siar-keterlibatan-{first.isoformat()}-{last.isoformat()}.{format}"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/leaderboard")
def leaderboard(
    page: PageDep,
    from_: str | None = Query(default=None, alias="from", max_length=10),
    to: str | None = Query(default=None, max_length=10),
) -> Response:
    """KIMs ranked by the award score, with its formula and every component."""
    first, last = _period(page, from_, to)
    board = leaderboard_service.leaderboard(page.engine, page.actor, first=first, last=last)
    return render(
        page,
        "leaderboard.html",
        board=board,
        first=first,
        last=last,
        formula=board.formula.get(page.lang, board.formula.get("id", "")),
    )


@router.get("/coverage")
def coverage(page: PageDep) -> Response:
    """All 57 kelurahan of Kota Malang: which have a KIM, since when, and how active."""
    result = coverage_service.kelurahan_coverage(page.engine, page.actor, now=page.now)
    return render(page, "coverage.html", coverage=result, active_days=coverage_service.ACTIVE_DAYS)
