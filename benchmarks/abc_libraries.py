"""pyabc and ELFI against trucesim's own ABC-SMC on Syria 2016, at the same small budget
(issue 17, item 3; docs/calibration.md#pyabc-and-elfi-measured). Not part of `make test` or
`make bench`: it needs pyabc or ELFI, which trucesim does not depend on.

Each sampler sees the same problem: the scenario's priors mapped to the unit cube (each prior's
CDF, as :mod:`sim.calibrate` does), the same targets and the same distance (the mean of the
targets' misses, :func:`sim.calibrate.distances`), ``--worlds`` worlds per parameter set and
``--budget`` parameter sets simulated in all, ``--population`` kept. pyabc calls the model once
per parameter set (its samplers parallelise particles; they do not batch them); ELFI's simulator
takes a batch, run here as one batched run (:func:`sim.calibrate.run_misses`).

Prints one JSON line per sampler: wall and CPU seconds, parameter sets simulated, acceptance
(kept / simulated), final tolerance, and the posterior's 90% width over the prior's, per
parameter of the baseline (median and mean over parameters; fields of other strategies left
out: the record cannot speak to them).

    /tmp/venv-pyabc/bin/python benchmarks/abc_libraries.py --sampler pyabc
    /tmp/venv-elfi/bin/python benchmarks/abc_libraries.py --sampler elfi [--elfi-method adaptive]
    .venv/bin/python benchmarks/abc_libraries.py --sampler ours
    .venv/bin/python benchmarks/abc_libraries.py --docs   # the rows into docs/calibration.md
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sim.calibrate import Settings, calibrate, distances, run_misses, to_values
from sim.calibrate_report import weighted_quantile
from sim.priors import apply_sets, distribution, resolve
from sim.scenario import ScenarioError, load

PAGE = Path(__file__).resolve().parents[1] / "docs" / "calibration.md"
BEGIN = "<!-- abc libraries: made by `benchmarks/abc_libraries.py --docs`; do not edit by hand -->"
END = "<!-- end of abc libraries -->"


class Problem:
    """Syria 2016's calibration problem in the unit cube: u (n, d) -> distances (n,)."""

    def __init__(self, worlds: int, seed: int):
        self.scn = load("syria_2016")
        self.fields = resolve(self.scn)
        self.targets = self.scn.targets
        self.s = Settings(worlds=worlds, seed=seed)
        self.used = [i for i, r in enumerate(self.fields)
                     if not r.path.startswith("strategies.") or
                     r.path.startswith("strategies.baseline.")]
        self.simulated = 0

    def distance(self, u: np.ndarray) -> np.ndarray:
        """Distances of unit-cube points, run as one batched run (a refused set misses all)."""
        applied = apply_sets(self.scn, to_values(self.fields, np.atleast_2d(u)))
        out = np.ones(len(applied))
        ok = [i for i, x in enumerate(applied) if not isinstance(x, ScenarioError)]
        first = [(self.simulated + i) * self.s.worlds for i in ok]
        if ok:
            miss = run_misses([applied[i] for i in ok], first, self.targets, self.s)
            out[ok] = distances(miss)
        self.simulated += len(applied)
        return out

    def widths(self, u: np.ndarray, w: np.ndarray) -> dict:
        """Posterior 90% width over prior 90% width, per used parameter: median and mean."""
        values = to_values(self.fields, u)
        ratios = []
        for i in self.used:
            r = self.fields[i]
            prior = distribution(r.prior)
            lo, hi = float(prior.ppf(0.05)), float(prior.ppf(0.95))
            x = values[r.path].to_numpy(dtype=float)
            width = weighted_quantile(x, w, 0.95) - weighted_quantile(x, w, 0.05)
            ratios.append(width / (hi - lo) if hi > lo else np.nan)
        return {"width_ratio_median": round(float(np.nanmedian(ratios)), 3),
                "width_ratio_mean": round(float(np.nanmean(ratios)), 3),
                "parameters": len(ratios)}


def run_ours(p: Problem, a) -> dict:
    s = Settings(population=a.population, worlds=a.worlds, budget=a.budget, seed=a.seed)
    cal = calibrate(p.scn, s=s)
    g = cal.final
    return {"simulated": cal.simulated, "kept": len(g.u), "epsilon": float(g.epsilon),
            "generations": len(cal.generations), **p.widths(g.u, g.weights)}


def run_pyabc(p: Problem, a) -> dict:
    import pyabc  # noqa: PLC0415  optional: not a trucesim dependency
    from scipy.stats import norm  # noqa: PLC0415  a pyabc dependency too

    names = [f"u{i}" for i in range(len(p.fields))]
    normal = a.pyabc_space == "normal"  # u = Phi(z), z ~ N(0, 1): no proposal leaves the support
    rv = (lambda: pyabc.RV("norm", 0, 1)) if normal else (lambda: pyabc.RV("uniform", 0, 1))
    prior = pyabc.Distribution(**{n: rv() for n in names})

    def to_u(x: np.ndarray) -> np.ndarray:
        return norm.cdf(x) if normal else x

    def model(par):  # one parameter set per call: pyabc's samplers do not batch
        u = to_u(np.array([[par[n] for n in names]]))
        return {"d": float(p.distance(u)[0])}

    abc = pyabc.ABCSMC(model, prior, lambda x, x0: x["d"], population_size=a.population,
                       sampler=pyabc.sampler.SingleCoreSampler())
    db = Path(tempfile.mkdtemp()) / "pyabc.db"
    abc.new(f"sqlite:///{db}", {"d": 0.0})
    h = abc.run(max_total_nr_simulations=a.budget, max_nr_populations=a.generations)
    df, w = h.get_distribution()
    pops = h.get_all_populations()
    return {"simulated": int(h.total_nr_simulations), "kept": len(df),
            "epsilon": float(pops["epsilon"].iloc[-1]), "generations": int(h.max_t + 1),
            **p.widths(to_u(df[names].to_numpy()), np.asarray(w))}


