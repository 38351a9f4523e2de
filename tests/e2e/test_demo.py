"""``siar demo`` end to end: start it, watch posts go out and engagement come in, stop it.

The demo runs as a real subprocess in its own process group, in a temporary
directory, on free ports. The test reads what a person would: the printed
logins and API token, the JSON API, the sandbox's admin API; and the
database for the engagement snapshots. After SIGINT nothing may be left:
no process whose command line or environment names the temporary
directory, and none in the demo's process group.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

SIAR = str(Path(sys.executable).with_name("siar"))
START_DEADLINE = 150.0  # seconds until posts are published and engagement recorded
STOP_DEADLINE = 40.0  # seconds until every process is gone after SIGINT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], Any], deadline: float, what: str, log: Path, proc: subprocess.Popen[bytes]
) -> Any:
    """Poll ``condition`` until it is truthy; fail at the monotonic ``deadline`` or as soon
    as the demo has exited."""
    while True:
        value = condition()
        if value:
            return value
        exited = proc.poll() is not None
        if exited or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            why = f"the demo exited with {proc.returncode}" if exited else "timed out"
            raise AssertionError(f"{why} waiting for {what}; demo output ends with:\n{tail}")
        time.sleep(1.0)


def processes_of(tmp: Path, pgid: int) -> list[str]:
    """Live processes (not zombies) that name ``tmp`` in their command line or environment,
    or belong to process group ``pgid``."""
    found = []
    needle = str(tmp).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            stat = (entry / "stat").read_text()
            state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
            if state == "Z":
                continue
            cmdline = (entry / "cmdline").read_bytes()
            try:
                environ = (entry / "environ").read_bytes()
            except PermissionError:
                environ = b""
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if int(group) == pgid or needle in cmdline or needle in environ:
            shown = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {shown}")
    return found


@pytest.fixture
def demo_run(tmp_path: Path):
    """A running ``siar demo``; yields (process, data dir, web port, sandbox port, output file)."""
    data_dir = tmp_path / "demo"
    port, sandbox_port = free_port(), free_port()
    out = tmp_path / "demo.out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAR_")}
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [SIAR, "demo", "--data-dir", str(data_dir), "--port", str(port), "--sandbox-port", str(sandbox_port)],
            cwd=tmp_path,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # its own process group, like a terminal job
    try:
        yield proc, data_dir, port, sandbox_port, out
    finally:
        if proc.poll() is None:  # the test failed before stopping it: leave nothing behind
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(STOP_DEADLINE)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        for line in processes_of(tmp_path, proc.pid):
            pid = int(line.split(":")[0])
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_demo_publishes_collects_engagement_and_stops_cleanly(demo_run, tmp_path: Path) -> None:
    proc, data_dir, port, sandbox_port, out = demo_run
    started = datetime.now(UTC)
    deadline = time.monotonic() + START_DEADLINE
    api = f"http://127.0.0.1:{port}"
    sandbox = f"http://127.0.0.1:{sandbox_port}"

    # 1. The banner: logins of every role with passwords, and an API token.
    token = wait_until(
        lambda: re.search(r"Token API staf Kominfo:\s+(siar_\S+)", out.read_text(errors="replace")),
        deadline,
        "the printed API token",
        out,
        proc,
    ).group(1)
    text = out.read_text(errors="replace")
    for role in ("superadmin", "staf Kominfo", "admin KIM", "anggota KIM"):
        assert role in text
    assert re.search(r"admin\.purwantoro@demo\.siar\.id\s+\|\s+malang-[0-9a-f]{6}", text)
    assert f"http://127.0.0.1:{port}/" in text
    state = json.loads((data_dir / "demo.json").read_text())
    assert oct((data_dir / "demo.json").stat().st_mode & 0o777) == "0o600"
    assert state["api_token"] == token

    engine = sa.create_engine(f"sqlite:///{data_dir / 'siar.db'}")
    headers = {"Authorization": f"Bearer {token}"}

    def published_through_api() -> list[dict[str, Any]]:
        try:
            response = requests.get(
                f"{api}/api/v1/posts", params={"state": "published", "per_page": 100}, headers=headers, timeout=10
            )
        except requests.RequestException:
            return []
        if response.status_code != 200:
            return []
        return [
            t
            for post in response.json()["items"]
            for t in post["targets"]
            if t["state"] == "published" and t["published_at"] and datetime.fromisoformat(t["published_at"]) >= started
        ]

    # 2. Posts published during this run, seen through the JSON API.
    targets = wait_until(published_through_api, deadline, "published posts in the API", out, proc)
    assert all(t["remote_id"] and t["permalink"] for t in targets)

    # 3. ... and in the sandbox, each created exactly once.
    def sandbox_posts() -> list[dict[str, Any]]:
        return requests.get(f"{sandbox}/_sandbox/posts", timeout=10).json()

    posts = wait_until(sandbox_posts, deadline, "posts in the sandbox", out, proc)
    assert {p["platform"] for p in posts} >= {"x", "facebook"}
    assert all(p["create_requests"] == 1 for p in posts), posts
    # Instagram's media id is "<media>_<user>" where the sandbox lists "<media>".
    sandbox_ids = {p["id"] for p in posts}
    assert all(any(pid in t["remote_id"] for pid in sandbox_ids) for t in targets), targets

    # 4. Engagement recorded for posts of this run (snapshots), and shown by the API.
    def fresh_snapshots() -> int:
        with engine.connect() as conn:
            return conn.execute(
                sa.text(
                    "SELECT count(*) FROM engagement_snapshots s JOIN post_targets t "
                    "ON t.id = s.target_id WHERE t.remote_id NOT LIKE 'riwayat-%' "
                    "AND s.remote_missing = 0"
                )
            ).scalar_one()

    wait_until(fresh_snapshots, deadline, "engagement snapshots of new posts", out, proc)
    measured = wait_until(
        lambda: [t for t in published_through_api() if t["metrics"]["captured_at"]],
        deadline,
        "engagement in the API",
        out,
        proc,
    )
    assert measured
    with engine.connect() as conn:  # the back-filled history has engagement too
        history = conn.execute(
            sa.text(
                "SELECT count(*) FROM engagement_snapshots s JOIN post_targets t "
                "ON t.id = s.target_id WHERE t.remote_id LIKE 'riwayat-%'"
            )
        ).scalar_one()
        assert history > 100
    engine.dispose()

    # 5. SIGINT (Ctrl-C) stops everything, and nothing is left behind.
    assert proc.poll() is None, "the demo stopped by itself"
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(STOP_DEADLINE) == 0
    end = time.monotonic() + 10
    while processes_of(tmp_path, proc.pid) and time.monotonic() < end:
        time.sleep(0.5)
    assert processes_of(tmp_path, proc.pid) == []
    assert "nothing left running" in out.read_text(errors="replace")


def test_sigterm_while_seeding_stops_at_once_and_the_next_run_starts_over(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    out = tmp_path / "demo.out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAR_")}
    argv = [SIAR, "demo", "--data-dir", str(data_dir), "--port", str(free_port()), "--sandbox-port", str(free_port())]
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            argv, cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until(
            lambda: "seeding..." in out.read_text(errors="replace"),
            time.monotonic() + 60,
            "the seeding to start",
            out,
            proc,
        )
        os.kill(proc.pid, signal.SIGTERM)
        try:
            code = proc.wait(STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            code = None
        assert code == 128 + signal.SIGTERM, (code, out.read_text(errors="replace")[-3000:])
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    end = time.monotonic() + 10
    while processes_of(tmp_path, proc.pid) and time.monotonic() < end:
        time.sleep(0.5)
    assert processes_of(tmp_path, proc.pid) == []
    assert not (data_dir / "demo.json").exists()  # unfinished: no state file
    from scheduler.demo import datadir

    assert datadir.prepare(data_dir, fresh=False) is True  # so the next run starts over
    assert not (data_dir / "siar.db").exists()
