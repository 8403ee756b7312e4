"""The political track as bargaining, for scenarios that declare ``issues:``.

Each day, after walkouts and returns, the parties at the table bargain over the issues with the
mediated protocol of :mod:`sim.bargaining` (docs/bargaining.md). The battlefield feeds in
through each party's reservation value, what it expects from fighting:

    r_i(t) = clip(reservation_i + hardening_i * adv_i(t), 0, 1)
    adv_i  = (own violations - hostile acts suffered) over the last 7 days / 7

so a side that gains on the ground hardens. The talks feed back through ``talks_progress``
(1 on agreed issues, else the share of the opening gap closed), which raises the value of
keeping the truce and spoilers' provocation. Once every issue is agreed, a party to whom the
deal is worth less than fighting reneges with daily probability
``p_renege_i * renege(...)`` unless a guarantee is in force (the commitment problem: Fearon
1995; Walter 1997); reneging is a formal withdrawal from the truce.
"""

from __future__ import annotations

import numpy as np

from sim.arrays import all_along, any_along, max_along, min_along, short_sum, tiled
from sim.bargaining import (
    compromise,
    initial_demands,
    mediator_proposal,
    renege,
    talks_step,
    two_party_frontier,
)
from sim.bargaining.issues import as_worlds
from sim.state import WEEK, TruceStatus, push

RENEGE_RATE = 20.0  # renege() saturates once the deal is ~0.1 utility below fighting
OPEN_CACHE = 4096  # proposals kept by reservation row (two parties: at most 8 x 8 rows)
DEDUP_FROM = 64  # fewer stale worlds than this: computing directly is cheaper than np.unique


