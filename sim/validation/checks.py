"""How each claim is measured: run the claim's arms, compute its figure and 95% interval, and
apply its decision rule. One function per claim, ``check(worlds, seed) -> Measured``.

Arms of one claim share the seed, so they are paired worlds (common random numbers); the
intervals treat them as independent samples, which is conservative (sim.validation.stats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from sim import calibration
from sim.analysis.survival import hazard_ratio
from sim.runner import run
from sim.scenario import load
from sim.shipped import path_of
from sim.validation import ipd
from sim.validation.stats import (
    diff_of_diffs,
    mean_diff,
    period_hazard,
    rate_ratio,
    share_diff,
)

# the shipped files themselves, never a file of the same name in the current folder
CEASEFIRE = path_of("validation/civil_war_ceasefire")
SETTLEMENT = path_of("validation/settlement_commitment")
SPOILERS = path_of("validation/spoilers")
SYRIA = path_of("syria_2016")
SYRIA_MONITORED = path_of("syria_2016_monitored")
IPD = path_of("ipd_reduction")

# the design classes of Clayton & Sticher (2021), as arms of the generic ceasefire
MONITORED = ["information.p_verify=0.8", "information.p_false_alarm=0.01"]
DEFINITIVE = MONITORED + ["talks.initial_progress=1.0"]
# spoiler damage: poor attribution and low trust against good attribution and high trust
POOR = ["information.p_misattribution=0.8", "actors.government.behaviour.initial_trust=0.2",
        "actors.rebels.behaviour.initial_trust=0.2"]
GOOD = ["information.p_misattribution=0.0", "actors.government.behaviour.initial_trust=0.7",
        "actors.rebels.behaviour.initial_trust=0.7"]
NO_SPOILER = ["actors.extremists.spoiler.p_attack=0"]


Interval = tuple[float, float, float]  # (figure, lower 95% limit, upper 95% limit)
Z_LIMIT = 4.0  # reduced game: |z| of every cooperation rate below this


@dataclass(frozen=True)
class Measured:
    """A claim's figure, its 95% interval (NaN where none applies) and the verdict."""

    figure: float
    lo: float
    hi: float
    passed: bool
    detail: str


def _times(path: Path, worlds: int, seed: int, strategy: str = "baseline",
           overrides: list[str] | None = None):
    table = run(load(path, overrides or []), strategy, worlds, seed).worlds
    return table["survival_days"].to_numpy(), table["is_collapsed"].to_numpy(), table


def _holding(t: np.ndarray, e: np.ndarray, day: int) -> tuple[int, int]:
    """(worlds holding at the end of ``day``, worlds)."""
    return int(((t > day) | ~e).sum()), len(t)


# the early-hazard claim's periods (days [start, end)): week one, weeks two to four, months two
# to six, after six months (to the horizon)
HAZARD_PERIODS = ((0, 7), (7, 28), (28, 180), (180, 365))


def early_hazard(worlds: int, seed: int, path: Path | None = None,
                 overrides: list[str] | None = None) -> Measured:
    """Hazard is highest in week one and falls after: the daily hazard of each period of
    :data:`HAZARD_PERIODS` and the rate ratios of consecutive periods."""
    t, e, _ = _times(path or CEASEFIRE, worlds, seed, overrides=overrides)
    periods = [period_hazard(t, e, a, b) for a, b in HAZARD_PERIODS]
    ratios = [rate_ratio(k1, n1, k2, n2)
              for (_, k1, n1), (_, k2, n2) in pairwise(periods)]
    ok = early_hazard_rule(*ratios)
    hazards = ", ".join(f"days {a}-{b - 1} {h:.4f} ({k} collapses)"
                        for (a, b), (h, k, _) in zip(HAZARD_PERIODS, periods))
    steps = ", ".join(f"{r[0]:.2f} ({r[1]:.2f}-{r[2]:.2f})" for r in ratios[1:])
    return Measured(*ratios[0], ok, f"daily hazard {hazards}; later ratios {steps}")


def design_classes(worlds: int, seed: int) -> Measured:
    """Design classes: monitored and definitive truces hold longer than bare ones."""
    held = {}
    for name, over in (("bare", []), ("monitored", MONITORED), ("definitive", DEFINITIVE)):
        t, e, _ = _times(CEASEFIRE, worlds, seed, overrides=over)
        held[name] = _holding(t, e, 364)
    step1 = share_diff(held["monitored"], held["bare"])
    step2 = share_diff(held["definitive"], held["monitored"])
    smaller = min(step1, step2, key=lambda d: d[1])
    shares = ", ".join(f"{k} {v[0] / v[1]:.3f}" for k, v in held.items())
    return Measured(*smaller, design_classes_rule(step1, step2),
                    f"holding at day 365: {shares}; monitored - bare {step1[0]:+.3f} "
                    f"({step1[1]:+.3f} to {step1[2]:+.3f}), definitive - monitored "
                    f"{step2[0]:+.3f} ({step2[1]:+.3f} to {step2[2]:+.3f})")


