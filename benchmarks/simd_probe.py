"""How far vector code could take the compiled day: the generator's draws, two ways (issue 15).

    python benchmarks/simd_probe.py [--worlds 10000] [--days 365] [--block 256] [--reps 3]

The compiled day runs one world at a time, every phase in turn (``world_major``): the loops
inside run over 2-4 actors, too short for vector instructions. Run phase by phase over a block
of worlds instead, the world loop innermost and free of branches (``phase_major``), and LLVM
computes several worlds per instruction (this machine has AVX-512: 8 64-bit lanes). Both
functions here make the draws of Syria 2016's day (:func:`sim.rng.daily_counts`: 38 a
world-day) with the same counter-based generator and add them up in the same order within each
world, so their sums are equal to the bit; prints the CPU ns per world-day of each (the best of
``--reps``) and their ratio as JSON.

``--phase decide`` does the same for a rule phase: the parties' decisions of ``two_party``
(:func:`sim.kernel.decide`, every optional mechanism off), world by world as the compiled day
calls it, against :func:`decide_phase_major`, the same arithmetic over blocks of worlds: the
part before ``exp`` and the part after it in loops the vectorizer takes, ``exp`` (a call to the
C library, which LLVM does not vectorize) in a loop of its own; a draw the day makes only on a
condition is made for every world and chosen by the condition (counter-based draws: making it
changes no other number). Both run the same days from the same state; the arrays they write
must be equal to the bit. Nothing here is timed by the test suite.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim import kernel, rng  # noqa: E402  after the path is set
from sim.rules import decisions  # noqa: E402


@njit(cache=True)
def world_major(keys, days, counts, out):
    """Each world's days, each day's streams and draws: as :func:`sim.kernel.run_day` does."""
    for w in range(keys.shape[0]):
        for day in range(days):
            total = 0.0
            for k in range(counts.shape[0]):
                key = rng.stream_key(keys[w], day, k)
                for i in range(counts[k]):
                    total += rng.uniform(key, i)
            out[w] += total


@njit(cache=True)
def phase_major(keys, days, counts, out, block):
    """Blocks of ``block`` worlds; in each, day by day, each draw for all the block's worlds."""
    n = keys.shape[0]
    skey = np.empty(block, dtype=np.uint64)
    total = np.zeros(block)
    for lo in range(0, n, block):
        m = min(n, lo + block) - lo
        for day in range(days):
            total[:m] = 0.0
            for k in range(counts.shape[0]):
                for j in range(m):
                    skey[j] = rng.stream_key(keys[lo + j], day, k)
                for i in range(counts[k]):
                    for j in range(m):
                        total[j] += rng.uniform(skey[j], i)
            for j in range(m):
                out[lo + j] += total[j]


@njit(cache=True, _nrt=False)  # as sim.kernel.run_day: no reference counting
def decide_world_major(keys, days, s, p, t, forced):
    """:func:`sim.kernel.decide` for every world, day after day, as the compiled day calls it."""
    for day in range(days):
        for w in range(keys.shape[0]):
            kernel.decide(w, rng.stream_key(keys[w], day, rng.DECISIONS), s, p, t, forced)


@njit(cache=True, inline="always")
def _block_keys(keys, lo, block, day, key):
    """The decisions' stream keys of the block of worlds from ``lo`` into ``key``; returns the
    number of worlds in the block."""
    m = min(keys.shape[0], lo + block) - lo
    for j in range(m):
        key[j] = rng.stream_key(keys[lo + j], day, rng.DECISIONS)
    return m


