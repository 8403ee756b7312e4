"""Calibration to the record: ABC-SMC over the scenario's priors, scored on its targets (issue 17).

The algorithm is replenishment ABC-SMC (Drovandi & Pettitt 2011, Biometrics 67:225), an ABC-SMC
whose particles keep equal weights: importance weights of the population Monte Carlo variant
(Beaumont et al. 2009) degenerate over the seventy-odd parameters of a real case (an effective
sample size near 1 after one generation, seen on syria_2016). Parameters are moved to the unit
cube by each prior's CDF, ``u = F(theta)``, where every prior is uniform, so prior ratios are 1.

- Generation 0: ``population`` sets drawn from the priors (tolerance infinite).
- Generation t: the worst ``1 - quantile`` share of the population is dropped; the tolerance
  ``eps_t`` is the largest distance kept; the dropped share is resampled from the kept one and
  each copy is moved by ``R_t`` Metropolis steps: a Gaussian random walk with twice the kept
  population's covariance, accepted when it stays in the cube and its distance is <= ``eps_t``.
  ``R_t`` makes a particle stay put with probability <= 1% at the last acceptance rate.
- It stops when the budget (parameter sets simulated, in all) cannot move the next generation,
  after ``generations`` generations, or when the acceptance rate falls below 1.5%; the
  posterior is the last complete generation.

Each batch of candidates (a generation's moves) runs as one batched run (:mod:`sim.ensemble`),
``worlds`` worlds per set; candidate ``g`` (counted over the whole calibration) runs worlds
``g * worlds ...`` of the seed, so no two candidates share random numbers and the result does
not depend on batching.

Distance (:func:`distances`): the mean over targets of each target's miss, each in [0, 1]:
for a statistic of each world, one minus the share of the set's worlds meeting it (the record
is one world that met it), or, when the target gives a ``share`` band, the distance of that
share from the band; for a figure of the whole run, its distance outside the band divided by
the band's width (or by its bound when one end is open), at most 1; NaN counts as 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.ensemble import run_blocks
from sim.interrupts import check_ctrl_c
from sim.priors import Resolved, apply_sets, distribution, resolve
from sim.priors_schema import RUN_STATISTICS, Target
from sim.processes import process_pool
from sim.results import median_survival, world_table
from sim.scenario import ScenarioError
from sim.schema import Scenario
from sim.targets import RUN_DAYS_NEEDED, met_by_world

SERIES = ("n_worlds", "n_holding", "party_violations")  # the daily sums the figures read
MIN_SPREAD = 1e-3  # floor of the proposal's sd in the unit cube: a collapsed population moves
MIN_ACCEPTANCE = 0.015  # stop: moves are too rarely accepted (Drovandi & Pettitt 2011 use 1.5%)
FIRST_STEPS = 3  # moves per particle in generation 1, before any acceptance rate is known
MAX_STEPS = 20  # MCMC moves per resampled particle and generation, at most


@dataclass(frozen=True)
class Settings:
    """How hard to calibrate (`trucesim calibrate` options of the same names)."""

    population: int = 100  # parameter sets kept per generation
    worlds: int = 20  # worlds per parameter set
    budget: int = 1000  # parameter sets simulated in all
    generations: int = 10  # at most
    quantile: float = 0.5  # next tolerance: this quantile of the current distances
    seed: int = 0
    days: int | None = None
    strategy: str = "baseline"
    threads: int | None = None
    workers: int = 1  # processes sharing each batch of candidates (or parts sent to Dask)
    scheduler: str | None = None  # a Dask scheduler's address: run the parts there


@dataclass
class Generation:
    """One complete generation: particles in the unit cube, weights, distances."""

    u: np.ndarray  # (N, d)
    weights: np.ndarray  # (N,), sum 1
    distance: np.ndarray  # (N,)
    epsilon: float
    proposed: int  # moves proposed for it (generation 0: draws from the priors)
    mcmc_acceptance: float  # share of those accepted

    @property
    def ess(self) -> float:
        """Effective sample size, (sum w)^2 / sum w^2 (Kish)."""
        return float(1.0 / np.sum(self.weights ** 2))

    @property
    def unique(self) -> int:
        """Distinct particles (the resampled ones that never moved are copies)."""
        return len(np.unique(self.u, axis=0))


@dataclass
class Calibration:
    """What a calibration produced: its generations and the fields they are over."""

    fields: list[Resolved]
    generations: list[Generation] = field(default_factory=list)
    simulated: int = 0
    stopped: str = ""

    @property
    def final(self) -> Generation:
        """The last complete generation (the posterior)."""
        return self.generations[-1]

    def values(self, u: np.ndarray) -> pd.DataFrame:
        """Parameter sets (field paths as columns) of unit-cube points."""
        return to_values(self.fields, u)


def to_values(fields: list[Resolved], u: np.ndarray) -> pd.DataFrame:
    """Unit-cube points to parameter values, through each prior's inverse CDF (integers
    rounded), as :func:`sim.priors.draw` makes them."""
    cols = {}
    for d, r in enumerate(fields):
        x = np.clip(distribution(r.prior).ppf(u[:, d]), r.prior.low, r.prior.high)
        cols[r.path] = np.rint(x).astype(np.int64) if r.is_int else x
    return pd.DataFrame(cols)


# ------------------------------------------------------------------ distance to the record
def run_figures(worlds: pd.DataFrame, series: np.ndarray) -> dict[str, float]:
    """The figures of the whole run (as :func:`sim.calibration.measure` computes them) from
    one set's world rows and summed daily reporters (columns :data:`SERIES`)."""
    horizon = len(series)
    if horizon <= RUN_DAYS_NEEDED:
        return {s.value: math.nan for s in RUN_STATISTICS}
    col = {name: series[:, i] for i, name in enumerate(SERIES)}
    t = worlds["survival_days"].to_numpy()
    collapsed = worlds["is_collapsed"].to_numpy()
    walk = worlds["day_first_walkout"].to_numpy()
    viol = col["party_violations"]
    med = median_survival(t, collapsed)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(viol[49:56].sum() / viol[0:7].sum())
    return {
        "survival_day_30": float(((t > 30) | ~collapsed).mean()),
        "survival_day_180": float(((t > 180) | ~collapsed).mean()),
        "trouble_or_collapsed_day_55": float(1.0 - col["n_holding"][55] / col["n_worlds"][55]),
        "median_day_first_walkout": float(np.median(walk[walk >= 0])) if (walk >= 0).any()
        else math.nan,
        "violations_days_49_55_over_0_6": ratio,
        "median_survival_days": float(med) if med is not None else math.inf,
    }


