"""The work of a run outside the compiled day (issue 15; docs/performance.md, "Issue 15, slice 4").

    python benchmarks/outside_day.py parts   [--worlds 10000] [--reps 3] [--strategies a,b]
    python benchmarks/outside_day.py startup [--reps 3]

``parts``: for each strategy of the Syria scenario, one run of ``--worlds`` worlds over the full
horizon (as ``compare`` runs a strategy's batch), split into the thread CPU seconds spent in the
compiled day (:func:`sim.kernel.over_worlds`), the intervention engine's ``begin_day``, the
scripted events of the day (:func:`sim.kernel.forced_today`), Mesa's data collector, building
the model, the results tables, and the rest (Mesa's step, the loop); medians of ``--reps`` runs,
and their sum over the strategies. ``startup``: what a fresh worker process of ``compare`` pays
before its first batch runs, in a fresh interpreter each time: importing :mod:`sim.runner`, and
the first 100-world batch (numba loads the compiled functions from its on-disk cache) against a
second one. JSON on stdout. CPU time, not wall time, so that a loaded machine can be compared
with itself: run the old and the new code in the same minutes (``PYTHONPATH``). Nothing here is
timed by the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "syria_2016"
# (module, attribute, part): the functions timed by ``parts``
TIMED = (("sim.kernel", "over_worlds", "compiled_day"),
         ("sim.kernel", "forced_today", "events"),
         ("sim.strategies.engine", "InterventionEngine.begin_day", "engine"),
         ("mesa", "DataCollector.collect", "collector"),
         ("sim.model", "TruceModel.__init__", "model"),
         ("sim.runner", "world_table", "results"),
         ("sim.runner", "_assemble", "results"))


def _timed(fn, part: str, spent: Counter):
    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[part] += time.thread_time() - start
    return wrapper


def instrument(spent: Counter) -> None:
    """Wrap each function of :data:`TIMED` so that its thread CPU time adds to ``spent``."""
    import importlib

    for module, name, part in TIMED:
        owner = importlib.import_module(module)
        *path, attr = name.split(".")
        for step in path:
            owner = getattr(owner, step)
        setattr(owner, attr, _timed(getattr(owner, attr), part, spent))


def one_run(scn, strategy: str, worlds: int, spent: Counter) -> dict:
    """Thread CPU seconds of each part of one run of ``strategy``."""
    from sim.runner import run

    spent.clear()
    start = time.thread_time()
    run(scn, strategy, worlds=worlds, seed=1)
    total = time.thread_time() - start
    out = dict(spent)
    out["rest"] = total - sum(out.values())
    out["total"] = total
    return out


def parts(worlds: int, reps: int, strategies: list[str] | None) -> dict:
    """Median thread CPU s of each part of a run, per strategy, and their sums."""
    import sim

    scn = sim.load(SCENARIO)
    sim.run(scn, worlds=2, seed=1, days=1)  # compiled (or loaded from the cache) first
    spent: Counter = Counter()
    instrument(spent)
    names = strategies or list(scn.strategies)
    runs = {s: [one_run(scn, s, worlds, spent) for _ in range(reps)] for s in names}
    medians = {s: {k: round(statistics.median(r[k] for r in rs), 4) for k in rs[0]}
               for s, rs in runs.items()}
    keys = next(iter(medians.values())).keys()
    medians["all"] = {k: round(sum(m[k] for m in medians.values()), 3) for k in keys}
    return {"worlds": worlds, "reps": reps, "cpu_s": medians}


STARTUP = """
import time, pickle, sys
t0 = time.process_time()
import sim.runner
t1 = time.process_time()
import sim
scn = sim.load(sys.argv[1])
t2 = time.process_time()
sim.runner.run_batch(scn, "baseline", 1, None, 0, 100)
t3 = time.process_time()
sim.runner.run_batch(scn, "baseline", 1, None, 0, 100)
t4 = time.process_time()
print(t1 - t0, t3 - t2, t4 - t3)
"""


def startup(reps: int) -> dict:
    """Median CPU s, in fresh interpreters, of the import and of a first and second batch."""
    rows = []
    for _ in range(reps):
        out = subprocess.run([sys.executable, "-c", STARTUP, SCENARIO], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout.split()
        rows.append([float(x) for x in out])
    med = [round(statistics.median(r[i] for r in rows), 3) for i in range(3)]
    return {"reps": reps, "import_s": med[0], "first_batch_100_s": med[1],
            "second_batch_100_s": med[2]}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``parts`` or ``startup``; JSON on stdout."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["parts", "startup"])
    ap.add_argument("--worlds", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--strategies", default=None, help="comma-separated (default: all)")
    args = ap.parse_args(argv)
    if args.what == "parts":
        names = args.strategies.split(",") if args.strategies else None
        out = parts(args.worlds, args.reps, names)
    else:
        out = startup(args.reps)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