def monitoring(worlds: int, seed: int) -> Measured:
    """Monitoring lowers the hazard of collapse in Syria 2016 (Cox hazard ratio)."""
    base = _times(SYRIA, worlds, seed)[:2]
    mon = _times(SYRIA_MONITORED, worlds, seed)[:2]
    hr, lo, hi, note = hazard_ratio(base, mon)
    ok = monitoring_rule(hr, lo, hi)
    return Measured(hr, lo, hi, ok, note or "Cox hazard ratio, monitored Syria 2016 against "
                    "its baseline, 365 days; Fortna (2008): risk cut by half or more")


def guarantee(worlds: int, seed: int) -> Measured:
    """A third-party guarantee keeps more agreements from being reneged."""
    counts = {}
    for strategy in ("baseline", "guaranteed"):
        table = _times(SETTLEMENT, worlds, seed, strategy)[2]
        agreed = table["day_agreement"] >= 0
        kept = agreed & (table["reneged_by"] == "")
        counts[strategy] = (int(kept.sum()), int(agreed.sum()))
    d = share_diff(counts["guaranteed"], counts["baseline"])
    detail = "; ".join(f"{k}: {v[0]} of {v[1]} agreements implemented ({v[0] / v[1]:.3f})"
                       for k, v in counts.items())
    return Measured(*d, difference_rule(d), detail)


def spoiler_damage(worlds: int, seed: int) -> Measured:
    """Spoilers shorten truces, more so where the truce is poorly designed."""
    cells = {}
    for name, over in (("poor", POOR), ("good", GOOD)):
        with_s = _holding(*_times(SPOILERS, worlds, seed, overrides=over)[:2], 179)
        without = _holding(*_times(SPOILERS, worlds, seed, overrides=over + NO_SPOILER)[:2], 179)
        cells[name] = (without, with_s)
    d = diff_of_diffs([cells["poor"], cells["good"]])
    detail = "; ".join(f"{k} attribution and trust: survival at day 180 {a[0] / a[1]:.3f} "
                       f"without the spoiler, {b[0] / b[1]:.3f} with it"
                       for k, (a, b) in cells.items())
    return Measured(*d, difference_rule(d), detail)


def spoiler_timing(worlds: int, seed: int) -> Measured:
    """Spoilers attack more when the talks advance."""
    attacks = {}
    for name, rate in (("no talks", 0.0), ("talks", 0.03)):
        table = _times(SPOILERS, worlds, seed, overrides=[f"talks.base_rate={rate}"])[2]
        attacks[name] = table["attacks_extremists"].to_numpy().astype(float)
    d = mean_diff(attacks["talks"], attacks["no talks"])
    return Measured(*d, difference_rule(d), "mean attacks per world in 180 days: "
                    + ", ".join(f"{k} {v.mean():.2f}" for k, v in attacks.items()))


def spoiler_types(worlds: int, seed: int) -> Measured:
    """Inducements restrain limited spoilers most, total ones not at all."""
    reductions = {}
    for kind in ("limited", "greedy", "total"):
        over = [f"actors.extremists.spoiler.type={kind}", "actors.extremists.spoiler.provocation=0"]
        base = _times(SPOILERS, worlds, seed, overrides=over)[2]["attacks_extremists"]
        induced = _times(SPOILERS, worlds, seed, "induce_spoiler", over)[2]["attacks_extremists"]
        d, lo, hi = mean_diff(induced.to_numpy().astype(float), base.to_numpy().astype(float))
        m0 = float(base.mean())
        reductions[kind] = (-d / m0, -hi / m0, -lo / m0)
    lim, tot = reductions["limited"], reductions["total"]
    ok = spoiler_types_rule(lim, tot)
    return Measured(*lim, ok, "share of attacks prevented by inducements: " + ", ".join(
        f"{k} {r[0]:.3f} ({r[1]:.3f} to {r[2]:.3f})" for k, r in reductions.items()))


