"""Counter-based random numbers: a draw is a hash of (seed, world, day, stream, index).

Nothing is carried from one draw to the next, so a world's numbers depend only on the run's
seed, the world's global index, the day, the mechanism (stream) and the draw's index within the
mechanism's day; never on how many worlds run beside it, in which batch, on which worker or
thread, nor on draws made by other mechanisms (common random numbers across strategies).

The hash is SplitMix64's output function (Steele, Lea & Flood 2014, "Fast splittable
pseudorandom number generators", OOPSLA; the finaliser constants are Stafford's "Mix13"),
applied in a chain of keys:
    k_world  = mix(mix(seed + G) + world + 1)
    k_day    = mix(k_world + (day + 2) * G)          (day -1: set-up draws, e.g. frailty)
    k_stream = mix(k_day ^ ((stream + 1) * H))
    u_i      = (mix(k_stream + (i + 1) * G) >> 11) * 2**-53        in [0, 1)
with G = 0x9E3779B97F4A7C15 (SplitMix64's increment) and H another odd constant. All
arithmetic is modulo 2**64. Streams may only be appended to :data:`STREAMS`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

BLOCK = 1024  # worlds per batch unit: the runner aligns batches on it (no longer a seed block)
# New streams go at the end: a stream's key depends on its index here.
STREAMS = ("spoilers", "decisions", "observation", "brokers", "talks", "interventions", "renege",
           "frailty", "types", "broker_choice")
SPOILERS, DECISIONS, OBSERVATION, BROKERS, TALKS, INTERVENTIONS, RENEGE, FRAILTY, TYPES = range(9)
BROKER_CHOICE = 9  # brokers' weekly choices (sim.rules.broker_choice)
SETUP_DAY = -1  # the day key of draws made before day 0

_G = np.uint64(0x9E3779B97F4A7C15)
_H = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_ONE, _TWO = np.uint64(1), np.uint64(2)
_UNIT = 2.0 ** -53


@njit(cache=True)
def mix(z):
    """SplitMix64's finaliser: a bijection of 64-bit words that scatters every input bit."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def world_key(seed, world):
    """Key of one world of a run (``seed`` and ``world`` are non-negative integers)."""
    return mix(mix(np.uint64(seed) + _G) + np.uint64(world) + _ONE)


@njit(cache=True, inline="always")
def stream_key(wkey, day, stream):
    """Key of one mechanism's draws in one world on one day (``day`` >= -1)."""
    dkey = mix(wkey + np.uint64(day + 2) * _G)
    return mix(dkey ^ (np.uint64(stream + 1) * _H))


@njit(cache=True)
def uniform(skey, i):
    """The ``i``-th uniform [0, 1) draw under a stream key (53 random bits)."""
    return (mix(skey + np.uint64(i + 1) * _G) >> _S11) * _UNIT


def draws(seed: int, stream: str, worlds, day: int, count: int) -> np.ndarray:
    """(len(worlds), count) draws of one stream on one day, for tests and benchmarks."""
    worlds = np.asarray(list(worlds), dtype=np.int64)
    with np.errstate(over="ignore"):  # modulo-2**64 arithmetic when numba's JIT is off
        return _draws(seed, STREAMS.index(stream), worlds, day, count)


@njit(cache=True)
def _draws(seed, stream, worlds, day, count):
    out = np.empty((worlds.shape[0], count))
    for row in range(worlds.shape[0]):
        key = stream_key(world_key(seed, worlds[row]), day, stream)
        for i in range(count):
            out[row, i] = uniform(key, i)
    return out


class Streams:
    """The random keys of a contiguous range of worlds of one run (what the kernel needs)."""

    def __init__(self, seed: int, first_world: int, n_worlds: int):
        if seed < 0 or first_world < 0:
            raise ValueError("seed and first_world must be non-negative")
        self.seed = int(seed)
        self.first_world = int(first_world)
        self.n_worlds = int(n_worlds)
        with np.errstate(over="ignore"):  # modulo-2**64 arithmetic when numba's JIT is off
            self.keys = world_keys(self.seed, self.first_world, self.n_worlds)


@njit(cache=True)
def world_keys(seed, first, n):
    """(n,) uint64 keys of worlds first .. first + n - 1."""
    out = np.empty(n, dtype=np.uint64)
    for w in range(n):
        out[w] = world_key(seed, first + w)
    return out


def daily_counts(n_parties: int, n_brokers: int, n_spoilers: int) -> np.ndarray:
    """Draws a world makes each day, per stream (the frailty draw is made once, on day -1;
    the types stream draws only where hidden types are on: P on day -1, P * P a day)."""
    P, B, S = n_parties, n_brokers, n_spoilers
    return np.array([S, 3 * P, 2 * P * P + P * P * S, B * P, P, P, P, 0, 0], dtype=np.int64)


@njit(cache=True, nogil=True)
def floor(seed, n, days, counts):
    """The draws of ``n`` worlds over ``days`` days, ``counts[k]`` per stream k and day, and
    nothing else (the benchmarks' floor); returns their sum so that none is optimised away."""
    total = 0.0
    for w in range(n):
        wkey = world_key(seed, w)
        for day in range(days):
            for k in range(counts.shape[0]):
                key = stream_key(wkey, day, k)
                for i in range(counts[k]):
                    total += uniform(key, i)
    return total
