"""Sweep throughput: the local executor at 1 and 2 workers and Dask (LocalCluster) at 2 workers.

One experiment on the Syria 2016 scenario (an LHS design of the three uncertainties of
experiments/syria_spoilers_sobol.yaml, 2 strategies, 1,000 worlds, 365 days: tasks of ~1 s of
CPU, as in a real sweep) is swept into a fresh folder by each executor, one point per part.
Reported per executor:

- wall seconds, pool or cluster start-up and shut-down included, and from them points/s,
  worlds/s, world-days/s and ``scaling`` = the 1-worker run's seconds / this run's;
- the steady-state throughput, from the times at which parts finish: once every worker has
  finished its first part (which pays for its start-up and imports), parts finished per second
  until the last one, ``steady_points_per_s``; ``steady_scaling`` is its ratio to the 1-worker
  run's, and ``fixed_seconds`` = wall seconds - points / steady throughput, the cost that does
  not grow with the sweep (start-up, imports, shut-down, the last part's imbalance). A sweep of
  N points then takes about fixed + N / steady throughput, so the wall-time scaling tends to
  the steady-state scaling as sweeps grow;
- CPU seconds (this process and its finished children) against the 1-worker run's, which shows
  the executors' overhead without the noise other jobs add to wall time.

Every executor's results are checked equal to the 1-worker run's.

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
            finished: list[float] = []
            sweep(exp, out, executor=executor, workers=workers, points_per_part=1,
                  progress=lambda *_, into=finished: into.append(time.perf_counter()))
            seconds, cpu = time.perf_counter() - start, _cpu() - cpu0
            steady = steady_rate(finished, workers)
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
                "steady_points_per_s": round(steady, 4) if steady else None,
                "fixed_seconds": round(seconds - points / steady, 2) if steady else None,
                "identical_to_1_worker": bool(table.equals(reference)),
            })
    base, base_cpu = rows[0]["seconds"], rows[0]["cpu_seconds"]
    base_steady = rows[0]["steady_points_per_s"]
    for r in rows:
        r["scaling"] = round(base / r["seconds"], 2)
        r["scaling_efficiency"] = round(base / r["seconds"] / r["workers"], 2)
        r["steady_scaling"] = (round(r["steady_points_per_s"] / base_steady, 2)
                               if base_steady and r["steady_points_per_s"] else None)
        r["cpu_vs_1_worker"] = round(r["cpu_seconds"] / base_cpu, 2)
    return rows


def steady_rate(finished: list[float], workers: int) -> float | None:
    """Parts per second after every worker has finished its first part: (parts after the
    ``workers``-th) / (time from it to the last). None if too few parts to tell."""
    if len(finished) < workers + 2:
        return None
    finished = sorted(finished)
    span = finished[-1] - finished[workers - 1]
    return (len(finished) - workers) / span if span > 0 else None


def _cpu() -> float:
    """CPU seconds of this process and of its finished child processes (pool workers, the
    LocalCluster's processes): unlike wall time, not inflated by other jobs on the machine."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _opt(x: float | None, width: int = 12) -> str:
    return f"{'-':>{width}}" if x is None else f"{x:>{width}.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=32)
    parser.add_argument("--worlds", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    from sim import processes

    processes.keep_freed_memory()  # as `trucesim sweep` does in its own process
    rows = measure(args.points, args.worlds)
    print(f"{'executor':8} {'workers':>7} {'seconds':>8} {'CPU s':>7} {'points/s':>9} "
          f"{'scaling':>7} {'steady pts/s':>12} {'steady scaling':>14} {'fixed s':>7} "
          f"{'CPU/1w':>7} identical")
    for r in rows:
        print(f"{r['executor']:8} {r['workers']:7d} {r['seconds']:8.1f} {r['cpu_seconds']:7.1f} "
              f"{r['points_per_s']:9.3f} {r['scaling']:7.2f} {_opt(r['steady_points_per_s'])} "
              f"{_opt(r['steady_scaling'], 14)} {_opt(r['fixed_seconds'], 7)} "
              f"{r['cpu_vs_1_worker']:7.2f} {r['identical_to_1_worker']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