def mediation_dilemma(worlds: int, seed: int, overrides: list[str] | None = None) -> Measured:
    """Leverage withdrawn: fewer collapses at first, more afterwards (the mediation dilemma)."""
    base = _times(CEASEFIRE, worlds, seed, overrides=overrides)[:2]
    lev = _times(CEASEFIRE, worlds, seed, "leverage_withdrawn", overrides)[:2]
    short = rate_ratio(*period_hazard(*lev, 0, 90)[1:], *period_hazard(*base, 0, 90)[1:])
    after = rate_ratio(*period_hazard(*lev, 90, 180)[1:], *period_hazard(*base, 90, 180)[1:])
    ok = mediation_dilemma_rule(short, after)
    return Measured(*after, ok, f"hazard ratio leverage / none while the leverage lasts (days "
                    f"0-89) {short[0]:.2f} ({short[1]:.2f}-{short[2]:.2f}); after it is "
                    f"withdrawn (days 90-179, worlds still holding) {after[0]:.2f}")


def reduced_game(worlds: int, seed: int) -> Measured:
    """The engine reproduces the exact reduced game's cooperation rates."""
    rows = [dict(r, pair=p) for p in ipd.PAIRS for r in ipd.compare_with_engine(IPD, p, worlds,
                                                                                  seed)]
    z = [abs(r["mean"] - r["exact"]) / max(r["se"], 1e-4) for r in rows]
    worst = rows[int(np.argmax(z))]
    return Measured(max(z), math.nan, math.nan, reduced_game_rule(z),
                    f"{len(rows)} cooperation rates ({len(ipd.PAIRS)} policy pairs, noise "
                    f"{ipd.NOISE}, {ipd.DAYS} days); largest gap {worst['pair'][0]} vs "
                    f"{worst['pair'][1]} ({worst['party']}): engine {worst['mean']:.4f}, exact "
                    f"{worst['exact']:.4f}")


def syria_record(worlds: int, seed: int) -> Measured:
    """The Syria 2016 scenario meets its calibration targets."""
    results = calibration.check(run(load(SYRIA), "baseline", worlds, seed))
    met = sum(ok for _, _, ok in results)
    detail = "; ".join(f"{t.name} {v:.3g} [{t.low:g}, {t.high:g}]{'' if ok else ' MISSED'}"
                       for t, v, ok in results)
    return Measured(float(met), math.nan, math.nan, syria_record_rule(results), detail)


# ---- decision rules: pure functions of the measured figures (tests/test_validation_rules.py
# checks each at its boundaries); a NaN limit never passes, since every comparison with NaN is
# False

def lower_above(ci: Interval, threshold: float) -> bool:
    """Whether the interval's lower limit is strictly above ``threshold``."""
    return ci[1] > threshold


def upper_below(ci: Interval, threshold: float) -> bool:
    """Whether the interval's upper limit is strictly below ``threshold``."""
    return ci[2] < threshold


def early_hazard_rule(*ratios: Interval) -> bool:
    """Every ratio of a period's hazard to the next one's (week one / weeks 2-4, weeks 2-4 /
    months 2-6, months 2-6 / after) clearly above 1: highest in week one, falling after."""
    return bool(ratios) and all(lower_above(r, 1.0) for r in ratios)


def design_classes_rule(step1: Interval, step2: Interval) -> bool:
    """Both steps (monitored - bare, definitive - monitored) clearly above 0."""
    return lower_above(step1, 0.0) and lower_above(step2, 0.0)


def monitoring_rule(hr: float, lo: float, hi: float) -> bool:
    """Hazard ratio clearly below 1 and at most one half (Fortna 2008)."""
    return not math.isnan(hi) and hi < 1 and hr <= 0.5


def difference_rule(d: Interval) -> bool:
    """A difference clearly above 0 (guarantee, spoiler damage, spoiler timing)."""
    return lower_above(d, 0.0)


def spoiler_types_rule(limited: Interval, total: Interval) -> bool:
    """Inducements prevent a limited spoiler's attacks, and not clearly a total one's."""
    return lower_above(limited, 0.0) and total[1] <= 0.0 <= total[2]


def mediation_dilemma_rule(short: Interval, after: Interval) -> bool:
    """Leverage lowers the hazard while it lasts and raises it once withdrawn."""
    return upper_below(short, 1.0) and lower_above(after, 1.0)


def reduced_game_rule(z: list[float]) -> bool:
    """Every cooperation rate within ``Z_LIMIT`` standard errors of the exact value."""
    return max(z) < Z_LIMIT


def syria_record_rule(results: list[tuple]) -> bool:
    """Every calibration figure inside its band: results are (target, value, inside)."""
    return all(ok for _, _, ok in results)
