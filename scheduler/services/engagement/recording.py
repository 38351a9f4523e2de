"""Record what a metrics call answered: snapshot, latest values on the target, daily rollup.

All three are written in the caller's transaction, so a crash never leaves a
snapshot without its rollup. A post the platform no longer returns is marked
``remote_missing`` (snapshot values NULL, not 0) and keeps its last values
seen on the target and in the rollup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from connectors.base import Metrics, Missing
from scheduler.domain.engagement import (
    METRIC_NAMES,
    RefreshPolicy,
    deltas,
    interactions,
    local_day,
    next_refresh_at,
)
from scheduler.store.engagement_tables import engagement_daily
from scheduler.store.tables import engagement_snapshots, post_targets

T = post_targets.c
D = engagement_daily.c


@dataclass(frozen=True)
class DueTarget:
    """A published target to read, with what its rollup rows copy."""

    id: int
    account_id: int
    platform: str
    remote_id: str
    published_at: datetime
    due_at: datetime | None
    remote_missing: bool
    kim_id: int
    timezone: str
    subject_kind: str | None
    subject_id: int | None


@dataclass(frozen=True)
class Recorded:
    measured: int
    missing: int


def _values(metrics: Metrics) -> dict[str, int | None]:
    values = {name: (None if getattr(metrics, name) is None else int(getattr(metrics, name))) for name in METRIC_NAMES}
    # An audience of 0 for a post that has interactions is "not given", not zero: instagrapi
    # reports view_count 0 for every photo. Counting it would put those posts' interactions
    # over other posts' views in the engagement rate.
    if interactions(values["likes"], values["comments"], values["shares"], values["saves"]) > 0:
        for name in ("views", "reach"):
            if values[name] == 0:
                values[name] = None
    return values


def _raw(result: Metrics | Missing) -> dict[str, Any]:
    if isinstance(result, Missing):
        return {"missing": True, "reason": result.reason}
    try:
        return {str(k): v for k, v in dict(result.raw).items()}
    except (TypeError, ValueError):
        return {"unreadable_raw": True}


def record_results(
    conn: sa.Connection,
    now: datetime,
    targets: Sequence[DueTarget],
    results: Mapping[str, Metrics | Missing],
    policy: RefreshPolicy,
) -> Recorded:
    """Write the answers for ``targets`` captured at ``now`` (an id absent from ``results`` is Missing)."""
    if not targets:
        return Recorded(0, 0)
    latest = {
        row.target_id: row
        for row in conn.execute(
            sa.select(engagement_daily).where(D.target_id.in_([t.id for t in targets]), D.is_latest)
        )
    }
    snapshots: list[dict[str, Any]] = []
    measured_updates: list[dict[str, Any]] = []
    missing_updates: list[dict[str, Any]] = []
    daily_inserts: list[dict[str, Any]] = []
    daily_updates: list[dict[str, Any]] = []
    unlatest: list[dict[str, Any]] = []
    missing_count = 0
    for target in targets:
        result = results.get(target.remote_id) or Missing(target.remote_id)
        missing = isinstance(result, Missing)
        values = None if missing else _values(result)  # type: ignore[arg-type]
        snapshots.append(
            {
                "target_id": target.id,
                "captured_at": now,
                "remote_missing": missing,
                "raw": _raw(result),
                **(values or {name: None for name in METRIC_NAMES}),
            }
        )
        due = next_refresh_at(target.published_at, now, policy, missing=missing)
        if missing:
            missing_count += 1
            missing_updates.append({"tid": target.id, "due": due, "now": now})
        else:
            measured_updates.append(
                {"tid": target.id, "due": due, "now": now, **{f"v_{k}": v for k, v in (values or {}).items()}}
            )
        day = local_day(now, target.timezone)
        _rollup(target, day, now, values, latest.get(target.id), daily_inserts, daily_updates, unlatest)

    conn.execute(sa.insert(engagement_snapshots), snapshots)
    _update_targets(
        conn, measured_updates, remote_missing=False, **{name: sa.bindparam(f"v_{name}") for name in METRIC_NAMES}
    )
    _update_targets(conn, missing_updates, remote_missing=True)
    if unlatest:
        conn.execute(
            sa.update(engagement_daily)
            .where(D.target_id == sa.bindparam("tid"), D.day == sa.bindparam("old_day"))
            .values(is_latest=False),
            unlatest,
        )
    if daily_updates:
        conn.execute(
            sa.update(engagement_daily)
            .where(D.target_id == sa.bindparam("tid"), D.day == sa.bindparam("the_day"))
            .values(
                remote_missing=sa.bindparam("missing"),
                captured_at=sa.bindparam("now"),
                **{name: sa.bindparam(f"v_{name}") for name in METRIC_NAMES},
                **{f"d_{name}": sa.bindparam(f"dv_{name}") for name in METRIC_NAMES},
            ),
            daily_updates,
        )
    if daily_inserts:
        conn.execute(sa.insert(engagement_daily), daily_inserts)
    return Recorded(len(targets) - missing_count, missing_count)


def _update_targets(conn: sa.Connection, rows: list[dict[str, Any]], **values: Any) -> None:
    """Bulk-update the measured targets in ``rows`` (``tid``, ``now``, ``due``): capture time, next due."""
    if rows:
        conn.execute(
            sa.update(post_targets)
            .where(T.id == sa.bindparam("tid"))
            .values(metrics_captured_at=sa.bindparam("now"), engagement_due_at=sa.bindparam("due"), **values),
            rows,
        )


def _cumulative(row: Any) -> dict[str, int | None]:
    return {name: getattr(row, name) for name in METRIC_NAMES}


def _rollup(
    target: DueTarget,
    day: date,
    now: datetime,
    values: dict[str, int | None] | None,
    previous: Any,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    unlatest: list[dict[str, Any]],
) -> None:
    """Stage the rollup change for one answer (``values`` None: the post is missing)."""
    if previous is not None and previous.day == day:
        # Same local day: the day's cumulative is the latest value; its growth is
        # measured from where the day started (cumulative minus growth so far).
        if values is None:
            cumulative = _cumulative(previous)
            growth = {name: getattr(previous, f"d_{name}") for name in METRIC_NAMES}
        else:
            start = {
                name: (
                    None
                    if getattr(previous, name) is None
                    else getattr(previous, name) - getattr(previous, f"d_{name}")
                )
                for name in METRIC_NAMES
            }
            cumulative = values
            growth = deltas(values, start)
        updates.append(
            {
                "tid": target.id,
                "the_day": day,
                "missing": values is None,
                "now": now,
                **{f"v_{k}": v for k, v in cumulative.items()},
                **{f"dv_{k}": v for k, v in growth.items()},
            }
        )
        return
    if values is None:
        cumulative = _cumulative(previous) if previous is not None else {n: None for n in METRIC_NAMES}
        growth = {name: 0 for name in METRIC_NAMES}
    else:
        cumulative = values
        growth = deltas(values, _cumulative(previous) if previous is not None else {})
    if previous is not None:
        unlatest.append({"tid": target.id, "old_day": previous.day})
    inserts.append(
        {
            "target_id": target.id,
            "day": day,
            "kim_id": target.kim_id,
            "account_id": target.account_id,
            "platform": str(target.platform),
            "subject_kind": target.subject_kind,
            "subject_id": target.subject_id,
            "published_at": target.published_at,
            "published_day": local_day(target.published_at, target.timezone),
            **cumulative,
            **{f"d_{k}": v for k, v in growth.items()},
            "remote_missing": values is None,
            "is_latest": True,
            "captured_at": now,
        }
    )
