"""Bad input gets a clear 4xx in the error envelope and leaves the database unchanged."""

from __future__ import annotations

import struct
import zlib

from siar_api_kit import error_of, future, png_bytes

from scheduler.web.limits import DEFAULT_MAX_BYTES, MEDIA_MAX_BYTES


def _bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG that declares 900 megapixels (Pillow refuses it before decoding)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def _post(world, **changes):
    body = {
        "text": "Keripik tempe",
        "targets": [{"account_id": world.a.account_id}],
        "schedule": {"at": future().isoformat()},
    }
    body.update(changes)
    return body


def test_uploads(client, world, rows, settings):
    before = rows()
    auth = world.auth("member_a")
    cases = [
        ("text named .jpg", ("foto.jpg", b"bukan gambar sama sekali\n" * 10, "image/jpeg"), 422),
        ("png declared as video", ("video.mp4", png_bytes(), "video/mp4"), 422),
        ("decompression bomb", ("bom.png", _bomb_png(), "image/png"), 422),
        ("empty", ("kosong.png", b"", "image/png"), 422),
        ("truncated png", ("pot.png", png_bytes((300, 300))[:60], "image/png"), 422),
    ]
    for name, upload, status in cases:
        r = client.post("/api/v1/media", files={"file": upload}, headers=auth)
        assert r.status_code == status, (name, r.text)
        assert error_of(r)["code"], name
    big = b"\x00" * (MEDIA_MAX_BYTES + 1)
    r = client.post("/api/v1/media", files={"file": ("besar.png", big, "image/png")}, headers=auth)
    assert r.status_code == 413 and error_of(r)["code"] == "payload_too_large"
    assert rows() == before
    stored = [p for p in settings.media_dir.rglob("*") if p.is_file()]
    assert len(stored) == 2  # the world's two images, nothing from the refused uploads


