"""X media upload: v1.1 ``/1.1/media/upload.json`` and v2 ``/2/media/upload``.

Simple upload (one multipart ``media`` part or base64 ``media_data``) and the
chunked INIT / APPEND / FINALIZE / STATUS commands; v2 also has the
``/2/media/upload/initialize``, ``/{id}/append`` and ``/{id}/finalize`` paths.
Videos answer FINALIZE with ``processing_info`` (pending, check after 1 s) and
report ``succeeded`` on STATUS, like X does.
Docs: https://docs.x.com/x-api/media/quickstart/media-upload-chunked
"""

from __future__ import annotations

import base64
import time
from typing import Any

from aiohttp import web
from multidict import MultiDict

from sandbox.runtime import SANDBOX_KEY, BadInput, PlatformError, Sandbox, endpoint, json_body
from sandbox.state import Store
from sandbox.x_api import GIF_MAX, IMAGE_MAX, VIDEO_MAX, XShapes, _params, authenticate

PROCESSING_S = 1.0


def _limit(media_type: str, category: str) -> int:
    if media_type.startswith("video") or "video" in category:
        return VIDEO_MAX
    if media_type == "image/gif" or "gif" in category:
        return GIF_MAX
    return IMAGE_MAX


def _payload(params: MultiDict[Any]) -> bytes | None:
    part = params.get("media")
    if part is not None and hasattr(part, "file"):
        data: bytes = part.file.read()  # an aiohttp FileField: its file is opened in binary mode
        return data
    if isinstance(part, str):
        return part.encode()
    if params.get("media_data"):
        try:
            return base64.b64decode(params["media_data"])
        except Exception as exc:
            raise BadInput("media_data is not valid base64") from exc
    return None


def _written(sb_store: Store, media_id: str) -> dict[str, Any]:
    """The upload this request has just written."""
    upload = sb_store.upload("x", media_id)
    if upload is None:
        raise RuntimeError(f"upload {media_id} vanished while it was being written")
    return upload


def _describe(upload: dict[str, Any], v2: bool) -> dict[str, Any]:
    media_id = upload["id"]
    info: dict[str, Any] = {"media_key": f"3_{media_id}", "size": upload["total_bytes"], "expires_after_secs": 86400}
    state = upload["state"]
    if state == "pending" and time.time() - upload["extra"].get("finalized_at", 0) >= PROCESSING_S:
        state = "succeeded"
    if upload["kind"] == "video" and state in ("pending", "succeeded"):
        info["processing_info"] = (
            {"state": "pending", "check_after_secs": 1}
            if state == "pending"
            else {"state": "succeeded", "progress_percent": 100}
        )
    if v2:
        return {"data": {"id": media_id, **info}}
    return {"media_id": int(media_id), "media_id_string": media_id, **info}


def _kind(media_type: str, category: str) -> str:
    if media_type.startswith("video") or "video" in category:
        return "video"
    return "gif" if (media_type == "image/gif" or "gif" in category) else "photo"


async def _command(request: web.Request, params: MultiDict[Any], command: str, v2: bool) -> web.Response:
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = await authenticate(request)
    assert account is not None
    store = sb.store
    if command == "INIT":
        try:
            total = int(params.get("total_bytes", ""))
        except ValueError as exc:
            raise BadInput("total_bytes is required") from exc
        media_type = str(params.get("media_type", "image/jpeg"))
        category = str(params.get("media_category", "")).lower()
        limit = _limit(media_type, category)
        if total <= 0 or total > limit:
            raise PlatformError(XShapes().too_large(limit))
        media_id = str(store.next_id("x"))
        store.add_upload(
            "x", media_id, account.handle, _kind(media_type, category), total, 0, "init", {"media_type": media_type}
        )
        return web.json_response(_describe(_written(store, media_id), v2), status=202)
    media_id = str(params.get("media_id", "") or request.match_info.get("id", ""))
    upload = store.upload("x", media_id)
    if upload is None or upload["handle"] != account.handle:
        raise BadInput(f"Invalid media_id: {media_id}")
    if command == "APPEND":
        if upload["state"] != "init":
            raise BadInput("Media is already finalized")
        chunk = _payload(params)
        if chunk is None:
            raise BadInput("media is required")
        received = upload["received_bytes"] + len(chunk)
        if received > upload["total_bytes"]:
            raise BadInput("Segments add up to more than the declared total_bytes")
        store.update_upload("x", media_id, received=received)
        return web.Response(status=204)
    if command == "FINALIZE":
        if upload["received_bytes"] != upload["total_bytes"]:
            raise BadInput("Segments do not add up to provided total file size.")
        if upload["state"] == "init":
            state = "pending" if upload["kind"] == "video" else "succeeded"
            # remember when processing started: it drives STATUS
            store.update_upload("x", media_id, state=state, extra={"finalized_at": time.time()})
        return web.json_response(_describe(_written(store, media_id), v2), status=201 if not v2 else 200)
    if command == "STATUS":
        described = _describe(upload, v2)
        if upload["state"] == "pending" and "succeeded" in str(described):
            store.update_upload("x", media_id, state="succeeded")
        return web.json_response(described)
    raise BadInput(f"Unknown command: {command}")


