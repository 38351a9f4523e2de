"""Every endpoint once on the happy path, plus its most likely refusal."""

from __future__ import annotations

import pytest
from siar_api_kit import error_of, future, png_bytes


def test_me_and_openapi(client, world):
    r = client.get("/api/v1/me", headers=world.auth("member_a"))
    assert r.status_code == 200 and r.json()["role"] == "member"
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/posts" in schema["paths"]
    assert client.get("/api/docs").status_code == 200  # served locally (test_app.py checks the assets)


def test_kims_and_kelurahan(client, world):
    r = client.post(
        "/api/v1/kims",
        json={"kelurahan": "Bunulrejo", "name": "KIM Bunulrejo", "formed_on": "2024-03-01"},
        headers=world.auth("staff"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["slug"] == "kim-bunulrejo"
    again = client.post(
        "/api/v1/kims", json={"kelurahan": "Bunulrejo", "name": "KIM Lain"}, headers=world.auth("staff")
    )
    assert again.status_code == 409 and error_of(again)["code"] == "kim_exists_for_kelurahan"
    assert (
        client.post("/api/v1/kims", json={"kelurahan": "Kasin", "name": "X"}, headers=world.auth("admin_a")).status_code
        == 403
    )
    listed = client.get("/api/v1/kims", headers=world.auth("member_a")).json()
    assert [k["id"] for k in listed] == [world.a.id]
    assert len(client.get("/api/v1/kims", headers=world.auth("staff")).json()) == 3
    cov = client.get("/api/v1/kelurahan", headers=world.auth("staff")).json()
    assert cov["total"] == 57 and cov["with_kim"] == 3
    polehan = next(i for i in cov["items"] if i["name"] == "Polehan")
    assert polehan["kim"] == world.a.slug and polehan["posts"] == 1 and polehan["accounts"] == 1
    bunulrejo = next(i for i in cov["items"] if i["name"] == "Bunulrejo")
    assert bunulrejo["since"] == "2024-03-01" and bunulrejo["posts"] == 0
    assert sum(1 for i in cov["items"] if i["kim"] is None) == 54
    assert client.get("/api/v1/kelurahan", headers=world.auth("member_a")).status_code == 403


def test_accounts(client, world, fake_connectors):
    body = {
        "platform": "facebook",
        "handle": "kimpolehan",
        "credentials": {"page_id": "1048", "page_access_token": "PT-SECRET-1"},
        "slots": [{"weekday": 0, "at": "10:30"}],
    }
    r = client.post("/api/v1/accounts", json=body, headers=world.auth("admin_a"))
    assert r.status_code == 201, r.text
    account = r.json()
    assert "credentials" not in account and "PT-SECRET-1" not in r.text
    assert account["kim_id"] == world.a.id and account["slots"] == [{"weekday": 0, "at": "10:30"}]
    got = client.get(f"/api/v1/accounts/{account['id']}", headers=world.auth("member_a"))
    assert got.status_code == 200 and "PT-SECRET-1" not in got.text
    r = client.put(
        f"/api/v1/accounts/{account['id']}/slots",
        json={"slots": [{"weekday": 2, "at": "08:00"}, {"weekday": 4, "at": "19:15"}]},
        headers=world.auth("admin_a"),
    )
    assert r.status_code == 200 and len(r.json()["slots"]) == 2
    r = client.put(
        f"/api/v1/accounts/{account['id']}/pacing",
        json={"min_spacing_seconds": 600, "daily_cap": 5},
        headers=world.auth("admin_a"),
    )
    assert r.status_code == 200 and r.json()["daily_cap"] == 5
    r = client.post(f"/api/v1/accounts/{account['id']}/check", headers=world.auth("admin_a"))
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is False and r.json()["status"] == "needs_reconnect"
    assert fake_connectors["facebook"].calls["check"] == 1
    # members may read but not manage
    assert (
        client.put(f"/api/v1/accounts/{account['id']}/pacing", json={}, headers=world.auth("member_a")).status_code
        == 403
    )
    # both or neither of credentials / sandbox
    r = client.post("/api/v1/accounts", json={"platform": "x", "handle": "y"}, headers=world.auth("admin_a"))
    assert r.status_code == 422


def test_sandbox_account_needs_configuration(client, world):
    r = client.post(
        "/api/v1/accounts", json={"platform": "x", "handle": "latihan", "sandbox": True}, headers=world.auth("admin_a")
    )
    assert r.status_code == 422 and error_of(r)["code"] == "sandbox_not_configured"


def test_media_upload(client, world):
    r = client.post(
        "/api/v1/media", files={"file": ("foto.png", png_bytes((120, 80)), "image/png")}, headers=world.auth("member_a")
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == "image" and body["mime_type"] == "image/png" and body["width"] == 120
    assert client.get(f"/api/v1/media/{body['id']}", headers=world.auth("member_a")).status_code == 200
    assert client.get(f"/api/v1/media/{body['id']}", headers=world.auth("member_b")).status_code == 404


def test_post_lifecycle(client, world):
    body = {
        "text": "Kopi Polehan enak #umkm",
        "media_ids": [world.a.media_id],
        "targets": [{"account_id": world.a.account_id}],
        "schedule": {"at": future(72).isoformat()},
    }
    r = client.post("/api/v1/posts", json=body, headers=world.auth("member_a"))
    assert r.status_code == 201, r.text
    post = r.json()
    assert post["review_state"] == "draft" and post["targets"][0]["state"] == "pending"
    pid = post["id"]
    r = client.patch(f"/api/v1/posts/{pid}", json={"text": "Kopi Polehan mantap"}, headers=world.auth("member_a"))
    assert r.status_code == 200 and r.json()["text"] == "Kopi Polehan mantap"
    assert (
        client.post(f"/api/v1/posts/{pid}/submit", headers=world.auth("member_a")).json()["review_state"]
        == "pending_approval"
    )
    assert client.post(f"/api/v1/posts/{pid}/approve", headers=world.auth("member_a")).status_code == 403
    r = client.post(f"/api/v1/posts/{pid}/approve", headers=world.auth("admin_a"))
    assert r.status_code == 200, r.text
    assert r.json()["targets"][0]["state"] == "scheduled"
    detail = client.get(f"/api/v1/posts/{pid}", headers=world.auth("member_a")).json()
    assert detail["targets"][0]["attempt_log"] == []
    r = client.post(f"/api/v1/posts/{pid}/cancel", headers=world.auth("admin_a"))
    assert r.status_code == 200 and r.json()["review_state"] == "canceled"
    again = client.post(f"/api/v1/posts/{pid}/cancel", headers=world.auth("admin_a"))
    assert again.status_code == 409


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_reject_and_list(client, world):
    r = client.post(
        f"/api/v1/posts/{world.a.post_id}/reject", json={"reason": "Foto kurang jelas"}, headers=world.auth("admin_a")
    )
    assert r.status_code == 200 and r.json()["rejection_reason"] == "Foto kurang jelas"
    listed = client.get("/api/v1/posts?state=rejected", headers=world.auth("member_a")).json()
    assert [p["id"] for p in listed["items"]] == [world.a.post_id] and listed["total"] == 1
    everything = client.get("/api/v1/posts?per_page=1&page=2", headers=world.auth("staff")).json()
    assert everything["total"] == 2 and len(everything["items"]) == 1
    window = client.get(
        "/api/v1/posts",
        params={"from": future(1).isoformat(), "to": future(100).isoformat(), "kim": world.b.slug},
        headers=world.auth("staff"),
    ).json()
    assert [p["id"] for p in window["items"]] == [world.b.post_id]
    assert client.get("/api/v1/posts?state=nonsense", headers=world.auth("staff")).status_code == 422
    # A target state selects posts with such a target; the list is paged in the store.
    approved = client.post(f"/api/v1/posts/{world.b.post_id}/approve", headers=world.auth("admin_b"))
    assert approved.status_code == 200, approved.text
    scheduled = client.get("/api/v1/posts?state=scheduled", headers=world.auth("staff")).json()
    assert [p["id"] for p in scheduled["items"]] == [world.b.post_id] and scheduled["total"] == 1
    mine = client.get("/api/v1/posts?state=scheduled", headers=world.auth("member_a")).json()
    assert mine == {**mine, "items": [], "total": 0}


def test_next_slot_and_recurring(client, world):
    base = {"text": "Wisata kampung", "targets": [{"account_id": world.a.account_id}]}
    r = client.post("/api/v1/posts", json={**base, "schedule": {"next_slot": True}}, headers=world.auth("member_a"))
    assert r.status_code == 201 and r.json()["schedule"]["kind"] == "next_slot"
    start = future(30).replace(tzinfo=None, microsecond=0).isoformat()
    r = client.post(
        "/api/v1/posts",
        json={**base, "schedule": {"rrule": "FREQ=WEEKLY;BYDAY=MO", "start": start, "timezone": "Asia/Jakarta"}},
        headers=world.auth("member_a"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["schedule"]["rrule"] == "FREQ=WEEKLY;BYDAY=MO"


def test_validate_never_writes(client, world, rows):
    before = rows()
    r = client.post(
        "/api/v1/posts/validate",
        json={
            "text": "x" * 400,
            "targets": [{"account_id": world.a.account_id}],
            "schedule": {"at": "2020-01-01T00:00:00+07:00"},
        },
        headers=world.auth("member_a"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is False
    codes = {p["code"] for p in body["problems"]}
    assert any(p["account_id"] == world.a.account_id for p in body["problems"])
    assert len(codes) >= 2
    ok = client.post(
        "/api/v1/posts/validate",
        json={"text": "Halo", "targets": [{"account_id": world.a.account_id}]},
        headers=world.auth("member_a"),
    )
    assert ok.json() == {
        "ok": True,
        "problems": [],
        "previews": [{"account_id": world.a.account_id, "parts": ["Halo"], "counts": [4]}],
    }
    assert rows() == before


def test_engagement_leaderboard_health_audit(client, world):
    r = client.get("/api/v1/engagement/summary?group_by=kim", headers=world.auth("staff"))
    assert r.status_code == 200, r.text
    assert r.json()["group_by"] == "kim" and "from" in r.json()
    assert client.get("/api/v1/engagement/summary?group_by=nope", headers=world.auth("staff")).status_code == 422
    r = client.get("/api/v1/leaderboard", headers=world.auth("staff"))
    assert r.status_code == 200, r.text
    assert {row["kim"] for row in r.json()["rows"]} == {world.a.slug, world.b.slug}
    assert set(r.json()["formula"]) == {"id", "en"}
    own = client.get("/api/v1/leaderboard", headers=world.auth("member_a")).json()
    assert [(row["kim"], row["rank"]) for row in own["rows"]] == [(world.a.slug, None)]
    h = client.get("/api/v1/health")
    assert h.status_code == 200, h.text
    assert h.json()["database"]["ok"] is True and h.json()["broker"]["ok"] is True
    assert h.json()["live_workers"] == 0 and h.json()["ok"] is False
    audit_admin = client.get("/api/v1/audit", headers=world.auth("admin_a")).json()
    assert audit_admin["total"] > 0 and {e["kim_id"] for e in audit_admin["items"]} == {world.a.id}
    audit_staff = client.get("/api/v1/audit", headers=world.auth("staff")).json()
    assert {world.a.id, world.b.id} <= {e["kim_id"] for e in audit_staff["items"]}
    newest = client.get("/api/v1/audit?per_page=2", headers=world.auth("staff")).json()["items"]
    second = client.get("/api/v1/audit?per_page=1&page=2", headers=world.auth("staff")).json()
    assert second["total"] == audit_staff["total"] and second["items"][0]["id"] == newest[1]["id"]
    assert (newest[0]["at"], newest[0]["id"]) >= (newest[1]["at"], newest[1]["id"])
    assert client.get("/api/v1/audit", headers=world.auth("member_a")).status_code == 403
    assert client.get(f"/api/v1/audit?kim={world.b.slug}", headers=world.auth("admin_a")).status_code == 404


def test_language(client, world):
    r = client.get("/api/v1/posts/999999", headers=world.auth("member_a"))
    assert error_of(r)["message"] == "Unggahan tidak ditemukan."
    r = client.get("/api/v1/posts/999999", headers={**world.auth("member_a"), "Accept-Language": "en-US,en;q=0.9"})
    assert error_of(r)["message"] == "Post not found."


def test_post_detail_shows_attempts_and_errors_and_edit_stops_at_claim(client, world, engine):
    import sqlalchemy as sa

    from scheduler.store.tables import post_targets, publish_attempts

    pid = world.a.post_id
    started = future(0)
    with engine.begin() as conn:
        target_id = conn.execute(sa.select(post_targets.c.id).where(post_targets.c.post_id == pid)).scalar_one()
        conn.execute(
            post_targets.update()
            .where(post_targets.c.id == target_id)
            .values(
                state="queued",
                attempts=1,
                last_error_code="rate_limited",
                last_error_message="Batas X tercapai; dicoba lagi nanti.",
            )
        )
        conn.execute(
            publish_attempts.insert().values(
                target_id=target_id,
                number=1,
                started_at=started,
                finished_at=started,
                outcome="rate_limited",
                error_code="rate_limited",
                error_message="Batas X tercapai; dicoba lagi nanti.",
            )
        )
    detail = client.get(f"/api/v1/posts/{pid}", headers=world.auth("member_a")).json()
    target = detail["targets"][0]
    assert target["state"] == "queued" and target["attempts"] == 1
    assert target["last_error"] == {"code": "rate_limited", "message": "Batas X tercapai; dicoba lagi nanti."}
    assert [(a["number"], a["outcome"]) for a in target["attempt_log"]] == [(1, "rate_limited")]
    r = client.patch(f"/api/v1/posts/{pid}", json={"text": "Terlambat diubah"}, headers=world.auth("member_a"))
    assert r.status_code == 409 and error_of(r)["code"] == "post_claimed"
