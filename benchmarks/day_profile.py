"""Where a compiled day's time goes (issue 15; docs/performance.md, "Issue 15, slice 3").

    python benchmarks/day_profile.py sizes  [--worlds 100,1000,10000] [--reps 3]
    python benchmarks/day_profile.py serial [--worlds 10000] [--reps 3]
    python benchmarks/day_profile.py phases [--worlds 10000] [--reps 3]
    ... [--scenario examples/syria_2016_brokers.yaml]   (default: syria_2016)

``sizes``: CPU nanoseconds per world-day of :func:`sim.kernel.run_day` alone (thread CPU time
around each call), Syria 2016, at several numbers of worlds: whether the cost grows once the
state no longer fits in cache. ``serial``: in whole runs with 1 and 2 threads (alternating),
the CPU time spent outside the compiled day (the per-day Python work that threads cannot
share), its fraction, Amdahl's limit for 2 threads, and the compiled day's CPU time with 2
threads over 1 (above 1: the threads contend). ``phases``: the share of each phase of
:func:`sim.kernel.world_day`, from the CPU's cycle counter read around each phase in an
instrumented copy of sim/kernel.py (compiled afresh: about a minute). The counter runs in wall
time, so on a loaded machine only the shares mean something. Medians of ``--reps`` runs; JSON
on stdout. Nothing here is timed by the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "syria_2016"


def step_days(m, run_day, *extra) -> float:
    """Step model ``m`` to its horizon calling ``run_day`` directly; thread CPU s in it."""
    from sim import kernel

    p, spent = m.params, 0.0
    while m.running:
        m.today = m.engine.begin_day(m.day, m.state)
        forced = kernel.forced_today(p.events, m.day, max(p.n_parties, p.n_spoilers))
        start = time.thread_time()
        with kernel.scalar_loops():  # compiled as sim.kernel.over_worlds compiles it
            run_day(0, m.state.n, m.day, m.streams.keys, m.state, m.fixed, m.today, forced,
                    m.work[0], *extra)
        spent += time.thread_time() - start
        m.day += 1
        m.running = m.day < p.horizon
    return spent


def sizes(worlds: list[int], reps: int, scenario: str = SCENARIO) -> dict:
    """Median CPU ns per world-day of the compiled day alone, per number of worlds."""
    import sim
    from sim import kernel
    from sim.model import TruceModel

    scn = sim.load(scenario)
    step_days(TruceModel(scn, 2, seed=1), kernel.run_day)  # compiled or loaded first
    out = {}
    for n in worlds:
        runs = [step_days(TruceModel(scn, n, seed=1), kernel.run_day) for _ in range(reps)]
        out[n] = round(float(np.median(runs)) / (n * scn.meta.horizon_days) * 1e9, 1)
    return {"ns_per_world_day": out}


def serial(n: int, reps: int, scenario: str = SCENARIO) -> dict:
    """CPU time inside and outside the compiled day, 1 and 2 threads (medians)."""
    import sim
    from sim import kernel

    scn, inner, spent = sim.load(scenario), kernel.over_worlds, {"cpu": 0.0}

    def timed(*args, **kwargs):
        start = time.process_time()
        inner(*args, **kwargs)
        spent["cpu"] += time.process_time() - start

    kernel.over_worlds = timed
    sim.run(scn, worlds=600, seed=1, days=2, threads=2)
    rows = {1: [], 2: []}
    for _ in range(reps):
        for threads in (1, 2):
            spent["cpu"], start = 0.0, time.process_time()
            sim.run(scn, worlds=n, seed=1, threads=threads)
            rows[threads].append((time.process_time() - start, spent["cpu"]))
    return _serial_figures(n, {k: np.median(v, axis=0) for k, v in rows.items()})


def _serial_figures(n: int, med: dict) -> dict:
    """The serial fraction (1 thread), Amdahl's limit and the 2-thread CPU ratio."""
    (total1, day1), (total2, day2) = med[1], med[2]
    f = (total1 - day1) / total1
    return {"worlds": n, "cpu_s_1t": round(total1, 3), "cpu_s_2t": round(total2, 3),
            "compiled_day_cpu_s_1t": round(day1, 3),
            "serial_cpu_s": round(total1 - day1, 3), "serial_fraction": round(f, 4),
            "amdahl_limit_2t": round(1 / (f + (1 - f) / 2), 3),
            "compiled_day_cpu_2t_over_1t": round(day2 / day1, 3),
            "load": open("/proc/loadavg").read().split()[:3]}


