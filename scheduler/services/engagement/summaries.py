"""Engagement summaries: totals and rate per group, top posts, growth, best posting hours.

Definitions (docs/engagement.md): a *post* here is one target (a post on one
account); *totals* are the latest values of the posts published in the
period, by local publication day in the KIM's zone (WIB by default);
*interactions* = likes + comments + shares + saves; *engagement rate* =
interactions / views over the posts whose views are known. Posts missing on
the platform count with their last values seen and are counted in
``missing``.

Authorization: staff and superadmin see every KIM; admins and members only
their own (asking for another KIM is "not found", like everywhere else).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NotRequired, TypedDict, Unpack

import sqlalchemy as sa

from scheduler.domain.engagement import (
    HourStat,
    bucket,
    engagement_rate,
    local_hour,
)
from scheduler.domain.engagement import (
    best_hours as rank_hours,
)
from scheduler.domain.errors import InvalidInput
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found
from scheduler.services.read.scope import kim_scope
from scheduler.store import summary_queries as q
from scheduler.store.tables import social_accounts

MAX_PERIOD_DAYS = 732
DEFAULT_PERIOD_DAYS = 30
METRICS = ("likes", "comments", "shares", "views", "reach", "saves")

DEFINITIONS = {
    "id": "Interaksi = suka + komentar + dibagikan + disimpan. Tingkat keterlibatan = interaksi / tayangan, "
    "hanya atas unggahan yang tayangannya diketahui. Unggahan dihitung pada hari terbitnya menurut "
    "zona waktu KIM (WIB); unggahan yang hilang di platform memakai angka terakhir yang terlihat.",
    "en": "Interactions = likes + comments + shares + saves. Engagement rate = interactions / views, only "
    "over posts whose views are known. Posts count on their publication day in the KIM's time zone "
    "(WIB); posts missing on the platform keep their last values seen.",
}

GROUP_LABELS = {
    "kim": ("KIM", "KIM"),
    "kelurahan": ("Kelurahan", "Kelurahan"),
    "kecamatan": ("Kecamatan", "Kecamatan"),
    "platform": ("Platform", "Platform"),
    "account": ("Akun", "Account"),
    "subject": ("Produk/destinasi", "Product/destination"),
    "category": ("Kategori", "Category"),
    "day": ("Hari", "Day"),
    "week": ("Minggu", "Week"),
    "month": ("Bulan", "Month"),
}


@dataclass(frozen=True)
class Scope:
    """What an actor asked for, narrowed to what they may see."""

    first: date
    last: date
    kim_ids: tuple[int, ...] | None  # None: every KIM
    platform: str | None
    kim_slug: str | None

    def filters(self) -> dict[str, str]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "kim": self.kim_slug or "semua / all",
            "platform": self.platform or "semua / all",
        }


@dataclass
class SummaryRow:
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
    interactions_with_views: int
    posts_with_views: int
    engagement_rate: float | None
    missing: int
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (the web API's row)."""
        out = {k: v for k, v in self.__dict__.items() if k != "extra"}
        out.update(self.extra)
        return out


@dataclass
class Summary:
    group_by: str
    scope: Scope
    rows: list[SummaryRow]
    captured_at: datetime | None  # newest measurement behind these numbers
    total: SummaryRow

    @property
    def missing(self) -> int:
        return self.total.missing

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: filters, capture time, rows, total, and how many posts are missing."""
        return {
            "group_by": self.group_by,
            "filters": self.scope.filters(),
            "captured_at": self.captured_at.isoformat() if self.captured_at else None,
            "missing": self.missing,
            "rows": [r.as_dict() for r in self.rows],
            "total": self.total.as_dict(),
            "definitions": DEFINITIONS,
        }


def period(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The period asked for: ``last`` defaults to today, ``first`` to the 30 days ending at ``last``.

    Whether it is a valid period (``first <= last``, at most ``MAX_PERIOD_DAYS``
    apart) is :func:`resolve_scope`'s question.
    """
    last = last or today
    if first is None:  # never before 1 January of the year 1 (the calendar's first day)
        first = date.fromordinal(max(1, last.toordinal() - (DEFAULT_PERIOD_DAYS - 1)))
    return first, last


