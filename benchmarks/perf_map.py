"""The compiled day under ``perf``: name numba's machine code for the profiler (issue 15).

    perf record -F 4000 -o perf.data python benchmarks/perf_map.py [--worlds 10000] [--reps 2]
        [--scenario examples/syria_2016_brokers.yaml]   (default: syria_2016)
    perf report -i perf.data --no-children --sort sym

Numba's JIT code has no symbols, so ``perf`` shows it as raw addresses. This script runs the
compiled day as ``day_profile.py sizes`` does (Syria 2016, :func:`sim.kernel.run_day` alone)
after writing ``/tmp/perf-<pid>.map``, the file in which ``perf report`` looks up the names of
JIT code: each function of the compiled libraries (the day and everything it did not inline)
at its address, with its size from the object code numba loads from its cache. The object
files are kept (``--objects``, default /tmp/trucesim-objects) for ``objdump -d``: an address in
``perf script -F ip,sym`` minus the function's address in the map is its offset in the object
file. Prints the CPU ns per world-day of each repeat; nothing here is timed by the test suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_OBJECTS: dict[int, bytes] = {}


def keep_object_code() -> None:
    """Keep a copy of the object code of each library numba loads from its cache (numba
    hands it to LLVM and drops it); call before the compiled functions are first used."""
    from numba.core import codegen

    original = codegen.CPUCodeLibrary._set_compiled_object

    def kept(self, value):
        _OBJECTS[id(self)] = bytes(value)
        return original(self, value)

    codegen.CPUCodeLibrary._set_compiled_object = kept


def write_map(dispatchers, objects: Path) -> int:
    """Write /tmp/perf-<pid>.map for the compiled overloads of ``dispatchers``; returns the
    number of functions named."""
    objects.mkdir(parents=True, exist_ok=True)
    entries = set()
    for d in dispatchers:
        for cres in d.overloads.values():
            code = _OBJECTS.get(id(cres.library))
            if code is None:  # compiled in this process, not loaded: run once more
                continue
            path = objects / f"{cres.library.name}.o"
            path.write_bytes(code)
            listing = subprocess.run(["nm", "-S", "--defined-only", str(path)],
                                     capture_output=True, text=True, check=True).stdout
            for line in listing.splitlines():
                parts = line.split()
                if len(parts) == 4 and parts[2] in "tTW":
                    address = cres.library.get_pointer_to_function(parts[3])
                    if address:
                        entries.add((address, int(parts[1], 16), parts[3]))
    with open(f"/tmp/perf-{os.getpid()}.map", "w") as out:
        for address, size, name in sorted(entries):
            out.write(f"{address:x} {size:x} {name}\n")
    return len(entries)


def main(argv=None) -> None:
    """Parse the command line, name the code, run the compiled day."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worlds", type=int, default=10000)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--objects", default="/tmp/trucesim-objects")
    ap.add_argument("--scenario", default=None, help="a shipped name or a file (syria_2016)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    keep_object_code()
    import numba

    import sim
    from benchmarks.day_profile import SCENARIO, step_days
    from sim import kernel
    from sim.model import TruceModel

    scn = sim.load(a.scenario or SCENARIO)
    step_days(TruceModel(scn, 2, seed=1), kernel.run_day)  # compiled or loaded first
    dispatchers = [v for m in list(sys.modules.values()) if m and m.__name__.startswith("sim")
                   for v in vars(m).values() if isinstance(v, numba.core.registry.CPUDispatcher)]
    print("functions named:", write_map(dispatchers, Path(a.objects)), flush=True)
    for _ in range(a.reps):
        spent = step_days(TruceModel(scn, a.worlds, seed=1), kernel.run_day)
        print(f"{spent / (a.worlds * scn.meta.horizon_days) * 1e9:.1f} CPU ns a world-day",
              flush=True)


if __name__ == "__main__":
    main()
