"""Child processes of ``siar demo``: start them, show their logs, stop them all.

Each child runs in its own process group (its own session), so that:

* a Ctrl-C in the terminal reaches only ``siar demo``, which then stops the
  children in order (beat first, so nothing new is dispatched; the sandbox
  last, so an in-flight publish can finish);
* stopping a child also stops its own children (Celery's prefork pool
  processes): after the leader exits, or after the deadline, the whole group
  gets SIGKILL, so nothing is left running.

On Linux each child also asks the kernel for SIGTERM should ``siar demo``
itself die without cleaning up (``PR_SET_PDEATHSIG``).

Output of every child is read line by line on a thread, printed with a
prefix ("[worker] ...", coloured on a terminal) and copied whole into
``<log_dir>/<name>.log``. Lines that only say "the periodic tick ran"
(dispatch every second) are kept out of the terminal, not out of the file.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

COLOURS = {"sandbox": "36", "web": "32", "worker": "33", "beat": "35", "demo": "1;34"}
#: Terminal noise: periodic ticks of the pipeline (still written to the log files).
QUIET = (
    "siar.dispatch[",
    "siar.sweep[",
    "siar.reconcile[",
    "Sending due task dispatch",
    "Sending due task sweep",
    "Sending due task reconcile",
    "No hostname was supplied",
)  # kombu's filesystem transport has no host: harmless
_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
        return prctl
    except (OSError, AttributeError):
        return None


# Looked up here, in the parent: the child between fork and exec only calls it.
_prctl = _load_prctl()


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen[bytes]
    reader: threading.Thread
    expected_exit: bool = False
    restarts: int = 0

    @property
    def pgid(self) -> int:
        return self.proc.pid  # start_new_session: the leader's pid is the group id


@dataclass
class Supervisor:
    """Starts, watches and stops the demo's children."""

    env: dict[str, str]
    log_dir: Path
    out: IO[str] = field(default_factory=lambda: sys.stdout)
    colour: bool | None = None
    children: dict[str, Child] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.colour is None:
            self.colour = bool(getattr(self.out, "isatty", lambda: False)())
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    # -- output -------------------------------------------------------------
    def say(self, name: str, line: str) -> None:
        """Print one line with the ``[name]`` prefix (coloured on a terminal)."""
        prefix = f"[{name}]".ljust(9)
        if self.colour:
            prefix = f"\033[{COLOURS.get(name, '0')}m{prefix}\033[0m"
        with self._lock:
            try:
                self.out.write(f"{prefix} {line}\n")
                self.out.flush()
            except (OSError, ValueError):  # the terminal went away (SIGHUP): keep stopping
                pass

    def _pump(self, name: str, stream: IO[bytes], log: IO[bytes]) -> None:
        with log:
            for raw in iter(stream.readline, b""):
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", "replace").rstrip()
                if line and not any(q in line for q in QUIET):
                    self.say(name, line)
        stream.close()

    # -- lifecycle ------------------------------------------------------------
    def start(self, name: str, argv: Sequence[str]) -> Child:
        """Start ``argv`` as child ``name`` in its own process group."""
        log = (self.log_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            list(argv),
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        assert proc.stdout is not None
        reader = threading.Thread(
            target=self._pump, args=(name, proc.stdout, log), name=f"demo-log-{name}", daemon=True
        )
        reader.start()
        child = Child(name, list(argv), proc, reader)
        self.children[name] = child
        return child

    def restart(self, name: str) -> Child:
        """Start an exited child again; whatever is left of its old group is killed first."""
        old = self.children[name]
        old.expected_exit = True
        _reap_group(old.pgid)
        old.reader.join(5)
        child = self.start(name, old.argv)
        child.restarts = old.restarts + 1
        return child

    def exited(self) -> list[tuple[str, int]]:
        """Children that stopped on their own: (name, exit code)."""
        return [
            (c.name, c.proc.returncode)
            for c in self.children.values()
            if not c.expected_exit and c.proc.poll() is not None
        ]

    def stop_all(
        self, order: Sequence[Sequence[str]], deadline: float = 20.0, on_kill: Callable[[str], None] | None = None
    ) -> dict[str, int | None]:
        """Stop the children stage by stage (each stage: SIGTERM, wait), then make sure
        no process of any child's group is left (SIGKILL after ``deadline`` seconds overall)."""
        end = time.monotonic() + deadline
        named = [n for stage in order for n in stage]
        stages = [list(stage) for stage in order] + [[n for n in self.children if n not in named]]
        for stage in stages:
            live = [self.children[n] for n in stage if n in self.children]
            for child in live:
                child.expected_exit = True
                if child.proc.poll() is None:
                    _signal_pid(child.proc.pid, signal.SIGTERM)
            for child in live:
                remaining = max(0.1, end - time.monotonic()) if time.monotonic() < end else 0.1
                try:
                    child.proc.wait(remaining)
                except subprocess.TimeoutExpired:
                    if on_kill:
                        on_kill(child.name)
                    _signal_group(child.pgid, signal.SIGKILL)
                    child.proc.wait(5)
        for child in self.children.values():
            _reap_group(child.pgid)
            child.reader.join(5)
        return {c.name: c.proc.returncode for c in self.children.values()}

    def kill_all(self) -> None:
        """SIGKILL every child's group at once (a second Ctrl-C)."""
        for child in self.children.values():
            child.expected_exit = True
            _signal_group(child.pgid, signal.SIGKILL)


def _signal_pid(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def group_alive(pgid: int) -> bool:
    """Whether any process of the group still exists (zombies of other parents included)."""
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _reap_group(pgid: int, timeout: float = 5.0) -> None:
    """Whatever is left of a group (a pool process whose parent is gone) gets SIGKILL."""
    end = time.monotonic() + timeout
    while group_alive(pgid):
        _signal_group(pgid, signal.SIGKILL)
        if time.monotonic() > end:
            return
        time.sleep(0.05)
