"""Benchmark of issue 17's rows (not yet part of `make bench`): `compare --ensemble` against a
fixed-parameter compare of the same number of worlds, on Syria 2016.

The ensemble's parameter sets are the scenario's own values repeated, so both runs simulate the
same model and the ratio measures only what running one block per parameter set costs (the
issue's target: within 1.5x). Prints wall and CPU seconds of each, one JSON line each.

    .venv/bin/python benchmarks/ensemble.py --sets 20 --worlds 100
"""

from __future__ import annotations

import argparse
import json
import time

import pandas as pd

from sim.ensemble_compare import compare_ensemble
from sim.overrides import loc_of
from sim.priors import resolve
from sim.runner import compare
from sim.scenario import load

STRATEGIES = ["baseline", "monitoring"]


def own_values(scn, n: int) -> pd.DataFrame:
    """A posterior of ``n`` copies of the scenario's own values of its prior fields."""
    full = scn.model_dump(mode="json")
    row = {}
    for r in resolve(scn):
        node = full
        for key in loc_of(full, r.path):
            node = node[key]
        row[r.path] = node
    return pd.DataFrame([row] * n).assign(weight=1.0 / n)


def timed(label: str, fn) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return {"row": label, "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=20)
    parser.add_argument("--worlds", type=int, default=100, help="worlds per set")
    args = parser.parse_args()
    scn = load("syria_2016")
    post = own_values(scn, args.sets)
    n = args.sets * args.worlds
    compare(scn, STRATEGIES, worlds=50, seed=1, workers=1)  # numba's cache loaded, not timed
    fixed = timed(f"compare {n} worlds", lambda: compare(scn, STRATEGIES, worlds=n, seed=1,
                                                         workers=1))
    ens = timed(f"compare --ensemble {args.sets} sets x {args.worlds}",
                lambda: compare_ensemble(scn, post, STRATEGIES, args.sets, args.worlds, seed=1))
    for row in (fixed, ens):
        print(json.dumps(row))
    print(json.dumps({"ratio_wall": round(ens["wall_s"] / fixed["wall_s"], 2),
                      "ratio_cpu": round(ens["cpu_s"] / fixed["cpu_s"], 2), "target": 1.5}))


if __name__ == "__main__":
    main()
