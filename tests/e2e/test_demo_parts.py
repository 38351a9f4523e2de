"""The demo's parts without running the whole demo: its data, its directory, its processes.

Fast (a few seconds): the catalog against the Malang seed and the platform
rules, the data directory's refusal to wipe what is not a demo, and the
supervisor's promise that stopping a child leaves none of its process group.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from scheduler.demo import datadir
from scheduler.demo.catalog import KIMS, logins
from scheduler.demo.images import sample_photo
from scheduler.demo.processes import Supervisor, group_alive
from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import MediaKind
from scheduler.domain.rules import MediaInfo, validate_content
from scheduler.store.seed import read_malang


def test_every_demo_kim_is_in_a_real_kelurahan_once() -> None:
    codes = {k.code for k in read_malang()[1]}
    assert len(KIMS) == 12
    assert {k.kelurahan_code for k in KIMS} <= codes
    assert len({k.kelurahan_code for k in KIMS}) == len(KIMS)  # one KIM per kelurahan
    assert len({k.slug for k in KIMS}) == len({k.handle for k in KIMS}) == len(KIMS)


def test_demo_people_cover_every_role_with_unique_emails() -> None:
    people = logins()
    assert {p.role for p in people} == {"superadmin", "staff", "admin", "member"}
    assert len({p.email for p in people}) == len(people) == 2 + 2 * len(KIMS)
    assert all(p.kim_slug for p in people if p.role in ("admin", "member"))


@pytest.mark.parametrize("kim", KIMS, ids=lambda k: k.slug)
def test_sample_texts_pass_the_rules_of_the_platforms_they_go_to(kim) -> None:
    photo = MediaInfo(kind=MediaKind.IMAGE, mime_type="image/jpeg", size_bytes=200_000, width=1080, height=1080)
    for text, with_photo, about in kim.posts:
        assert about in kim.subject_names, about
        platforms = ("x", "facebook", "instagram") if with_photo else ("x", "facebook")
        for platform in platforms:
            problems = validate_content(platform, text, [photo] if with_photo else [])
            assert not [p for p in problems if p.is_error], (platform, text, problems)


def test_sample_photo_is_a_square_jpeg_and_reproducible() -> None:
    data = sample_photo("Keripik tempe", "KIM Purwantoro", ("#92400e", "#fde68a"), seed="a")
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (1080, 1080))
    assert sample_photo("Keripik tempe", "KIM Purwantoro", ("#92400e", "#fde68a"), seed="a") == data


def test_data_dir_is_never_wiped_unless_it_is_a_demo_dir(tmp_path: Path) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.odt").write_text("do not delete")
    with pytest.raises(InvalidInput) as refused:
        datadir.prepare(precious, fresh=True)
    assert "bukan direktori demo" in refused.value.message_id
    assert (precious / "thesis.odt").exists()

    demo = tmp_path / "demo"
    assert datadir.prepare(demo, fresh=False) is True
    datadir.save_state(demo, sandbox_port=8765, logins=logins(), api_token="siar_x_y")
    (demo / "siar.db").write_text("")
    assert datadir.prepare(demo, fresh=False) is False  # kept
    assert (demo / "siar.db").exists()
    assert oct((demo / datadir.STATE).stat().st_mode & 0o777) == "0o600"
    assert datadir.prepare(demo, fresh=True) is True  # wiped
    assert not (demo / "siar.db").exists()


# A child that starts a grandchild ignoring SIGTERM, then prints and waits:
# like a Celery worker with its prefork pool.
_FAMILY = """
import os, signal, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('pool up', flush=True); time.sleep(300)"])
print("leader up", grandchild.pid, flush=True)
time.sleep(300)
"""


def test_supervisor_prefixes_output_and_leaves_no_process_of_a_group(tmp_path: Path) -> None:
    out = io.StringIO()
    sup = Supervisor(env=dict(os.environ), log_dir=tmp_path / "logs", out=out, colour=False)
    child = sup.start("worker", [sys.executable, "-c", _FAMILY])
    deadline = time.monotonic() + 20
    while "pool up" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "[worker]  leader up" in out.getvalue()
    assert os.getpgid(child.proc.pid) == child.proc.pid != os.getpgid(0)  # its own group
    grandchild = int(out.getvalue().split("leader up ")[1].split()[0])
    assert os.getpgid(grandchild) == child.pgid

    started = time.monotonic()
    codes = sup.stop_all([["worker"]], deadline=3.0)
    assert codes["worker"] == -signal.SIGTERM
    assert not group_alive(child.pgid)  # the grandchild is gone too
    assert time.monotonic() - started < 10
    assert "leader up" in (tmp_path / "logs" / "worker.log").read_text()
    assert sup.exited() == []  # stopped on purpose: not "exited by itself"


def test_supervisor_restarts_an_exited_child_with_the_same_command(tmp_path: Path) -> None:
    marker = tmp_path / "runs"
    script = (
        f"import pathlib, sys, time; p = pathlib.Path({str(marker)!r}); "
        "n = len(p.read_text()) if p.exists() else 0; p.write_text('x' * (n + 1)); "
        "print('run', n + 1, flush=True); sys.exit(3) if n == 0 else time.sleep(300)"
    )
    out = io.StringIO()
    sup = Supervisor(env=dict(os.environ), log_dir=tmp_path / "logs", out=out, colour=False)
    sup.start("beat", [sys.executable, "-c", script])
    deadline = time.monotonic() + 20
    while not sup.exited() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sup.exited() == [("beat", 3)]
    child = sup.restart("beat")
    assert child.restarts == 1
    while "run 2" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sup.exited() == []
    assert child.proc.poll() is None
    sup.stop_all([["beat"]], deadline=5.0)
    assert not group_alive(child.pgid)