def band_miss(value: float, band: tuple[float | None, float | None]) -> float:
    """How far ``value`` lies outside ``band``, in units of the band's width (or of its bound
    when one end is open), at most 1; 0 inside, 1 for NaN."""
    if math.isnan(value):
        return 1.0
    low, high = band
    out = max((low - value) if low is not None else 0.0, (value - high) if high is not None
              else 0.0, 0.0)
    scale = (high - low) if low is not None and high is not None and high > low else \
        max(abs(low if high is None else high), 1.0)
    return min(1.0, out / scale) if math.isfinite(out) else 1.0


def misses(worlds: pd.DataFrame, series: np.ndarray, targets: list[Target]) -> np.ndarray:
    """(targets,) each target's miss for one set's worlds (see the module docstring)."""
    met = met_by_world(worlds, targets)
    figures = None
    out = []
    for t in targets:
        if t.statistic in RUN_STATISTICS:
            figures = run_figures(worlds, series) if figures is None else figures
            out.append(band_miss(figures[t.statistic.value], t.band))
        else:
            share = float(met[t.id].mean()) if len(met) else math.nan
            out.append(1.0 - share if t.share is None else band_miss(share, t.share))
    return np.array(out, dtype=float)


# ------------------------------------------------------------------ simulating candidates
def simulate(scn: Scenario, fields: list[Resolved], u: np.ndarray, first_set: int,
             targets: list[Target], s: Settings,
             progress: Callable[[int], None] | None = None, pool=None) -> np.ndarray:
    """(n, targets) misses of candidates ``first_set ..`` (a set the schema refuses misses
    every target). With a process pool, the candidates are shared among its workers; the
    result is the same."""
    check_ctrl_c()  # a Ctrl-C swallowed in the last batch stops here (sim/interrupts.py)
    applied = apply_sets(scn, to_values(fields, u))
    out = np.ones((len(applied), len(targets)))
    rows = [i for i, x in enumerate(applied) if not isinstance(x, ScenarioError)]
    first = [(first_set + i) * s.worlds for i in rows]
    parts = np.array_split(np.arange(len(rows)), max(1, min(len(rows), s.workers)))
    jobs = [([applied[rows[i]] for i in part], [first[i] for i in part]) for part in parts]
    if pool is None or len(jobs) == 1:
        results = [run_misses(*job, targets, s, progress) for job in jobs]
    else:
        futures = [pool.submit(run_misses, *job, targets, s) for job in jobs]
        results = []
        for job, future in zip(jobs, futures):
            results.append(future.result())
            if progress:
                progress(len(job[0]) * s.worlds * _horizon(job[0], s))
    for part, res in zip(parts, results):
        out[[rows[i] for i in part]] = res
    return out


