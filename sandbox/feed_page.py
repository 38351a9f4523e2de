"""Small HTML pages that show a sandbox account's posts as a feed (training mode).

New KIM members see what their scheduled posts "look like" on the platform
without touching a real account. Bahasa Indonesia first, times in WIB.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

from aiohttp import web

from sandbox.engagement import metrics_at
from sandbox.runtime import SANDBOX_KEY, Sandbox

WIB = timezone(timedelta(hours=7), "WIB")
NAMES = {"x": "X (Twitter)", "facebook": "Halaman Facebook", "instagram": "Instagram"}

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:640px;margin:2rem auto;padding:0 1rem;color:#1c1c1c;background:#f4f5f7}
h1{font-size:1.3rem}.card{background:#fff;border-radius:10px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 3px #0002}
.meta{color:#666;font-size:.85rem}.media{background:#dde3ea;border-radius:6px;padding:1.5rem;text-align:center;
color:#456;margin:.5rem 0}.stats{display:flex;gap:1rem;color:#444;font-size:.9rem}.deleted{opacity:.5}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.6rem;font-size:.9rem}
"""

_AVATAR = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="32" fill="#8aa"/></svg>'
)
_MEDIA = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1080"><rect width="1080" height="1080" '
    'fill="#dde3ea"/><text x="540" y="560" font-size="64" text-anchor="middle" fill="#456">Siar sandbox'
    "</text></svg>"
)


def _page(title: str, body: str) -> web.Response:
    return web.Response(
        text=f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_STYLE}</style></head>'
        f"<body>{body}</body></html>",
        content_type="text/html",
    )


async def index(request: web.Request) -> web.Response:
    """GET /_sandbox/ : the sandbox accounts, each linking to its feed."""
    sb: Sandbox = request.app[SANDBOX_KEY]
    items = (
        "".join(
            f'<li><a href="/_sandbox/feed/{a.platform}/{html.escape(a.handle)}">{NAMES[a.platform]}: '
            f"{html.escape(a.handle)}</a></li>"
            for a in sb.store.accounts()
        )
        or "<li>Belum ada akun. / No accounts yet.</li>"
    )
    return _page(
        "Sandbox Siar",
        "<h1>Sandbox Siar: akun latihan</h1>"
        '<p class="note">Ini bukan media sosial sungguhan: unggahan di sini hanya untuk latihan. '
        "/ Not real social media: posts here are for practice only.</p>"
        f"<ul>{items}</ul>",
    )


async def feed(request: web.Request) -> web.Response:
    """GET /_sandbox/feed/{platform}/{handle}: one account's posts, newest first."""
    sb: Sandbox = request.app[SANDBOX_KEY]
    platform, handle = request.match_info["platform"], request.match_info["handle"]
    account = sb.store.account(platform, handle)
    if account is None:
        return _page(
            "Tidak ditemukan",
            '<h1>Akun tidak ditemukan / Account not found</h1><p><a href="/_sandbox/">Kembali / Back</a></p>',
        )
    posts = sb.store.account_posts(platform, handle, limit=100, include_deleted=True)
    cards = []
    for post in posts:
        m = metrics_at(sb.engagement, platform, post.id, post.created_at, post.metrics)
        when = datetime.fromtimestamp(post.created_at, WIB).strftime("%d-%m-%Y %H:%M WIB")
        media = (
            f'<div class="media">{post.media_count} media ({html.escape(post.media_type)})</div>'
            if post.media_count
            else ""
        )
        gone = ' class="card deleted"' if post.deleted else ' class="card"'
        label = " · <b>dihapus / deleted</b>" if post.deleted else ""
        cards.append(
            f'<div{gone}><div class="meta">{when}{label}</div>'
            f"<p>{html.escape(post.text).replace(chr(10), '<br>')}</p>{media}"
            f'<div class="stats"><span>❤ {m["likes"]} suka</span><span>💬 {m["comments"]} komentar</span>'
            f"<span>🔁 {m['shares']} bagikan</span><span>👁 {m['views']} dilihat</span></div></div>"
        )
    body = "".join(cards) or "<p>Belum ada unggahan. / No posts yet.</p>"
    return _page(
        f"{handle} · {NAMES[platform]}",
        f"<h1>{html.escape(handle)} · {NAMES[platform]}</h1>"
        '<p class="note">Mode latihan: tampilan ini meniru linimasa akun. / Training mode.</p>'
        f'<p><a href="/_sandbox/">Semua akun / All accounts</a></p>{body}',
    )


async def avatar(request: web.Request) -> web.Response:
    """A placeholder profile picture."""
    return web.Response(text=_AVATAR, content_type="image/svg+xml")


async def media(request: web.Request) -> web.Response:
    """A placeholder image for every media URL the sandbox hands out."""
    return web.Response(text=_MEDIA, content_type="image/svg+xml")


def register(app: web.Application) -> None:
    """Add the feed pages."""
    app.router.add_get("/_sandbox/", index)
    app.router.add_get("/_sandbox/feed/{platform}/{handle}", feed)
    app.router.add_get("/_sandbox/static/avatar.svg", avatar)
    app.router.add_get("/_sandbox/static/media.svg", media)