@njit(cache=True, _nrt=False)
def decide_phase_major(keys, days, s, p, t, forced, key, z, e):
    """:func:`sim.kernel.decide` with every optional mechanism off (no brokers' decisions,
    battlefield, hidden types, incident sizes, coerced calm), over blocks of worlds;
    ``key``, ``z``, ``e``: scratch arrays of a block's length."""
    n, P, block = keys.shape[0], p.policy.shape[0], key.shape[0]
    for day in range(days):
        for lo in range(0, n, block):
            m = _block_keys(keys, lo, block, day, key)
            for i in range(P):
                spread = p.choice_spread[i]
                for j in range(m):  # the motive and the logit's argument, clamped
                    w = lo + j
                    lev = 0.0
                    for b in range(t.leverage.shape[1]):
                        lev += t.leverage[w, b, i]
                    mot = decisions.motive(
                        p.gain_from_fighting[i], p.cost_of_fighting[i], p.value_of_settlement[i],
                        p.sensitivity_to_pressure[i], s.talks_progress[w], s.in_talks[w, i],
                        s.pressure[w, i], t.p_verify[w] * lev, t.inducement[w, i])
                    resolve = min(1.0, s.commitment[w, i] + t.commitment_bonus[w])
                    if spread > 0.0:
                        zz = (mot - resolve) / spread
                    else:
                        zz = decisions.Z_LIMIT if mot > resolve else \
                            -decisions.Z_LIMIT if mot < resolve else 0.0
                    z[j] = -max(-decisions.Z_LIMIT, min(decisions.Z_LIMIT, zz))
                for j in range(m):  # the C library's exp, one world at a time
                    e[j] = np.exp(z[j])
                for j in range(m):  # the draws and the choice
                    w = lo + j
                    provoked = s.hostile_today[w, i] > 0
                    triggered = s.triggered[w, i] or provoked
                    s.triggered[w, i] = triggered
                    p_opp = 1.0 / (1.0 + e[j])
                    p_ret = p.reciprocity[i] if provoked else 0.0
                    u_opp = rng.uniform(key[j], 3 * i)
                    u_ret = rng.uniform(key[j], 3 * i + 1)
                    u_ret = u_ret if provoked else 1.0
                    intended = decisions.intend(p.policy[i], p_opp, p_ret, provoked, triggered,
                                                u_opp, u_ret)
                    noisy = decisions.with_noise(intended, p.noise, rng.uniform(key[j], 3 * i + 2))
                    fights = noisy if p.noise > 0.0 else intended
                    v = fights or s.withdrawn[w, i] or s.launched[w, i] or forced[kernel.VIOLATE, i]
                    s.violated[w, i] = v
                    s.n_violations[w, i] += int(v)
                    s.incidents[w, i] = int(v)


DECIDED = ("triggered", "violated", "n_violations", "incidents")  # what decide writes
# what decide reads, per party and world, and its per-world and per-party numbers
READ_PW = ("hostile_today", "in_talks", "pressure", "commitment", "withdrawn", "launched")


@njit(cache=True, _nrt=False)
def decide_actor_major(keys, days, pw, progress, bonus, inducement, gain, cost, settlement,
                       sensitivity, spread, reciprocity, noise, forced_v, triggered, violated,
                       n_violations, incidents, key, z, e):
    """The adaptive parties' decisions of :func:`decide_phase_major` with the state laid out
    actor by world (``x[i, w]``), so that a block's loop reads consecutive worlds, and without
    a branch in the loops over worlds. ``pw``: the arrays of :data:`READ_PW`, (6, P, W) float."""
    n, P, block = keys.shape[0], gain.shape[0], key.shape[0]
    for day in range(days):
        for lo in range(0, n, block):
            m = _block_keys(keys, lo, block, day, key)
            for i in range(P):
                hostile, in_talks, pressure, commitment = pw[0, i], pw[1, i], pw[2, i], pw[3, i]
                for j in range(m):
                    w = lo + j
                    mot = decisions.motive(gain[i], cost[i], settlement[i], sensitivity[i],
                                           progress[w], in_talks[w] > 0.0, pressure[w], 0.0,
                                           inducement[i, w])
                    resolve = min(1.0, commitment[w] + bonus[w])
                    zz = (mot - resolve) / spread[i]
                    z[j] = -max(-decisions.Z_LIMIT, min(decisions.Z_LIMIT, zz))
                for j in range(m):
                    e[j] = np.exp(z[j])
                withdrawn, launched = pw[4, i], pw[5, i]
                for j in range(m):
                    w = lo + j
                    provoked = hostile[w] > 0.0
                    trig = triggered[i, w] | provoked
                    triggered[i, w] = trig
                    p_opp = 1.0 / (1.0 + e[j])
                    p_ret = reciprocity[i] * provoked
                    u_opp = rng.uniform(key[j], 3 * i)
                    u_ret = rng.uniform(key[j], 3 * i + 1)
                    intended = (u_opp < p_opp) | (provoked & (u_ret < p_ret))
                    fights = intended ^ (rng.uniform(key[j], 3 * i + 2) < noise)
                    v = fights | (withdrawn[w] > 0.0) | (launched[w] > 0.0) | forced_v[i]
                    violated[i, w] = v
                    n_violations[i, w] += v
                    incidents[i, w] = v


