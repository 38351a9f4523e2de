"""The admin API under ``/_sandbox/``: accounts, posts, faults, limits, holds, counters.

Errors are ``{"error": {"code", "message"}}`` with the message in Bahasa
Indonesia and English, like the rest of Siar's JSON API.
"""

from __future__ import annotations

import collections
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from sandbox.credentials import create_account, credentials_json
from sandbox.engagement import METRICS, EngagementConfig, metrics_at
from sandbox.faults import FaultConfigError, FaultPlan
from sandbox.ratelimit import LimitConfig
from sandbox.runtime import SANDBOX_KEY, Sandbox
from sandbox.state import PLATFORMS

ACCOUNT_FLAGS = ("token_expired", "session_dead", "challenge", "two_factor")


def _error(status: int, code: str, id_msg: str, en_msg: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": f"{id_msg} / {en_msg}"}}, status=status)


class AdminError(Exception):
    """A bad admin request; carries the answer."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except Exception:
        raise AdminError(
            _error(400, "bad_json", "Isi permintaan bukan JSON yang sah", "body is not valid JSON")
        ) from None
    if not isinstance(data, dict):
        raise AdminError(_error(400, "bad_json", "Isi permintaan harus objek JSON", "body must be a JSON object"))
    return data


def _platform(value: Any) -> str:
    if value not in PLATFORMS:
        raise AdminError(
            _error(
                400,
                "bad_platform",
                f"Platform tidak dikenal: {value!r} (x, facebook, instagram)",
                f"unknown platform: {value!r} (x, facebook, instagram)",
            )
        )
    return str(value)


def _sb(request: web.Request) -> Sandbox:
    return request.app[SANDBOX_KEY]


async def reset(request: web.Request) -> web.Response:
    """POST /_sandbox/reset: forget everything."""
    _sb(request).reset()
    return web.json_response({"ok": True})


async def add_account(request: web.Request) -> web.Response:
    """POST /_sandbox/accounts {platform, handle} -> the credentials JSON (201 new, 200 existing)."""
    sb = _sb(request)
    body = await _body(request)
    platform = _platform(body.get("platform"))
    handle = body.get("handle")
    if not isinstance(handle, str) or not handle.strip() or len(handle) > 64 or "/" in handle:
        raise AdminError(
            _error(
                400,
                "bad_handle",
                "handle wajib diisi (maks. 64 karakter, tanpa '/')",
                "handle is required (at most 64 characters, no '/')",
            )
        )
    account, created = create_account(sb.store, platform, handle.strip())
    return web.json_response(credentials_json(account, sb.base_url), status=201 if created else 200)


async def list_accounts(request: web.Request) -> web.Response:
    """GET /_sandbox/accounts: handles, ids and flags (no secrets)."""
    return web.json_response(
        [
            {"platform": a.platform, "handle": a.handle, "account_id": a.account_id, "flags": a.flags}
            for a in _sb(request).store.accounts()
        ]
    )


async def account_credentials(request: web.Request) -> web.Response:
    """GET /_sandbox/accounts/{platform}/{handle}: the current credentials (Instagram sessions change on login)."""
    sb = _sb(request)
    account = sb.store.account(_platform(request.match_info["platform"]), request.match_info["handle"])
    if account is None:
        raise AdminError(_error(404, "no_account", "Akun tidak ditemukan", "account not found"))
    return web.json_response(credentials_json(account, sb.base_url))


async def account_state(request: web.Request) -> web.Response:
    """PUT /_sandbox/accounts/{platform}/{handle}/state {token_expired, session_dead, challenge, two_factor}"""
    sb = _sb(request)
    account = sb.store.account(_platform(request.match_info["platform"]), request.match_info["handle"])
    if account is None:
        raise AdminError(_error(404, "no_account", "Akun tidak ditemukan", "account not found"))
    body = await _body(request)
    unknown = set(body) - set(ACCOUNT_FLAGS)
    if unknown:
        raise AdminError(
            _error(
                400, "bad_flags", f"Status tidak dikenal: {sorted(unknown)}", f"unknown state flags: {sorted(unknown)}"
            )
        )
    for name, value in body.items():
        if value:
            account.flags[name] = True
        else:
            account.flags.pop(name, None)
    sb.store.save_account(account)
    return web.json_response({"platform": account.platform, "handle": account.handle, "flags": account.flags})


def post_json(sb: Sandbox, post: Any, create_requests: int) -> dict[str, Any]:
    """One post as the admin API shows it."""
    return {
        "platform": post.platform,
        "id": post.id,
        "handle": post.handle,
        "text": post.text,
        "media_count": post.media_count,
        "media_type": post.media_type,
        "created_at": datetime.fromtimestamp(post.created_at, UTC).isoformat(),
        "deleted": post.deleted,
        "create_requests": create_requests,
        "in_reply_to": (post.extra or {}).get("reply_to"),  # X: the tweet a thread part answers
        "metrics": metrics_at(sb.engagement, post.platform, post.id, post.created_at, post.metrics),
    }


async def list_posts(request: web.Request) -> web.Response:
    """GET /_sandbox/posts?platform=&handle=: every post (deleted ones flagged) with its create-request count."""
    sb = _sb(request)
    platform = request.query.get("platform") or None
    if platform:
        _platform(platform)
    rows = sb.store.all_posts(platform, request.query.get("handle") or None)
    return web.json_response([post_json(sb, post, n) for post, n in rows])


async def set_metrics(request: web.Request) -> web.Response:
    """PUT /_sandbox/posts/{platform}/{id}/metrics {likes, comments, shares, views, reach, saves, ...}"""
    sb = _sb(request)
    platform = _platform(request.match_info["platform"])
    post_id = request.match_info["id"]
    if platform == "instagram":
        post_id = post_id.split("_")[0]  # "pk_userid" (instagrapi's media id) or the pk
    post = sb.store.post(platform, post_id)
    if post is None:
        raise AdminError(_error(404, "no_post", "Unggahan tidak ditemukan", "post not found"))
    body = await _body(request)
    bad = [k for k, v in body.items() if k not in METRICS or not isinstance(v, int) or isinstance(v, bool) or v < 0]
    if bad:
        raise AdminError(
            _error(
                400,
                "bad_metrics",
                f"Metrik tidak sah: {bad} (pilihan: {', '.join(METRICS)})",
                f"invalid metrics: {bad} (choose from: {', '.join(METRICS)})",
            )
        )
    sb.store.set_metrics(platform, post.id, body)
    post = sb.store.post(platform, post.id)
    return web.json_response(post_json(sb, post, 0)["metrics"])


async def put_faults(request: web.Request) -> web.Response:
    """PUT /_sandbox/faults {platform, latency_ms, jitter_ms, error_rate, rate_limit_rate, hang_rate, hang_s,
    drop_rate, seed, only}"""
    sb = _sb(request)
    body = await _body(request)
    platform = _platform(body.get("platform"))
    try:
        sb.faults[platform] = FaultPlan.from_json(body)
    except (FaultConfigError, TypeError, ValueError) as exc:
        raise AdminError(
            _error(400, "bad_faults", f"Pengaturan gangguan tidak sah: {exc}", f"invalid faults: {exc}")
        ) from None
    return web.json_response(sb.faults[platform].to_json())


async def get_faults(request: web.Request) -> web.Response:
    """GET /_sandbox/faults"""
    return web.json_response({p: plan.to_json() for p, plan in _sb(request).faults.items()})


async def clear_faults(request: web.Request) -> web.Response:
    """DELETE /_sandbox/faults[?platform=]"""
    sb = _sb(request)
    platform = request.query.get("platform")
    if platform:
        sb.faults.pop(_platform(platform), None)
    else:
        sb.faults.clear()
    return web.json_response({"ok": True})


async def put_limits(request: web.Request) -> web.Response:
    """PUT /_sandbox/ratelimits {platform, account_limit, app_limit, window_s, account_code}"""
    sb = _sb(request)
    body = await _body(request)
    platform = _platform(body.get("platform"))
    try:
        sb.limiter.configs[platform] = LimitConfig.from_json(body)
    except (TypeError, ValueError) as exc:
        raise AdminError(
            _error(400, "bad_limits", f"Batas laju tidak sah: {exc}", f"invalid rate limits: {exc}")
        ) from None
    sb.limiter.forget(platform)
    return web.json_response(sb.limiter.to_json()[platform])


async def get_limits(request: web.Request) -> web.Response:
    """GET /_sandbox/ratelimits"""
    return web.json_response(_sb(request).limiter.to_json())


async def request_counts(request: web.Request) -> web.Response:
    """GET /_sandbox/requests[?platform=]: requests received, by platform and kind (and by operation)."""
    sb = _sb(request)
    out: dict[str, dict[str, dict[str, int]]] = collections.defaultdict(lambda: {"kinds": {}, "ops": {}})
    for (platform, key), n in sb.counts.items():
        if key.startswith("op:"):
            out[platform]["ops"][key[3:]] = n
        else:
            out[platform]["kinds"][key] = n
    wanted = request.query.get("platform")
    if wanted:
        return web.json_response(out.get(_platform(wanted), {"kinds": {}, "ops": {}}))
    return web.json_response(out)


async def clear_counts(request: web.Request) -> web.Response:
    """DELETE /_sandbox/requests"""
    _sb(request).counts.clear()
    return web.json_response({"ok": True})


async def put_hold(request: web.Request) -> web.Response:
    """PUT /_sandbox/hold {platform, enabled, timeout_s}: hold create requests until released."""
    sb = _sb(request)
    body = await _body(request)
    gate = sb.hold(_platform(body.get("platform")))
    gate.enabled = bool(body.get("enabled", True))
    try:
        gate.timeout_s = float(body.get("timeout_s", gate.timeout_s))
    except (TypeError, ValueError):
        raise AdminError(_error(400, "bad_hold", "timeout_s harus angka", "timeout_s must be a number")) from None
    if not gate.enabled:
        gate.release("apply")
    return web.json_response({"enabled": gate.enabled, "timeout_s": gate.timeout_s, "held": len(gate.waiting)})


async def get_hold(request: web.Request) -> web.Response:
    """GET /_sandbox/hold: per platform, whether creates are held and how many wait now."""
    sb = _sb(request)
    return web.json_response(
        {
            p: {"enabled": sb.hold(p).enabled, "timeout_s": sb.hold(p).timeout_s, "held": len(sb.hold(p).waiting)}
            for p in PLATFORMS
        }
    )


async def release(request: web.Request) -> web.Response:
    """POST /_sandbox/release {platform, action: apply|drop|error, count?}"""
    sb = _sb(request)
    body = await _body(request)
    action = body.get("action", "apply")
    if action not in ("apply", "drop", "error"):
        raise AdminError(
            _error(400, "bad_action", "action harus apply, drop atau error", "action must be apply, drop or error")
        )
    count = body.get("count")
    released = sb.hold(_platform(body.get("platform"))).release(action, int(count) if count is not None else None)
    return web.json_response({"released": released})


async def put_engagement(request: web.Request) -> web.Response:
    """PUT /_sandbox/engagement {seed, half_life_s, clock_offset_s}"""
    sb = _sb(request)
    body = await _body(request)
    try:
        sb.engagement = EngagementConfig(
            seed=int(body.get("seed", sb.engagement.seed)),
            half_life_s=float(body.get("half_life_s", sb.engagement.half_life_s)),
            clock_offset_s=float(body.get("clock_offset_s", sb.engagement.clock_offset_s)),
        )
    except (TypeError, ValueError):
        raise AdminError(
            _error(
                400,
                "bad_engagement",
                "seed, half_life_s dan clock_offset_s harus angka",
                "seed, half_life_s and clock_offset_s must be numbers",
            )
        ) from None
    return web.json_response(vars(sb.engagement))


async def advance_clock(request: web.Request) -> web.Response:
    """POST /_sandbox/clock {advance_s} or {at: ISO 8601 instant}: move the sandbox's clock.

    Engagement grows as if the time passed, and Graph API versions end by this
    clock. ``at`` sets it to that instant; ``advance_s`` moves it by seconds.
    """
    sb = _sb(request)
    body = await _body(request)
    if "at" in body:
        try:
            at = datetime.fromisoformat(str(body["at"]).replace("Z", "+00:00"))
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            raise AdminError(
                _error(
                    400,
                    "bad_clock",
                    "at harus waktu ISO 8601 dengan zona, mis. 2027-01-21T00:00:00Z",
                    "at must be an ISO 8601 instant with a zone, e.g. 2027-01-21T00:00:00Z",
                )
            )
        sb.engagement.clock_offset_s = at.timestamp() - time.time()
    else:
        try:
            sb.engagement.clock_offset_s += float(body.get("advance_s", 0))
        except (TypeError, ValueError):
            raise AdminError(_error(400, "bad_clock", "advance_s harus angka", "advance_s must be a number")) from None
    now = datetime.fromtimestamp(sb.now(), UTC).isoformat()
    return web.json_response({**vars(sb.engagement), "now": now})


async def health(request: web.Request) -> web.Response:
    """GET /_sandbox/health"""
    sb = _sb(request)
    state = "temporary" if sb.store.is_temporary else sb.store.path
    return web.json_response({"ok": True, "posts": sb.store.count_posts(), "state": state})


@web.middleware
async def admin_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn AdminError into its answer."""
    try:
        return await handler(request)
    except AdminError as exc:
        return exc.response


def register(app: web.Application) -> None:
    """Add the admin routes."""
    from sandbox import feed_page

    r = app.router
    r.add_post("/_sandbox/reset", reset)
    r.add_post("/_sandbox/accounts", add_account)
    r.add_get("/_sandbox/accounts", list_accounts)
    r.add_get("/_sandbox/accounts/{platform}/{handle}", account_credentials)
    r.add_put("/_sandbox/accounts/{platform}/{handle}/state", account_state)
    r.add_get("/_sandbox/posts", list_posts)
    r.add_put("/_sandbox/posts/{platform}/{id}/metrics", set_metrics)
    r.add_put("/_sandbox/faults", put_faults)
    r.add_get("/_sandbox/faults", get_faults)
    r.add_delete("/_sandbox/faults", clear_faults)
    r.add_put("/_sandbox/ratelimits", put_limits)
    r.add_get("/_sandbox/ratelimits", get_limits)
    r.add_get("/_sandbox/requests", request_counts)
    r.add_delete("/_sandbox/requests", clear_counts)
    r.add_put("/_sandbox/hold", put_hold)
    r.add_get("/_sandbox/hold", get_hold)
    r.add_post("/_sandbox/release", release)
    r.add_put("/_sandbox/engagement", put_engagement)
    r.add_post("/_sandbox/clock", advance_clock)
    r.add_get("/_sandbox/health", health)
    feed_page.register(app)
