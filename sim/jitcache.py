"""Numba's on-disk cache, kept in step with the rules it compiled.

Numba checks only the file that defines a compiled function when it reuses a cached machine
code; the compiled day (:mod:`sim.kernel`) inlines rules from :mod:`sim.rules` and
:mod:`sim.bargaining`, so after an edit to a rule the old code would be served from the cache.
:func:`forget_stale` is called when the package is imported: when the sources of the compiled
modules differ from those the cache was made from (their sizes and modification times), it
removes the cache files, and numba compiles afresh on first use.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# the modules with compiled functions, and what they inline
COMPILED = ("kernel.py", "rng.py", "rules/*.py", "bargaining/*.py")
STAMP = "jit_sources.stamp"


def sources_stamp(root: Path = PACKAGE) -> str:
    """The names, sizes and modification times of the compiled modules' sources, a line each."""
    lines = []
    for pattern in COMPILED:
        for path in sorted(root.glob(pattern)):
            st = path.stat()
            lines.append(f"{path.relative_to(root)} {st.st_size} {st.st_mtime_ns}\n")
    return "".join(lines)


def forget_stale(root: Path = PACKAGE) -> bool:
    """Remove numba's cache files under ``root`` if its sources changed since they were made.

    Args:
        root: the package folder (its ``__pycache__`` folders hold numba's ``.nbi``/``.nbc``).

    Returns:
        Whether cache files were removed. A read-only installation is left as it is.
    """
    stamp_file = root / "__pycache__" / STAMP
    now = sources_stamp(root)
    try:
        if stamp_file.exists() and stamp_file.read_text() == now:
            return False
        stale = [p for ext in ("*.nbi", "*.nbc") for p in root.rglob(f"__pycache__/{ext}")]
        for path in stale:
            path.unlink(missing_ok=True)
        stamp_file.parent.mkdir(exist_ok=True)
        stamp_file.write_text(now)
    except OSError:  # an installation we may not write to: its sources do not change either
        return False
    return bool(stale)
