"""One engagement round: read the metrics of every published target that is due.

1. Plan (one short transaction): targets published but never scheduled for
   collection become due at their publication instant; due targets are
   selected (most overdue first, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL),
   grouped per account, and cut into batches (X 100 ids a call, Facebook 50,
   Instagram one feed page) that fit the account's call budget. The calls
   are reserved in ``engagement_budgets`` and the planned targets leased
   (``engagement_due_at`` pushed ``lease`` ahead) so a concurrent round skips
   them. What does not fit keeps its due time and waits for the next window:
   nothing fails.
2. Call: batch by batch through the account's connector, outside any
   transaction. Each answer is recorded in its own transaction
   (:mod:`.recording`).
3. An Instagram answer (the account's feed of newest posts) that lacks a
   post deeper than the feed page read is "not seen", not "missing".
4. A ``RateLimited`` answer stops that account for this round: its remaining
   targets get their due time back (they are first next time), the unused
   reservation is refunded and the budget paused until the platform's reset
   time. Other failures put the batch back ``error_backoff`` later. A round
   never raises because of one account.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from connectors.base import AuthExpired, ConnectorError, Missing, RateLimited
from scheduler.domain.engagement import Batch, calls_available, next_refresh_at, plan_batches, spend
from scheduler.services.engagement import budgets
from scheduler.services.engagement.config import EngagementConfig
from scheduler.services.engagement.recording import DueTarget, record_results
from scheduler.services.publishing.account_ref import account_ref
from scheduler.services.wiring import Pipeline
from scheduler.store.tables import kims, post_targets, posts, social_accounts

log = logging.getLogger(__name__)

T = post_targets.c
A = social_accounts.c
PUBLISHED = sa.text("post_targets.state = 'published'")  # literal: keeps ix_targets_engagement usable


@dataclass
class AccountPlan:
    account_id: int
    platform: str
    handle: str
    credentials_encrypted: str
    sandbox: bool
    batches: list[Batch]
    targets: dict[str, list[DueTarget]]  # remote id -> targets (normally one)
    reserved: int


@dataclass
class RoundReport:
    """What a round did; ``calls`` counts metrics calls made (each batch one call)."""

    started_at: datetime
    due: int = 0
    measured: int = 0
    missing: int = 0
    waiting_budget: int = 0
    deferred_rate_limited: int = 0
    failed: int = 0
    unconfirmed: int = 0  # not in a feed-based answer but too deep in the feed to call it missing
    calls: int = 0
    accounts: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items()}


def refresh_round(
    p: Pipeline,
    config: EngagementConfig | None = None,
    *,
    kim_slug: str | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> RoundReport:
    """Run one round; ``force`` treats every published target younger than the max age as due."""
    config = config or EngagementConfig()
    now = now or p.now()
    report = RoundReport(started_at=now)
    with p.transaction() as conn:
        _schedule_new(conn)
        due = _select_due(conn, now, config, kim_slug=kim_slug, force=force)
        report.due = len(due)
        plans = _plan(conn, now, config, due, report)
    for plan in plans:
        _run_account(p, config, plan, report)
    log.info("engagement round: %s", report.as_dict())
    return report


def _schedule_new(conn: sa.Connection) -> None:
    """Published targets never read get due at their publication instant (read at once)."""
    conn.execute(
        sa.update(post_targets)
        .where(
            PUBLISHED,
            T.engagement_due_at.is_(None),
            T.metrics_captured_at.is_(None),
            T.remote_id.is_not(None),
            T.published_at.is_not(None),
        )
        .values(engagement_due_at=T.published_at)
    )


def _select_due(
    conn: sa.Connection, now: datetime, config: EngagementConfig, *, kim_slug: str | None, force: bool
) -> list[DueTarget]:
    query = (
        sa.select(
            T.id,
            T.account_id,
            A.platform,
            T.remote_id,
            T.published_at,
            T.engagement_due_at,
            T.remote_missing,
            posts.c.kim_id,
            kims.c.timezone,
            posts.c.subject_kind,
            posts.c.subject_id,
        )
        .join(social_accounts, A.id == T.account_id)
        .join(posts, posts.c.id == T.post_id)
        .join(kims, kims.c.id == posts.c.kim_id)
        .where(PUBLISHED, T.remote_id.is_not(None), T.published_at.is_not(None))
    )
    if force:
        query = query.where(T.published_at > now - config.policy.max_age)
    else:
        query = query.where(T.engagement_due_at <= now)
    if kim_slug:
        query = query.where(kims.c.slug == kim_slug)
    query = query.order_by(T.engagement_due_at, T.id).limit(config.round_limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=post_targets, skip_locked=True)
    return [
        DueTarget(
            r.id,
            r.account_id,
            str(r.platform),
            str(r.remote_id),
            r.published_at,
            r.engagement_due_at,
            bool(r.remote_missing),
            r.kim_id,
            r.timezone,
            None if r.subject_kind is None else str(r.subject_kind),
            r.subject_id,
        )
        for r in conn.execute(query)
    ]


def _plan(
    conn: sa.Connection, now: datetime, config: EngagementConfig, due: list[DueTarget], report: RoundReport
) -> list[AccountPlan]:
    by_account: dict[int, list[DueTarget]] = defaultdict(list)
    for target in due:
        by_account[target.account_id].append(target)
    if not by_account:
        return []
    accounts = {
        row.id: row
        for row in conn.execute(
            sa.select(A.id, A.platform, A.handle, A.credentials_encrypted, A.sandbox, A.status, A.paused_until).where(
                A.id.in_(list(by_account))
            )
        )
    }
    states = budgets.load(conn, by_account)
    plans: list[AccountPlan] = []
    leased: list[dict[str, Any]] = []
    for account_id, targets in sorted(by_account.items()):
        account = accounts[account_id]
        usable = str(account.status) != "needs_reconnect" and not (
            account.paused_until is not None and account.paused_until > now
        )
        profile = config.profile(str(account.platform))
        state = states[account_id]
        calls = calls_available(state, profile, now) if usable else 0
        by_remote: dict[str, list[DueTarget]] = defaultdict(list)
        for target in targets:
            by_remote[target.remote_id].append(target)
        present = [r for r, ts in by_remote.items() if not ts[0].remote_missing]
        missing = [r for r, ts in by_remote.items() if ts[0].remote_missing]
        batches, waiting = plan_batches(present, missing, profile, calls)
        report.waiting_budget += sum(len(by_remote[r]) for r in waiting)
        if not batches:
            continue
        reserved = sum(b.cost for b in batches)
        budgets.save(conn, account_id, spend(state, reserved, profile, now), now)
        lease_until = now + config.lease
        leased.extend({"tid": t.id, "due": lease_until} for b in batches for r in b.ids for t in by_remote[r])
        plans.append(
            AccountPlan(
                account_id,
                str(account.platform),
                account.handle,
                account.credentials_encrypted,
                bool(account.sandbox),
                batches,
                dict(by_remote),
                reserved,
            )
        )
    if leased:
        conn.execute(
            sa.update(post_targets).where(T.id == sa.bindparam("tid")).values(engagement_due_at=sa.bindparam("due")),
            leased,
        )
    report.accounts = len(plans)
    return plans


def _put_back(p: Pipeline, plan: AccountPlan, batches: list[Batch], due: datetime | None) -> int:
    """Un-lease the targets of ``batches``: their old due time (``due`` None) or ``due``."""
    rows = [{"tid": t.id, "due": due or t.due_at} for b in batches for r in b.ids for t in plan.targets[r]]
    if rows:
        _set_due(p, rows)
    return len(rows)


def _set_due(p: Pipeline, rows: list[dict[str, Any]]) -> None:
    """Give each published target of ``rows`` (``tid``, ``due``) its next engagement due time."""
    with p.transaction() as conn:
        conn.execute(
            sa.update(post_targets)
            .where(T.id == sa.bindparam("tid"), PUBLISHED)
            .values(engagement_due_at=sa.bindparam("due")),
            rows,
        )


def _too_deep_to_tell(
    p: Pipeline, config: EngagementConfig, plan: AccountPlan, targets: list[DueTarget], results: Mapping[str, Any]
) -> set[int]:
    """Targets a feed-based answer did not contain although they may still exist.

    Instagram is read from the account's feed of its newest posts: a post
    deeper than ``feed_depth`` is simply not on the page read, so "not found"
    is no evidence that it was deleted. Such targets get no snapshot and
    keep their schedule (docs/engagement.md, "Instagram depth").
    """
    depth = config.profile(plan.platform).feed_depth
    absent = [t for t in targets if isinstance(results.get(t.remote_id, Missing(t.remote_id)), Missing)]
    if depth is None or not absent:
        return set()
    with p.engine.connect() as conn:
        newest = {
            row.id
            for row in conn.execute(
                sa.select(T.id)
                .where(T.account_id == plan.account_id, PUBLISHED, T.published_at.is_not(None))
                .order_by(T.published_at.desc())
                .limit(depth)
            )
        }
    unseen = {t.id for t in absent if t.id not in newest}
    if unseen:
        now = p.now()
        rows = [
            {"tid": t.id, "due": next_refresh_at(t.published_at, now, config.policy)} for t in absent if t.id in unseen
        ]
        _set_due(p, rows)
    return unseen


def _run_account(p: Pipeline, config: EngagementConfig, plan: AccountPlan, report: RoundReport) -> None:
    spent = 0
    try:
        account = account_ref(p, plan)
        connector = p.connector_for(plan.platform)
    except (ConnectorError, KeyError) as error:
        report.failed += _put_back(p, plan, plan.batches, p.now() + config.error_backoff)
        report.errors.append(f"account {plan.account_id}: {type(error).__name__}")
        with p.transaction() as conn:
            budgets.refund(conn, plan.account_id, plan.reserved, p.now())
        return
    for index, batch in enumerate(plan.batches):
        try:
            results = connector.fetch_metrics(account, list(batch.ids))
        except RateLimited as limited:
            rest = plan.batches[index:]
            report.calls += 1
            report.deferred_rate_limited += _put_back(p, plan, rest, None)
            with p.transaction() as conn:
                budgets.refund(conn, plan.account_id, plan.reserved - spent - batch.cost, p.now())
                budgets.pause(conn, plan.account_id, limited.retry_at, p.now())
            report.errors.append(f"account {plan.account_id}: rate limited until {limited.retry_at.isoformat()}")
            return
        except AuthExpired as error:
            report.calls += 1
            report.failed += _put_back(p, plan, plan.batches[index:], p.now() + config.error_backoff)
            report.errors.append(f"account {plan.account_id}: {error.code}")
            return
        except Exception as error:
            report.calls += 1
            spent += batch.cost
            report.failed += _put_back(p, plan, [batch], p.now() + config.error_backoff)
            report.errors.append(f"account {plan.account_id}: {type(error).__name__}")
            continue
        report.calls += 1
        spent += batch.cost
        targets = [t for r in batch.ids for t in plan.targets[r]]
        unseen = _too_deep_to_tell(p, config, plan, targets, results)
        if unseen:
            targets = [t for t in targets if t.id not in unseen]
            report.unconfirmed += len(unseen)
        with p.transaction() as conn:
            recorded = record_results(conn, p.now(), targets, results, config.policy)
        report.measured += recorded.measured
        report.missing += recorded.missing
