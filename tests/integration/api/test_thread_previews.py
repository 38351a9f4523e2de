"""What the validate API previews for an X thread is what the target stores, after every write."""

from __future__ import annotations

from siar_api_kit import future

from scheduler.domain.tweet_text import x_weighted_length

PARAGRAPHS = "\n\n".join(
    f"Paragraf {n} tentang Kampung Warna-Warni Jodipan. " + " ".join(f"kata{n}_{w}" for w in range(30))
    for n in range(4)
)


def _schedule() -> dict:
    return {"at": future().isoformat(), "timezone": "Asia/Jakarta"}


def _preview(client, world, text: str, as_thread: bool, who: str = "member_a") -> dict:
    r = client.post(
        "/api/v1/posts/validate",
        json={"text": text, "as_thread": as_thread, "targets": [{"account_id": world.a.account_id}]},
        headers=world.auth(who),
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_a_thread_is_previewed_part_by_part_with_weighted_counts(client, world):
    body = _preview(client, world, PARAGRAPHS, as_thread=True)
    assert body["ok"] is True, body["problems"]
    (preview,) = body["previews"]
    assert preview["account_id"] == world.a.account_id
    assert len(preview["parts"]) > 1
    assert preview["counts"] == [x_weighted_length(p) for p in preview["parts"]]
    assert all(n <= 280 for n in preview["counts"])
    assert " ".join(preview["parts"]).split() == PARAGRAPHS.split()


def test_not_a_thread_is_one_part_and_a_refusal(client, world):
    body = _preview(client, world, PARAGRAPHS, as_thread=False)
    assert body["ok"] is False and "text_too_long" in {p["code"] for p in body["problems"]}
    assert body["previews"] == [
        {"account_id": world.a.account_id, "parts": [PARAGRAPHS], "counts": [x_weighted_length(PARAGRAPHS)]}
    ]


def test_the_target_stores_the_previewed_parts_and_edits_store_new_ones(client, world):
    previewed = _preview(client, world, PARAGRAPHS, as_thread=True)["previews"][0]["parts"]
    r = client.post(
        "/api/v1/posts",
        json={
            "text": PARAGRAPHS,
            "as_thread": True,
            "targets": [{"account_id": world.a.account_id}],
            "schedule": _schedule(),
        },
        headers=world.auth("member_a"),
    )
    assert r.status_code == 201, r.text
    post = r.json()
    assert post["targets"][0]["thread_parts"] == previewed
    assert (
        client.get(f"/api/v1/posts/{post['id']}", headers=world.auth("member_a")).json()["targets"][0]["thread_parts"]
        == previewed
    )

    longer = PARAGRAPHS + "\n\nParagraf tambahan: " + "lagi " * 60
    edited = client.patch(f"/api/v1/posts/{post['id']}", json={"text": longer}, headers=world.auth("member_a"))
    assert edited.status_code == 200, edited.text
    again = _preview(client, world, longer, as_thread=True)["previews"][0]["parts"]
    assert edited.json()["targets"][0]["thread_parts"] == again != previewed

    off = client.patch(
        f"/api/v1/posts/{post['id']}", json={"as_thread": False, "text": "Singkat saja"}, headers=world.auth("member_a")
    )
    assert off.status_code == 200, off.text
    assert off.json()["targets"][0]["thread_parts"] == ["Singkat saja"]


def test_a_refused_edit_keeps_the_stored_parts(client, world):
    r = client.post(
        "/api/v1/posts",
        json={
            "text": PARAGRAPHS,
            "as_thread": True,
            "targets": [{"account_id": world.a.account_id}],
            "schedule": _schedule(),
        },
        headers=world.auth("member_a"),
    )
    stored = r.json()["targets"][0]["thread_parts"]
    refused = client.patch(f"/api/v1/posts/{r.json()['id']}", json={"as_thread": False}, headers=world.auth("member_a"))
    assert refused.status_code == 422, refused.text
    after = client.get(f"/api/v1/posts/{r.json()['id']}", headers=world.auth("member_a")).json()
    assert after["targets"][0]["thread_parts"] == stored and after["as_thread"] is True


def test_every_occurrence_of_a_recurring_thread_keeps_the_parts(client, world):
    start = future(30).replace(tzinfo=None, microsecond=0).isoformat()
    r = client.post(
        "/api/v1/posts",
        json={
            "text": PARAGRAPHS,
            "as_thread": True,
            "targets": [{"account_id": world.a.account_id}],
            "schedule": {"rrule": "FREQ=DAILY", "start": start, "timezone": "Asia/Jakarta"},
            "submit": True,
        },
        headers=world.auth("member_a"),
    )
    assert r.status_code == 201, r.text
    parts = r.json()["targets"][0]["thread_parts"]
    approved = client.post(f"/api/v1/posts/{r.json()['id']}/approve", headers=world.auth("admin_a"))
    assert approved.status_code == 200, approved.text
    targets = approved.json()["targets"]
    assert len(targets) > 1 and all(t["thread_parts"] == parts for t in targets)