class PoliticalTrack:
    """Bargaining state of a batch of worlds."""

    def __init__(self, params, n: int):
        self.p = params
        P, K = params.ideals.shape
        self.demands = initial_demands(params.ideals, n)
        self.agreed = np.zeros((n, K), dtype=bool)
        self.terms = np.full((n, K), np.nan)
        self.proposal = np.zeros((n, K))
        self._proposed_for = np.full((n, P), np.nan)  # reservation each proposal was made for
        self._newly_agreed = np.zeros(n, dtype=bool)
        self.own_ring = np.zeros((WEEK, n, P), dtype=np.int16)
        self.own7 = np.zeros((n, P), dtype=np.int32)
        self.day_agreement = np.full(n, -1, dtype=np.int32)
        self.reneged_by = np.full(n, -1, dtype=np.int32)
        self.rounds = np.zeros(n, dtype=np.int32)
        spread = np.ptp(params.ideals, axis=0)
        self.opening_gap = np.where(spread > 0, spread, 1.0)
        # ideals and saliences repeated per world, contiguous: [:m] serves any m worlds
        self.ideals, self.salience = tiled(params.ideals, n), tiled(params.salience, n)
        self.base_reservation, self.hardening = tiled(params.reservation, n), tiled(params.hardening, n)
        # what the mediator's proposal needs but does not change day to day: the compromise
        # (scenario only) and, for two parties, the Pareto frontier (changes when an issue is
        # agreed, see _refresh_frontier)
        a, w = as_worlds(params.ideals, params.salience)
        self.base = compromise(a, w, params.bargaining_power)[0]
        self.frontier = self._open_frontier = None
        self._open_proposals: dict[bytes, np.ndarray] = {}  # by reservation row, none agreed
        if P == 2:
            a, w = as_worlds(params.ideals, params.salience, np.zeros((n, P)))[:2]
            self.frontier = two_party_frontier(a, w, self.agreed, np.zeros((n, K)))
            self._open_frontier = type(self.frontier)(*(x.copy() for x in self.frontier))

    def reservation(self, state) -> np.ndarray:
        """(W, P) today's reservation values: base plus gains on the ground."""
        adv = (self.own7 - state.hostile7) / WEEK
        return np.clip(self.base_reservation + self.hardening * np.clip(adv, 0.0, 1.0), 0.0, 1.0)

    def step(self, day: int, state, guarantee: np.ndarray, u_renege: np.ndarray,
             speed: np.ndarray | float = 1.0) -> np.ndarray:
        """Bargain one day; returns the new talks progress (W,). ``speed`` (W,) multiplies the
        concession rate (a political push). Sets ``state.withdrawn`` for parties that renege on
        a complete deal."""
        p = self.p
        push(self.own_ring, self.own7, day, state.violated)
        alive = state.status != TruceStatus.COLLAPSED
        at_table = state.in_talks & ~state.withdrawn & alive[:, None]  # no talks after collapse
        r = self.reservation(state)
        if day >= p.start_day:
            self.rounds += all_along(at_table, 1) & ~all_along(self.agreed, 1)
            self._propose(r, alive)
            self._bargain(np.flatnonzero(alive & ~all_along(self.agreed, 1)), r, at_table, speed)
        done = all_along(self.agreed, 1)
        self.day_agreement = np.where(done & (self.day_agreement < 0), day, self.day_agreement)
        self._renege(state, r, done, guarantee, u_renege)
        return self.progress()

    def _bargain(self, rows: np.ndarray, r, at_table, speed) -> None:
        """One round of talks in the given worlds (those still standing with open issues)."""
        p = self.p
        self._newly_agreed[:] = False
        if not rows.size:
            return
        rate = np.minimum(1.0, p.concession_rate * np.broadcast_to(speed, r.shape[:1])[rows])
        m = rows.size
        upd = talks_step(self.demands[rows], self.ideals[:m], self.salience[:m], r[rows],
                         at_table[rows], p.mediator_pull, rate[:, None], self.agreed[rows],
                         self.terms[rows],
                         self.proposal[rows], discount=p.discount, eps=p.agreement_tolerance)
        self._newly_agreed[rows] = any_along(upd.agreed != self.agreed[rows], 1)
        self.demands[rows], self.agreed[rows], self.terms[rows] = upd
        self._refresh_frontier(np.flatnonzero(self._newly_agreed))

    def _refresh_frontier(self, rows: np.ndarray) -> None:
        """Rebuild the two-party frontier in the worlds where an issue was just agreed."""
        if self.frontier is None or not rows.size:
            return
        m = rows.size
        new = two_party_frontier(self.ideals[:m], self.salience[:m], self.agreed[rows],
                                 np.nan_to_num(self.terms[rows]))
        for cached, fresh in zip(self.frontier, new):
            cached[rows] = fresh

    def _propose(self, r: np.ndarray, alive: np.ndarray) -> None:
        """The mediator's proposal, recomputed only in the worlds whose reservation values or
        agreed issues changed (the proposal is a function of these, world by world)."""
        stale = alive & ~all_along(r == self._proposed_for, 1) | self._newly_agreed
        if not stale.any():
            return
        rows = np.flatnonzero(stale)
        open_ = ~any_along(self.agreed[rows], 1) & (rows.size >= DEDUP_FROM)
        self._propose_open(rows[open_], r)
        rows = rows[~open_]
        if rows.size:
            fr = None if self.frontier is None else type(self.frontier)(
                *(x[rows] for x in self.frontier))
            m = rows.size
            self.proposal[rows] = mediator_proposal(
                self.ideals[:m], self.salience[:m], r[rows], self.agreed[rows], self.terms[rows],
                weight=self.p.bargaining_power, frontier=fr, base=self.base)
        self._proposed_for[stale] = r[stale]

    def _propose_open(self, rows: np.ndarray, r: np.ndarray) -> None:
        """Proposals where no issue is agreed yet: then the proposal depends on the reservation
        values alone, which take few distinct values (counts over a week), so it is computed
        once per distinct row of ``r``, kept for later days, and copied to the worlds that
        share it."""
        if not rows.size:
            return
        distinct, which = _distinct_rows(r[rows])
        keys = [row.tobytes() for row in distinct]
        if len(self._open_proposals) > OPEN_CACHE:  # many parties: keep memory bounded
            self._open_proposals.clear()
        new = [i for i, key in enumerate(keys) if key not in self._open_proposals]
        if new:
            m = len(new)
            fr = None if self._open_frontier is None else type(self._open_frontier)(
                *(x[:m] for x in self._open_frontier))
            none = np.zeros((m, self.agreed.shape[1]), dtype=bool)
            fresh = mediator_proposal(self.ideals[:m], self.salience[:m], distinct[new], none,
                                      np.full(none.shape, np.nan),
                                      weight=self.p.bargaining_power, frontier=fr,
                                      base=self.base)
            self._open_proposals.update(zip((keys[i] for i in new), fresh))
        proposal = np.array([self._open_proposals[key] for key in keys])
        self.proposal[rows] = proposal[which]

    def _renege(self, state, r, done, guarantee, u) -> None:
        """Parties of a complete deal, in a truce still standing, may renege (withdraw)."""
        rows = np.flatnonzero(done & (state.status != TruceStatus.COLLAPSED))
        if not rows.size:
            return
        g = np.broadcast_to(guarantee, done.shape)[rows]
        prob = self.p.p_renege[None, :] * renege(self.terms[rows], self.p.ideals,
                                                 self.p.salience, r[rows], guarantee=g,
                                                 rate=RENEGE_RATE)
        quits = (u[rows] < prob) & ~state.withdrawn[rows]
        first = quits.any(axis=1) & (self.reneged_by[rows] < 0)
        self.reneged_by[rows] = np.where(first, quits.argmax(axis=1), self.reneged_by[rows])
        state.withdrawn[rows] |= quits

    def progress(self) -> np.ndarray:
        """(W,) 1 on agreed issues, else the share of the opening gap closed; mean over issues."""
        ptp = max_along(self.demands, 1) - min_along(self.demands, 1)
        gap = ptp / self.opening_gap
        share = np.where(self.agreed, 1.0, np.clip(1.0 - gap, 0.0, 1.0))
        return short_sum(share, 1) / share.shape[1]  # the mean over issues

    def concession(self) -> np.ndarray:
        """(W, P) how far each party moved from its ideal, in utility: 1 - u_i(own demand)."""
        gap = np.abs(self.demands - self.p.ideals[None])
        return (self.p.salience[None] * gap).sum(axis=2)


def _distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows of ``x``, index of each row's distinct row): ``np.unique(x, axis=0,
    return_inverse=True)``, by a lexicographic sort (several times faster)."""
    order = np.lexsort(x.T[::-1])
    ranked = x[order]
    new = np.ones(len(x), dtype=bool)
    new[1:] = any_along(ranked[1:] != ranked[:-1], 1)
    which = np.empty(len(x), dtype=np.intp)
    which[order] = np.cumsum(new) - 1
    return ranked[new], which