def resolve_scope(
    conn: sa.Connection, actor: Actor, first: date, last: date, *, kim: str | None = None, platform: str | None = None
) -> Scope:
    """Check the period and filters and narrow them to the actor's KIMs (``read.scope.kim_scope``)."""
    if not isinstance(first, date) or not isinstance(last, date):
        raise InvalidInput(
            "period_required", "Tanggal awal dan akhir wajib diisi.", "Start and end dates are required.", field="from"
        )
    if last < first:
        raise InvalidInput(
            "period_reversed",
            "Tanggal akhir tidak boleh sebelum tanggal awal.",
            "The end date cannot be before the start date.",
            field="to",
        )
    if (last - first).days > MAX_PERIOD_DAYS:
        raise InvalidInput(
            "period_too_long",
            f"Periode paling panjang {MAX_PERIOD_DAYS} hari.",
            f"The period can be at most {MAX_PERIOD_DAYS} days.",
            field="to",
        )
    if platform is not None and platform not in ("x", "facebook", "instagram"):
        raise InvalidInput(
            "unknown_platform",
            "Platform harus x, facebook atau instagram.",
            "The platform must be x, facebook or instagram.",
            field="platform",
        )
    kim_ids = kim_scope(conn, actor, kim, slug_only=True)
    return Scope(first, last, kim_ids, platform, kim)


def check_group(group: str) -> str:
    if group not in q.GROUPS:
        raise InvalidInput(
            "unknown_group",
            f"Pengelompokan harus salah satu dari: {', '.join(q.GROUPS)}.",
            f"Grouping must be one of: {', '.join(q.GROUPS)}.",
            field="group_by",
        )
    return group


def _row(key: str, label: str, r: Any, extra: dict[str, Any] | None = None) -> SummaryRow:
    # PostgreSQL sums BIGINT as NUMERIC (Decimal): back to int here.
    values = {m: (None if getattr(r, m, None) is None else int(getattr(r, m))) for m in METRICS}
    with_views = int(getattr(r, "interactions_with_views", 0) or 0)
    return SummaryRow(
        key=key,
        label=label,
        posts=int(r.posts or 0),
        likes=int(values["likes"] or 0),
        comments=int(values["comments"] or 0),
        shares=int(values["shares"] or 0),
        views=None if values["views"] is None else int(values["views"]),
        reach=None if values["reach"] is None else int(values["reach"]),
        saves=None if values["saves"] is None else int(values["saves"]),
        interactions=int(r.interactions or 0),
        interactions_with_views=with_views,
        posts_with_views=int(getattr(r, "posts_with_views", 0) or 0),
        engagement_rate=engagement_rate(with_views, values["views"]),
        missing=int(getattr(r, "missing", 0) or 0),
        extra=extra or {},
    )


