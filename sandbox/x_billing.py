"""X pay-per-use in the sandbox: every call X bills is billed, by the one price table.

Prices come from ``connectors/x_prices.py`` (Siar reads the same table).
The X handlers call :func:`bill_create` and :func:`bill_reads` once they
know what they will answer; a call that the account's credit cannot cover
is refused with X's 402 ``CreditsDepleted``, one over a spending cap or the
monthly post-read cap with 429 ``UsageCapExceeded``, and a refused call
bills nothing. Reads are billed per resource returned, and a resource an
app has already paid for on the same UTC day (by the sandbox's clock) is
free. In the sandbox every account is its own app (its consumer key, its
bearer token), so the app's credit is the account's.

The ledger lives in memory (like the rate-limit counters): ``POST
/_sandbox/reset`` or ``DELETE /_sandbox/x/billing`` empties it, and it does
not survive a restart, even with ``--state``.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from connectors import x_prices
from connectors.x_prices import Kind
from sandbox.runtime import SANDBOX_KEY, BadInput, PlatformError, Sandbox, endpoint
from sandbox.state import Account

CREDITS_TYPE = "https://api.twitter.com/2/problems/credits"
USAGE_CAPPED_TYPE = "https://api.twitter.com/2/problems/usage-capped"
KEEP_DAYS = 4  # de-duplication memory: the newest few UTC days seen (the clock may be moved back a little)


@dataclass
class Limits:
    """What one account may spend: credit left and caps per UTC calendar month (micro-dollars)."""

    credit: int | None = None  # None: unlimited
    spending_cap: int | None = None  # None: no cap
    post_reads_cap: int = x_prices.POST_READS_PER_MONTH


@dataclass
class XBilling:
    """The ledger, the de-duplication memory, and each account's credit and caps."""

    # (app, handle, UTC day, kind) -> [units billed, micro-dollars]
    ledger: dict[tuple[str, str, str, str], list[int]] = field(default_factory=dict)
    deduplicated: collections.Counter[tuple[str, str, str]] = field(default_factory=collections.Counter)
    refused: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    limits: dict[str, Limits] = field(default_factory=dict)
    # (handle, "YYYY-MM", "micro" | "post_reads") -> total
    monthly: collections.Counter[tuple[str, str, str]] = field(default_factory=collections.Counter)
    seen: dict[str, set[tuple[str, str, str]]] = field(default_factory=dict)

    def charge(self, now: float, payer: Account, kind: Kind, ids: list[str] | None) -> None:
        """Bill ``payer`` for one call: a create (``ids`` None) or the resources ``ids`` returned.

        Raises PlatformError (402 or 429) and bills nothing when the account may not pay for it.
        """
        day = datetime.fromtimestamp(now, UTC).date().isoformat()
        month = day[:7]
        app = payer.secrets.get("consumer_key", payer.handle)
        resource = "user" if kind == "user_read" else "post"
        fresh: list[str] = []
        if ids is None:
            count = 1
        else:
            seen = self.seen.get(day, set())
            fresh = [i for i in dict.fromkeys(ids) if (app, resource, i) not in seen]
            count = len(fresh)
        micro = x_prices.to_micro(x_prices.cost(kind, count))
        refusal = self._refusal(payer, month, kind, count, micro) if count else None
        if refusal is not None:
            raise PlatformError(refusal)
        if ids is not None and len(ids) > count:
            self.deduplicated[(app, payer.handle, day)] += len(ids) - count
        if count == 0:
            return
        line = self.ledger.setdefault((app, payer.handle, day, kind), [0, 0])
        line[0] += count
        line[1] += micro
        self.monthly[(payer.handle, month, "micro")] += micro
        if kind in x_prices.POST_READS:
            self.monthly[(payer.handle, month, "post_reads")] += count
        limits = self.limits.get(payer.handle)
        if limits is not None and limits.credit is not None:
            limits.credit -= micro
        if fresh:
            self._remember(day, {(app, resource, i) for i in fresh})

    def _refusal(self, payer: Account, month: str, kind: Kind, count: int, micro: int) -> web.Response | None:
        limits = self.limits.get(payer.handle) or Limits()
        if limits.credit is not None and micro > limits.credit:
            self.refused[(payer.handle, "credits_depleted")] += 1
            return web.json_response(
                {
                    "title": "CreditsDepleted",
                    "detail": f"Your enrolled account [{payer.account_id}] does not have any credits to fulfill "
                    "this request.",
                    "type": CREDITS_TYPE,
                },
                status=402,
            )
        over_spend = limits.spending_cap is not None and self.monthly[(payer.handle, month, "micro")] + micro > (
            limits.spending_cap
        )
        reads = self.monthly[(payer.handle, month, "post_reads")] + count
        over_reads = kind in x_prices.POST_READS and reads > limits.post_reads_cap
        if not (over_spend or over_reads):
            return None
        self.refused[(payer.handle, "usage_capped")] += 1
        what = "Monthly spending limit" if over_spend else "Monthly post read cap"
        return web.json_response(
            {
                "title": "UsageCapExceeded",
                "detail": f"Usage cap exceeded: {what}",
                "period": "Monthly",
                "scope": "Product",
                "type": USAGE_CAPPED_TYPE,
            },
            status=429,
        )

    def _remember(self, day: str, keys: set[tuple[str, str, str]]) -> None:
        self.seen.setdefault(day, set()).update(keys)
        while len(self.seen) > KEEP_DAYS:
            del self.seen[min(self.seen)]

    def reset(self) -> None:
        """Forget the ledger, the de-duplication memory, credits and caps."""
        for part in (self.ledger, self.deduplicated, self.refused, self.limits, self.monthly, self.seen):
            part.clear()

    def report(self, handle: str | None = None, day: str | None = None) -> dict[str, Any]:
        """The ledger as the admin API shows it: per account, per UTC day and per kind, and totals."""
        accounts: dict[str, dict[str, Any]] = {}
        total: dict[str, list[int]] = {}
        for (app, who, on, kind), (count, micro) in sorted(self.ledger.items()):
            if (handle and who != handle) or (day and on != day):
                continue
            entry = accounts.setdefault(who, _account_entry(app))
            days = entry["days"].setdefault(on, {"kinds": {}, "micro": 0, "deduplicated": 0})
            days["kinds"][kind] = _line(count, micro)
            days["micro"] += micro
            _add(entry["kinds"], kind, count, micro)
            entry["micro"] += micro
            _add(total, kind, count, micro)
        for (app, who, on), n in self.deduplicated.items():
            if (handle and who != handle) or (day and on != day):
                continue
            entry = accounts.setdefault(who, _account_entry(app))
            entry["days"].setdefault(on, {"kinds": {}, "micro": 0, "deduplicated": 0})["deduplicated"] += n
        for who in set(self.limits) | {h for h, _ in self.refused}:
            if not handle or who == handle:
                accounts.setdefault(who, _account_entry(""))
        for who, entry in accounts.items():
            entry["usd"] = _usd(entry.pop("micro"))
            entry["kinds"] = {k: _line(*v) for k, v in entry["kinds"].items()}
            for one in entry["days"].values():
                one["usd"] = _usd(one.pop("micro"))
            entry.update(self.limits_json(who))
            entry["refused"] = {r: self.refused[(who, r)] for r in ("credits_depleted", "usage_capped")}
        return {
            "prices": {k: x_prices.usd_text(v) for k, v in x_prices.PRICES.items()},
            "prices_as_of": x_prices.PRICES_AS_OF.isoformat(),
            "source": x_prices.SOURCE,
            "accounts": accounts,
            "total": {
                "usd": _usd(sum(micro for _, micro in total.values())),
                "kinds": {k: _line(*v) for k, v in sorted(total.items())},
            },
        }

    def limits_json(self, handle: str) -> dict[str, Any]:
        """An account's credit left and caps, as JSON (dollars as text; null: unlimited)."""
        limits = self.limits.get(handle) or Limits()
        return {
            "credit_usd": None if limits.credit is None else _usd(limits.credit),
            "spending_cap_usd": None if limits.spending_cap is None else _usd(limits.spending_cap),
            "post_reads_per_month": limits.post_reads_cap,
        }

    def post_reads_by_day(self, handle: str) -> dict[str, int]:
        """Posts billed as read, per UTC day (``GET /2/usage/tweets``)."""
        out: collections.Counter[str] = collections.Counter()
        for (_, who, on, kind), (count, _) in self.ledger.items():
            if who == handle and kind in x_prices.POST_READS:
                out[on] += count
        return dict(out)


