"""``siar status``: workers, beat, late targets and the Graph API version, in Bahasa Indonesia (WIB).

``--check`` exits 1 when workers or beat are down, a target is late, or the
configured Facebook Graph API version has ended (nothing publishes to
Facebook). A version ending within 60 days is printed as a warning, in both
languages, and does not fail the check: it should not page anyone at night.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from scheduler.cli._context import bilingual_errors, utcnow

if TYPE_CHECKING:
    from scheduler.services.operations.graph_version import GraphVersionNotice
    from scheduler.services.publishing.liveness import Heartbeat, LivenessStatus


def _local(instant: datetime | None, zone: str) -> str:
    if instant is None:
        return "-"
    from scheduler.domain.timezones import get_zone

    local = instant.astimezone(get_zone(zone))
    return local.strftime("%d-%m-%Y %H:%M:%S ") + (local.tzname() or "")


def _ago(now: datetime, instant: datetime) -> str:
    seconds = int((now - instant).total_seconds())
    if seconds < 120:
        return f"{seconds} detik lalu"
    if seconds < 7200:
        return f"{seconds // 60} menit lalu"
    return f"{seconds // 3600} jam lalu"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON / JSON output.")
@click.option(
    "--check", is_flag=True, help="Keluar dengan kode 1 bila tidak sehat / exit 1 when unhealthy (monitoring)."
)
@bilingual_errors
def status(as_json: bool, check: bool) -> None:
    """Status worker, beat, target terlambat, versi Graph API / workers, beat, overdue targets, Graph API."""
    from config.settings import get_settings
    from scheduler.services.operations import graph_version
    from scheduler.services.publishing import liveness
    from scheduler.services.wiring import PipelineConfig
    from scheduler.store.db import make_engine

    settings = get_settings()
    config = PipelineConfig.from_settings(settings)
    engine = make_engine(settings.db_url, sqlite_begin="deferred")
    now = utcnow()
    try:
        st = liveness.status(
            engine,
            now,
            worker_ttl=config.worker_ttl_seconds,
            beat_ttl=config.beat_ttl_seconds,
            overdue_grace=config.overdue_grace_seconds,
        )
    finally:
        engine.dispose()
    graph = graph_version.notice(settings.facebook_graph_version, now)
    healthy = st.healthy and not graph.alert
    if as_json:
        click.echo(json.dumps({**_as_dict(st), "healthy": healthy, "facebook_graph": _graph_dict(graph)}, indent=2))
    else:
        _print(st, settings.timezone, graph, healthy)
    if check and not healthy:
        raise SystemExit(1)


def _graph_dict(g: GraphVersionNotice) -> dict[str, Any]:
    return {
        "version": g.version,
        "state": g.level,
        "ends_on": g.ends_on.isoformat() if g.ends_on else None,
        "days_left": g.days_left,
        "message": g.message,
    }


def _as_dict(st: LivenessStatus) -> dict[str, Any]:
    def beat(h: Heartbeat | None) -> dict[str, Any] | None:
        return (
            None
            if h is None
            else {
                "name": h.name,
                "hostname": h.hostname,
                "pid": h.pid,
                "seen_at": h.seen_at.isoformat(),
                "alive": h.alive,
            }
        )

    return {
        "now": st.now.isoformat(),
        "healthy": st.healthy,
        "workers": [beat(w) for w in st.workers],
        "beat": beat(st.beat),
        "overdue": [
            {
                "target_id": o.target_id,
                "post_id": o.post_id,
                "account": o.account,
                "state": o.state,
                "due_at": o.due_at.isoformat() if o.due_at else None,
                "held": o.held,
            }
            for o in st.overdue
        ],
        "unknown": st.unknown,
    }


def _print(st: LivenessStatus, zone: str, graph: GraphVersionNotice, healthy: bool) -> None:
    echo = click.echo
    echo(f"Status Siar pada {_local(st.now, zone)}")
    echo("")
    live = st.live_workers
    echo(f"Worker aktif: {len(live)}")
    for w in st.workers:
        mark = "hidup" if w.alive else "tidak merespons"
        echo(f"  - {w.name} (pid {w.pid}) {mark}, terakhir terlihat {_ago(st.now, w.seen_at)}")
    if not st.workers:
        echo("  (tidak ada worker; jalankan 'siar worker')")
    if st.beat is None:
        echo("Beat: belum pernah berdetak (jalankan 'siar beat')")
    else:
        mark = "hidup" if st.beat.alive else "BERHENTI"
        echo(f"Beat: {mark}, detak terakhir {_local(st.beat.seen_at, zone)} ({_ago(st.now, st.beat.seen_at)})")
    echo("")
    late = [o for o in st.overdue if not o.held]
    held = [o for o in st.overdue if o.held]
    echo(f"Target terlambat: {len(late)}")
    for o in late:
        echo(
            f"  - target #{o.target_id} (unggahan #{o.post_id}) {o.account} status {o.state}, "
            f"jadwal {_local(o.due_at, zone)}"
        )
    if held:
        echo(f"Target ditahan (akun perlu disambung ulang atau dijeda): {len(held)}")
        for o in held:
            echo(f"  - target #{o.target_id} {o.account}, jadwal {_local(o.due_at, zone)}")
    if st.unknown:
        echo(f"Target dengan hasil belum pasti (sedang dicek ulang): {st.unknown}")
    echo("")
    if graph.ends_on:
        until = f"berhenti dilayani pada {graph.ends_on.strftime('%d-%m-%Y')}"
    else:
        until = "tanggal berhentinya tidak diketahui"
    echo(f"Graph API Facebook: {graph.version} ({until})")
    if graph.message_id:
        echo(f"  {'BERHENTI' if graph.alert else 'PERINGATAN'}: {graph.message_id}")
        echo(f"  {'ENDED' if graph.alert else 'WARNING'}: {graph.message_en}")
    echo("")
    verdict = "SEHAT" if healthy else "PERLU PERHATIAN"
    echo("Kesimpulan: " + (verdict + " (ada peringatan)" if healthy and graph.warning else verdict))
