"""Reconcile ``unknown`` targets with what the platform says (decision 0002, step 6).

For each account with unknown targets: ONE ``find_recent`` call since the
earliest attempt started (minus a margin), with no transaction open. A target
whose text (and media count) matches a listed post becomes ``published``
with that post's id. One that is not there becomes ``scheduled`` again, but
only once its attempt started long enough ago that its create call has
surely ended (``lease_seconds + reconcile_settle_seconds``): a slow worker
whose lease the sweeper expired could otherwise still be sending it.
Rescheduling clears the lease token, so that worker's late answer can no
longer land. A platform error leaves the target ``unknown`` for the next run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from connectors.base import AccountRef, ConnectorError, RemotePost
from scheduler.domain import outcomes
from scheduler.services.publishing import fingerprints
from scheduler.services.publishing.account_ref import account_ref
from scheduler.services.wiring import Pipeline
from scheduler.store.publishing import lifecycle
from scheduler.store.publishing import sweep as sweep_store

log = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    found: dict[int, str] = field(default_factory=dict)  # target id -> remote id
    rescheduled: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)  # not found yet, too early to retry
    errors: list[int] = field(default_factory=list)  # platform could not be asked


def reconcile_unknown(p: Pipeline) -> ReconcileReport:
    """Resolve every ``unknown`` target that can be resolved now."""
    report = ReconcileReport()
    with p.transaction() as conn:
        unknown = sweep_store.unknown_targets(conn, p.config.reconcile_batch)
        loaded = lifecycle.read_publish_inputs(conn, [u.target_id for u in unknown])
    jobs = {target_id: job for target_id, (job, _) in loaded.items()}
    by_account: dict[int, list[sweep_store.UnknownTarget]] = defaultdict(list)
    for u in unknown:
        by_account[u.account_id].append(u)
    for targets in by_account.values():
        _reconcile_account(p, targets, jobs, report)
    return report


def _reconcile_account(
    p: Pipeline,
    targets: list[sweep_store.UnknownTarget],
    jobs: dict[int, lifecycle.PublishInput],
    report: ReconcileReport,
) -> None:
    first = jobs[targets[0].target_id]
    now = p.now()
    margin = timedelta(seconds=p.config.reconcile_margin_seconds)
    starts = [t.started_at for t in targets if t.started_at is not None]
    since = (min(starts) if starts else now) - margin
    try:
        account: AccountRef = account_ref(p, first)
        remote = p.connector_for(first.platform).find_recent(account, since)
    except ConnectorError as exc:
        log.warning("reconcile: account %s not checked: %s", first.account_id, exc.code)
        report.errors.extend(t.target_id for t in targets)
        return
    except Exception:
        log.exception("reconcile: account %s not checked", first.account_id)
        report.errors.extend(t.target_id for t in targets)
        return
    claimed_remote: set[str] = set()
    settle = timedelta(seconds=p.config.lease_seconds + (p.config.reconcile_settle_seconds or 0))
    now = p.now()
    for t in targets:
        job = jobs[t.target_id]
        match = _find(remote, job, claimed_remote)
        with p.transaction() as conn:
            if match is not None:
                claimed_remote.add(match.remote_id)
                found = outcomes.reconciled_found(
                    match.remote_id, match.permalink, match.created_at or t.started_at or now
                )
                if lifecycle.record(conn, t.target_id, t.lease_token, found, now):
                    report.found[t.target_id] = match.remote_id
            elif (again := outcomes.reconciled_not_found(t.started_at, now, settle)) is not None:
                if lifecycle.record(conn, t.target_id, t.lease_token, again, now):
                    report.rescheduled.append(t.target_id)
            else:
                report.waiting.append(t.target_id)
    if report.found or report.rescheduled:
        log.warning("reconcile: %d found, %d rescheduled", len(report.found), len(report.rescheduled))


def _find(remote: list[RemotePost], job: lifecycle.PublishInput, taken: set[str]) -> RemotePost | None:
    """The listed post that is this target's content (and not already matched)."""
    for post in remote:
        if post.remote_id in taken:
            continue
        if fingerprints.matches(post, job.text, len(job.media), job.thread_parts, job.as_thread):
            return post
    return None
