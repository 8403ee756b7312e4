"""How far vector code could take the compiled day: the generator's draws, two ways (issue 15).

    python benchmarks/simd_probe.py [--worlds 10000] [--days 365] [--block 256] [--reps 3]

The compiled day runs one world at a time, every phase in turn (``world_major``): the loops
inside run over 2-4 actors, too short for vector instructions. Run phase by phase over a block
of worlds instead, the world loop innermost and free of branches (``phase_major``), and LLVM
computes several worlds per instruction (this machine has AVX-512: 8 64-bit lanes). Both
functions here make the draws of Syria 2016's day (:func:`sim.rng.daily_counts`: 38 a
world-day) with the same counter-based generator and add them up in the same order within each
world, so their sums are equal to the bit; prints the CPU ns per world-day of each (the best of
``--reps``) and their ratio as JSON. Nothing here is timed by the test suite.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim import rng  # noqa: E402  after the path is set


@njit(cache=True)
def world_major(keys, days, counts, out):
    """Each world's days, each day's streams and draws: as :func:`sim.kernel.run_day` does."""
    for w in range(keys.shape[0]):
        for day in range(days):
            total = 0.0
            for k in range(counts.shape[0]):
                key = rng.stream_key(keys[w], day, k)
                for i in range(counts[k]):
                    total += rng.uniform(key, i)
            out[w] += total


@njit(cache=True)
def phase_major(keys, days, counts, out, block):
    """Blocks of ``block`` worlds; in each, day by day, each draw for all the block's worlds."""
    n = keys.shape[0]
    skey = np.empty(block, dtype=np.uint64)
    total = np.zeros(block)
    for lo in range(0, n, block):
        m = min(n, lo + block) - lo
        for day in range(days):
            total[:m] = 0.0
            for k in range(counts.shape[0]):
                for j in range(m):
                    skey[j] = rng.stream_key(keys[lo + j], day, k)
                for i in range(counts[k]):
                    for j in range(m):
                        total[j] += rng.uniform(skey[j], i)
            for j in range(m):
                out[lo + j] += total[j]


def measure(worlds: int, days: int, block: int, reps: int) -> dict:
    """CPU ns per world-day of both ways (best of ``reps``), their ratio, and whether the
    sums are equal."""
    counts = rng.daily_counts(2, 4, 2)  # Syria 2016: 2 parties, 4 brokers, 2 spoilers
    keys = rng.world_keys(1, 0, worlds)
    best, sums = {}, {}
    for name, fn, extra in (("world_major", world_major, ()),
                            ("phase_major", phase_major, (block,))):
        fn(keys[:2], 1, counts, np.zeros(2), *extra)  # compiled or loaded first
        times = []
        for _ in range(reps):
            out = np.zeros(worlds)
            start = time.thread_time()
            fn(keys, days, counts, out, *extra)
            times.append(time.thread_time() - start)
        best[name] = round(min(times) / (worlds * days) * 1e9, 1)
        sums[name] = float(out.sum())
    return {"draws_per_world_day": int(counts.sum()), "worlds": worlds, "days": days,
            "block": block, "cpu_ns_per_world_day": best,
            "ratio": round(best["world_major"] / best["phase_major"], 2),
            "equal_sums": sums["world_major"] == sums["phase_major"]}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worlds", type=int, default=10000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args(argv)
    print(json.dumps(measure(a.worlds, a.days, a.block, a.reps), indent=1))


if __name__ == "__main__":
    main()