def _account_entry(app: str) -> dict[str, Any]:
    return {"app": app, "days": {}, "kinds": {}, "micro": 0}


def _add(into: dict[str, list[int]], kind: str, count: int, micro: int) -> None:
    line = into.setdefault(kind, [0, 0])
    line[0] += count
    line[1] += micro


def _line(count: int, micro: int) -> dict[str, Any]:
    return {"count": count, "usd": _usd(micro)}


def _usd(micro: int) -> str:
    return x_prices.usd_text(x_prices.from_micro(micro))


BILLING_KEY = web.AppKey("x_billing", XBilling)


# -- hooks for the X handlers -------------------------------------------------
def _payer(sb: Sandbox, request: web.Request, account: Account | None) -> Account | None:
    """Who pays: the OAuth 1.0a user, or the account whose bearer token was sent."""
    if account is not None:
        return account
    token = request.headers.get("Authorization", "")[7:]
    return next((a for a in sb.store.accounts() if a.platform == "x" and a.secrets.get("bearer_token") == token), None)


def bill_create(request: web.Request, account: Account, text: str) -> None:
    """Bill creating one post (the URL price when ``text`` holds a link); raise 402/429 instead."""
    sb = request.app[SANDBOX_KEY]
    request.app[BILLING_KEY].charge(sb.now(), account, x_prices.create_kind(text), None)


