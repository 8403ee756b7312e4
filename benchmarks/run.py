"""Benchmarks: `make bench` prints a table and writes benchmarks/results/bench.json.

Measured on the Syria 2016 scenario:
- world-days per second on one core at 1, 100 and 10,000 worlds (100,000 with --large), with
  the peak resident memory of a fresh process for each size;
- the batched engine against one model per world stepped in a loop (the way a Mesa user would
  run replicates), in the same run, and their ratio;
- `compare` of every Syria strategy x 10,000 worlds, with one worker and with one per core.
Each size runs in its own process so that peak memory is its own. Timings are wall-clock.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "scenarios" / "syria_2016.yaml"
OUT = ROOT / "benchmarks" / "results"


def _child(kind: str, n: int) -> dict:
    """Run one measurement in this process and return its figures."""
    import sim
    from sim.model import TruceModel
    from sim.runner import compare

    scn = sim.load(SYRIA)
    days = scn.meta.horizon_days
    start = time.perf_counter()
    if kind == "batched":
        sim.run(scn, worlds=n, seed=1)
        world_days = n * days
    elif kind == "per_world":
        for w in range(n):
            TruceModel(scn, 1, seed=1, first_world=w).run()
        world_days = n * days
    else:  # compare
        workers = 1 if kind == "compare_1" else 0
        compare(scn, list(scn.strategies), worlds=n, seed=1, workers=workers)
        world_days = n * days * len(scn.strategies)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    return {"kind": kind, "worlds": n, "seconds": round(seconds, 3),
            "world_days_per_s": round(world_days / seconds), "peak_rss_mib": round(peak, 1)}


def measure(kind: str, n: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(n)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--large", action="store_true", help="also run 100,000 worlds")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], int(args.child[1]))))
        return
    sizes = [1, 100, 10_000] + ([100_000] if args.large else [])
    rows = [measure("batched", n) for n in sizes]
    per_world = measure("per_world", 100)
    rows.append(per_world)
    batched_100 = next(r for r in rows if r["kind"] == "batched" and r["worlds"] == 10_000)
    ratio = batched_100["world_days_per_s"] / per_world["world_days_per_s"]
    rows += [measure("compare_1", 10_000), measure("compare_all", 10_000)]
    print(f"{'kind':<12} {'worlds':>8} {'seconds':>9} {'world-days/s':>14} {'peak MiB':>9}")
    for r in rows:
        print(f"{r['kind']:<12} {r['worlds']:>8,} {r['seconds']:>9.2f} "
              f"{r['world_days_per_s']:>14,} {r['peak_rss_mib']:>9.1f}")
    print(f"batched (10,000 worlds) / one model per world: {ratio:.0f}x")
    OUT.mkdir(parents=True, exist_ok=True)
    report = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                          "python": platform.python_version()},
              "rows": rows, "batched_over_per_world": round(ratio, 1)}
    (OUT / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {(OUT / 'bench.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
