"""Benchmarks: `make bench` prints a table and writes benchmarks/results/bench.json.

Rows (issues 4 and 15), each measured in a fresh process so that its peak resident memory is
its own:
- ``compile_first`` / ``compile_cached``: a fresh process that builds a 1-world Syria model and
  steps it once, with an empty numba cache (every compiled function is compiled) and then with
  the cache the first one wrote (``cache=True``: a second command does not pay it);
- ``batched``: world-days per second on one thread, Syria 2016, at 1, 100, 10,000, 100,000 and
  1,000,000 worlds over the full horizon; ``batched_2t`` the same at 100 and 10,000 worlds on
  2 threads in one process. The *marginal* rate is (10,000 - 100) worlds x 365 days over the
  difference of the two rows' wall times: what one more world costs, without the fixed cost of
  a run (imports, parsing, the per-day work that does not depend on the number of worlds);
- ``rng_floor``: the same number of random draws as the batched run at 10,000 worlds, from the
  same counter-based generator, and nothing else (sim.rng.floor);
- ``actors``: the same against the number of actors (5, 20, 100), on scenarios generated from
  the Syria one (:func:`scaled_scenario`), 1,000 worlds x 90 days;
- ``per_world``: the same rules run the way a Mesa user would write replicates, one
  ``TruceModel`` per world stepped in a loop, next to ``batched`` at 10,000 worlds in the same
  run, and their ratio;
- ``compare``: every Syria strategy (8) x 10,000 worlds x 365 days, with 1 worker and with 2
  (``compare_1``, ``compare_2``);
- ``sweep``: rows from ``benchmarks/sweep.py`` (its ``measure()``) when that file exists: the
  local executor at 1 and 2 workers, a Dask cluster the sweep starts and one kept running, in
  turn, 3 rounds; ``sweep_scaling`` is the lower of the process pool's and the kept cluster's
  median ratios (the issue's "workers that import trucesim once and keep it");
- ``game_on`` / ``game_off``: the batched run at 10,000 worlds of Syria with brokers who decide
  and a battlefield (``examples/syria_2016_brokers.yaml``, issue 19), and of the same file with
  its interests and battlefield removed; ``game_share_of_day`` is 1 - wall(off) / wall(on): the
  share of the day's time that weekly broker decisions and the daily battlefield cost (target:
  at most a third);
- ``memory``: peak memory against the number of actors (5, 20, 100, 500), 256 worlds x 5 days
  within a 256 MiB budget (``--memory``, issue 22): the batch chosen, the estimate
  (:mod:`sim.memory`), the peak numpy allocated (``tracemalloc``) and the growth of resident
  memory, each against the budget.

Each measuring process sets malloc as ``trucesim`` sets it in its own processes
(:func:`sim.processes.keep_freed_memory`); ``machine.malloc`` records how.

The two targets that are ratios of two runs (2 threads over 1; the game's share of the day) are
also measured in pairs (``paired``): in one fresh process, the runs of a pair alternate
``PAIRED_REPS`` times, a ratio is taken within each round and the target uses their median.
Rows measured one after another in separate processes minutes apart differ by 15-30% on this
virtual machine (the same 10,000-world run took 2.0-2.8 s in four rounds on the idle machine),
enough to move a ratio by more than its distance to the target either way.

Timings on a shared machine are noisy, so every row records both wall time and CPU time
(``time.process_time`` in the measuring process, plus its worker processes for ``compare``).
Targets are checked against wall time, as the issue states them. ``--quick`` runs tiny sizes in
this process (no memory isolation): it checks that the benchmark works, not how fast it is.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "scenarios" / "syria_2016.yaml"
OUT = ROOT / "benchmarks" / "results"
SWEEP = Path(__file__).resolve().parent / "sweep.py"
GAME = ROOT / "examples" / "syria_2016_brokers.yaml"  # brokers who decide, battlefield
PAIRED_REPS = 5  # rounds of each paired measurement (module docstring)

FULL = {"sizes": [1, 100, 10_000, 100_000, 1_000_000], "threads": [100, 10_000],
        "actors": [5, 20, 100], "actor_worlds": 1000, "actor_days": 90, "per_world": 100,
        "compare_worlds": 10_000, "workers": (1, 2), "days": None, "compile": True,
        "sweep": {"points": 32, "worlds": 1000, "rounds": 3}, "paired_reps": PAIRED_REPS,
        "memory": {"actors": [5, 20, 100, 500], "worlds": 256, "days": 5, "budget": "256M"}}
QUICK = {"sizes": [1, 100], "threads": [100], "actors": [5, 20], "actor_worlds": 50,
         "actor_days": 10, "per_world": 3, "compare_worlds": 100, "workers": (1,), "days": 20,
         "compile": False, "sweep": {"points": 2, "worlds": 20, "rounds": 1},
         "paired_reps": 1,
         "memory": {"actors": [5, 20], "worlds": 16, "days": 2, "budget": "64M"}}
TARGETS = {  # issues 4 and 15, on this 2-core machine
    "marginal_wd_per_s": 10_000_000,  # world-days per second, one thread, 10,000 - 100 worlds
    "two_threads_over_one": 1.8,      # the same marginal rate, 2 threads / 1 thread
    "batched_over_per_world": 1000,   # x the one-model-per-world loop
    "compare_seconds": 15.0,          # 8 strategies x 10,000 worlds, 2 workers
    "peak_rss_mib_1m": 2048,          # 1,000,000 worlds x 365 days
    "sweep_scaling": 1.8,             # 2 workers / 1 worker
    "game_share_of_day": 1 / 3,       # issue 19: broker decisions + battlefield, share of a day
}


# ---------------------------------------------------------------------------- scenarios
def without_game(scn):
    """The scenario without brokers' interests and battlefield (the model before issue 19)."""
    actors = [a.model_copy(update={"interests": None}) for a in scn.actors]
    return scn.model_copy(update={"actors": actors, "battlefield": None})