class _Acc:
    """Adds rows up (for the total and for weeks/months folded from days)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {m: None for m in METRICS}
        self.values.update(posts=0, interactions=0, interactions_with_views=0, posts_with_views=0, missing=0)

    def add(self, r: Any) -> None:
        for name in list(self.values):
            value = getattr(r, name, None)
            if value is None:
                continue
            self.values[name] = (self.values[name] or 0) + int(value)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


def _key_label(group: str, r: Any) -> tuple[str, str, dict[str, Any]]:
    if group == "subject":
        if r.key is None:
            return "-", "(tanpa produk/destinasi) / (no product or destination)", {}
        return f"{r.key}:{r.key2}", str(r.label or f"{r.key} #{r.key2}"), {"kind": r.key}
    if group == "category" and r.key is None:
        return "-", "(tanpa kategori) / (no category)", {}
    if group == "account":
        return str(r.key), f"{r.label} ({r.platform})", {"platform": str(r.platform)}
    return str(r.key), str(r.label), {}


def _fold(group: str, rows: Sequence[Any], make_key: Any) -> list[SummaryRow]:
    """Rows keyed by a local day, folded into ``group`` buckets (day, week starting Monday, month)."""
    buckets: dict[date, _Acc] = {}
    for r in rows:
        day = r.key if isinstance(r.key, date) else date.fromisoformat(str(r.key))
        buckets.setdefault(bucket(day, group), _Acc()).add(r)
    return [_row(k.isoformat(), make_key(k), acc) for k, acc in sorted(buckets.items())]


def _label_time(group: str) -> Any:
    if group == "month":
        return lambda d: d.strftime("%Y-%m")
    if group == "week":
        return lambda d: f"{d.isoformat()} (minggu / week {d.isocalendar()[1]})"
    return lambda d: d.isoformat()


def summarise(conn: sa.Connection, group: str, scope: Scope, growth: bool = False) -> Summary:
    """The summary of an already resolved ``scope`` (see :func:`resolve_scope`) on an open connection.

    For read models that narrow a scope further (e.g. to a kelurahan) before
    summarising; :func:`engagement_summary` is the one-call version.
    """
    build = q.growth_query if growth else q.totals_query
    source_group = "day" if group in q.TIME_GROUPS else group
    result = list(
        conn.execute(build(source_group, scope.first, scope.last, kim_ids=scope.kim_ids, platform=scope.platform))
    )
    if group in q.TIME_GROUPS:
        rows = _fold(group, result, _label_time(group))
    else:
        rows = []
        for r in result:
            key, label, extra = _key_label(group, r)
            rows.append(_row(key, label, r, extra))
        rows.sort(key=lambda s: (-s.interactions, s.label))
    total = _Acc()
    for r in result:
        total.add(r)
    captured = max((r.captured_at for r in result if r.captured_at is not None), default=None)
    return Summary(group, scope, rows, captured, _row("total", "Total", total))


class SummaryQuery(TypedDict):
    """The keywords of :func:`engagement_summary` and :func:`engagement_growth`."""

    group_by: str
    first: date
    last: date
    kim: NotRequired[str | None]
    platform: NotRequired[str | None]


def _query_scope(conn: sa.Connection, actor: Actor, query: SummaryQuery) -> Scope:
    return resolve_scope(
        conn, actor, query["first"], query["last"], kim=query.get("kim"), platform=query.get("platform")
    )


def engagement_summary(engine: sa.Engine, actor: Actor, **query: Unpack[SummaryQuery]) -> Summary:
    """Totals of the posts published ``first``..``last`` (local days), grouped by ``group_by``.

    Groups: kim, kelurahan, kecamatan, platform, account, subject (product or
    destination), category, day, week, month.
    """
    check_group(query["group_by"])
    with engine.connect() as conn:
        return summarise(conn, query["group_by"], _query_scope(conn, actor, query))


@dataclass
class Growth:
    """Engagement gained during a period and during the period just before it."""

    current: Summary
    previous: Summary

    def change(self, key: str) -> float | None:
        """Relative growth of interactions gained for a group key (None: nothing before)."""
        before = {r.key: r.interactions for r in self.previous.rows}.get(key)
        now = {r.key: r.interactions for r in self.current.rows}.get(key, 0)
        if not before:
            return None
        return (now - before) / before

    def as_dict(self) -> dict[str, Any]:
        current = self.current.as_dict()
        for row in current["rows"]:
            row["change"] = self.change(row["key"])
        return {"current": current, "previous": self.previous.as_dict()}


def engagement_growth(engine: sa.Engine, actor: Actor, **query: Unpack[SummaryQuery]) -> Growth:
    """What every group gained during ``first``..``last`` (local measurement days) and the period before."""
    group_by, first, last = query["group_by"], query["first"], query["last"]
    check_group(group_by)
    span = (last - first).days + 1
    with engine.connect() as conn:
        scope = _query_scope(conn, actor, query)
        before = Scope(
            first - timedelta(days=span), first - timedelta(days=1), scope.kim_ids, scope.platform, scope.kim_slug
        )
        return Growth(summarise(conn, group_by, scope, growth=True), summarise(conn, group_by, before, growth=True))


@dataclass(frozen=True)
class TopPost:
    target_id: int
    kim: str
    platform: str
    handle: str
    published_at: datetime
    published_day: date
    interactions: int
    likes: int | None
    comments: int | None
    shares: int | None
    views: int | None
    remote_missing: bool
    permalink: str | None
    text: str


def top_posts(
    engine: sa.Engine,
    actor: Actor,
    *,
    first: date,
    last: date,
    limit: int = 10,
    kim: str | None = None,
    platform: str | None = None,
) -> list[TopPost]:
    """The posts with the most interactions among those published in the period."""
    limit = max(1, min(int(limit), 100))
    with engine.connect() as conn:
        scope = resolve_scope(conn, actor, first, last, kim=kim, platform=platform)
        rows = conn.execute(q.top_posts_query(first, last, limit, kim_ids=scope.kim_ids, platform=scope.platform))
        return [
            TopPost(
                r.target_id,
                r.kim_slug,
                str(r.platform),
                r.handle,
                r.published_at,
                r.published_day,
                int(r.interactions),
                r.likes,
                r.comments,
                r.shares,
                r.views,
                bool(r.remote_missing),
                r.permalink,
                r.text[:140],
            )
            for r in rows
        ]


def best_posting_hours(
    engine: sa.Engine,
    actor: Actor,
    account_id: int,
    *,
    now: datetime,
    days: int = 180,
    min_posts: int = 2,
    top: int = 3,
) -> list[HourStat]:
    """The local hours at which this account's own posts did best (median interactions)."""
    with engine.connect() as conn:
        account = conn.execute(
            sa.select(social_accounts.c.kim_id, social_accounts.c.timezone).where(social_accounts.c.id == account_id)
        ).first()
        if account is None:
            raise not_found("account")
        authorize(actor, Cap.READ_KIM, account.kim_id, what="account")
        last = now.date() + timedelta(days=1)
        rows = conn.execute(q.post_rows_query(last - timedelta(days=days), last, account_id=account_id))
        history = [(local_hour(r.published_at, account.timezone), int(r.interactions)) for r in rows]
    return rank_hours(history, min_posts=min_posts, top=top)