def _horizon(scns: list[Scenario], s: Settings) -> int:
    return s.days or (scns[0].meta.horizon_days if scns else 0)


def run_misses(scns: list[Scenario], first: list[int], targets: list[Target], s: Settings,
               progress: Callable[[int], None] | None = None) -> np.ndarray:
    """(len(scns), targets) misses of sets already applied, run as one batched run."""
    blocks = run_blocks(scns, [s.worlds] * len(scns), s.seed, s.strategy, s.days, first,
                        s.threads, progress, SERIES)
    out = np.ones((len(scns), len(targets)))
    for i, (b, f) in enumerate(zip(blocks, first)):
        out[i] = misses(world_table(b, f, s.seed, "", s.strategy), b.series, targets)
    return out


def distances(miss: np.ndarray) -> np.ndarray:
    """Mean miss over targets, per set."""
    return miss.mean(axis=1) if miss.shape[1] else np.zeros(len(miss))


# ------------------------------------------------------------------ ABC-SMC
def move_cov(u: np.ndarray) -> np.ndarray:
    """Cholesky factor of the random-walk proposal's covariance: the population's, times 2
    (Drovandi & Pettitt 2011) or, with many parameters, times 2.38^2 / d (Roberts, Gelman &
    Gilks 1997), whichever is smaller; a floor on the diagonal so that a collapsed population
    still moves."""
    d = u.shape[1]
    scale = min(2.0, 2.38 ** 2 / d)
    cov = scale * np.atleast_2d(np.cov(u, rowvar=False)) + np.eye(d) * MIN_SPREAD ** 2
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return np.diag(np.sqrt(np.diag(cov)))


def reflect(u: np.ndarray) -> np.ndarray:
    """Fold points back into the unit cube at its faces: a random walk reflected so is still
    symmetric, and with 70 parameters a walk that rejected every step leaving the cube would
    almost never stay in it."""
    folded = np.mod(u, 2.0)
    return np.where(folded > 1.0, 2.0 - folded, folded)


def mcmc_steps(accept: float) -> int:
    """Moves per particle so that a particle stays put with probability <= 1% (R_t of
    Drovandi & Pettitt 2011, from the last generation's acceptance rate), 1..MAX_STEPS."""
    if math.isnan(accept):  # no moves yet (after generation 0)
        return FIRST_STEPS
    if accept <= 0.0:
        return MAX_STEPS
    if accept >= 1.0:
        return 1
    return int(min(MAX_STEPS, max(1, math.ceil(math.log(0.01) / math.log(1.0 - accept)))))


def first_generation(run, d: int, s: Settings, rng) -> Generation:
    """``population`` sets drawn from the priors; ``run(u, first_set)`` gives misses."""
    u = rng.random((s.population, d))
    d = distances(run(u, 0))
    return Generation(u, np.full(s.population, 1.0 / s.population), d, math.inf,
                      s.population, math.nan)


