"""The what-if's background jobs: their temporary folder, one job at a time, and clean-up.

Each server keeps its jobs' state in ``$TMPDIR/orgsim-dashboard-jobs-pid<PID>-*`` (PID: the
server's process), removed when the server stops; at start-up, folders left by servers that
are gone are removed too. One what-if runs at a time per server: the running job holds an
exclusive lock on ``whatif.lock`` in that folder (released by the system if the job dies).
Later requests wait in line, first come first served, with a ticket in ``queue/``; a request
beyond ``MAX_WAITING`` waiting ones is refused before any process starts.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dash
import diskcache
import multiprocess
import psutil

PREFIX = "orgsim-dashboard-jobs-"
OWNER = "owner"  # "<pid> <process start time>" of the server owning the folder
LOCK = "whatif.lock"
QUEUE = "queue"  # one ticket per waiting job: "<time ns>-<pid>", oldest first
MAX_WAITING = 3  # what-ifs that may wait behind the running one
MAX_WAIT_S = 1800.0  # a job gives up waiting after this long
BUSY = "another what-if is running on this server; wait for it to finish (or cancel it)"
FULL = f"{MAX_WAITING} what-ifs are already waiting on this server; try again when one has run"
_OWNED = re.compile(rf"{re.escape(PREFIX)}pid(\d+)-")


class Refused(Exception):
    """A job refused before it starts; the message says why."""


def _started(pid: int) -> float | None:
    """The start time of process ``pid``, or None if there is none."""
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def _owner_gone(folder: Path) -> bool:
    """Whether the server that made ``folder`` has stopped (a reused pid does not count)."""
    match = _OWNED.match(folder.name)
    if not match:
        return False  # not made by this code: not ours to judge
    pid = int(match.group(1))
    started = _started(pid)
    if started is None:
        return True
    try:
        recorded = float((folder / OWNER).read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return False  # just created (owner not yet written) or unreadable: keep it
    return abs(recorded - started) > 1


def remove_stale(tmp: Path | None = None) -> list[Path]:
    """Remove the job folders of dashboard servers that are gone; returns those removed."""
    tmp = Path(tmp or tempfile.gettempdir())
    removed = []
    with contextlib.suppress(OSError):
        for folder in tmp.glob(f"{PREFIX}pid*"):
            if folder.is_dir() and not folder.is_symlink() and _owner_gone(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def make_folder() -> Path:
    """A fresh job folder owned by this process (stale ones are removed first)."""
    remove_stale()
    pid = os.getpid()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}pid{pid}-"))
    (folder / OWNER).write_text(f"{pid} {_started(pid)}\n")
    return folder


@contextlib.contextmanager
def slot(
    folder: Path, wait: float = MAX_WAIT_S, on_wait: Callable[[int], None] | None = None
) -> Iterator[None]:
    """Hold the folder's one what-if slot for the block, waiting in line (first come, first
    served) for up to ``wait`` seconds; ``on_wait(ahead)`` reports the jobs ahead while
    waiting. Refused if the wait runs out."""
    tickets = folder / QUEUE
    tickets.mkdir(exist_ok=True)
    ticket = tickets / f"{time.time_ns():020d}-{os.getpid()}"
    ticket.touch()
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        end, told = time.monotonic() + wait, None
        while True:
            ahead = _ahead(tickets, ticket.name)
            if not ahead:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    pass
            if time.monotonic() >= end:
                raise Refused(BUSY)
            if on_wait is not None and told != ahead + 1:
                told = ahead + 1  # the waiting ones ahead, and the running one
                on_wait(told)
            time.sleep(0.05)
        ticket.unlink(missing_ok=True)
        yield
    finally:
        ticket.unlink(missing_ok=True)
        os.close(fd)


def _ahead(tickets: Path, mine: str) -> int:
    """Waiting jobs that came before ``mine`` and are still alive (dead ones' tickets go)."""
    ahead = 0
    for ticket in sorted(tickets.iterdir()):
        if ticket.name >= mine:
            break
        pid = int(ticket.name.rpartition("-")[2])
        if psutil.pid_exists(pid):
            ahead += 1
        else:
            ticket.unlink(missing_ok=True)
    return ahead


def _kill(pid: int) -> None:
    """Kill process ``pid`` and its children (the runs' workers)."""
    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(pid)
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
        proc.kill()
        proc.wait(2)


class JobManager(dash.DiskcacheManager):
    """Dash's DiskcacheManager with a gate before each job's process starts.

    ``gate(args)`` gets a job's callback arguments in the server's process and raises Refused
    to refuse it; a job is also refused when ``MAX_WAITING`` jobs already wait behind the
    running one. Finished job processes are reaped at each request, running ones killed when
    the server stops, and the jobs folder removed then.
    """

    def __init__(self, folder: Path, gate: Callable[[Any], None]) -> None:
        self.folder = folder
        self.gate = gate
        self._pids: set[int] = set()
        self._starting = threading.Lock()
        super().__init__(diskcache.Cache(str(folder)))
        atexit.register(self.close)

    def running(self) -> list[int]:
        """The pids of this server's job processes still running (finished ones reaped)."""
        alive = {p.pid for p in multiprocess.active_children()}  # joins finished children
        self._pids &= alive
        return sorted(self._pids)

    def call_job_fn(self, key: Any, job_fn: Any, args: Any, context: Any) -> Any:
        """Start the job's process (it waits its turn), unless the gate refuses it or the
        queue is full."""
        with self._starting:
            if len(self.running()) > MAX_WAITING:
                raise Refused(FULL)
            self.gate(args)
            pid = super().call_job_fn(key, job_fn, args, context)
            self._pids.add(pid)
            return pid

    def close(self) -> None:
        """Stop the running jobs and remove the jobs folder (when the server stops)."""
        for pid in list(self._pids):
            _kill(pid)
        self.running()
        with contextlib.suppress(Exception):
            self.handle.close()
        shutil.rmtree(self.folder, ignore_errors=True)