def bill_reads(request: web.Request, account: Account | None, kind: Kind, ids: list[str]) -> None:
    """Bill the resources a read returns (``ids``), each at most once per app and UTC day; raise 402/429."""
    sb = request.app[SANDBOX_KEY]
    payer = _payer(sb, request, account)
    if payer is not None and ids:
        request.app[BILLING_KEY].charge(sb.now(), payer, kind, ids)


# -- GET /2/usage/tweets ----------------------------------------------------
async def usage_tweets(request: web.Request) -> web.Response:
    """GET /2/usage/tweets?days=1..90&usage.fields=... (app bearer token): posts consumed per UTC day."""
    from sandbox.x_api import authenticate  # x_api imports this module

    sb = request.app[SANDBOX_KEY]
    await authenticate(request, user=False)
    payer = _payer(sb, request, None)
    if payer is None:  # an OAuth 1.0a user request: X answers this endpoint for app tokens only
        detail = (
            "Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  "
            "Supported authentication types are [OAuth 2.0 Application-Only]."
        )
        problem = "https://api.twitter.com/2/problems/unsupported-authentication"
        body = {"title": "Unsupported Authentication", "detail": detail, "type": problem, "status": 403}
        raise PlatformError(web.json_response(body, status=403))
    try:
        days = int(request.query.get("days", "7"))
    except ValueError:
        days = 0
    if not 1 <= days <= 90:
        raise BadInput("The `days` query parameter value must be between 1 and 90")
    billing = request.app[BILLING_KEY]
    today = datetime.fromtimestamp(sb.now(), UTC).date()
    by_day = billing.post_reads_by_day(payer.handle)
    app = payer.secrets["consumer_key"]
    fields = {f.strip() for f in request.query.get("usage.fields", "").split(",") if f.strip()}
    usage = [
        {"date": f"{on.isoformat()}T00:00:00.000Z", "usage": str(by_day.get(on.isoformat(), 0))}
        for on in (today - timedelta(days=n) for n in range(days - 1, -1, -1))
    ]
    data: dict[str, Any] = {
        "cap_reset_day": 1,  # the sandbox's billing cycle is the UTC calendar month
        "project_id": app,
        "project_cap": str((billing.limits.get(payer.handle) or Limits()).post_reads_cap),
        "project_usage": str(billing.monthly[(payer.handle, today.isoformat()[:7], "post_reads")]),
    }
    if "daily_project_usage" in fields:
        data["daily_project_usage"] = {"project_id": app, "usage": usage}
    if "daily_client_app_usage" in fields:
        data["daily_client_app_usage"] = [{"client_app_id": app, "usage": usage, "usage_result_count": len(usage)}]
    return web.json_response({"data": data})


