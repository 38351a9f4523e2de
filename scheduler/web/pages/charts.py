"""Charts as inline SVG, drawn on the server by pygal (a maintained library, a Python dependency).

Server-side SVG keeps every page free of third-party JavaScript and of
requests to other hosts: pygal's default tooltip script (loaded from a CDN)
is switched off with ``js=[]``, and the style names no web font. Each chart
comes with its numbers as a table in the template, for screen readers and
for anyone who wants the exact values.

The pages' Content-Security-Policy allows no inline script or style, and
pygal puts both in every chart: a ``<style>`` scoped to the chart's id, a
``<script>`` with its config for the tooltip script, and a ``style``
attribute on the tooltip. So :func:`_svg` drops those three (with pygal's
own hook for that, an XML filter), and
:func:`stylesheet` gives pygal's own CSS for ``STYLE`` once, scoped to the
``pygal-chart`` class every chart has, served as ``/charts.css``
(``CHARTS_CSS``). Pygal's CSS depends only on the style and on how many
series a chart has (one colour rule each); the stylesheet has rules for
``MAX_SERIES``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pygal
from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup
from pygal.style import Style

from scheduler.web.i18n import translations
from scheduler.web.pages.assets import IMMUTABLE, versioned

STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#1c2321",
    foreground_strong="#1c2321",
    foreground_subtle="#56615c",
    opacity=".85",
    opacity_hover=".95",
    colors=("#0b6e4f", "#1877f2", "#dd2a7b", "#e0a100", "#6b4fa0", "#b3261e", "#2a9d8f"),
    font_family="system-ui, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=11,
)
COMMON: dict[str, Any] = dict(
    style=STYLE,
    js=[],
    disable_xml_declaration=True,
    explicit_size=False,
    width=640,
    height=340,
    legend_at_bottom=True,
    show_y_guides=True,
    truncate_legend=40,
    print_values=False,
    margin=12,
)


CHARTS_CSS = "/charts.css"
MAX_SERIES = 3 * len(STYLE.colors)  # past the palette pygal darkens it; more series draw in black
ROOT_CLASS = "pygal-chart"


def _local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _without_inline_code(root: Any) -> Any:
    """Drop pygal's ``<style>``, ``<script>`` and tooltip (the only ``style`` attribute)."""
    for parent in list(root.iter()):
        for child in list(parent):
            name = _local_name(child.tag)
            if name in ("style", "script") or "tooltip-overlay" in (child.get("class") or "").split():
                parent.remove(child)
    return root


def _svg(chart: Any) -> Markup:
    chart.add_xml_filter(_without_inline_code)
    return Markup(chart.render(is_unicode=True))


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """Pygal's CSS for ``STYLE`` and up to ``MAX_SERIES`` series, for every chart with ``ROOT_CLASS``."""
    sample = pygal.Line(**COMMON)
    for i in range(MAX_SERIES):
        sample.add(str(i), [1])
    root = sample.render_tree()
    css = "\n".join(e.text or "" for e in root.iter() if _local_name(e.tag) == "style")
    return css.replace(f"#chart-{sample.uuid}", f".{ROOT_CLASS}")


@lru_cache(maxsize=1)
def stylesheet_url() -> str:
    """``/charts.css?v=<content hash>``, cached for long like ``/static``."""
    return versioned(CHARTS_CSS, stylesheet().encode())


router = APIRouter(include_in_schema=False)


@router.get(CHARTS_CSS)
def charts_css() -> Response:
    return Response(stylesheet(), media_type="text/css", headers={"Cache-Control": IMMUTABLE})


def engagement_over_time(rows: Sequence[Any], lang: str, labels: Sequence[str]) -> Markup:
    """Interactions and views per local day (rows of a ``group_by="day"`` summary)."""
    _ = translations(lang).gettext
    chart = pygal.Line(
        title=_("Interactions and views per day"),
        x_label_rotation=30,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(rows) // 10),
        dots_size=3,
        value_formatter=_whole,
        min_scale=2,
        **COMMON,
    )
    chart.x_labels = list(labels)
    chart.add(_("Interactions"), [r.interactions for r in rows])
    views = [r.views for r in rows]
    known = [v for v in views if v is not None]
    if known:  # pygal cannot scale an axis with no value at all; start both axes at zero
        chart.config.secondary_range = (0, max(known) * 1.1 or 1)
        chart.add(_("Views"), views, secondary=True)
    return _svg(chart)


def by_group(rows: Sequence[Any], lang: str, title: str, limit: int = 15) -> Markup:
    """Interactions per group (KIM, kelurahan, platform, ...), best first."""
    _ = translations(lang).gettext
    shown = list(rows)[:limit]
    chart = pygal.HorizontalBar(title=title, show_legend=False, **{**COMMON, "height": max(220, 40 + 28 * len(shown))})
    chart.x_labels = [r.label[:40] for r in shown][::-1]
    chart.add(_("Interactions"), [r.interactions for r in shown][::-1])
    return _svg(chart)


def hours(stats: Sequence[tuple[int, int, float]], lang: str) -> Markup:
    """Median interactions per local publication hour: (hour, posts, median)."""
    _ = translations(lang).gettext
    chart = pygal.Bar(
        title=_("Median interactions by publication hour"),
        show_legend=False,
        value_formatter=_whole,
        **{**COMMON, "height": 300},
    )
    by_hour = {h: m for h, _n, m in stats}
    chart.x_labels = [f"{h:02d}" for h in range(24)]
    chart.x_labels_major_every = 3
    chart.show_minor_x_labels = False
    chart.add(_("Median interactions"), [by_hour.get(h) for h in range(24)])
    return _svg(chart)


def post_engagement(detail: Any, page: Any) -> Markup:
    """One post's engagement over time: interactions per target from its snapshots."""
    _ = translations(page.lang).gettext
    fmt_zone = page.zone
    chart = pygal.DateTimeLine(
        title=_("Engagement over time"),
        x_label_rotation=30,
        x_value_formatter=lambda d: _local(d, fmt_zone),
        dots_size=3,
        **{**COMMON, "height": 320},
    )
    for t in detail.targets:
        if not t.snapshots:
            continue
        name = f"{t.account.platform} @{t.account.handle}" if t.account else str(t.target.account_id)
        chart.add(name, [(s.captured_at.replace(tzinfo=None), _interactions(s)) for s in t.snapshots])
    return _svg(chart)


def _whole(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _interactions(s: Any) -> int:
    return sum(int(getattr(s, m) or 0) for m in ("likes", "comments", "shares", "saves"))


def _local(value: datetime, zone: str) -> str:

    from scheduler.domain.timezones import get_zone

    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(get_zone(zone)).strftime("%d/%m %H:%M")
