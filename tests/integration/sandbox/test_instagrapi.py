"""instagrapi 3.2.2 (the real library) with a stored session against the sandbox.

instagrapi sleeps a fixed 3 s before configuring each upload, so this module
keeps uploads few.
"""

from __future__ import annotations

import pytest
from instagrapi.exceptions import ChallengeRequired, ClientConnectionError, LoginRequired, PleaseWaitFewMinutes


def test_photo_album_video_info_and_delete(sandbox, lib, handle, tmp_path):
    creds = sandbox.create_account("instagram", handle)
    cl = lib.instagram_client(creds)
    assert cl.account_info().username == handle

    photo = cl.photo_upload(lib.jpeg(tmp_path / "kopi.jpg"), "Kopi robusta Dampit #kimmalang")
    album = cl.album_upload(
        [lib.jpeg(tmp_path / "a.jpg"), lib.jpeg(tmp_path / "b.jpg", (10, 90, 200))], "Dua rasa keripik apel"
    )
    video = cl.video_upload(lib.mp4(tmp_path / "v.mp4"), "Video Jodipan", thumbnail=lib.jpeg(tmp_path / "thumb.jpg"))
    assert (photo.media_type, album.media_type, video.media_type) == (1, 8, 2)
    assert len(album.resources) == 2

    sandbox.set_metrics("instagram", str(photo.pk), likes=77, comments=5)
    info = cl.media_info_v1(photo.pk)
    assert info.like_count == 77 and info.comment_count == 5 and info.caption_text.startswith("Kopi")
    recent = cl.user_medias_v1(int(creds["user_id"]), 10)
    assert [m.pk for m in recent] == [video.pk, album.pk, photo.pk]

    assert cl.media_delete(photo.id) is True
    posts = {p["text"]: p for p in sandbox.posts("instagram", handle)}
    assert posts["Kopi robusta Dampit #kimmalang"]["deleted"]
    assert posts["Dua rasa keripik apel"]["media_count"] == 2
    assert all(p["create_requests"] == 1 for p in posts.values())


def test_dead_session_challenge_and_relogin(sandbox, lib, handle):
    creds = sandbox.create_account("instagram", handle)
    cl = lib.instagram_client(creds)
    sandbox.set_account_state("instagram", handle, session_dead=True)
    with pytest.raises(LoginRequired):
        cl.account_info()
    assert cl.login_legacy(creds["username"], creds["password"], relogin=True) is True
    assert cl.account_info().username == handle
    assert cl.get_settings()["authorization_data"]["sessionid"] != creds["settings"]["authorization_data"]["sessionid"]

    sandbox.set_account_state("instagram", handle, challenge=True)
    with pytest.raises(ChallengeRequired):
        cl.user_medias_v1(int(creds["user_id"]), 5)
    sandbox.set_account_state("instagram", handle, challenge=False, session_dead=True)
    sandbox.set_account_state("instagram", handle, challenge=True)
    with pytest.raises(ChallengeRequired):
        cl.login_legacy(creds["username"], creds["password"], relogin=True)


def test_rate_limit_is_please_wait(sandbox, lib, handle):
    creds = sandbox.create_account("instagram", handle)
    cl = lib.instagram_client(creds)
    sandbox.set_faults("instagram", rate_limit_rate=1.0, seed=9)
    with pytest.raises(PleaseWaitFewMinutes):
        cl.account_info()
    sandbox.clear_faults()
    sandbox.set_rate_limits("instagram", account_limit=1, window_s=60)
    try:
        cl.account_info()
        with pytest.raises(PleaseWaitFewMinutes):
            cl.account_info()
    finally:
        sandbox.set_rate_limits("instagram")


def test_applied_then_dropped_configure_leaves_one_post(sandbox, lib, handle, tmp_path):
    creds = sandbox.create_account("instagram", handle)
    cl = lib.instagram_client(creds)
    sandbox.set_faults("instagram", drop_rate=1.0, only="create", seed=4)
    with pytest.raises(ClientConnectionError):
        cl.photo_upload(lib.jpeg(tmp_path / "drop.jpg"), "Terbit lalu koneksi putus")
    sandbox.clear_faults()
    [post] = sandbox.posts("instagram", handle)
    assert post["text"] == "Terbit lalu koneksi putus" and post["create_requests"] == 1