def scaled_scenario(n_actors: int, directory: Path) -> Path:
    """Write a Syria-like scenario with ``n_actors`` actors and return its path.

    A fifth of the actors are parties (at least 2), a fifth spoilers (at least 1), the rest
    brokers; each is a copy of a Syria actor of its kind, in turn (the first copies keep the
    original ids, so that references between actors stay valid). Only the baseline strategy
    is kept, and no scripted events, priors or targets (those describe the real case).
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    doc = yaml.load(SYRIA.read_text())
    n_parties, n_spoilers = max(2, n_actors // 5), max(1, n_actors // 5)
    counts = {"party": n_parties, "spoiler": n_spoilers,
              "broker": n_actors - n_parties - n_spoilers}
    actors = []
    for kind, count in counts.items():
        templates = [a for a in doc["actors"] if a["kind"] == kind]
        for k in range(count):
            actor = json.loads(json.dumps(templates[k % len(templates)]))
            if k >= len(templates):
                actor["id"] = f"{actor['id']}_{k}"
                actor["name"] = f"{actor['name']} ({k})"
            actors.append(actor)
    doc["actors"] = actors
    doc["strategies"] = {"baseline": doc["strategies"]["baseline"]}
    for section in ("events", "priors", "targets"):
        doc.pop(section, None)
    doc["meta"]["name"] = f"{doc['meta']['name']} ({n_actors} actors)"
    path = directory / f"actors_{n_actors}.yaml"
    with path.open("w") as f:
        yaml.dump(doc, f)
    return path


# ---------------------------------------------------------------------------- measurements
def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _measure(kind: str, n: int, days: int | None, scenario: str | None = None) -> dict:
    """Run one measurement in this process and return its figures."""
    import sim
    from sim.model import TruceModel
    from sim.runner import compare

    scn = sim.load(GAME if kind.startswith("game_") else scenario or SYRIA)
    if kind == "game_off":
        scn = without_game(scn)
    horizon = days or scn.meta.horizon_days
    counts = stream_counts(scn) if kind == "rng_floor" else None
    if kind == "rng_floor":
        from sim.rng import floor

        floor(1, 2, 2, counts)  # compiled (or loaded from the cache) before the clock starts
    elif not kind.startswith("compile_"):  # the compile rows time the compile; no other row
        sim.run(scn, worlds=2, seed=1, days=1)  # does: compiled (or cached) before the clock
    wall, cpu = time.perf_counter(), _cpu_seconds()
    if kind == "rng_floor":  # the model's random draws alone, as the compiled day makes them
        floor(1, n, horizon, counts)
        world_days = n * horizon
    elif kind in ("batched", "actors", "batched_2t", "game_on", "game_off"):
        sim.run(scn, worlds=n, seed=1, days=days, threads=2 if kind == "batched_2t" else 1)
        world_days = n * horizon
    elif kind.startswith("compile_"):  # a 1-world model built and stepped once
        TruceModel(scn, 1, seed=1).step()
        world_days = 1
    elif kind == "per_world":
        for w in range(n):
            model = TruceModel(scn, 1, seed=1, first_world=w, days=days)
            while model.running:
                model.step()
        world_days = n * horizon
    else:  # compare_1, compare_2
        workers = int(kind[-1])
        compare(scn, list(scn.strategies), worlds=n, seed=1, days=days, workers=workers)
        world_days = n * horizon * len(scn.strategies)
    wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest
    return {"kind": kind, "worlds": n, "days": horizon, "actors": len(scn.actors),
            "strategies": len(scn.strategies) if kind.startswith("compare") else 1,
            "wall_s": round(wall, 6), "cpu_s": round(cpu, 6),
            "world_days_per_s": round(world_days / wall),
            "world_days_per_cpu_s": round(world_days / cpu), "peak_rss_mib": round(peak, 1),
            "peak_rss_worker_mib": round(workers, 1) if kind == "compare_2" else None,
            "doubles_per_world_day": int(counts.sum()) if counts is not None else None}


def _measure_paired(which: str, n: int, days: int | None, reps: int = PAIRED_REPS) -> dict:
    """The runs of one ratio target, alternating in this process, ``reps`` rounds.

    ``threads``: 100 (``--quick``: fewer) and ``n`` worlds on 1 thread, then on 2; each round's
    marginal rates and their ratio. ``game``: ``n`` worlds of the game scenario with and
    without the game; each round's share. Returns the per-round figures and their medians."""
    import sim

    def wall(scn, worlds: int, threads: int = 1) -> float:
        start = time.perf_counter()
        sim.run(scn, worlds=worlds, seed=1, days=days, threads=threads)
        return time.perf_counter() - start

    if which == "threads":
        scn = sim.load(SYRIA)
        sim.run(scn, worlds=2, seed=1, days=1)  # compiled (or cached) before the clock
        horizon, small = days or scn.meta.horizon_days, 100 if n > 100 else max(1, n // 10)
        rounds = []
        for _ in range(reps):
            one = (n - small) * horizon / max(1e-9, wall(scn, n) - wall(scn, small))
            two = (n - small) * horizon / max(1e-9, wall(scn, n, 2) - wall(scn, small, 2))
            rounds.append({"1 thread": round(one), "2 threads": round(two),
                           "ratio": round(two / one, 3)})
        return {"kind": "paired_threads", "worlds": n, "rounds": rounds,
                "median_ratio": round(statistics.median(r["ratio"] for r in rounds), 3)}
    on = sim.load(GAME)
    off = without_game(on)
    for scn in (on, off):
        sim.run(scn, worlds=2, seed=1, days=1)
    rounds = []
    for _ in range(reps):
        t_on, t_off = wall(on, n), wall(off, n)
        rounds.append({"on_s": round(t_on, 3), "off_s": round(t_off, 3),
                       "share": round(1.0 - t_off / t_on, 3)})
    return {"kind": "paired_game", "worlds": n, "rounds": rounds,
            "median_share": round(statistics.median(r["share"] for r in rounds), 3)}


def paired(which: str, n: int, days: int | None, isolated: bool, reps: int) -> dict:
    """:func:`_measure_paired` in a fresh process when ``isolated``."""
    if not isolated:
        return _measure_paired(which, n, days, reps)
    args = [sys.executable, __file__, "--paired-child", which, str(n), str(days or 0),
            str(reps)]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure_memory(n: int, days: int, scenario: str, limit: str) -> dict:
    """Peak memory of one run of ``n`` worlds within the budget ``limit``: what numpy allocated
    (traced) and how far resident memory grew, next to the estimate of sim.memory."""
    import tracemalloc

    import sim
    from sim import memory as mem
    from sim.params import compile_params

    scn = sim.load(scenario)
    budget = mem.budget(limit)
    fp = mem.footprint(compile_params(scn, "baseline", days))
    batch = mem.plan(scn, ["baseline"], days, n, budget)
    rss0 = _rss_now()
    wall, cpu = time.perf_counter(), _cpu_seconds()
    tracemalloc.start()
    sim.run(scn, worlds=n, seed=1, days=days, memory=budget)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kinds = [a.kind.value for a in scn.actors]
    return {"kind": "memory", "actors": len(scn.actors), "parties": kinds.count("party"),
            "spoilers": kinds.count("spoiler"), "brokers": kinds.count("broker"),
            "worlds": n, "days": days, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "world_days_per_s": round(n * days / wall),
            "budget_mib": round(budget.bytes / 2**20, 1), "batch": min(batch, n),
            "estimate_per_world_kib": round(fp.per_world / 1024, 1),
            "estimate_batch_mib": round(fp.batch(min(batch, n)) / 2**20, 1),
            "traced_peak_mib": round(traced / 2**20, 1),
            "rss_growth_mib": round(max(0, peak - rss0) / 2**20, 1),
            "within_budget": traced <= budget.bytes}


def _rss_now() -> int:
    """Resident memory of this process now, in bytes (peak so far where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory_rows(cfg: dict, tmp: Path, isolated: bool) -> list[dict]:
    """The ``memory`` rows, each in a fresh process when ``isolated``."""
    rows = []
    for n_actors in cfg["actors"]:
        path = str(scaled_scenario(n_actors, tmp))
        if not isolated:
            rows.append(_measure_memory(cfg["worlds"], cfg["days"], path, cfg["budget"]))
            continue
        args = [sys.executable, __file__, "--memory-child", str(cfg["worlds"]),
                str(cfg["days"]), path, cfg["budget"]]
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


def stream_counts(scn):
    """Draws per stream that a world of the scenario makes each day (sim.rng.daily_counts)."""
    from sim.params import compile_params
    from sim.rng import daily_counts

    p = compile_params(scn)
    return daily_counts(p.n_parties, p.n_brokers, p.n_spoilers)


def floors(batched: list[dict], rng: dict) -> dict:
    """What the 10 M world-days/s target leaves for arithmetic at 10,000 worlds, once the costs
    that do not shrink with faster arithmetic are paid: the random draws (``rng_floor`` row) and
    the per-day cost of stepping a model at all (the 1-world row, once per batch)."""
    from sim.runner import batches

    one = next(r for r in batched if r["worlds"] == 1)
    n, days = rng["worlds"], rng["days"]
    budget = n * days / TARGETS["marginal_wd_per_s"]
    budget, per_day = round(budget, 3), round(one["wall_s"] * len(batches(n)), 3)
    return {"worlds": n, "days": days, "budget_s": budget,
            "random_draws_s": rng["wall_s"], "per_day_overhead_s": per_day,
            "left_for_arithmetic_s": round(budget - rng["wall_s"] - per_day, 3),
            "doubles_per_world_day": rng["doubles_per_world_day"]}


def measure(kind: str, n: int, days: int | None, scenario: str | None = None,
            isolated: bool = True) -> dict:
    """One row, in a fresh process when ``isolated`` (so that peak memory is its own)."""
    if not isolated:
        row = _measure(kind, n, days, scenario)
        row["peak_rss_mib"] = None  # shared with the other rows: not a measurement
        return row
    args = [sys.executable, __file__, "--child", kind, str(n), str(days or 0), scenario or ""]
    done = subprocess.run(args, capture_output=True, text=True, check=True, env=_env(kind))
    return json.loads(done.stdout.strip().splitlines()[-1])


_CACHE = tempfile.mkdtemp(prefix="trucesim-bench-numba-")  # empty: the first compile row


def _env(kind: str) -> dict:
    """The child's environment: the compile rows use a cache folder of their own, empty for
    the first; every other row uses the package's cache (warm after the first run)."""
    env = dict(os.environ)
    if kind.startswith("compile_"):
        env["NUMBA_CACHE_DIR"] = _CACHE
    return env


def sweep_rows(**sizes) -> list[dict]:
    """Rows of benchmarks/sweep.py's ``measure(**sizes)``, if the sweep benchmark exists."""
    if not SWEEP.exists():
        return []
    spec = importlib.util.spec_from_file_location("bench_sweep", SWEEP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [{"kind": "sweep", **row} for row in module.measure(**sizes)]


def collect(cfg: dict, isolated: bool, tmp: Path, log=print) -> dict:
    """All rows, the ratios and the targets, as one JSON-ready dict."""
    rows = []

    def add(row: dict) -> dict:
        rows.append(row)
        log(_line(row))
        return row

    days = cfg["days"]
    if cfg["compile"]:
        for kind in ("compile_first", "compile_cached"):
            add(measure(kind, 1, 1, isolated=isolated))
    batched = [add(measure("batched", n, days, isolated=isolated)) for n in cfg["sizes"]]
    threaded = [add(measure("batched_2t", n, days, isolated=isolated)) for n in cfg["threads"]]
    n_game = max(n for n in cfg["sizes"] if n <= 10_000)
    game = [add(measure(k, n_game, days, isolated=isolated)) for k in ("game_on", "game_off")]
    rng = add(measure("rng_floor", max(n for n in cfg["sizes"] if n <= 10_000), days,
                      isolated=isolated))
    for n_actors in cfg["actors"]:
        path = str(scaled_scenario(n_actors, tmp))
        add(measure("actors", cfg["actor_worlds"], cfg["actor_days"], path, isolated))
    per_world = add(measure("per_world", cfg["per_world"], days, isolated=isolated))
    compares = [add(measure(f"compare_{k}", cfg["compare_worlds"], days, isolated=isolated))
                for k in cfg["workers"]]
    pairs = {which: paired(which, n_game, days, isolated, cfg["paired_reps"])
             for which in ("threads", "game")}
    for which, row in pairs.items():
        log(f"paired {which}: {json.dumps(row)}")
    for row in sweep_rows(**cfg["sweep"]):
        add(row)
    for row in memory_rows(cfg["memory"], tmp, isolated):
        add(row)
    largest = next((r for r in batched if r["worlds"] == 10_000),
                   max(batched, key=lambda r: r["worlds"]))
    ratio = largest["world_days_per_s"] / per_world["world_days_per_s"]
    ratio_cpu = largest["world_days_per_cpu_s"] / per_world["world_days_per_cpu_s"]
    marginal = {"1 thread": marginal_rate(batched), "2 threads": marginal_rate(threaded)}
    return {"machine": _machine(), "quick": cfg is QUICK, "rows": rows,
            "batched_over_per_world": {"worlds": largest["worlds"], "wall": round(ratio, 1),
                                       "cpu": round(ratio_cpu, 1)},
            "marginal_wd_per_s": marginal,
            "engine_over_rng_floor": round(rng["world_days_per_s"] / marginal["1 thread"], 2)
            if marginal["1 thread"] else None,
            "floors": floors(batched, rng),
            "game_share_of_day": game_share(*game),
            "paired": pairs,
            "targets": {} if cfg is QUICK else _targets(batched, ratio, compares[-1], rows,
                                                        marginal, pairs)}


def game_share(on: dict, off: dict) -> float:
    """1 - wall(without brokers' decisions and battlefield) / wall(with them), same size."""
    return round(1.0 - off["wall_s"] / on["wall_s"], 3)


def marginal_rate(rows: list[dict], time: str = "wall_s") -> int | None:
    """World-days per second of one more world: (largest - smallest) world-days over the
    difference of their wall times (``time="cpu_s"``: CPU times) (the fixed cost of a run
    cancels); None if not measurable."""
    if len(rows) < 2:
        return None
    lo, hi = min(rows, key=lambda r: r["worlds"]), max(rows, key=lambda r: r["worlds"])
    seconds = hi[time] - lo[time]
    work = hi["worlds"] * hi["days"] - lo["worlds"] * lo["days"]
    return round(work / seconds) if seconds > 0 else None


def _targets(batched: list[dict], ratio: float, compare_2: dict, rows: list[dict],
             marginal: dict | None = None, pairs: dict | None = None) -> dict:
    by_size = {r["worlds"]: r for r in batched}
    out = {}
    pairs = pairs or {}
    one, two = (marginal or {}).get("1 thread"), (marginal or {}).get("2 threads")
    if one:
        out["marginal_wd_per_s"] = _target("marginal_wd_per_s", one)
    if "threads" in pairs:  # the median of ratios within rounds (module docstring)
        out["two_threads_over_one"] = _target("two_threads_over_one",
                                              pairs["threads"]["median_ratio"])
    elif one and two:
        out["two_threads_over_one"] = _target("two_threads_over_one", round(two / one, 2))
    out["batched_over_per_world"] = _target("batched_over_per_world", round(ratio, 1))
    if compare_2["worlds"] == 10_000:
        out["compare_seconds"] = _target("compare_seconds", compare_2["wall_s"], below=True)
    if by_size.get(1_000_000, {}).get("peak_rss_mib") is not None:
        out["peak_rss_mib_1m"] = _target("peak_rss_mib_1m",
                                         by_size[1_000_000]["peak_rss_mib"], below=True)
    game = [r for r in rows if r["kind"] in ("game_on", "game_off")]
    if "game" in pairs:
        out["game_share_of_day"] = _target("game_share_of_day", pairs["game"]["median_share"],
                                           below=True)
    elif len(game) == 2:
        out["game_share_of_day"] = _target("game_share_of_day", game_share(*game), below=True)
    multi = [r for r in rows if r["kind"] == "sweep" and r.get("workers", 1) > 1]
    kept = [r for r in multi if r.get("cluster") != "started"]  # the pool; a kept cluster
    if kept:  # wall time, start-up included; and steady state (benchmarks/sweep.py)
        out["sweep_scaling"] = _target("sweep_scaling", min(r["scaling"] for r in kept))
        steady = [r["steady_scaling"] for r in multi if r.get("steady_scaling")]
        if steady:
            out["sweep_steady_scaling"] = _target("sweep_scaling", min(steady))
    return out


def _target(name: str, value: float, below: bool = False) -> dict:
    goal = TARGETS[name]
    return {"value": value, "target": goal, "met": value < goal if below else value >= goal}


def _machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in
                   Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import numpy

    from sim import processes
    malloc = ("as set in the environment" if processes.user_settings() else
              f"mmap threshold {processes.MMAP_THRESHOLD >> 20} MiB, trim threshold "
              f"{processes.TRIM_THRESHOLD >> 20} MiB (sim.processes)")
    return {"cpu": cpu or platform.processor(), "cpus": os.cpu_count(),
            "platform": platform.platform(), "python": platform.python_version(),
            "numpy": numpy.__version__, "malloc": malloc,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


# ---------------------------------------------------------------------------- output
PAGE = ROOT / "docs" / "performance.md"
START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"
LABELS = {"compile_first": "first compile (empty cache), 1-world model, one day",
          "compile_cached": "the same with the compiled day cached on disk",
          "batched": "one batched run, 1 thread", "batched_2t": "one batched run, 2 threads",
          "rng_floor": "the model's random draws alone",
          "game_on": "Syria with brokers who decide and a battlefield, 1 thread",
          "game_off": "the same without brokers' decisions and battlefield, 1 thread",
          "per_world": "one Mesa model per world, stepped in a loop",
          "compare_1": "compare, 8 strategies, 1 worker",
          "compare_2": "compare, 8 strategies, 2 workers"}


def current_tables(report: dict) -> str:
    """The current performance tables of docs/performance.md, from a report of :func:`collect`."""
    m = report["machine"]
    note = (f"By `make bench` on {m['cpus']} x {m['cpu']}, load average "
            f"{m['load_average_at_start'][0]} at its start (other jobs share the cores: CPU "
            "seconds are the comparable figures); Syria 2016, 365 days. `make bench` rewrites "
            "these tables (`benchmarks/run.py --docs`).")
    out = [note, "",
           "| what | worlds | days | wall s | CPU s | world-days / s | world-days / CPU s |",
           "|---|---|---|---|---|---|---|"]
    for r in report["rows"]:
        if r["kind"] in LABELS:
            out.append(f"| {LABELS[r['kind']]} | {r['worlds']:,} | {r['days']} | "
                       f"{r['wall_s']:.2f} | {r['cpu_s']:.2f} | {r['world_days_per_s']:,} | "
                       f"{r['world_days_per_cpu_s']:,} |")
    for kind, label in (("batched", "1 thread"), ("batched_2t", "2 threads")):
        rows = [r for r in report["rows"] if r["kind"] == kind and r["worlds"] in (100, 10_000)]
        wall, cpu = marginal_rate(rows), marginal_rate(rows, "cpu_s")
        if wall and cpu:
            out.append(f"| marginal, 10,000 - 100 worlds, {label} | | | | | {wall:,} | "
                       f"{cpu:,} |")
    pairs = report.get("paired") or {}
    if pairs:
        out += ["", "Paired, alternating in one process (the targets' figures for these two):", "",
                "| ratio | each round | median |", "|---|---|---|"]
    if "threads" in pairs:
        each = ", ".join(f"{r['ratio']:.2f}" for r in pairs["threads"]["rounds"])
        out.append(f"| marginal rate, 2 threads / 1, {pairs['threads']['worlds']:,} - 100 "
                   f"worlds | {each} | {pairs['threads']['median_ratio']:.2f} |")
    if "game" in pairs:
        each = ", ".join(f"{r['share']:.2f}" for r in pairs["game"]["rounds"])
        out.append(f"| the game's share of the day, {pairs['game']['worlds']:,} worlds | {each} "
                   f"| {pairs['game']['median_share']:.2f} |")
    out += _sweep_table(report["rows"])
    out += ["", "| target (issue 15, wall time) | measured | target | met? |", "|---|---|---|---|"]
    out += [f"| {name} | {_number(t['value'])} | {t['target']:,} | "
            f"{'yes' if t['met'] else 'no'} |" for name, t in report["targets"].items()]
    return "\n".join(out)


def _sweep_table(rows: list[dict]) -> list[str]:
    """Lines of the sweep table: wall-time scaling over the 1-worker run, round by round."""
    sweeps = [r for r in rows if r["kind"] == "sweep"]
    if not sweeps:
        return []
    where = {None: "a process pool", "started": "a Dask cluster the sweep starts",
             "kept": "a Dask cluster kept running, workers preloaded (`sim.warm`)"}
    out = ["", f"Sweeps (`benchmarks/sweep.py`: {sweeps[0]['points']} points x "
           f"{sweeps[0]['strategies']} strategies x {sweeps[0]['worlds_per_task']:,} worlds; "
           "each run in a fresh process; the executors in turn, each round):", "",
           "| executor | workers | wall s (median) | scaling, each round | scaling | steady "
           "scaling | fixed s |", "|---|---|---|---|---|---|---|"]
    for r in sweeps:
        each = ", ".join(f"{x:.2f}" for x in r.get("scaling_rounds", [r["scaling"]]))
        steady = "-" if r.get("steady_scaling") is None else f"{r['steady_scaling']:.2f}"
        fixed = "-" if r.get("fixed_seconds") is None else f"{r['fixed_seconds']:.2f}"
        name = "one process" if r["workers"] == 1 else where.get(r.get("cluster"), r.get("cluster"))
        out.append(f"| {name} | {r['workers']} | "
                   f"{r['seconds']:.2f} | {each} | {r['scaling']:.2f} | {steady} | {fixed} |")
    return out


def _number(v) -> str:
    return f"{v:,.2f}" if isinstance(v, float) else f"{v:,}"


def write_page(report: dict, path: Path = PAGE) -> None:
    """Replace the text between the page's ``make bench`` markers by :func:`current_tables`."""
    text = path.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{current_tables(report)}\n{END}{tail}")


HEADER = (f"{'kind':<10} {'actors':>6} {'worlds':>8} {'days':>5} {'wall s':>8} {'cpu s':>8} "
          f"{'wd/s (wall)':>12} {'wd/s (cpu)':>12} {'peak MiB':>9}")


def _line(row: dict) -> str:
    if row["kind"] in ("sweep", "memory"):
        return f"{row['kind']:<10} " + json.dumps({k: v for k, v in row.items() if k != "kind"})
    rss = "-" if row["peak_rss_mib"] is None else f"{row['peak_rss_mib']:.0f}"
    return (f"{row['kind']:<10} {row['actors']:>6} {row['worlds']:>8,} {row['days']:>5} "
            f"{row['wall_s']:>8.2f} {row['cpu_s']:>8.2f} {row['world_days_per_s']:>12,} "
            f"{row['world_days_per_cpu_s']:>12,} {rss:>9}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="tiny sizes in one process: checks the benchmark runs (used by tests)")
    ap.add_argument("--out", type=Path, default=OUT / "bench.json", help="JSON file to write")
    ap.add_argument("--docs", action="store_true",
                    help="rewrite docs/performance.md's current tables from the report in --out")
    ap.add_argument("--docs-file", type=Path, default=PAGE, help=argparse.SUPPRESS)
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--memory-child", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--paired-child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    from sim import processes

    processes.keep_freed_memory()  # as the command line does (sim/processes.py)
    if args.child:
        kind, n, days, scenario = args.child
        print(json.dumps(_measure(kind, int(n), int(days) or None, scenario or None)))
        return
    if args.docs:
        write_page(json.loads(args.out.read_text()), args.docs_file)
        print(f"{args.docs_file}: current performance tables rewritten from {args.out}")
        return
    if args.paired_child:
        which, n, days, reps = args.paired_child
        print(json.dumps(_measure_paired(which, int(n), int(days) or None, int(reps))))
        return
    if args.memory_child:
        n, days, scenario, limit = args.memory_child
        print(json.dumps(_measure_memory(int(n), int(days), scenario, limit)))
        return
    cfg = QUICK if args.quick else FULL
    print(HEADER)
    with tempfile.TemporaryDirectory() as tmp:
        report = collect(cfg, isolated=not args.quick, tmp=Path(tmp))
    m = report["marginal_wd_per_s"]
    print(f"marginal world-days/s (10,000 - 100 worlds): {m['1 thread'] or 0:,} on 1 thread, "
          f"{m['2 threads'] or 0:,} on 2; engine / RNG floor: {report['engine_over_rng_floor']}")
    r = report["batched_over_per_world"]
    print(f"batched ({r['worlds']:,} worlds) / one model per world: {r['wall']:.0f}x wall, "
          f"{r['cpu']:.0f}x cpu")
    f = report["floors"]
    print(f"floors at {f['worlds']:,} worlds: the 10 M target allows {f['budget_s']} s; random "
          f"draws ({f['doubles_per_world_day']} a world-day) take {f['random_draws_s']} s and "
          f"stepping a model at all {f['per_day_overhead_s']} s, leaving "
          f"{f['left_for_arithmetic_s']} s for the rules' arithmetic")
    for name, t in report["targets"].items():
        print(f"target {name:<24} {t['value']:>12,} vs {t['target']:>12,}: "
              f"{'met' if t['met'] else 'NOT met'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