# -- admin API ----------------------------------------------------------------
def _error(status: int, code: str, id_msg: str, en_msg: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": f"{id_msg} / {en_msg}"}}, status=status)


def _money(value: Any) -> int | None:
    """Admin input in dollars (a string such as "1.00", or a number; null: unlimited) -> micro-dollars."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(value)
    usd = Decimal(str(value))
    if not usd.is_finite() or usd < 0:
        raise ValueError(value)
    return x_prices.to_micro(usd)


async def _settings(request: web.Request) -> tuple[Limits, dict[str, Any]] | web.Response:
    try:
        body = await request.json()
    except Exception:
        body = None
    if not isinstance(body, dict):
        return _error(400, "bad_json", "Isi permintaan harus objek JSON", "body must be a JSON object")
    handle = body.get("account")
    if not isinstance(handle, str) or request.app[SANDBOX_KEY].store.account("x", handle) is None:
        return _error(404, "no_account", "Akun X tidak ditemukan", "X account not found")
    return request.app[BILLING_KEY].limits.setdefault(handle, Limits()), body


def _bad_money(field_name: str) -> web.Response:
    return _error(
        400,
        "bad_usd",
        f'{field_name} harus jumlah dolar >= 0 sebagai teks, mis. "1.00" (null: tanpa batas)',
        f'{field_name} must be a dollar amount >= 0 as text, e.g. "1.00" (null: unlimited)',
    )


async def set_credit(request: web.Request) -> web.Response:
    """POST /_sandbox/x/credit {account, usd} sets the credit left (null: unlimited); {account, add_usd} tops up."""
    parsed = await _settings(request)
    if isinstance(parsed, web.Response):
        return parsed
    limits, body = parsed
    name = "add_usd" if "add_usd" in body else "usd"
    try:
        micro = _money(body.get(name))
    except (ValueError, InvalidOperation):
        return _bad_money(name)
    if name == "add_usd":
        limits.credit = None if limits.credit is None or micro is None else limits.credit + micro
    else:
        limits.credit = micro
    return web.json_response({"account": body["account"], **request.app[BILLING_KEY].limits_json(body["account"])})


async def set_cap(request: web.Request) -> web.Response:
    """POST /_sandbox/x/cap {account, usd, post_reads_per_month}: monthly caps (usd null: no spending cap)."""
    parsed = await _settings(request)
    if isinstance(parsed, web.Response):
        return parsed
    limits, body = parsed
    if "usd" in body:
        try:
            limits.spending_cap = _money(body["usd"])
        except (ValueError, InvalidOperation):
            return _bad_money("usd")
    if "post_reads_per_month" in body:
        reads = body["post_reads_per_month"]
        if reads is None:
            reads = x_prices.POST_READS_PER_MONTH
        if isinstance(reads, bool) or not isinstance(reads, int) or reads < 0:
            return _error(
                400, "bad_cap", "post_reads_per_month harus bilangan bulat >= 0", "post_reads_per_month must be >= 0"
            )
        limits.post_reads_cap = reads
    return web.json_response({"account": body["account"], **request.app[BILLING_KEY].limits_json(body["account"])})


async def get_billing(request: web.Request) -> web.Response:
    """GET /_sandbox/x/billing[?account=][&day=YYYY-MM-DD]: the ledger, per account, UTC day and kind."""
    day = request.query.get("day") or None
    if day is not None:
        try:
            date.fromisoformat(day)
        except ValueError:
            return _error(400, "bad_day", "day harus YYYY-MM-DD", "day must be YYYY-MM-DD")
    return web.json_response(request.app[BILLING_KEY].report(request.query.get("account") or None, day))


async def clear_billing(request: web.Request) -> web.Response:
    """DELETE /_sandbox/x/billing: forget the ledger, the de-duplication memory, credits and caps."""
    request.app[BILLING_KEY].reset()
    return web.json_response({"ok": True})


def reset(app: web.Application) -> None:
    """Part of ``POST /_sandbox/reset``."""
    app[BILLING_KEY].reset()


def register(app: web.Application) -> None:
    """Add the billing state, ``GET /2/usage/tweets`` and the admin routes under ``/_sandbox/x/``."""
    app[BILLING_KEY] = XBilling()
    app.router.add_get("/2/usage/tweets", endpoint("x", "read", usage_tweets))
    app.router.add_get("/_sandbox/x/billing", get_billing)
    app.router.add_delete("/_sandbox/x/billing", clear_billing)
    app.router.add_post("/_sandbox/x/credit", set_credit)
    app.router.add_post("/_sandbox/x/cap", set_cap)
