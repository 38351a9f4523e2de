"""Media uploads: real Pillow identification, content-addressed storage, dedupe, refusals."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from scheduler.domain.errors import InvalidInput, NotAllowed, NotFound
from scheduler.domain.model import MediaKind
from scheduler.services.posts import media


def _jpeg(w=1080, h=1350) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 120, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_upload_identifies_stores_and_dedupes(world, now, tmp_path):
    data = _jpeg()
    asset = media.upload_media(
        world.uow, world.member_a, kim_id=world.kim_a.id, filename="keripik.png", data=data, now=now, media_dir=tmp_path
    )
    assert (asset.kind, asset.mime_type, asset.width, asset.height) == (MediaKind.IMAGE, "image/jpeg", 1080, 1350)
    assert (tmp_path / asset.storage_key).read_bytes() == data
    again = media.upload_media(
        world.uow, world.member_a, kim_id=world.kim_a.id, filename="x.jpg", data=data, now=now, media_dir=tmp_path
    )
    assert again.id == asset.id
    assert len(world.uow.audit.list(action="media.upload")) == 1


def test_video_is_recognised_by_its_ftyp_box(world, now, tmp_path):
    data = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100
    asset = media.upload_media(
        world.uow, world.admin_a, kim_id=world.kim_a.id, filename="a.mp4", data=data, now=now, media_dir=tmp_path
    )
    assert (asset.kind, asset.mime_type) == (MediaKind.VIDEO, "video/mp4")


@pytest.mark.parametrize("data", [b"", b"not an image at all", _jpeg()[:200]])
def test_bad_files_are_refused_and_nothing_is_written(world, now, tmp_path, data):
    before = world.uow.snapshot()
    with pytest.raises(InvalidInput) as caught:
        media.upload_media(
            world.uow, world.member_a, kim_id=world.kim_a.id, filename="f.jpg", data=data, now=now, media_dir=tmp_path
        )
    assert caught.value.field == "file"
    assert world.uow.data == before and not any(tmp_path.iterdir())


def test_upload_respects_roles_and_tenancy(world, now, tmp_path):
    with pytest.raises(NotFound):
        media.upload_media(
            world.uow,
            world.member_b,
            kim_id=world.kim_a.id,
            filename="f.jpg",
            data=_jpeg(),
            now=now,
            media_dir=tmp_path,
        )
    with pytest.raises(NotAllowed):
        media.upload_media(
            world.uow, world.staff, kim_id=world.kim_a.id, filename="f.jpg", data=_jpeg(), now=now, media_dir=tmp_path
        )