def test_json_bodies(client, world, rows):
    before = rows()
    auth = world.auth("member_a")
    r = client.post("/api/v1/posts", content=b'{"text": "a",', headers={**auth, "content-type": "application/json"})
    assert r.status_code == 400 and error_of(r)["code"] == "malformed_json"
    r = client.post("/api/v1/posts", json=_post(world, targets="semua"), headers=auth)
    assert r.status_code == 422 and "targets" in error_of(r)["fields"]
    r = client.post("/api/v1/posts", json=_post(world, media_ids=["satu"]), headers=auth)
    assert r.status_code == 422 and "media_ids.0" in error_of(r)["fields"]
    r = client.post("/api/v1/posts", json=_post(world, colour="merah"), headers=auth)
    assert r.status_code == 422 and error_of(r)["fields"] == {"colour": "kolom tidak dikenal"}
    r = client.post("/api/v1/posts", json=_post(world, schedule={"at": "2026-12-01T09:00:00"}), headers=auth)
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "naive_datetime" and "waktu tanpa zona waktu" in err["message"].lower()
    r = client.post("/api/v1/posts", json=_post(world, schedule={"at": "besok pagi"}), headers=auth)
    assert r.status_code == 422
    r = client.post(
        "/api/v1/posts", json=_post(world, schedule={"at": future().isoformat(), "next_slot": True}), headers=auth
    )
    assert r.status_code == 422 and error_of(r)["code"] == "schedule_form"
    r = client.post("/api/v1/posts", json=_post(world, text="x" * 300), headers=auth)  # too long for X
    assert r.status_code == 422 and "text" in error_of(r)["fields"]
    r = client.get("/api/v1/posts?from=2026-12-01T00:00:00", headers=auth)
    assert r.status_code == 422 and error_of(r)["code"] == "naive_datetime"
    huge = b'{"text": "' + b"a" * (DEFAULT_MAX_BYTES + 10) + b'"}'
    r = client.post("/api/v1/posts", content=huge, headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413
    r = client.put(
        f"/api/v1/accounts/{world.a.account_id}/slots",
        json={"slots": [{"weekday": 9, "at": "25:00"}]},
        headers=world.auth("admin_a"),
    )
    assert r.status_code == 422
    assert rows() == before


def test_local_time_with_zone_is_accepted(client, world):
    local = future(72).replace(tzinfo=None, microsecond=0).isoformat()
    r = client.post(
        "/api/v1/posts",
        json=_post(world, schedule={"at": local, "timezone": "Asia/Makassar"}),
        headers=world.auth("member_a"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["schedule"]["timezone"] == "Asia/Makassar"


def _csv(rows: list[str], header: str = "text,accounts,at", sep: str = ",") -> str:
    return "\n".join([header.replace(",", sep)] + [r.replace(",", sep) for r in rows]) + "\n"


def _import(client, world, data: bytes, dry_run: bool = False, who: str = "member_a"):
    return client.post(
        f"/api/v1/import/posts?dry_run={'true' if dry_run else 'false'}",
        files={"file": ("impor.csv", data, "text/csv")},
        headers=world.auth(who),
    )


def test_csv_import_excel_flavours_and_dedupe(client, world, rows):
    at = future(24 * 5).isoformat()
    text = _csv([f"Keripik apel Batu,{world.a.account_id},{at}", f"Kopi Dampit,x:kim_a,{at}"], sep=";")
    r = _import(client, world, b"\xef\xbb\xbf" + text.encode("utf-8"), dry_run=True)
    assert r.status_code == 200 and r.json()["created"] == 2 and r.json()["problems"] == []
    before = rows()
    r = _import(client, world, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    after = rows()
    assert after["posts"] == before["posts"] + 2
    again = _import(client, world, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert again.json()["created"] == 0 and again.json()["duplicates"] == 2
    assert rows()["posts"] == after["posts"]
    cp1252 = _csv([f"Caf\u00e9 \u2013 kopi luwak,{world.a.account_id},{at}"]).encode("cp1252")
    r = _import(client, world, cp1252)
    assert r.status_code == 200 and r.json()["created"] == 1
    post = client.get(f"/api/v1/posts/{r.json()['post_ids'][0]}", headers=world.auth("member_a")).json()
    assert post["text"] == "Caf\u00e9 \u2013 kopi luwak"


def test_csv_import_refusals_write_nothing(client, world, rows):
    before = rows()
    at = future().isoformat()
    r = _import(client, world, "text,accounts,at\nHalo,1,x\n".encode("utf-16"))
    assert r.status_code == 422 and error_of(r)["code"] == "csv_encoding"
    r = _import(client, world, b"\x00\x01\x02binary")
    assert r.status_code == 422
    r = _import(client, world, b"judul,lain\n1,2\n")
    assert r.status_code == 422 and error_of(r)["code"] == "csv_columns"
    bad = _csv(
        [
            f"Baik,{world.a.account_id},{at}",
            f"Tanpa zona,{world.a.account_id},2026-12-01 09:00",
            f"Akun asing,{world.b.account_id},{at}",
        ]
    )
    dry = _import(client, world, bad.encode(), dry_run=True)
    assert dry.status_code == 200
    assert [(p["line"], p["code"]) for p in dry.json()["problems"]] == [(3, "naive_datetime"), (4, "unknown_account")]
    r = _import(client, world, bad.encode())
    assert r.status_code == 422 and error_of(r)["code"] == "import_rows_invalid"
    assert "line 3 at" in error_of(r)["fields"]
    assert rows() == before


def test_csv_import_ten_thousand_rows(client, world, rows):
    at = future(24 * 3)
    lines = [f"Promosi UMKM nomor {i},{world.a.account_id},{at.isoformat()}" for i in range(10_000)]
    lines[9_999] = f"Baris rusak,{world.a.account_id},bukan-waktu"
    data = _csv(lines).encode()
    before = rows()
    dry = _import(client, world, data, dry_run=True)
    assert dry.status_code == 200 and dry.json()["rows"] == 10_000
    assert [p["line"] for p in dry.json()["problems"]] == [10_001]
    r = _import(client, world, data)
    assert r.status_code == 422  # all or nothing: one bad row, no post
    assert rows() == before


def test_credentials_cannot_point_an_account_at_another_server(client, world, rows):
    before = rows()
    r = client.post(
        "/api/v1/accounts",
        json={
            "platform": "x",
            "handle": "intip",
            "credentials": {"access_token": "t", "sandbox_base_url": "http://169.254.169.254"},
        },
        headers=world.auth("admin_a"),
    )
    assert r.status_code == 422 and error_of(r)["code"] == "credentials_address_not_allowed"
    assert "credentials.sandbox_base_url" in error_of(r)["fields"]
    assert rows() == before
