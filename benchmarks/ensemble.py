"""Issue 17's speed rows (part of `make bench`): `compare --ensemble` against a fixed-parameter
compare of the same number of worlds, and calibrating Syria 2016 at the documented default
budget; ``--docs`` writes them into docs/performance.md's current figures.

For the first row, the ensemble's parameter sets are the scenario's own values repeated, so both
runs simulate the same model and the ratio measures only what running many parameter sets costs
(the issue's target: within 1.5x; every set runs in one block of worlds, sim.ensemble_block, so
the ratio should not grow with the number of sets: 50 sets of 40 worlds to 5 of 400). Both
run in this process, with the default kernel threads, on the same strategies. The second row
runs `sim.calibrate.calibrate` with the settings `trucesim calibrate` documents as its default
study budget (docs/calibration.md: --budget 1000 --population 100 --worlds 20) and
``--workers`` processes (target: 15 minutes on 2 cores). CPU seconds count this process and
its finished worker processes; on a machine other jobs share, they are the comparable figures.

    .venv/bin/python benchmarks/ensemble.py                     # all rows, to --out
    .venv/bin/python benchmarks/ensemble.py --only compare      # the compare rows only
    .venv/bin/python benchmarks/ensemble.py --docs              # rows into docs/performance.md
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import pandas as pd

from sim.calibrate import Settings, calibrate
from sim.ensemble_compare import compare_ensemble
from sim.overrides import loc_of
from sim.priors import resolve
from sim.runner import compare
from sim.scenario import load

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "ensemble.json"
PAGE = ROOT / "docs" / "performance.md"
START, END = "<!-- make bench: ensemble start -->", "<!-- make bench: ensemble end -->"
STRATEGIES = ["baseline", "monitoring"]
SHAPES = ((50, 40), (20, 100), (10, 200), (5, 400))  # (sets, worlds per set): 2,000 worlds
DEFAULT_BUDGET = {"budget": 1000, "population": 100, "worlds": 20}  # docs/calibration.md
RATIO_TARGET, CALIBRATE_TARGET_S = 1.5, 900.0


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


def cpu_now() -> float:
    """CPU seconds of this process and its finished children."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(fn) -> dict:
    """Wall and CPU seconds of ``fn()``."""
    wall, cpu = time.perf_counter(), cpu_now()
    fn()
    return {"wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(cpu_now() - cpu, 2)}


def compare_rows(scn) -> list[dict]:
    """Per shape: the fixed-parameter compare of sets x worlds worlds and the ensemble's."""
    post = own_values(scn, max(s for s, _ in SHAPES))
    compare(scn, STRATEGIES, worlds=50, seed=1, workers=1)  # numba's cache loaded, not timed
    compare_ensemble(scn, post, STRATEGIES, 2, 10, seed=1)
    rows = []
    for sets, worlds in SHAPES:
        n = sets * worlds
        fixed = timed(lambda: compare(scn, STRATEGIES, worlds=n, seed=1, workers=1))
        ens = timed(lambda: compare_ensemble(scn, post, STRATEGIES, sets, worlds, seed=1))
        rows.append({"kind": "ensemble_compare", "sets": sets, "worlds_per_set": worlds,
                     "worlds": n, "fixed": fixed, "ensemble": ens,
                     "ratio_wall": round(ens["wall_s"] / fixed["wall_s"], 2),
                     "ratio_cpu": round(ens["cpu_s"] / fixed["cpu_s"], 2)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def calibrate_row(scn, workers: int, budget: dict) -> dict:
    """Calibrating Syria at ``budget`` with ``workers`` processes."""
    s = Settings(**budget, workers=workers, seed=1)
    load_avg = round(os.getloadavg()[0], 2)
    got = {}
    t = timed(lambda: got.setdefault("cal", calibrate(scn, s=s)))
    cal = got["cal"]
    row = {"kind": "calibrate", **budget, "workers": workers, **t,
           "simulated": cal.simulated, "generations": len(cal.generations),
           "world_days": cal.simulated * budget["worlds"] * scn.meta.horizon_days,
           "load_average_at_start": load_avg}
    print(json.dumps(row), flush=True)
    return row


def tables(report: dict) -> str:
    """The block of docs/performance.md: both rows against their targets."""
    load_avg = report["load_average_at_start"]
    out = [f"Issue 17's rows, by `benchmarks/ensemble.py` (part of `make bench`) on "
           f"{report['cpus']} cores, load average {load_avg} at its start; strategies "
           f"{', '.join(STRATEGIES)}, 365 days. CPU seconds are the comparable figures.", "",
           "| compare --ensemble | worlds | fixed wall s | fixed CPU s | ensemble wall s | "
           "ensemble CPU s | ratio wall | ratio CPU | target |", "|" + "---|" * 9]
    for r in (r for r in report["rows"] if r["kind"] == "ensemble_compare"):
        ok = "met" if r["ratio_cpu"] <= RATIO_TARGET else "not met"
        out.append(f"| {r['sets']} sets x {r['worlds_per_set']} worlds | {r['worlds']:,} | "
                   f"{r['fixed']['wall_s']} | {r['fixed']['cpu_s']} | {r['ensemble']['wall_s']} | "
                   f"{r['ensemble']['cpu_s']} | {r['ratio_wall']} | {r['ratio_cpu']} | "
                   f"{RATIO_TARGET}x: {ok} |")
    cal = [r for r in report["rows"] if r["kind"] == "calibrate"]
    if cal:
        out += ["", "| calibrate syria_2016 | workers | sets simulated | generations | "
                "world-days | load at start | wall s | CPU s | target |", "|" + "---|" * 9]
        for r in cal:
            ok = "met" if r["wall_s"] <= CALIBRATE_TARGET_S else "not met"
            out.append(f"| --budget {r['budget']} --population {r['population']} --worlds "
                       f"{r['worlds']} | {r['workers']} | {r['simulated']:,} | "
                       f"{r['generations']} | {r['world_days']:,} | "
                       f"{r.get('load_average_at_start', '')} | {r['wall_s']} | "
                       f"{r['cpu_s']} | {CALIBRATE_TARGET_S:.0f} s wall: {ok} |")
    return "\n".join(out)


def write_page(report: dict, path: Path = PAGE) -> None:
    """Replace the text between the page's ensemble markers by :func:`tables`."""
    text = path.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{tables(report)}\n{END}{tail}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("compare", "calibrate"))
    ap.add_argument("--workers", type=int, default=2, help="calibration processes")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--docs", action="store_true",
                    help="rewrite docs/performance.md's issue 17 rows from --out")
    args = ap.parse_args(argv)
    if args.docs:
        write_page(json.loads(args.out.read_text()))
        print(f"{PAGE}: issue 17 rows rewritten from {args.out}")
        return
    scn = load("syria_2016")
    report = {"cpus": os.cpu_count(), "load_average_at_start": round(os.getloadavg()[0], 2),
              "rows": []}
    if args.only != "calibrate":
        report["rows"] += compare_rows(scn)
    if args.only != "compare":
        report["rows"].append(calibrate_row(scn, args.workers, DEFAULT_BUDGET))
    if args.out.exists() and args.only:  # keep the other rows of an earlier run
        kept = [r for r in json.loads(args.out.read_text())["rows"]
                if r["kind"] != ("ensemble_compare" if args.only == "compare" else "calibrate")]
        report["rows"] = kept + report["rows"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
