"""Writing files atomically: through temporary names, renamed only when every file is written.

Results, reports, sweep parts and new scenario files are written this way, so that a failure
part-way leaves a folder as it was. Imports nothing else from ``sim``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, write) -> None:
    """Write one file through a temporary name (see :func:`atomic_write_all`).

    Args:
        path: the file to write.
        write: called with the temporary file's name; writes the content there.
    """
    atomic_write_all({path: write})


def atomic_write_all(files: dict[Path, object]) -> None:
    """Write every file to a temporary name first and rename them only when all are written,
    so a failure part-way (a full disk, a bad value) leaves the folder as it was: no partial
    set of results, and no stray temporary files."""
    done: dict[Path, str] = {}
    try:
        for path, write in files.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(fd)
            done[path] = tmp
            write(tmp)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results are meant to be shared
        for path, tmp in done.items():
            os.replace(tmp, path)
    except BaseException:
        for tmp in done.values():
            Path(tmp).unlink(missing_ok=True)
        raise
