"""Checks of the claims about hidden types, brokers who decide and the battlefield (issues 18
and 19): one function per claim, ``check(worlds, seed, setting) -> Measured``.

Each claim's *negative control* is the same check in a setting where the claim's condition is
absent (``setting`` another list of overrides); the scorecard asks that the control fail the
claim's rule (sim.validation.claims). Every setting is written out in full as ``--set``
overrides of a scenario of ``scenarios/validation/``, so the claims do not depend on which
mechanisms the shipped case scenarios switch on.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from sim.model import TruceModel
from sim.results import Z95
from sim.runner import run
from sim.scenario import load
from sim.shipped import path_of
from sim.validation.checks import Measured, lower_above, upper_below
from sim.validation.stats import mean_diff, period_hazard, rate_ratio

CEASEFIRE = path_of("validation/civil_war_ceasefire")
GUARANTOR = path_of("validation/partisan_guarantor")
BALANCE = path_of("validation/shifting_balance")

# types learned: the generic ceasefire's hidden types and beliefs, written out; the claim's
# setting gives a perfect signal of type, its control the uninformative one (accuracy 0.5)
TYPED = [f"actors.{p}.intent.types.{t}={v}" for p in ("government", "rebels")
         for t, v in (("committed", 0.8), ("tactical", 0.2))] + ["beliefs.enabled=true"]
PERFECT = TYPED + ["beliefs.signal_accuracy=1.0"]
NO_SIGNAL = TYPED + ["beliefs.signal_accuracy=0.5"]
LEARNING_DAYS = 7  # "within the first days": by the end of week one
LEARNED = 0.01  # mean |belief - truth| below which the types count as learned

# the negative control of the early hazard and the mediation dilemma: no tactical signer
ALL_COMMITTED = [f"actors.{p}.intent.types.{t}={v}" for p in ("government", "rebels")
                 for t, v in (("committed", 1.0), ("tactical", 0.0))]

# a partisan guarantor: able to fight for the government (stake 0.8), or with no stake in it
NOT_FIGHTING = ["actors.guarantor.interests.actions=[press]"]
STAKE = ["actors.guarantor.interests.stake=0.8"]
NO_STAKE = ["actors.guarantor.interests.stake=0"]


def _ground(gov: float, rebels: float, strength: tuple[float, float] | None = None) -> list[str]:
    """Overrides of the battlefield: the ground held (and the strengths, when given)."""
    out = [f"battlefield.control.government={gov}", f"battlefield.control.rebels={rebels}"]
    if strength:
        out += [f"battlefield.strength.government={strength[0]}",
                f"battlefield.strength.rebels={strength[1]}"]
    return out


# patron's aid: strengths 0.6 / 0.4; the rebels hold less ground (0.3) than their share of the
# balance (0.4): the balance favours them; or more (0.6): it does not
FAVOURS = _ground(0.7, 0.3, (0.6, 0.4))
DISFAVOURS = _ground(0.4, 0.6, (0.6, 0.4))
AID = ["actors.patron.interests.aid=0.05"]
# balance shift: ground held as the strengths, so nobody starts with a window; rearming in calm
# moves an unequal balance (0.9 / 0.2: the rebels rebuild faster) but not an equal one
UNEQUAL = _ground(0.8182, 0.1818, (0.9, 0.2))
EQUAL = _ground(0.5, 0.5, (0.5, 0.5))
FROZEN = ["battlefield.shift_rate=0", "battlefield.attrition=0", "battlefield.rearm_rate=0"]


def _worlds(path, worlds: int, seed: int, overrides: list[str], strategy: str = "baseline"):
    return run(load(path, overrides), strategy, worlds, seed).worlds


def _hazard(table, end: int) -> tuple[float, int, int]:
    """Daily hazard of collapse over days [0, end): (rate, collapses, world-days)."""
    return period_hazard(table["survival_days"].to_numpy(), table["is_collapsed"].to_numpy(),
                         0, end)


def belief_error(worlds: int, seed: int, overrides: list[str], days: int = LEARNING_DAYS):
    """|b_ij - [j committed]| over worlds and ordered pairs, after ``days`` days."""
    model = TruceModel(load(CEASEFIRE, overrides), n_worlds=worlds, seed=seed)
    for _ in range(days):
        model.step()
    s = model.state
    truth = (~s.is_tactical).astype(float)  # (worlds, P): 1 where committed
    P = truth.shape[1]
    return np.concatenate([np.abs(s.belief[:, i, j] - truth[:, j])
                           for i in range(P) for j in range(P) if i != j])


def types_learned(worlds: int, seed: int, setting: list[str] = PERFECT) -> Measured:
    """With perfect information the types are learned at once: the mean error of beliefs
    about the others' types at the end of week one, with a normal 95% interval."""
    err = belief_error(worlds, seed, setting)
    m, se = float(err.mean()), float(err.std(ddof=1) / math.sqrt(len(err)))
    ci = (m, max(0.0, m - Z95 * se), m + Z95 * se)
    return Measured(*ci, upper_below(ci, LEARNED),
                    f"mean |belief - truth| after {LEARNING_DAYS} days over {len(err):,} "
                    f"beliefs: {m:.4f}; {float((err < LEARNED).mean()):.3f} of them within "
                    f"{LEARNED} of the truth")


