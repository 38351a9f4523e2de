"""Liveness status and the Celery configuration."""

from __future__ import annotations

from datetime import timedelta

from scheduler.domain.model import AccountStatus, TargetState
from scheduler.services.publishing import liveness

S = TargetState


def test_status_reports_workers_beat_and_overdue(engine, world, clock):
    liveness.record(engine, "celery@a", "worker", clock.now - timedelta(seconds=5), "a", 11)
    liveness.record(engine, "celery@b", "worker", clock.now - timedelta(seconds=90), "b", 12)
    liveness.record(engine, "beat@a", "beat", clock.now - timedelta(seconds=2), "a", 13)
    acc = world.account()
    late = world.target(acc, clock.now - timedelta(minutes=5))
    world.target(acc, clock.now - timedelta(seconds=10))  # due, within grace
    expired = world.target(
        acc,
        clock.now - timedelta(minutes=10),
        state=S.QUEUED,
        lease_token="t",
        lease_until=clock.now - timedelta(seconds=1),
    )
    broken = world.account("broken", status=AccountStatus.NEEDS_RECONNECT)
    held = world.target(broken, clock.now - timedelta(hours=1))
    world.target(acc, clock.now - timedelta(hours=2), state=S.UNKNOWN)

    st = liveness.status(engine, clock.now)
    assert [w.name for w in st.live_workers] == ["celery@a"]
    assert {w.name: w.alive for w in st.workers} == {"celery@a": True, "celery@b": False}
    assert st.beat_alive and st.beat.name == "beat@a"
    overdue = {o.target_id: o for o in st.overdue}
    assert set(overdue) == {late, expired, held}
    assert overdue[held].held and not overdue[late].held
    assert st.unknown == 1
    assert not st.healthy


def test_heartbeat_upsert_and_forget(engine, clock):
    liveness.record(engine, "celery@a", "worker", clock.now, "a", 1)
    liveness.record(engine, "celery@a", "worker", clock.now + timedelta(seconds=5), "a", 1)
    st = liveness.status(engine, clock.now + timedelta(seconds=5))
    assert len(st.workers) == 1 and st.workers[0].seen_at == clock.now + timedelta(seconds=5)
    liveness.forget(engine, "celery@a")
    assert liveness.status(engine, clock.now).workers == []


def test_celery_config_defaults_to_the_file_broker(siar_env):
    from workers.app import celery_config

    conf = celery_config(siar_env)
    assert conf["broker_url"] == "filesystem://"
    assert conf["broker_transport_options"]["data_folder_in"].startswith(str(siar_env.data_dir))
    assert conf["task_acks_late"] is True and conf["worker_prefetch_multiplier"] == 1
    assert conf["accept_content"] == ["json"] and conf["task_ignore_result"] is True
    assert {q.name for q in conf["task_queues"]} == {"dispatch", "publish", "engagement"}
    assert conf["task_routes"]["siar.publish"] == {"queue": "publish"}
    schedule = conf["beat_schedule"]
    assert schedule["dispatch"]["schedule"] == 1.0
    assert schedule["sweep"]["schedule"] <= 15 and schedule["reconcile"]["schedule"] <= 60


def test_redis_keeps_a_visibility_timeout_above_any_eta(siar_env, monkeypatch):
    from config.settings import Settings
    from scheduler.services.wiring import PipelineConfig
    from workers.app import VISIBILITY_TIMEOUT, celery_config

    monkeypatch.setenv("SIAR_BROKER_URL", "redis://127.0.0.1:6379/3")
    conf = celery_config(Settings())
    assert conf["broker_url"] == "redis://127.0.0.1:6379/3"
    timeout = conf["broker_transport_options"]["visibility_timeout"]
    assert timeout == VISIBILITY_TIMEOUT
    worst = PipelineConfig()
    assert timeout > 60 + worst.lease_seconds * 2


def test_redis_keys_are_prefixed_per_site_without_credentials(siar_env, monkeypatch):
    from config.settings import Settings
    from workers.app import celery_config

    monkeypatch.setenv("SIAR_BROKER_URL", "redis://127.0.0.1:6379/3")
    prefixes = set()
    for url in (
        "postgresql+psycopg://u:one@db:5432/siar",
        "postgresql+psycopg://u:two@db:5432/siar",
        "postgresql+psycopg://u:one@db:5432/staging",
    ):
        monkeypatch.setenv("SIAR_DATABASE_URL", url)
        prefix = celery_config(Settings())["broker_transport_options"]["global_keyprefix"]
        assert prefix.startswith("siar-") and "one" not in prefix
        prefixes.add(prefix)
    assert len(prefixes) == 2  # a new password is the same site; another database is not


def test_lookahead_cannot_exceed_a_minute():
    import pytest

    from scheduler.services.wiring import PipelineConfig

    with pytest.raises(ValueError):
        PipelineConfig(lookahead_seconds=61)
