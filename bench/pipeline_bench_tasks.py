"""Celery tasks of ``bench/pipeline_bench.py`` (loaded by its worker as ``-A pipeline_bench_tasks``).

Same application, broker and worker settings as Siar's (``workers.app.make_app``),
plus one queue ``bench`` carrying:

* ``bench.noop``: does nothing; the floor of what Celery itself can move;
* ``bench.naive_publish``: "the common design", a task sent once with
  ``apply_async(eta=scheduled_at)`` that loads the target, calls the real
  connector once and marks the target published. No claim, no lease, no
  attempt row, no reconcile: what a Celery tutorial would write.
"""

from __future__ import annotations

from kombu import Exchange, Queue

from workers import runtime
from workers.app import make_app

app = make_app()
app.conf.task_queues = (*app.conf.task_queues, Queue("bench", Exchange("siar", type="direct"), routing_key="bench"))
app.conf.task_routes = {**app.conf.task_routes, "bench.*": {"queue": "bench"}}
app.conf.beat_schedule = {}


@app.task(name="bench.noop")
def noop(_: int) -> None:
    """Nothing: the per-message cost of broker + worker."""


@app.task(name="bench.naive_publish")
def naive_publish(target_id: int) -> None:
    """Publish one target the naive way (see the module docstring)."""
    import sqlalchemy as sa

    from scheduler.services.publishing.account_ref import account_ref
    from scheduler.services.publishing.publish import content_of
    from scheduler.store.publishing import lifecycle
    from scheduler.store.tables import post_targets as T

    p = runtime.pipeline()
    with p.transaction() as conn:
        job, _ = lifecycle.read_publish_inputs(conn, [int(target_id)])[int(target_id)]
    result = p.connector_for(job.platform).publish(account_ref(p, job), content_of(p, job))
    with p.transaction() as conn:
        conn.execute(
            sa.update(T)
            .where(T.c.id == int(target_id))
            .values(state="published", remote_id=result.remote_id, published_at=result.published_at)
        )
