"""Media upload (multipart): the content decides what a file is, not its name.

``services.posts.media.upload_media`` identifies the bytes (Pillow for images,
decompression bombs refused; the ``ftyp`` box for videos). Here, before
anything is stored, a declared content type that contradicts the content
(a PNG declared ``video/mp4``, an MP4 declared ``image/jpeg``) is refused.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, File, Form, UploadFile

from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import MediaAsset
from scheduler.services.people.authz import Cap
from scheduler.services.posts import media
from scheduler.web.api.kims import resolve_kim_id
from scheduler.web.deps import ActorDep, NowDep, SettingsDep, UowDep, only
from scheduler.web.schemas import KIM_TO_ACT_IN, IdPath, OutputModel

router = APIRouter(prefix="/media", tags=["media"])

_GENERIC_TYPES = ("", "application/octet-stream", "binary/octet-stream")


class MediaOut(OutputModel):
    id: int
    kim_id: int
    kind: str
    mime_type: str
    size_bytes: int
    width: int | None
    height: int | None
    content_hash: str
    created_at: datetime | None

    @classmethod
    def of(cls, a: MediaAsset) -> MediaOut:
        assert a.id is not None
        return cls(
            id=a.id,
            kim_id=a.kim_id,
            kind=str(a.kind),
            mime_type=a.mime_type,
            size_bytes=a.size_bytes,
            width=a.width,
            height=a.height,
            content_hash=a.content_hash,
            created_at=a.created_at,
        )


def check_declared_type(declared: str | None, data: bytes) -> None:
    """Refuse a declared type whose family (image/video) contradicts the bytes."""
    family = (declared or "").split(";")[0].strip().lower()
    if family in _GENERIC_TYPES:
        return
    looks_video = len(data) >= 12 and data[4:8] == b"ftyp"
    if (
        family.startswith("video/")
        and not looks_video
        or family.startswith("image/")
        and looks_video
        or not family.startswith(("image/", "video/"))
    ):
        raise InvalidInput(
            "media_type_mismatch",
            f"Isi berkas tidak cocok dengan jenis yang disebutkan ({family}).",
            f"The file's content does not match its declared type ({family}).",
            field="file",
        )


@router.post("", status_code=201, response_model=MediaOut, **only(Cap.WRITE_POST))
def upload(
    actor: ActorDep,
    uow: UowDep,
    now: NowDep,
    settings: SettingsDep,
    file: UploadFile = File(description="Gambar (JPEG, PNG, WEBP, GIF) atau video MP4"),
    kim: str | None = Form(default=None, max_length=100, description=KIM_TO_ACT_IN),
) -> MediaOut:
    """Upload an image or a video for a KIM's posts; the same bytes twice give the same asset."""
    kim_id = resolve_kim_id(uow, actor, kim)
    data = file.file.read()
    check_declared_type(file.content_type, data)
    asset = media.upload_media(
        uow, actor, kim_id=kim_id, filename=file.filename or "", data=data, now=now, media_dir=settings.media_dir
    )
    return MediaOut.of(asset)


@router.get("/{media_id:int}", response_model=MediaOut)
def get_media(media_id: IdPath, actor: ActorDep, uow: UowDep) -> MediaOut:
    """One media asset of a visible KIM."""
    from scheduler.services.people.authz import authorize, not_found

    with uow:
        asset = uow.media.get(media_id)
        if asset is None:
            raise not_found("media", "media")
        authorize(actor, Cap.READ_KIM, asset.kim_id, what="media")
    return MediaOut.of(asset)
