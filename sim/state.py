"""Enums and the array-backed state of a batch of worlds (leading axis = worlds)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.params import Params


class TruceStatus(IntEnum):
    HOLDING = 0
    IN_TROUBLE = 1
    COLLAPSED = 2


class CollapseMode(IntEnum):
    NONE = 0
    SUSTAINED_VIOLENCE = 1
    WITHDRAWAL = 2


WEEK = 7


def push(ring: np.ndarray, total: np.ndarray, day: int, today: np.ndarray) -> None:
    """Put ``today`` in row ``day % len(ring)`` of a circular buffer, updating its running sum
    (exact integer arithmetic, so the sum always equals ``ring.sum(axis=0)``)."""
    row = day % len(ring)
    total += today
    total -= ring[row]
    ring[row] = today


@dataclass
class State:
    """Everything that changes day to day, for ``n`` worlds.

    Party arrays are ``(n, P)``; ``trust[w, i, j]`` is party i's trust in party j;
    ``perceived[w, i, j]`` counts hostile acts by j that i perceived today.
    Ring buffers hold the last days for rolling windows.
    """

    n: int
    commitment: np.ndarray
    trust: np.ndarray
    pressure: np.ndarray
    in_talks: np.ndarray
    withdrawn: np.ndarray
    triggered: np.ndarray  # grim trigger memory
    perceived: np.ndarray
    # circular buffers of the last days (row day % length), with their running sums
    hostile_ring: np.ndarray  # (WEEK, n, P) hostile acts perceived per party per day
    violent_ring: np.ndarray  # (window, n) any party violation that day
    count_ring: np.ndarray  # (WEEK, n) party violations that day
    hostile7: np.ndarray  # (n, P) sum of hostile_ring
    violent_window: np.ndarray  # (n,) sum of violent_ring
    violent7: np.ndarray  # (n,) days with a party violation in the last 7
    count7: np.ndarray  # (n,) sum of count_ring
    hostile_today: np.ndarray  # (n, P) hostile acts each party perceived today
    talks_progress: np.ndarray
    status: np.ndarray
    quiet_days: np.ndarray
    spiral_cause: np.ndarray
    # today's acts (kept for the record and the next day's reactions)
    violated: np.ndarray
    attacked: np.ndarray
    # outcomes
    day_collapse: np.ndarray
    collapse_mode: np.ndarray
    collapse_cause: np.ndarray
    days_in_trouble: np.ndarray
    day_first_trouble: np.ndarray
    day_first_walkout: np.ndarray
    n_violations: np.ndarray
    n_attacks: np.ndarray
    n_misattributed: np.ndarray
    n_walkouts: np.ndarray
    n_returns: np.ndarray

    @classmethod
    def initial(cls, p: Params, n: int) -> State:
        P, S = p.n_parties, p.n_spoilers
        trust = np.broadcast_to(p.trust0[None, :, None], (n, P, P)).copy()
        idx = np.arange(P)
        trust[:, idx, idx] = 1.0
        never = np.full(n, -1, dtype=np.int32)
        return cls(
            n=n,
            commitment=np.broadcast_to(p.commitment0, (n, P)).copy(),
            trust=trust,
            pressure=np.zeros((n, P)),
            in_talks=np.ones((n, P), dtype=bool),
            withdrawn=np.zeros((n, P), dtype=bool),
            triggered=np.zeros((n, P), dtype=bool),
            perceived=np.zeros((n, P, P), dtype=np.int16),
            hostile_ring=np.zeros((WEEK, n, P), dtype=np.int16),
            violent_ring=np.zeros((p.collapse_window, n), dtype=bool),
            count_ring=np.zeros((WEEK, n), dtype=np.int16),
            hostile7=np.zeros((n, P), dtype=np.int32),
            violent_window=np.zeros(n, dtype=np.int32),
            violent7=np.zeros(n, dtype=np.int32),
            count7=np.zeros(n, dtype=np.int32),
            hostile_today=np.zeros((n, P), dtype=np.int16),
            talks_progress=np.full(n, p.talks_initial),
            status=np.zeros(n, dtype=np.int8),
            quiet_days=np.full(n, p.quiet_days_reset, dtype=np.int32),
            spiral_cause=never.copy(),
            violated=np.zeros((n, P), dtype=bool),
            attacked=np.zeros((n, S), dtype=bool),
            day_collapse=never.copy(),
            collapse_mode=np.zeros(n, dtype=np.int8),
            collapse_cause=never.copy(),
            days_in_trouble=np.zeros(n, dtype=np.int32),
            day_first_trouble=never.copy(),
            day_first_walkout=never.copy(),
            n_violations=np.zeros((n, P), dtype=np.int32),
            n_attacks=np.zeros((n, S), dtype=np.int32),
            n_misattributed=np.zeros(n, dtype=np.int32),
            n_walkouts=np.zeros(n, dtype=np.int32),
            n_returns=np.zeros(n, dtype=np.int32),
        )
