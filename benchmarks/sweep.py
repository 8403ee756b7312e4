"""Sweep throughput: the local executor at 1 and 2 workers and Dask at 2 workers.

One experiment on the Syria 2016 scenario (an LHS design of the three uncertainties of
experiments/syria_spoilers_sobol.yaml, 2 strategies, 1,000 worlds, 365 days: tasks of ~1 s of
CPU, as in a real sweep) is swept into a fresh folder by each executor, one point per part:
``local`` with 1 and 2 workers; Dask on a ``LocalCluster`` of 2 the sweep starts and stops
itself (``started``); and Dask on a cluster of 2 kept running, started before the clock by
another process, whose workers imported trucesim and loaded the compiled day as they started
(``kept``: ``--preload sim.warm``, as a cluster one keeps between sweeps). Each sweep runs in a
fresh process with trucesim imported before the clock starts; ``--rounds R`` runs the four in
turn R times (runs minutes apart on this virtual machine differ by 15-30%). Reported per
executor, medians over the rounds:

- wall seconds, pool or cluster start-up and shut-down included, and from them points/s,
  worlds/s, world-days/s and ``scaling`` = the 1-worker run's seconds / this run's, in the
  same round (``scaling_rounds``), and their median;
- the steady-state throughput, from the times at which parts finish: once every worker has
  finished its first part (which pays for its start-up and imports), parts finished per second
  until the last one, ``steady_points_per_s``; ``steady_scaling`` is its ratio to the 1-worker
  run's, and ``fixed_seconds`` = wall seconds - points / steady throughput, the cost that does
  not grow with the sweep (start-up, imports, shut-down, the last part's imbalance). A sweep of
  N points then takes about fixed + N / steady throughput, so the wall-time scaling tends to
  the steady-state scaling as sweeps grow;
- CPU seconds (the sweep's process and its finished children; not the kept cluster's, which
  runs in another process) against the 1-worker run's, which shows the executors' overhead
  without the noise other jobs add to wall time.

Every executor's results are checked equal to the 1-worker run's.

    .venv/bin/python benchmarks/sweep.py [--points 32] [--worlds 1000] [--rounds 1]
                                         [--json out.json]

``measure()`` returns the rows, for benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# (executor, workers, cluster): "started" is a LocalCluster the sweep starts and stops itself;
# "kept" one started before the clock, whose workers imported trucesim and loaded the compiled
# day as they started (``--preload sim.warm``), as a cluster one keeps running between sweeps.
CONFIGS = (("local", 1, None), ("local", 2, None), ("dask", 2, "started"), ("dask", 2, "kept"))
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


def measure(points: int = 32, worlds: int = 1000, rounds: int = 1) -> list[dict]:
    """Sweep the benchmark experiment with each executor, ``rounds`` times in turn; one row of
    figures per executor: medians over the rounds, and ``scaling`` the median of the ratios
    to the same round's 1-worker run (runs minutes apart on this virtual machine differ by
    15-30%, so a ratio is taken within a round)."""
    from sim.sweep import Store, load_experiment

    runs: dict[tuple, list[dict]] = {c: [] for c in CONFIGS}
    reference = None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(_experiment_yaml(points, worlds))
        exp = load_experiment(path)
        kept = KeptCluster(2)  # not timed: started once, kept for every round
        try:
            for r in range(rounds):
                for config in CONFIGS:
                    out = Path(tmp) / f"{'-'.join(map(str, config))}-{r}"
                    scheduler = kept.address if config[2] == "kept" else None
                    runs[config].append(_timed_in_child(path, out, config[0], config[1],
                                                        scheduler))
                    table = Store(out).table()
                    reference = table if reference is None else reference
                    runs[config][-1]["identical_to_1_worker"] = bool(table.equals(reference))
        finally:
            kept.close()
    return [_row(config, runs[config], runs[CONFIGS[0]], points, worlds, exp.horizon)
            for config in CONFIGS]


class KeptCluster:
    """A LocalCluster of ``workers`` (trucesim's settings: :func:`sim.sweep.executors.
    local_cluster`) held by another process, as a cluster one keeps running between sweeps;
    in this process its threads would make the local pool spawn its workers instead of forking
    them (:func:`sim.processes.start_method`). ``address``: its scheduler's."""

    HOLD = ("import sys\nfrom sim.sweep.executors import local_cluster\n"
            "if __name__ == '__main__':\n    c = local_cluster({n})\n"
            "    print(c.scheduler_address, flush=True)\n    sys.stdin.read()\n    c.close()\n")

    def __init__(self, workers: int):
        self.proc = subprocess.Popen([sys.executable, "-c", self.HOLD.format(n=workers)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     cwd=ROOT)
        self.address = self.proc.stdout.readline().strip()
        if not self.address.startswith("tcp://"):
            self.close()
            raise RuntimeError("the kept Dask cluster did not start")

    def close(self) -> None:
        """Stop the cluster (its process closes it when its input ends)."""
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _timed_in_child(path: Path, out: Path, executor: str, workers: int,
                    scheduler: str | None) -> dict:
    """:func:`_timed_sweep` in a fresh process, trucesim imported before the clock starts: a
    Dask client leaves a thread behind, after which this process's local pool would spawn its
    workers instead of forking them (:func:`sim.processes.start_method`)."""
    args = [sys.executable, __file__, "--child", str(path), str(out), executor, str(workers),
            scheduler or ""]
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"sweep benchmark child failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _timed_sweep(exp, out: Path, executor: str, workers: int, scheduler: str | None) -> dict:
    """One sweep: wall and CPU seconds, and the steady rate from when its parts finished."""
    from sim.sweep import sweep

    start, cpu0 = time.perf_counter(), _cpu()
    finished: list[float] = []
    sweep(exp, out, executor=executor, workers=workers, points_per_part=1, scheduler=scheduler,
          progress=lambda *_, into=finished: into.append(time.perf_counter()))
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu0,
            "steady": steady_rate(finished, workers)}


def _row(config: tuple, runs: list[dict], base: list[dict], points: int, worlds: int,
         days: int) -> dict:
    """The figures of one executor over the rounds (medians), against the 1-worker runs."""
    executor, workers, cluster = config
    med = statistics.median
    seconds, cpu = med(r["seconds"] for r in runs), med(r["cpu"] for r in runs)
    steadies = [r["steady"] for r in runs if r["steady"]]
    steady = med(steadies) if steadies else None
    n_worlds = points * len(STRATEGIES) * worlds
    scaling = [b["seconds"] / r["seconds"] for r, b in zip(runs, base, strict=True)]
    steady_scaling = [r["steady"] / b["steady"] for r, b in zip(runs, base, strict=True)
                      if r["steady"] and b["steady"]]
    return {
        "benchmark": "sweep", "executor": executor, "workers": workers, "cluster": cluster,
        "points": points, "strategies": len(STRATEGIES), "worlds_per_task": worlds,
        "days": days, "rounds": len(runs), "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2), "points_per_s": round(points / seconds, 3),
        "worlds_per_s": round(n_worlds / seconds),
        "world_days_per_s": round(n_worlds * days / seconds),
        "steady_points_per_s": round(steady, 4) if steady else None,
        "fixed_seconds": round(seconds - points / steady, 2) if steady else None,
        "identical_to_1_worker": all(r["identical_to_1_worker"] for r in runs),
        "scaling_rounds": [round(x, 2) for x in scaling], "scaling": round(med(scaling), 2),
        "scaling_efficiency": round(med(scaling) / workers, 2),
        "steady_scaling": round(med(steady_scaling), 2) if steady_scaling else None,
        "cpu_vs_1_worker": round(cpu / med(b["cpu"] for b in base), 2),
    }


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
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every executor this many times in turn (medians)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from sim import processes

    processes.keep_freed_memory()  # as `trucesim sweep` does in its own process
    if args.child:
        from sim.sweep import load_experiment

        path, out, executor, workers, scheduler = args.child
        exp = load_experiment(path)
        print(json.dumps(_timed_sweep(exp, Path(out), executor, int(workers), scheduler or None)))
        return
    rows = measure(args.points, args.worlds, args.rounds)
    print(f"{'executor':8} {'cluster':8} {'workers':>7} {'seconds':>8} {'CPU s':>7} "
          f"{'points/s':>9} {'scaling':>7} {'steady pts/s':>12} {'steady scaling':>14} "
          f"{'fixed s':>7} {'CPU/1w':>7} identical")
    for r in rows:
        print(f"{r['executor']:8} {r['cluster'] or '-':8} {r['workers']:7d} "
              f"{r['seconds']:8.1f} {r['cpu_seconds']:7.1f} {r['points_per_s']:9.3f} "
              f"{r['scaling']:7.2f} {_opt(r['steady_points_per_s'])} "
              f"{_opt(r['steady_scaling'], 14)} {_opt(r['fixed_seconds'], 7)} "
              f"{r['cpu_vs_1_worker']:7.2f} {r['identical_to_1_worker']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