def next_generation(run, s: Settings, prev: Generation, spent: int,
                    rng) -> tuple[Generation | None, int]:
    """Drop the worst share, resample it from the rest, move it by MCMC under the new
    tolerance; None when the budget cannot pay for one move of each resampled particle."""
    n_drop = max(1, round(s.population * (1.0 - s.quantile)))
    order = np.argsort(prev.distance, kind="stable")
    keep = order[: s.population - n_drop]
    eps = float(prev.distance[keep].max())
    if s.budget - spent < n_drop:
        return None, spent
    pick = keep[rng.integers(0, len(keep), n_drop)]
    u, d = prev.u[pick].copy(), prev.distance[pick].copy()
    chol = move_cov(prev.u[keep])
    steps = min(mcmc_steps(prev.mcmc_acceptance), (s.budget - spent) // n_drop)
    tried = moved = 0
    for _ in range(steps):
        cand = reflect(u + rng.standard_normal(u.shape) @ chol.T)
        dc = distances(run(cand, spent))
        spent, tried = spent + n_drop, tried + n_drop
        ok = dc <= eps  # uniform prior, symmetric proposal: accept iff within the tolerance
        u[ok], d[ok], moved = cand[ok], dc[ok], moved + int(ok.sum())
    u = np.concatenate([prev.u[keep], u])
    d = np.concatenate([prev.distance[keep], d])
    return Generation(u, np.full(len(u), 1.0 / len(u)), d, eps, tried,
                      moved / tried if tried else 0.0), spent


def calibrate(scn: Scenario, targets: list[Target] | None = None, s: Settings = Settings(),
              progress: Callable[[int], None] | None = None,
              on_generation: Callable[[dict], None] | None = None,
              resume: dict | None = None) -> Calibration:
    """ABC-SMC of the scenario's priors against ``targets`` (default: the scenario's).

    Args:
        scn: the scenario whose priors are calibrated.
        targets: the targets to calibrate against (None: the scenario's own).
        s: how hard to calibrate (population, worlds, budget, ...).
        progress: called with world-days done, as they are done.
        on_generation: called after each complete generation with the state to resume from
            (:func:`state_of`; JSON-ready).
        resume: such a state: the calibration goes on from it, with the results an
            uninterrupted run gives.

    Example:
        >>> cal = calibrate(load("syria_2016"), s=Settings(population=50, budget=300))
        >>> diagnostics(cal)

    Raises:
        ScenarioError: when a prior is bad (:func:`sim.priors.resolve`).
        ValueError: when the scenario has no priors or no targets, or the budget cannot pay
            for the first generation.
    """
    targets = scn.targets if targets is None else targets
    fields = resolve(scn)
    if not fields or not targets:
        raise ValueError("calibration needs priors and targets (docs/priors.md)")
    if s.budget < s.population:
        raise ValueError(f"the budget ({s.budget}) is smaller than one generation "
                         f"({s.population} parameter sets)")
    with _pool(s.workers, s.scheduler) as pool:
        def run(u, first_set):
            return simulate(scn, fields, u, first_set, targets, s, progress, pool)

        return run_smc(run, fields, s, on_generation, resume)


def run_smc(run: Callable[[np.ndarray, int], np.ndarray], fields: list[Resolved],
            s: Settings, on_generation: Callable[[dict], None] | None = None,
            resume: dict | None = None) -> Calibration:
    """The ABC-SMC loop itself, for any model of the unit cube (what :func:`calibrate` runs
    for one scenario and :mod:`sim.calibrate_joint` for several cases at once).

    Args:
        run: ``run(u, first_set)`` gives the (n, k) misses of the unit-cube points ``u``
            (candidates ``first_set ..``); a set's distance is their mean over k.
        fields: the parameters, one per column of ``u``.
        s: population, budget, generations, quantile and seed (the rest is ``run``'s).
        on_generation: as :func:`calibrate`'s.
        resume: as :func:`calibrate`'s.
    """
    rng = np.random.default_rng(s.seed)
    cal = Calibration(fields)
    if resume is not None:
        cal = restore(fields, resume, rng)
        if cal.stopped:  # a finished calibration: nothing more to do
            return cal
    else:
        cal.generations.append(first_generation(run, len(fields), s, rng))
        cal.simulated = s.population
        if on_generation:
            on_generation(state_of(cal, rng))
    cal.stopped = _iterate(cal, run, s, rng, on_generation)
    if on_generation:
        on_generation(state_of(cal, rng))
    return cal


def _pool(workers: int, scheduler: str | None = None):
    """A Dask client of ``scheduler``, else a process pool for ``workers`` > 1, else a
    context holding None; each has ``submit(fn, *args)`` giving a future with ``result()``."""
    if scheduler is not None:
        return DaskPool(scheduler)
    return process_pool(workers) if workers > 1 else nullcontext(None)


class SchedulerUnreachable(Exception):
    """The Dask scheduler given does not answer."""


class DaskPool:
    """Parts of each batch sent to a Dask scheduler, as a process pool's ``submit``.

    Raises:
        SchedulerUnreachable: (on entering) the scheduler does not answer within ``timeout``.
    """

    def __init__(self, address: str, timeout: str = "10s"):
        self.address, self.timeout, self.client = address, timeout, None

    def __enter__(self):
        from distributed import Client  # noqa: PLC0415  lazy: dask distributed

        try:
            self.client = Client(self.address, timeout=self.timeout)
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {self.address} "
                                       f"(no answer within {self.timeout}: {exc})") from None
        return self

    def submit(self, fn, *args):
        """Send ``fn(*args)`` to the scheduler; a Dask future, not cached (``pure=False``)."""
        return self.client.submit(fn, *args, pure=False)

    def __exit__(self, *exc) -> None:
        self.client.close()


