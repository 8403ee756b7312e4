"""Sweep throughput: the local executor at 1 and 2 workers and Dask (LocalCluster) at 2 workers.

One experiment on the Syria 2016 scenario (an LHS design of the three uncertainties of
experiments/syria_spoilers_sobol.yaml, 2 strategies, 1,000 worlds, 365 days: tasks of ~1 s of
CPU, as in a real sweep) is swept into a fresh folder by each executor. Reported per executor:
wall seconds (pool or cluster start-up included), points/s, worlds/s, world-days/s, and scaling
efficiency = speed-up over the 1-worker run / workers, and CPU seconds (this process and its
finished children) against the 1-worker run's, which shows the executors' overhead without the
noise other jobs add to wall time. Every executor's results are checked equal to the 1-worker
run's.

    .venv/bin/python benchmarks/sweep.py [--points 32] [--worlds 1000] [--json out.json]

``measure()`` returns the rows, for benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONFIGS = (("local", 1), ("local", 2), ("dask", 2))
STRATEGIES = ("baseline", "monitoring")


def _experiment_yaml(points: int, worlds: int) -> str:
    return f"""experiment: {{name: sweep benchmark}}
scenario: {ROOT / 'scenarios' / 'syria_2016.yaml'}
uncertainties:
  - {{path: actors.nusra.spoiler.p_attack, name: nusra_p_attack, range: [0.0, 0.1]}}
  - {{path: information.p_misattribution, name: p_misattribution, range: [0.1, 0.9]}}
  - {{path: actors.un_envoy.legitimacy, name: mediator_legitimacy, range: [0.2, 1.0]}}
design: {{kind: lhs, n: {points}}}
strategies: [{', '.join(STRATEGIES)}]
worlds: {worlds}
seed: 2016
"""


def measure(points: int = 32, worlds: int = 1000) -> list[dict]:
    """Sweep the benchmark experiment with each executor; one row of figures per executor."""
    from sim.sweep import Store, load_experiment, sweep

    rows, reference = [], None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(_experiment_yaml(points, worlds))
        exp = load_experiment(path)
        days = exp.horizon
        for executor, workers in CONFIGS:
            out = Path(tmp) / f"{executor}-{workers}"
            start, cpu0 = time.perf_counter(), _cpu()
            sweep(exp, out, executor=executor, workers=workers, points_per_part=1)
            seconds, cpu = time.perf_counter() - start, _cpu() - cpu0
            table = Store(out).table()
            reference = table if reference is None else reference
            n_worlds = points * len(STRATEGIES) * worlds
            rows.append({
                "benchmark": "sweep", "executor": executor, "workers": workers,
                "points": points, "strategies": len(STRATEGIES), "worlds_per_task": worlds,
                "days": days, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                "points_per_s": round(points / seconds, 3),
                "worlds_per_s": round(n_worlds / seconds),
                "world_days_per_s": round(n_worlds * days / seconds),
                "identical_to_1_worker": bool(table.equals(reference)),
            })
    base, base_cpu = rows[0]["seconds"], rows[0]["cpu_seconds"]
    for r in rows:
        r["scaling_efficiency"] = round(base / r["seconds"] / r["workers"], 2)
        r["cpu_vs_1_worker"] = round(r["cpu_seconds"] / base_cpu, 2)
    return rows


def _cpu() -> float:
    """CPU seconds of this process and of its finished child processes (pool workers, the
    LocalCluster's processes): unlike wall time, not inflated by other jobs on the machine."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=32)
    parser.add_argument("--worlds", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    rows = measure(args.points, args.worlds)
    print(f"{'executor':8} {'workers':>7} {'seconds':>8} {'CPU s':>7} {'points/s':>9} "
          f"{'worlds/s':>9} {'efficiency':>10} {'CPU/1w':>7} identical")
    for r in rows:
        print(f"{r['executor']:8} {r['workers']:7d} {r['seconds']:8.1f} {r['cpu_seconds']:7.1f} "
              f"{r['points_per_s']:9.3f} {r['worlds_per_s']:9,d} {r['scaling_efficiency']:10.2f} "
              f"{r['cpu_vs_1_worker']:7.2f} {r['identical_to_1_worker']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