COUNTER = '''
from llvmlite import ir as _ir
from numba import types as _nt
from numba.core import cgutils as _cg
from numba.extending import intrinsic as _intrinsic


@_intrinsic
def cycles(typingctx):
    def codegen(context, builder, signature, args):
        fnty = _ir.FunctionType(_ir.IntType(64), [])
        fn = _cg.get_or_insert_function(builder.module, fnty, "llvm.readcyclecounter")
        return builder.call(fn, [])
    return _nt.uint64(), codegen

'''


def instrumented(src: str) -> tuple[str, list[str]]:
    """sim/kernel.py's source with a cycle count around each statement of ``world_day`` and
    an ``acc`` argument (acc[k]: phase k; acc[-1]: the whole world-day), and the phases."""
    src = src.replace("cache=True", "cache=False").replace(
        "\nATTACK, VIOLATE", COUNTER + "\nATTACK, VIOLATE", 1)
    src = src.replace("forced, work):\n", "forced, work, acc):\n", 2).replace(
        "        world_day(w, day, keys[w], s, p, t, forced, work)\n",
        "        t1 = cycles()\n        world_day(w, day, keys[w], s, p, t, forced, work, acc)\n"
        "        acc[-1] += cycles() - t1\n")
    start = src.index("def world_day(")
    end = src.index("@njit", start)
    lines, names = _timed_statements(src[start:end].split("\n"))
    return src[:start] + "\n".join(lines) + src[end:], names


def _timed_statements(lines: list[str]) -> tuple[list[str], list[str]]:
    """Wrap each top-level statement of a function body (after its docstring) in counters."""
    out, names, i = lines[:2], [], 2
    while i < len(lines):
        j = i + 1
        while j < len(lines) and (lines[j].startswith("     ") or "elif" in lines[j][:9]):
            j += 1
        if lines[i].startswith("    ") and not lines[i].startswith("     "):
            out += ["    t0 = cycles()", *lines[i:j], f"    acc[{len(names)}] += cycles() - t0"]
            names.append(lines[i].strip()[:50])
        else:
            out += lines[i:j]
        i = j
    return out, names


def phases(n: int, reps: int, scenario: str = SCENARIO) -> dict:
    """Median share of each phase of a world-day, from the instrumented copy."""
    import sim
    from sim.model import TruceModel

    src, names = instrumented((ROOT / "sim" / "kernel.py").read_text())
    path = Path(tempfile.mkdtemp()) / "kernel_counted.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("kernel_counted", path)
    counted = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counted)
    scn, acc = sim.load(scenario), np.zeros(len(names) + 1, dtype=np.uint64)
    step_days(TruceModel(scn, 2, seed=1), counted.run_day, acc)
    shares = []
    for _ in range(reps):
        acc[:] = 0
        step_days(TruceModel(scn, n, seed=1), counted.run_day, acc)
        shares.append(acc[:-1] / acc[-1])
    share = np.median(shares, axis=0)
    return {"worlds": n, "share": {k: round(float(v), 3) for k, v in zip(names, share)},
            "counters_and_loop": round(1 - float(share.sum()), 3)}


def main(argv=None) -> None:
    """Parse the command line and print one measurement as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["sizes", "serial", "phases"])
    ap.add_argument("--worlds", default=None, help="comma-separated for sizes")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scenario", default=SCENARIO, help="a shipped name or a file")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if a.what == "sizes":
        out = sizes([int(x) for x in (a.worlds or "100,1000,10000").split(",")], a.reps,
                    a.scenario)
    else:
        out = {"serial": serial, "phases": phases}[a.what](int(a.worlds or 10000), a.reps,
                                                           a.scenario)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