def state_of(cal: Calibration, rng: np.random.Generator) -> dict:
    """The calibration so far, to go on from (:func:`restore`): generations, sets simulated,
    and the random generator's state."""
    gens = [{"u": g.u.tolist(), "distance": g.distance.tolist(), "epsilon": g.epsilon,
             "proposed": g.proposed, "mcmc_acceptance": g.mcmc_acceptance}
            for g in cal.generations]
    return {"generations": gens, "simulated": cal.simulated, "rng": rng.bit_generator.state,
            "stopped": cal.stopped}


def restore(fields: list[Resolved], state: dict, rng: np.random.Generator) -> Calibration:
    """The calibration :func:`state_of` saved; ``rng`` is set to its saved state."""
    rng.bit_generator.state = state["rng"]
    gens = [Generation(np.array(g["u"], dtype=float).reshape(-1, len(fields)),
                       np.full(len(g["u"]), 1.0 / len(g["u"])), np.array(g["distance"]),
                       g["epsilon"], g["proposed"], g["mcmc_acceptance"])
            for g in state["generations"]]
    return Calibration(fields, gens, int(state["simulated"]), state.get("stopped", ""))


def _iterate(cal: Calibration, run, s: Settings, rng, on_generation) -> str:
    """Further generations until a stopping rule holds; returns the rule that did."""
    while len(cal.generations) < s.generations:
        prev = cal.final
        gen, cal.simulated = next_generation(run, s, prev, cal.simulated, rng)
        if gen is None:
            return "budget spent"
        cal.generations.append(gen)
        if on_generation:
            on_generation(state_of(cal, rng))
        if gen.mcmc_acceptance < MIN_ACCEPTANCE:  # (NaN only in generation 0)
            return f"acceptance rate fell below {MIN_ACCEPTANCE:.1%}"
    return "generations reached"


def diagnostics(cal: Calibration) -> pd.DataFrame:
    """One row per generation: tolerance, moves proposed, their acceptance rate, ESS (the
    weights stay equal, so it is the population), distinct particles, and the distance's
    median and best."""
    return pd.DataFrame([{"generation": t, "epsilon": g.epsilon, "proposed": g.proposed,
                          "acceptance_rate": g.mcmc_acceptance, "ess": g.ess,
                          "unique_particles": g.unique,
                          "median_distance": float(np.median(g.distance)),
                          "best_distance": float(g.distance.min())}
                         for t, g in enumerate(cal.generations)])
