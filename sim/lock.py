"""One writer per store: a lock file that names its holder and dies with it.

A command that writes a store (a sweep folder; the calibration store can use the same helper)
holds ``STORE/.lock`` for as long as it runs. The file records who holds it (pid, host, start
time, command line) so that a second command can say who is in the way; the kernel's advisory
lock on the open file (``flock``) is what makes it exclusive. The kernel drops that lock when
the holder ends in any way (normal exit, an exception, ``kill -9``, a crash), so a lock file
left behind by a dead command is recognised as stale and taken over, and a live holder is never
mistaken for a dead one even when its pid is later reused.

A lock file written on another host (a store on a shared file system) cannot be checked from
here; it is refused as held, with a message saying how to remove it if that command is gone.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import socket
import sys
from pathlib import Path
from typing import Self

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows; stores are local-only there
    fcntl = None

LOCK_NAME = ".lock"


class LockHeld(Exception):
    """Another live command holds the store; the message names it and what to do."""

    def __init__(self, path: Path, holder: dict, live: bool = True):
        self.path, self.holder = path, holder
        who = describe(holder)
        if live:
            msg = (f"{path.parent}: in use by {who}. Wait for it to finish (or stop it), then "
                   "run this command again: finished parts are kept and not run twice.")
        else:
            msg = (f"{path.parent}: locked by {who}, which cannot be checked from this host. "
                   f"If that command is no longer running, delete {path} and run this command "
                   "again.")
        super().__init__(msg)


def describe(holder: dict) -> str:
    """``pid 123 on host h (started 2026-12-01T16:00:00+00:00: trucesim sweep ...)``."""
    cmd = holder.get("command", "")
    return (f"pid {holder.get('pid', '?')} on host {holder.get('host', '?')} (started "
            f"{holder.get('started', '?')}{': ' + cmd if cmd else ''})")


def me() -> dict:
    """The record this process writes in a lock file."""
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:500]}


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host."""
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM  # exists, owned by someone else
    return True


def read_holder(path: Path) -> dict:
    """The record in a lock file ({} when it is empty or unreadable)."""
    try:
        record = json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


_held: set[StoreLock] = set()  # the locks this process holds


def _forget_in_child() -> None:
    """A forked worker (sim.processes) inherits the lock's open file; it closes its copy, so the
    lock is the holder's alone (the kernel drops it when the last copy is closed)."""
    for lock in list(_held):
        os.close(lock.fd)
        lock.fd = None
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


class StoreLock:
    """An exclusive lock on a store folder, as a context manager.

    Example::

        with StoreLock(out):   # raises LockHeld if a live command holds it
            ...write the store...

    Attributes:
        stale: the record of a dead holder this lock took over, or None.
    """

    def __init__(self, folder: str | Path):
        self.path = Path(folder) / LOCK_NAME
        self.fd: int | None = None
        self.stale: dict | None = None
        self._created = False

    def acquire(self) -> Self:
        """Take the lock or raise :class:`LockHeld`; a stale lock file is taken over."""
        self._created = not self.path.parent.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while self.fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not self._lock(fd):
                os.close(fd)
                raise LockHeld(self.path, read_holder(self.path))
            if not _same_file(fd, self.path):  # unlinked by a holder that just released it
                os.close(fd)
                continue
            self._claim(fd)
        return self

    def _lock(self, fd: int) -> bool:
        if fcntl is None:  # pragma: no cover
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _claim(self, fd: int) -> None:
        """Check the record left in the file (if any), then write ours."""
        old = read_holder(self.path)
        if old and old.get("host") != socket.gethostname():
            os.close(fd)  # the kernel lock says nothing about another host's processes
            raise LockHeld(self.path, old, live=False)
        pid = old.get("pid")
        if fcntl is None and isinstance(pid, int) and pid > 0 and pid_alive(pid):  # no cover
            os.close(fd)  # no kernel lock here (Windows): the pid is all there is to check
            raise LockHeld(self.path, old)
        self.stale = old or None  # same host and the kernel lock was free: its holder is gone
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(me()) + "\n").encode())
        os.fsync(fd)
        self.fd = fd
        _held.add(self)

    def release(self) -> None:
        """Remove the lock file and drop the lock (unlink first: see :func:`_same_file`); a
        folder the lock created and nothing else filled is removed too."""
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            self.fd = None
            _held.discard(self)
        if self._created:
            try:
                self.path.parent.rmdir()
            except OSError:  # not empty: the store's own files are in it
                pass

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``. A command that opened the lock
    file just before its holder unlinked it would otherwise lock a file no one else sees."""
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False