async def _simple(request: web.Request, params: MultiDict[Any], v2: bool) -> web.Response:
    sb: Sandbox = request.app[SANDBOX_KEY]
    account = await authenticate(request)
    assert account is not None
    data = _payload(params)
    if data is None:
        raise BadInput("media or media_data is required")
    part = params.get("media")
    media_type = str(params.get("media_type") or getattr(part, "content_type", "") or "image/jpeg")
    category = str(params.get("media_category", "")).lower()
    if media_type.startswith("video") or "video" in category:
        raise BadInput("Videos must be uploaded with the chunked upload commands")
    limit = _limit(media_type, category)
    if len(data) > limit:
        raise PlatformError(XShapes().too_large(limit))
    media_id = str(sb.store.next_id("x"))
    sb.store.add_upload(
        "x",
        media_id,
        account.handle,
        _kind(media_type, category),
        len(data),
        len(data),
        "succeeded",
        {"media_type": media_type},
    )
    described = _describe(_written(sb.store, media_id), v2)
    if not v2:
        described["image"] = {"image_type": media_type, "w": 0, "h": 0}
    return web.json_response(described, status=200)


async def _upload(request: web.Request, *, v2: bool) -> web.Response:
    """A chunked-upload command (``command`` in the query or body), or else a simple upload."""
    params, _ = await _params(request)
    command = str(params.get("command", "")).upper()
    if command:
        return await _command(request, params, command, v2=v2)
    return await _simple(request, params, v2=v2)


async def upload_v1(request: web.Request) -> web.Response:
    """POST/GET /1.1/media/upload.json"""
    return await _upload(request, v2=False)


async def upload_v2(request: web.Request) -> web.Response:
    """POST/GET /2/media/upload (command in the query or body, or a simple upload)"""
    return await _upload(request, v2=True)


async def initialize_v2(request: web.Request) -> web.Response:
    """POST /2/media/upload/initialize (JSON body)"""
    body = await json_body(request)
    return await _command(request, MultiDict({k: str(v) for k, v in body.items()}), "INIT", v2=True)


async def append_v2(request: web.Request) -> web.Response:
    """POST /2/media/upload/{id}/append (multipart ``media`` + ``segment_index``)"""
    params, _ = await _params(request)
    return await _command(request, params, "APPEND", v2=True)


async def finalize_v2(request: web.Request) -> web.Response:
    """POST /2/media/upload/{id}/finalize"""
    params, _ = await _params(request)
    return await _command(request, params, "FINALIZE", v2=True)


def register(app: web.Application) -> None:
    """Add the media upload routes."""
    app.router.add_route("*", "/1.1/media/upload.json", endpoint("x", "upload", upload_v1))
    app.router.add_route("*", "/2/media/upload", endpoint("x", "upload", upload_v2))
    app.router.add_post("/2/media/upload/initialize", endpoint("x", "upload", initialize_v2))
    app.router.add_post("/2/media/upload/{id}/append", endpoint("x", "upload", append_v2))
    app.router.add_post("/2/media/upload/{id}/finalize", endpoint("x", "upload", finalize_v2))