def run_elfi(p: Problem, a) -> dict:
    import elfi  # noqa: PLC0415  optional: not a trucesim dependency

    d = len(p.fields)
    model = elfi.ElfiModel()
    priors = [elfi.Prior("uniform", 0, 1, model=model, name=f"u{i}") for i in range(d)]

    def simulator(*us, batch_size=1, random_state=None):  # one batch: one batched run
        u = np.column_stack([np.broadcast_to(x, (batch_size,)) for x in us])
        return p.distance(u)[:, None]

    sim_node = elfi.Simulator(simulator, *priors, observed=np.zeros((1, 1)), model=model)
    dist = elfi.Distance(lambda x, y: x[:, 0], sim_node, model=model)
    if a.elfi_method == "adaptive":  # needs more samples a population than its 100 RBFs
        smc = elfi.AdaptiveThresholdSMC(dist, batch_size=a.population, seed=a.seed)
        res = smc.sample(a.population, max_iter=a.generations)
        generations = len(res.populations)
    else:  # rejection: the best population / budget of the budget's draws from the priors
        rej = elfi.Rejection(dist, batch_size=a.population, seed=a.seed)
        res = rej.sample(a.population, quantile=a.population / a.budget)
        generations = 1
    u = np.column_stack([res.samples[f"u{i}"] for i in range(d)])
    w = getattr(res, "weights", None)
    w = np.ones(len(u)) if w is None else np.asarray(w, dtype=float)
    return {"simulated": int(p.simulated), "kept": len(u),
            "epsilon": float(res.threshold), "generations": generations,
            **p.widths(u, w)}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sampler", choices=("ours", "pyabc", "elfi"))
    ap.add_argument("--out", type=Path, default=Path("out/abc_libraries.jsonl"),
                    help="JSON lines file each run appends its row to")
    ap.add_argument("--docs", action="store_true",
                    help="rewrite docs/calibration.md's measured rows from --out")
    ap.add_argument("--budget", type=int, default=200)
    ap.add_argument("--population", type=int, default=40)
    ap.add_argument("--worlds", type=int, default=10)
    ap.add_argument("--generations", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--elfi-method", choices=("rejection", "adaptive"), default="rejection")
    ap.add_argument("--pyabc-space", choices=("cube", "normal"), default="cube",
                    help="pyabc's parameters: the unit cube, or standard normals mapped to it")
    a = ap.parse_args(argv)
    if a.docs:
        write_docs(a.out)
        print(f"{PAGE}: measured rows rewritten from {a.out}")
        return
    if a.sampler is None:
        ap.error("--sampler is needed (or --docs)")
    p = Problem(a.worlds, a.seed)
    p.distance(np.full((1, len(p.fields)), 0.5))  # numba's cache loaded, not timed
    p.simulated = 0
    run = {"ours": run_ours, "pyabc": run_pyabc, "elfi": run_elfi}[a.sampler]
    wall, cpu = time.perf_counter(), time.process_time()
    row = run(p, a)
    method = {"elfi": a.elfi_method, "pyabc": a.pyabc_space}.get(a.sampler, "")
    row = {"sampler": a.sampler, "method": method,
           "wall_s": round(time.perf_counter() - wall, 1),
           "cpu_s": round(time.process_time() - cpu, 1), **row}
    row["acceptance"] = round(row["kept"] / max(1, row["simulated"]), 3)
    row["command"] = " ".join(["benchmarks/abc_libraries.py", *argv])
    print(json.dumps(row))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with a.out.open("a") as f:
        f.write(json.dumps(row) + "\n")


def write_docs(rows_file: Path, page: Path = PAGE) -> None:
    """Rewrite the measured rows of docs/calibration.md from the rows the runs appended
    (the last row of each sampler and method)."""
    rows = {}
    for line in rows_file.read_text().splitlines():
        row = json.loads(line)
        rows[(row["sampler"], row.get("method", ""))] = row
    head = ["sampler", "wall s", "CPU s", "sets simulated", "kept", "acceptance",
            "final tolerance", "generations", "width ratio, median", "width ratio, mean"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows.values():
        name = f"{r['sampler']} {r.get('method', '')}".strip()
        out.append(f"| {name} | {r['wall_s']} | {r['cpu_s']} | {r['simulated']} | {r['kept']} | "
                   f"{r['acceptance']} | {r['epsilon']:.3f} | {r['generations']} | "
                   f"{r['width_ratio_median']} | {r['width_ratio_mean']} |")
    out += ["", "Commands (each row's own):", ""]
    out += [f"- `{r['command']}`" for r in rows.values()]
    text = page.read_text()
    head_text, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    page.write_text(f"{head_text}{BEGIN}\n\n" + "\n".join(out) + f"\n\n{END}{tail}")


if __name__ == "__main__":
    main()