@cache  # the pressing arms of the claim and its control are the same worlds: run them once
def _guarantee_effect(worlds: int, seed: int, over: tuple[str, ...]):
    """The guarantee's hazard ratio over the horizon (guaranteed / baseline), with counts."""
    base = _hazard(_worlds(GUARANTOR, worlds, seed, list(over)), 180)
    held = _hazard(_worlds(GUARANTOR, worlds, seed, list(over), "guaranteed"), 180)
    return held[1], held[2], base[1], base[2]


def partisan_guarantor(worlds: int, seed: int, setting: list[str] = STAKE) -> Measured:
    """A guarantor that also fights for one side shrinks the guarantee's effect: the ratio of
    the guarantee's hazard ratio with the guarantor able to fight to that with it only
    pressing (a guarantor with one action never weighs its stake, so that arm is the same in
    every setting). Var(log) = the sum of 1/k over the four counts of collapses (delta
    method)."""
    fights = _guarantee_effect(worlds, seed, tuple(setting))
    presses = _guarantee_effect(worlds, seed, tuple(NOT_FIGHTING))
    hr_f, hr_p = rate_ratio(*fights), rate_ratio(*presses)
    counts = (fights[0], fights[2], presses[0], presses[2])
    ratio = hr_f[0] / hr_p[0]
    half = Z95 * math.sqrt(sum(1.0 / k for k in counts)) if min(counts) > 0 else math.nan
    ci = (ratio, ratio * math.exp(-half), ratio * math.exp(half))
    return Measured(*ci, lower_above(ci, 1.0),
                    f"hazard ratio of the guarantee, guarantor able to fight "
                    f"{hr_f[0]:.3f} ({hr_f[1]:.3f}-{hr_f[2]:.3f}), only pressing "
                    f"{hr_p[0]:.3f} ({hr_p[1]:.3f}-{hr_p[2]:.3f}); collapses {counts}")


def patron_aid(worlds: int, seed: int, setting: list[str] = FAVOURS) -> Measured:
    """A patron's aid raises its client's violations: mean violations of the rebels in 180
    days with aid (0.05 a day) minus without, Welch 95% interval."""
    none = _worlds(BALANCE, worlds, seed, setting)
    aided = _worlds(BALANCE, worlds, seed, setting + AID)
    x0, x1 = (t["violations_rebels"].to_numpy().astype(float) for t in (none, aided))
    d = mean_diff(x1, x0)
    return Measured(*d, lower_above(d, 0.0),
                    f"rebels' violations per world {x0.mean():.1f} without aid, {x1.mean():.1f} "
                    f"with it; the government's {none['violations_government'].mean():.1f} and "
                    f"{aided['violations_government'].mean():.1f}")


def balance_shift(worlds: int, seed: int, setting: list[str] = UNEQUAL) -> Measured:
    """Breakdowns cluster where the balance shifts: the hazard of collapse over 180 days on
    the moving battlefield against the same battlefield frozen (rate ratio)."""
    moving = _worlds(BALANCE, worlds, seed, setting)
    frozen = _worlds(BALANCE, worlds, seed, setting + FROZEN)
    hm, hf = _hazard(moving, 180), _hazard(frozen, 180)
    r = rate_ratio(hm[1], hm[2], hf[1], hf[2])
    causes = moving.loc[moving["is_collapsed"], "collapse_cause"].value_counts()
    return Measured(*r, lower_above(r, 1.0),
                    f"collapses in 180 days {hm[1]} moving, {hf[1]} frozen; begun by "
                    + ", ".join(f"{k} {v}" for k, v in causes.items() if k))
