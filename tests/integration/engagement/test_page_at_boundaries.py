"""The engagement page just after a month starts and just after a year starts (WIB).

The page's default period is the last 30 local days up to today, where "today" is the
page's clock in the KIM's zone: at 1 December 2026 00:30 WIB (30 November 17:30 UTC) it
is 2 November .. 1 December 2026; at 1 January 2027 00:30 WIB it is 3 December 2026 ..
1 January 2027. Posts on both sides of each boundary are published through the real
connectors (sandbox), measured by an engagement round at that same instant, and the page
is rendered by the app with that instant as its clock. Each post has its own number of
likes (1, 10, 100, 1000), so every figure tells which posts it counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from scheduler.domain.engagement import local_day
from scheduler.domain.timezones import local_to_utc

PASSWORD = "rahasia-sekali-123"


def wib(day: date, hour: int, minute: int) -> datetime:
    return local_to_utc(datetime.combine(day, time(hour, minute)), "Asia/Jakarta")


@dataclass(frozen=True)
class Boundary:
    name: str
    now: datetime  # the page's (and the round's) clock
    posts: dict[str, tuple[datetime, int]]  # name -> (published at, likes)
    first: date  # the default period the page must show
    last: date
    heading: str  # the period as the page writes it (Indonesian)


def _boundary(name: str, today: date, heading: str) -> Boundary:
    first = today - timedelta(days=29)
    return Boundary(
        name=name,
        now=wib(today, 0, 30),
        posts={
            "before": (wib(first - timedelta(days=1), 23, 30), 1),  # the day before the period
            "first": (wib(first, 0, 15), 10),  # UTC: still the day before
            "eve": (wib(today - timedelta(days=1), 23, 45), 100),  # the last evening before
            "today": (wib(today, 0, 10), 1000),  # UTC: still yesterday
        },
        first=first,
        last=today,
        heading=heading,
    )


BOUNDARIES = [
    _boundary("month", date(2026, 12, 1), "2 Nov 2026 – 1 Des 2026"),
    _boundary("year", date(2027, 1, 1), "3 Des 2026 – 1 Jan 2027"),
]


@pytest.fixture(scope="module")
def boundary_kims(site: Any) -> dict[str, dict[str, Any]]:
    """One KIM per boundary (its admin sees only it), with the four posts measured at ``now``."""
    from scheduler.services.engagement.collection import refresh_round
    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    out: dict[str, dict[str, Any]] = {}
    for n, case in enumerate(BOUNDARIES):
        slug = f"kim-{case.name}"
        kim_id = site.add_kim(slug, site.kelurahan[20 + n])
        email = f"admin-{case.name}@example.id"
        add_user(
            SqlAlchemyUnitOfWork.from_url(site.url),
            Actor.system(),
            email=email,
            role="admin",
            password=PASSWORD,
            now=case.now,
            name=f"Admin {case.name}",
            kim_id=kim_id,
        )
        site.add_account(f"{case.name}_x", slug, "x")
        published = {}
        for post, (at, likes) in case.posts.items():
            p = site.publish(f"{case.name}_x", f"Kopi Dampit ({case.name}, {post}) #{post}", at)
            site.sandbox.set_metrics(
                "x",
                p["remote_id"],
                likes=likes,
                comments=0,
                shares=0,
                quotes=0,
                bookmarks=0,
                views=10 * likes,
                reach=0,
                saves=0,
                clicks=0,
            )
            published[post] = p
        report = refresh_round(site.pipeline(clock=lambda now=case.now: now), kim_slug=slug, force=True)
        assert (report.due, report.measured, report.failed) == (4, 4, 0), report
        out[case.name] = {"email": email, "slug": slug, "posts": published}
    return out


def _client(site: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, now: datetime, email: str) -> Any:
    from fastapi.testclient import TestClient

    from config.settings import get_settings
    from scheduler.web.app import create_app

    for name, value in {
        "SIAR_DATABASE_URL": site.url,
        "SIAR_DATA_DIR": str(tmp_path),
        "SIAR_ENV": "test",
        "SIAR_SECRET_KEY": site.keys[0],
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    client = TestClient(
        create_app(get_settings(), engine=site.engine, clock=lambda: now), base_url="https://testserver"
    )
    assert client.post("/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
    return client


def _series(svg: str, serie: int) -> list[tuple[str, str]]:
    """(value, x label) of every point of one line of a pygal chart, in order (pygal draws the
    line once, then its dots with their value and label in an overlay)."""
    (dots,) = [
        part
        for part in svg.split('class="series serie-')[1:]
        if part.startswith(f"{serie} ") and 'class="dots"' in part
    ]
    return re.findall(r'<desc class="value">([^<]*)</desc>.*?<desc class="x_label">([^<]*)</desc>', dots, re.S)


def _figure(html: str, figure_id: str) -> str:
    return html.split(f'id="{figure_id}"', 1)[1].split("</figure>", 1)[0]


@pytest.mark.parametrize("case", BOUNDARIES, ids=[b.name for b in BOUNDARIES])
def test_default_period_days_and_figures_across_the_boundary(site, boundary_kims, case, monkeypatch, tmp_path):
    kim = boundary_kims[case.name]
    posts = kim["posts"]
    # the set-up is what this test is about: UTC days differ from the WIB days the page counts
    assert posts["today"]["published_at"].date() == case.last - timedelta(days=1)
    assert local_day(posts["today"]["published_at"], "Asia/Jakarta") == case.last
    assert posts["first"]["published_at"].date() == case.first - timedelta(days=1)

    client = _client(site, monkeypatch, tmp_path, case.now, kim["email"])
    try:
        html = client.get("/engagement").text
    finally:
        from config.settings import get_settings

        get_settings.cache_clear()

    # the period: the 30 WIB days up to the clock's WIB day, in the form and in the heading
    assert f'id="from" name="from" value="{case.first.isoformat()}"' in html
    assert f'id="to" name="to" value="{case.last.isoformat()}"' in html
    assert case.heading in html

    # totals: the three posts of the period, not the one of the day before it
    inside = ("first", "eve", "today")
    likes = {name: case.posts[name][1] for name in case.posts}
    assert f'data-total-interactions="{sum(likes[n] for n in inside)}"' in html
    totals = html.split('id="totals"', 1)[1].split("</dl>", 1)[0]
    assert re.search(r"<dt>Unggahan</dt><dd>3</dd>", totals), totals

    # over time: one point per WIB day of the period, each post on its WIB day
    points = _series(_figure(html, "chart-time"), 0)
    days = [case.first + timedelta(days=i) for i in range(30)]
    assert [label for _value, label in points] == [_label(d, case) for d in days]
    expected = {case.first: likes["first"], case.last - timedelta(days=1): likes["eve"], case.last: likes["today"]}
    assert [value for value, _label in points] == [f"{expected.get(d, 0):,.0f}" for d in days]

    # top posts: the period's posts, best first; the day before the period is not among them
    top = html.split('id="top-posts"', 1)[1].split("</ol>", 1)[0]
    shown = re.findall(r"Kopi Dampit \(\w+, (\w+)\)", top)
    assert shown == ["today", "eve", "first"]

    # the export covers the same period
    assert f"from={case.first.isoformat()}&amp;to={case.last.isoformat()}" in html


def _label(day: date, case: Boundary) -> str:
    """How the chart names a day: day first, as Indonesians write dates; with the year
    when the period spans two years."""
    months = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    text = f"{day.day} {months[day.month - 1]}"
    return f"{text} {day.year}" if case.first.year != case.last.year else text