def measure_decide(worlds: int, days: int, block: int, reps: int) -> dict:
    """CPU ns per world-day of the parties' decisions of ``two_party`` both ways (best of
    ``reps``), and whether every array they write is equal to the bit."""
    import sim  # noqa: PLC0415  heavy: only for this probe
    from sim.model import TruceModel  # noqa: PLC0415

    scn = sim.load("two_party")
    best, states = {}, {}
    for name, fn, extra in (("world_major", decide_world_major, ()),
                            ("phase_major", decide_phase_major,
                             (np.empty(block, dtype=np.uint64), np.empty(block),
                              np.empty(block)))):
        times = []
        for _ in range(reps):
            m = TruceModel(scn, worlds, seed=1)
            f = m.fixed
            assert not (f.has_brokers_decide or f.has_battlefield or f.has_types
                        or f.has_intensity or f.has_coerced), "the probe covers none of these"
            s, t = m.state, m.engine.begin_day(0, m.state)
            s.hostile_today[:] = (np.arange(s.hostile_today.size) % 3 == 0).reshape(
                s.hostile_today.shape)  # some provoked parties, so retaliation is exercised
            forced = kernel.forced_today(m.params.events, 0, max(m.params.n_parties, 1))
            if fn is decide_world_major:
                with kernel.scalar_loops():  # compiled as sim.kernel.run_day is
                    fn(m.streams.keys[:2], 1, s, f, t, forced)  # compiled or loaded first
            else:  # with LLVM's loop vectorizer
                fn(m.streams.keys[:2], 1, s, f, t, forced, *extra)
            start = time.thread_time()
            fn(m.streams.keys, days, s, f, t, forced, *extra)
            times.append(time.thread_time() - start)
        best[name] = round(min(times) / (worlds * days) * 1e9, 1)
        states[name] = [getattr(s, a).copy() for a in DECIDED]
    best["actor_major"], states["actor_major"] = _decide_actor_major(scn, worlds, days, block,
                                                                     reps)
    ref = states["world_major"]
    equal = all(all(np.array_equal(a, b) for a, b in zip(ref, other, strict=True))
                for other in states.values())
    return {"phase": "decide", "scenario": "two_party", "worlds": worlds, "days": days,
            "block": block, "cpu_ns_per_world_day": best,
            "ratio": round(best["world_major"] / best["phase_major"], 2),
            "ratio_actor_major": round(best["world_major"] / best["actor_major"], 2),
            "equal_arrays": equal}


def _decide_actor_major(scn, worlds: int, days: int, block: int, reps: int):
    """Best CPU ns per world-day of :func:`decide_actor_major` on transposed copies of the
    same state as :func:`measure_decide`'s, and the arrays it wrote, laid out world by actor."""
    from sim.model import TruceModel  # noqa: PLC0415

    times = []
    for _ in range(reps):
        m = TruceModel(scn, worlds, seed=1)
        s, f, t = m.state, m.fixed, m.engine.begin_day(0, m.state)
        s.hostile_today[:] = (np.arange(s.hostile_today.size) % 3 == 0).reshape(
            s.hostile_today.shape)
        assert (f.policy == decisions.ADAPTIVE).all() and (f.choice_spread > 0).all()
        assert not t.leverage.any() and (t.p_verify == t.p_verify[0]).all()
        pw = np.ascontiguousarray(np.stack([getattr(s, a).T.astype(np.float64)
                                            for a in READ_PW]))
        out = [np.ascontiguousarray(getattr(s, a).T) for a in DECIDED]
        forced = kernel.forced_today(m.params.events, 0, max(m.params.n_parties, 1))
        args = (pw, s.talks_progress, t.commitment_bonus, np.ascontiguousarray(t.inducement.T),
                f.gain_from_fighting, f.cost_of_fighting, f.value_of_settlement,
                f.sensitivity_to_pressure, f.choice_spread, f.reciprocity, f.noise,
                forced[kernel.VIOLATE].copy(), *out, np.empty(block, dtype=np.uint64),
                np.empty(block), np.empty(block))
        decide_actor_major(m.streams.keys[:2], 0, *args)  # compiled or loaded first
        start = time.thread_time()
        decide_actor_major(m.streams.keys, days, *args)
        times.append(time.thread_time() - start)
    return round(min(times) / (worlds * days) * 1e9, 1), [a.T for a in out]


def measure(worlds: int, days: int, block: int, reps: int) -> dict:
    """CPU ns per world-day of both ways (best of ``reps``), their ratio, and whether the
    sums are equal."""
    counts = rng.daily_counts(2, 4, 2)  # Syria 2016: 2 parties, 4 brokers, 2 spoilers
    keys = rng.world_keys(1, 0, worlds)
    best, sums = {}, {}
    for name, fn, extra in (("world_major", world_major, ()),
                            ("phase_major", phase_major, (block,))):
        fn(keys[:2], 1, counts, np.zeros(2), *extra)  # compiled or loaded first
        times = []
        for _ in range(reps):
            out = np.zeros(worlds)
            start = time.thread_time()
            fn(keys, days, counts, out, *extra)
            times.append(time.thread_time() - start)
        best[name] = round(min(times) / (worlds * days) * 1e9, 1)
        sums[name] = float(out.sum())
    return {"draws_per_world_day": int(counts.sum()), "worlds": worlds, "days": days,
            "block": block, "cpu_ns_per_world_day": best,
            "ratio": round(best["world_major"] / best["phase_major"], 2),
            "equal_sums": sums["world_major"] == sums["phase_major"]}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worlds", type=int, default=10000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--phase", choices=("draws", "decide"), default="draws")
    a = ap.parse_args(argv)
    fn = measure_decide if a.phase == "decide" else measure
    print(json.dumps(fn(a.worlds, a.days, a.block, a.reps), indent=1))


if __name__ == "__main__":
    main()
