"""``GET /api/v1/health`` warns 60 days before the configured Graph API version ends and is not ok after.

Workers and beat beat at the app's injected clock, so the version is the only
thing that can turn ``ok`` false here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from connectors.fake import FakeConnector
from scheduler.services.publishing import liveness

END = datetime(2027, 1, 21, tzinfo=UTC)  # v21.0 stops working that day


def _health(settings, engine, version: str, now: datetime) -> dict:
    from scheduler.web.app import create_app

    liveness.record(engine, "celery@a", "worker", now, "a", 11)
    liveness.record(engine, "beat@a", "beat", now, "a", 12)
    app = create_app(
        settings.model_copy(update={"facebook_graph_version": version}),
        engine=engine,
        clock=lambda: now,
        connector_for=FakeConnector,
    )
    with TestClient(app, base_url="https://testserver") as client:
        reply = client.get("/api/v1/health")
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_far_from_its_end_the_version_needs_nothing(settings, engine):
    body = _health(settings, engine, "v25.0", END - timedelta(days=48))
    assert body["ok"] is True
    assert body["facebook_graph"] == {
        "version": "v25.0",
        "state": "ok",
        "ends_on": "2028-07-29",
        "days_left": 603,
        "message": None,
    }


def test_within_60_days_a_warning_in_both_languages_and_still_ok(settings, engine):
    body = _health(settings, engine, "v21.0", END - timedelta(days=48))
    assert body["ok"] is True
    graph = body["facebook_graph"]
    assert (graph["state"], graph["ends_on"], graph["days_left"]) == ("ending", "2027-01-21", 48)
    assert "48 hari lagi" in graph["message"]["id"] and "in 48 days" in graph["message"]["en"]


def test_an_ended_version_makes_the_site_unhealthy(settings, engine):
    body = _health(settings, engine, "v21.0", END)
    assert body["ok"] is False and body["live_workers"] == 1 and body["beat_alive"] is True
    assert body["facebook_graph"]["state"] == "ended"
    assert "sudah berhenti dilayani" in body["facebook_graph"]["message"]["id"]
    assert "stopped working" in body["facebook_graph"]["message"]["en"]
