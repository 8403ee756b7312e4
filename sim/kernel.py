"""The compiled day: every phase of one world's day in one pass, looped over the worlds.

:func:`run_day` runs phases 1-7 of :meth:`sim.model.TruceModel.step` for every world of a
batch, one world at a time, calling the rules of :mod:`sim.rules` on that world's numbers.
Worlds do not interact, so threads can share the worlds of a day (:func:`over_worlds`; the
compiled loops release the GIL) and each world's numbers are the same whatever thread runs it.
Draws come from the counter-based keys of :mod:`sim.rng`: world ``w``'s draw ``i`` of stream
``k`` on day ``d`` is a function of (seed, first_world + w, d, k, i) only, so a draw whose
outcome cannot matter (a detection where nothing was done, a blame where no spoiler struck) is
not made: skipping it shifts no other number (docs/performance.md). Where the scenario
declares issues, the talks are bargaining (:func:`bargain`, the compiled rules of
:mod:`sim.bargaining`), in the same pass.

Arguments: ``s`` is a :class:`sim.state.State`, ``p`` a :class:`sim.params.Fixed`, ``t`` a
:class:`sim.strategies.engine.Today`; ``forced`` (5, max(P, S)) marks today's scripted events
(rows :data:`ATTACK`, :data:`VIOLATE`, :data:`WALKOUT`, :data:`RETURN`, :data:`WITHDRAW`).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import pairwise

import numpy as np
from numba import njit
from numba.core import config as numba_config

from sim import rng
from sim.bargaining.talks import propose_of, renege_of, talks_day
from sim.rules import (
    battlefield,
    beliefs,
    breakdown,
    broker_choice,
    brokers,
    decisions,
    intensity,
    observation,
    spoilers,
    status,
    talks,
    types,
)
from sim.rules.frailty import initial_commitment as frailty_rule
from sim.schema import EventAction

ATTACK, VIOLATE, WALKOUT, RETURN, WITHDRAW = range(5)
WEEK = 7


MIN_SHARE = 256  # fewer worlds a thread than this: one thread does it all (start-up costs)
_pools: dict[int, ThreadPoolExecutor] = {}


def usable_threads(threads: int | None) -> int:
    """``threads``, else ``TRUCESIM_THREADS``, else 1; 0 means one per core."""
    if threads is None:
        threads = int(os.environ.get("TRUCESIM_THREADS", "1") or 1)
    return (os.cpu_count() or 1) if threads <= 0 else threads


def shares(n: int, threads: int) -> list[tuple[int, int]]:
    """Consecutive (lo, hi) shares of ``n`` worlds for ``threads`` threads: as equal as can be,
    one share when there are fewer than :data:`MIN_SHARE` worlds a thread."""
    count = max(1, min(threads, n // MIN_SHARE))
    cuts = np.linspace(0, n, count + 1).astype(int)
    return [(int(lo), int(hi)) for lo, hi in pairwise(cuts)]


def over_worlds(fn, n: int, threads: int, *args, scratch=None) -> None:
    """Run ``fn(lo, hi, *args)`` on consecutive shares of the ``n`` worlds, one share per
    thread (the compiled loops release the GIL); each world is computed exactly as alone.
    ``scratch``: a list of per-thread scratch objects, share i's appended as ``fn``'s last
    argument (at least ``threads`` of them)."""
    cuts = shares(n, threads)
    tail = (lambda i: (scratch[i],)) if scratch is not None else (lambda i: ())
    with scalar_loops():  # where fn is compiled on its first call
        if len(cuts) == 1:
            fn(0, n, *args, *tail(0))
            return
        others = len(cuts) - 1  # the calling thread runs the first share itself
        pool = _pools.get(others) or _pools.setdefault(others, ThreadPoolExecutor(others))
        jobs = [pool.submit(fn, lo, hi, *args, *tail(i))
                for i, (lo, hi) in enumerate(cuts) if i > 0]
        fn(*cuts[0], *args, *tail(0))
        for job in jobs:
            job.result()


@contextmanager
def scalar_loops():
    """Numba compiles without LLVM's loop vectorizer inside (restored after). The day's loops
    run over 2 to 4 actors, where vector code (masks, gathers) costs more than it saves: 13-19%
    of a Syria run's CPU time (docs/performance.md). Results are the same: without fast-math,
    LLVM vectorizes no floating-point reduction, so no arithmetic is reordered."""
    before = numba_config.LOOP_VECTORIZE
    numba_config.LOOP_VECTORIZE = 0
    try:
        yield
    finally:
        numba_config.LOOP_VECTORIZE = before


@njit(cache=True, nogil=True, _nrt=False)  # no reference counting: nothing allocated
def run_day(lo, hi, day, keys, s, p, t, forced, work):
    """Phases 1-7 of ``day`` in worlds ``lo`` to ``hi - 1``; ``work`` is this thread's scratch
    for the mediator (:func:`sim.bargaining.nash.make_work`)."""
    for w in range(lo, hi):
        world_day(w, day, keys[w], s, p, t, forced, work)


@njit(cache=True, inline="always")
def world_day(w, day, key, s, p, t, forced, work):
    """One world's day: the phases in the order of :meth:`sim.model.TruceModel.step`."""
    if p.has_brokers_decide and day % WEEK == 0:  # 0. brokers choose (weekly; off by default)
        broker_choice.weekly_choice(w, rng.stream_key(key, day, rng.BROKER_CHOICE), s, p,
                                    t.pledge[w])
    attack_phase(w, rng.stream_key(key, day, rng.SPOILERS), s, p, t, forced)
    decide(w, rng.stream_key(key, day, rng.DECISIONS), s, p, t, forced)
    observe(w, rng.stream_key(key, day, rng.OBSERVATION),
            rng.stream_key(key, day, rng.INTERVENTIONS), s, p, t)
    update_beliefs(w, rng.stream_key(key, day, rng.TYPES), s, p)
    press(w, rng.stream_key(key, day, rng.BROKERS), s, p, t)
    walkouts(w, day, rng.stream_key(key, day, rng.TALKS), s, p, forced)
    renege_draws(w, rng.stream_key(key, day, rng.RENEGE), s)
    if p.has_politics:
        bargain(w, day, s, p, t, work)
    elif day >= p.start_day:
        s.talks_progress[w] = talks.advance(
            s.talks_progress[w], _all_in(s.in_talks[w]), s.mean_trust_all[w],
            p.base_rate * t.talks_multiplier[w], p.mediator_legitimacy, p.position_gap)
    update_status(w, day, s, p, forced)
    if p.has_brokers_decide:  # 8. the week's record the brokers choose from
        broker_choice.tally(w, day, s, p)
    if p.has_battlefield:  # 9. the battlefield moves with today's fighting
        battlefield.battlefield_day(w, s, p)


@njit(cache=True, inline="always")
def attack_phase(w, key, s, p, t, forced):
    """1. Spoilers attack, more as the truce and the talks progress."""
    mom = spoilers.momentum(s.talks_progress[w], s.violent7[w])
    for k in range(p.p_attack.shape[0]):
        prob = spoilers.attack_probability(p.p_attack[k], t.capability[w, k],
                                           p.provocation[k] * t.provocation_multiplier[w], mom)
        prob = spoilers.restrained(prob, p.spoiler_receptiveness[k], t.spoiler_inducement[w, k])
        hit = (prob > 0.0 and spoilers.attacks(prob, rng.uniform(key, k))) or forced[ATTACK, k]
        s.attacked[w, k] = hit
        s.n_attacks[w, k] += int(hit)


@njit(cache=True, inline="always")
def decide(w, key, s, p, t, forced):
    """2. Parties decide from what they perceived yesterday."""
    reward = broker_choice.reward(w, s, p) if p.has_brokers_decide else 0.0  # every party's
    for i in range(p.policy.shape[0]):
        provoked = s.hostile_today[w, i] > 0
        s.triggered[w, i] = s.triggered[w, i] or provoked
        gain, induced = p.gain_from_fighting[i], t.inducement[w, i]
        if p.has_brokers_decide:  # what brokers do and how credible they are (off by default)
            lev = broker_choice.expected_leverage(w, i, s, p, t.leverage[w], t.pledge[w])
            induced += reward
        else:
            lev = _column_sum(t.leverage[w], i)
        if p.has_battlefield:  # the gain follows the balance (off by default)
            gain = battlefield.gain_today(w, i, s, p)
        m = decisions.motive(gain, p.cost_of_fighting[i],
                             p.value_of_settlement[i], p.sensitivity_to_pressure[i],
                             s.talks_progress[w], s.in_talks[w, i], s.pressure[w, i],
                             t.p_verify[w] * lev, induced)
        tactical = p.has_types and s.is_tactical[w, i]
        if tactical:  # the value of striking an opponent that believes it committed
            m += types.surprise_gain(p.tactical_gain[i], s.belief[w], i)
        resolve = min(1.0, s.commitment[w, i] + t.commitment_bonus[w])
        p_opp = decisions.opportunity(resolve, m, p.choice_spread[i])
        p_ret = p.reciprocity[i] if provoked else 0.0
        u_opp = rng.uniform(key, 3 * i)
        u_ret = rng.uniform(key, 3 * i + 1) if provoked else 1.0  # else p_ret = 0: unread
        intended = decisions.intend(p.policy[i], p_opp, p_ret, provoked, s.triggered[w, i],
                                    u_opp, u_ret)
        fights = decisions.with_noise(intended, p.noise, rng.uniform(key, 3 * i + 2)) \
            if p.noise > 0.0 else intended
        if tactical and p.policy[i] == decisions.ADAPTIVE and u_opp < p_opp:
            s.launched[w, i] = True  # a tactical signer's offensive, from today on
        s.violated[w, i] = fights or s.withdrawn[w, i] or s.launched[w, i] or forced[VIOLATE, i]
        s.n_violations[w, i] += int(s.violated[w, i])
        s.incidents[w, i] = int(s.violated[w, i]) if not p.has_intensity else intensity.size(
            s.violated[w, i], p.max_incidents[i], p_opp, p.policy[i] == decisions.ADAPTIVE
            and u_opp < p_opp, s.seen_size[w, i],
            s.withdrawn[w, i] or s.launched[w, i])
        if p.has_coerced or p.has_types:  # calm bought by leverage (docs/model.md)
            added = t.p_verify[w] * (lev - _column_sum(p.leverage_eff, i))
            s.coerced[w, i] = beliefs.coerced_share(
                p.gain_from_fighting[i], p.sensitivity_to_pressure[i] * added
                + t.inducement[w, i])


@njit(cache=True, inline="always")
def observe(w, key, key_collateral, s, p, t):
    """3. Each party perceives violations, false alarms, blamed attacks and collateral."""
    P, S = s.violated.shape[1], s.attacked.shape[1]
    blamed_total = 0
    for i in range(P):
        s.seen_size[w, i] = 0
        hit = t.collateral[w, i] > 0.0 and observation.collateral(
            t.collateral[w, i], rng.uniform(key_collateral, i))
        hostile = 0
        for j in range(P):
            n_blamed = 0
            seen = 0
            if i != j:
                v = s.violated[w, j]
                at = i * P + j
                seen = int(v and observation.detected(v, p.p_detect, rng.uniform(key, at))) \
                    + int(not v and observation.false_alarm(v, t.p_false_alarm[w],
                                                            rng.uniform(key, P * P + at)))
                for k in range(S):
                    n_blamed += int(s.attacked[w, k] and p.targets[k, i] and observation.blamed(
                        s.attacked[w, k], p.targets[k, i], t.ties[w, j, k],
                        t.p_misattribution[w], rng.uniform(key, 2 * P * P + at * S + k)))
                seen += n_blamed + int(hit)
            s.perceived[w, i, j] = seen
            if seen and s.incidents[w, j] > s.seen_size[w, i]:
                s.seen_size[w, i] = s.incidents[w, j]
            s.blamed[w, i, j] = n_blamed
            hostile += seen
            blamed_total += n_blamed
        s.hostile_today[w, i] = hostile
    s.misattributed[w] = blamed_total
    s.n_misattributed[w] += blamed_total


@njit(cache=True, inline="always")
def update_beliefs(w, key, s, p):
    """4. Trust and commitment update from today's perceptions (trust is the belief in the
    other's type where hidden types are on: :func:`update_type_beliefs`)."""
    P = s.violated.shape[1]
    if p.has_types:
        update_type_beliefs(w, key, s, p)
    for i in range(P):
        for j in range(P * (not p.has_types)):
            build = p.trust_build[i]
            if p.has_coerced:
                build = beliefs.discounted_build(build, p.coerced_calm_discount[i],
                                                 s.coerced[w, j])
            s.trust[w, i, j] = beliefs.update_trust(s.trust[w, i, j], s.perceived[w, i, j],
                                                    build, p.trust_loss[i])
    total = 0.0
    for i in range(P):
        mt = beliefs.mean_trust_in_others(s.trust[w, i], i)
        s.mean_trust[w, i] = mt
        total += mt
        s.commitment[w, i] = beliefs.update_commitment(s.commitment[w, i], mt,
                                                       p.commitment_speed[i])
        if s.commitment[w, i] < p.withdrawal_commitment[i]:
            s.withdrawn[w, i] = True
    s.mean_trust_all[w] = total / P if P else 1.0


@njit(cache=True, inline="always")
def update_type_beliefs(w, key, s, p):
    """4b. Each party's belief that each other is committed, by Bayes' rule from what it
    perceived today and a private signal of the type; trust is that belief."""
    P = s.violated.shape[1]
    for i in range(P):
        for j in range(P):
            if i == j:
                continue
            says = types.signal_says_tactical(s.is_tactical[w, j], p.signal_accuracy,
                                              rng.uniform(key, i * P + j))
            b = types.posterior(s.belief[w, i, j], s.perceived[w, i, j] > 0,
                                p.hostile_if_committed, p.hostile_if_tactical, s.coerced[w, j],
                                p.signal_accuracy, says)
            s.belief[w, i, j] = b
            s.trust[w, i, j] = b


@njit(cache=True, inline="always")
def press(w, key, s, p, t):
    """5. Brokers press the violators they verified."""
    B, P = t.leverage.shape[1], t.leverage.shape[2]
    for i in range(P):
        added = 0.0
        if s.violated[w, i]:  # only a violation is verified: no draw otherwise
            shield = broker_choice.shielded(w, i, s, p) if p.has_brokers_decide else 1.0
            for b in range(B):
                if brokers.verified(s.violated[w, i], t.p_verify[w],
                                    rng.uniform(key, b * P + i)):
                    lev = t.leverage[w, b, i]
                    if p.has_brokers_decide:  # only as far as its action this week presses i
                        lev *= broker_choice.weight(w, b, i, s, p, t.pledge[w, b] > 0.0,
                                                    shield)
                    added += lev
        s.pressure[w, i] = brokers.update_pressure(s.pressure[w, i], added, p.decay)


@njit(cache=True, inline="always")
def walkouts(w, day, key, s, p, forced):
    """6. Parties walk out and return (progress of the talks: in :func:`world_day`)."""
    row = day % WEEK
    P = s.in_talks.shape[1]
    walked = False
    for i in range(P):
        s.hostile7[w, i] += s.hostile_today[w, i] - s.hostile_ring[row, w, i]
        s.hostile_ring[row, w, i] = s.hostile_today[w, i]
        was_in = s.in_talks[w, i]
        movable = was_in == (s.hostile7[w, i] >= p.walkout_threshold[i])  # may leave/return
        now_in = talks.at_table(was_in, s.hostile7[w, i], p.walkout_threshold[i],
                                p.p_walkout[i], p.p_return[i], s.mean_trust[w, i],
                                rng.uniform(key, i) if movable else 1.0)
        now_in = ((now_in and not forced[WALKOUT, i]) or forced[RETURN, i]) \
            and not s.withdrawn[w, i]
        s.in_talks[w, i] = now_in
        s.n_walkouts[w] += int(was_in and not now_in)
        s.n_returns[w] += int(now_in and not was_in)
        walked = walked or (was_in and not now_in)
    if walked and s.day_first_walkout[w] < 0:
        s.day_first_walkout[w] = day


@njit(cache=True, inline="always")
def renege_draws(w, key, s):
    """Today's renege draws, one per party, made every day (common random numbers)."""
    for i in range(s.u_renege.shape[1]):
        s.u_renege[w, i] = rng.uniform(key, i)


RENEGE_RATE = 20.0  # renege_of saturates once the deal is ~0.1 utility below fighting


@njit(cache=True, inline="always")
def bargain(w, day, s, p, t, work):
    """6b. Bargaining over the issues (docs/bargaining.md), while the truce stands (after a
    collapse the talks are frozen): today's reservation values; from ``start_day`` the
    mediator's proposal (remade when they or the agreed issues changed) and a day of talks
    while issues are open; then reneging on a complete deal, and the progress of the talks."""
    if s.status[w] == status.COLLAPSED:
        return
    changed, row = _reservations(w, day, s, p)
    if day >= p.start_day:
        is_open = not _all_in(s.agreed[w])
        s.talks_rounds[w] += int(is_open and _all_at_table(s.in_talks[w], s.withdrawn[w]))
        if changed or s.newly_agreed[w]:
            _propose(w, s, p, row, work)
        rate = min(1.0, p.concession_rate * t.talks_multiplier[w])
        s.newly_agreed[w] = is_open and talks_day(
            s.demands[w], p.ideals, p.salience, s.reservation_today[w], s.in_talks[w],
            s.withdrawn[w], p.mediator_pull, rate, rate, p.discount, p.agreement_tolerance,
            s.agreed[w], s.terms[w], s.proposal[w])
    if _all_in(s.agreed[w]):
        if s.day_agreement[w] < 0:
            s.day_agreement[w] = day
        _renege(w, s, p, t)
    s.talks_progress[w] = talks.progress(s.demands[w], s.agreed[w], p.opening_gap)


@njit(cache=True, inline="always")
def _reservations(w, day, s, p):
    """Today's own-violation counts and reservation values: (whether they differ from the
    values the standing proposal was made for, their row of ``p.open_proposals``)."""
    ring_row = day % WEEK
    changed, row, place = False, 0, 1
    for i in range(s.own7.shape[1]):
        s.own7[w, i] += int(s.violated[w, i]) - s.own_ring[ring_row, w, i]
        s.own_ring[ring_row, w, i] = s.violated[w, i]
        r = talks.reservation(p.reservation[i], p.hardening[i], s.own7[w, i],
                              s.hostile7[w, i], WEEK)
        s.reservation_today[w, i] = r
        changed = changed or r != s.proposed_for[w, i]
        row += talks.advantage(s.own7[w, i], s.hostile7[w, i], WEEK) * place
        place *= WEEK + 1
    return changed, row


@njit(cache=True, inline="always")
def _propose(w, s, p, row, work):
    """The mediator's proposal for today's reservation values: from the scenario's table
    while no issue is agreed (:func:`sim.rules.talks.open_proposals`), else made now."""
    if p.open_proposals.shape[0] and not _any_in(s.agreed[w]):
        for k in range(s.proposal.shape[1]):
            s.proposal[w, k] = p.open_proposals[row, k]
    else:
        propose_of(p.ideals, p.salience, s.reservation_today[w], s.agreed[w], s.terms[w],
                   p.bargaining_power, p.compromise, True, s.proposal[w], work)
    for i in range(s.proposed_for.shape[1]):
        s.proposed_for[w, i] = s.reservation_today[w, i]


@njit(cache=True, inline="always")
def _renege(w, s, p, t):
    """Parties of a complete deal may renege (a formal withdrawal), unless guaranteed."""
    for i in range(s.own7.shape[1]):
        prob = p.p_renege[i] * renege_of(s.terms[w], p.ideals[i], p.salience[i],
                                         s.reservation_today[w, i], t.guarantee[w], RENEGE_RATE)
        if s.u_renege[w, i] < prob and not s.withdrawn[w, i]:
            s.withdrawn[w, i] = True
            if s.reneged_by[w] < 0:
                s.reneged_by[w] = i


@njit(cache=True, inline="always")
def update_status(w, day, s, p, forced):
    """7. Holding / in trouble / collapsed, and the collapse's cause."""
    P = s.violated.shape[1]
    n_viol = 0
    away = False
    for i in range(P):
        if forced[WITHDRAW, i]:
            s.withdrawn[w, i] = True
        n_viol += s.incidents[w, i]  # incidents: 1 per violation unless sizes are on
        away = away or not s.in_talks[w, i]
    violent = n_viol > 0
    _roll_windows(w, day, s, violent, n_viol)
    _track_cause(w, s, p)
    withdrew = status.first_actor(s.withdrawn[w])
    new, mode = status.classify(s.violent_window[w], s.count7[w], away, withdrew >= 0,
                                p.trouble_violations_7d, p.collapse_violent_days)
    if new != status.COLLAPSED and intensity.is_offensive(n_viol, p.offensive_incidents):
        new, mode = status.COLLAPSED, status.OFFENSIVE
    if s.status[w] == status.COLLAPSED:
        return
    if new == status.COLLAPSED:  # dated at its onset, confirmed today (sim.rules.breakdown)
        s.day_collapse_confirmed[w] = day
        s.day_collapse[w] = breakdown.onset_day(s.violent_ring, w, day) \
            if mode == status.SUSTAINED_VIOLENCE else day
        s.collapse_mode[w] = mode
        s.collapse_cause[w] = withdrew if mode == status.WITHDRAWAL else \
            _largest(s.incidents[w]) if mode == status.OFFENSIVE else s.spiral_cause[w]
        s.collapse_incidents[w] = s.incidents[w, s.collapse_cause[w]] \
            if mode == status.OFFENSIVE else s.opening_incidents[w]
    elif new == status.IN_TROUBLE:
        s.days_in_trouble[w] += 1
        if s.day_first_trouble[w] < 0:
            s.day_first_trouble[w] = day
    s.status[w] = new


@njit(cache=True, inline="always")
def _roll_windows(w, day, s, violent, n_viol):
    """The rolling windows of violent days and violation counts, with their sums."""
    window = s.violent_ring.shape[0]
    row = day % window
    s.violent_window[w] += int(violent) - int(s.violent_ring[row, w])
    s.violent_ring[row, w] = violent
    week_row = day % WEEK
    s.violent7[w] += int(violent) - int(s.count_ring[week_row, w] > 0)
    s.count7[w] += n_viol - s.count_ring[week_row, w]
    s.count_ring[week_row, w] = n_viol


@njit(cache=True, inline="always")
def _track_cause(w, s, p):
    """The incident that opens an escalation after ``quiet_days_reset`` quiet days: spoiler
    attacks that hit a party first, then party violations, in scenario order."""
    source = -1
    for k in range(s.attacked.shape[1]):
        if s.attacked[w, k] and p.on_parties[k]:
            source = s.violated.shape[1] + k
            break
    if source < 0:
        source = status.first_actor(s.violated[w])
    if source >= 0:
        if s.quiet_days[w] >= p.quiet_days_reset:
            s.spiral_cause[w] = source
            P = s.violated.shape[1]
            s.opening_incidents[w] = s.incidents[w, source] if source < P else 1
        s.quiet_days[w] = 0
    else:
        s.quiet_days[w] += 1


@njit(cache=True)
def _column_sum(m, i):
    """Sum over rows (brokers) of column i, in row order."""
    total = 0.0
    for b in range(m.shape[0]):
        total += m[b, i]
    return total


@njit(cache=True)
def _largest(row) -> int:
    """Index of the largest entry of a row (the first of equals)."""
    best = 0
    for i in range(row.shape[0]):
        if row[i] > row[best]:
            best = i
    return best


@njit(cache=True)
def _all_in(row) -> bool:
    for i in range(row.shape[0]):
        if not row[i]:
            return False
    return True


@njit(cache=True)
def _any_in(row) -> bool:
    for i in range(row.shape[0]):
        if row[i]:
            return True
    return False


@njit(cache=True)
def _all_at_table(in_talks, withdrawn) -> bool:
    for i in range(in_talks.shape[0]):
        if withdrawn[i] or not in_talks[i]:
            return False
    return True


@njit(cache=True, _nrt=False)
def initial_commitment(keys, commitment, half_width):
    """Frailty: each world's parties start from one shared draw (:mod:`sim.rules.frailty`)."""
    for w in range(keys.shape[0]):
        u = rng.uniform(rng.stream_key(keys[w], rng.SETUP_DAY, rng.FRAILTY), 0)
        for i in range(commitment.shape[1]):
            commitment[w, i] = frailty_rule(commitment[w, i], half_width[i], u)


@njit(cache=True, _nrt=False)
def draw_types(keys, is_tactical, p_tactical):
    """Hidden types: each party of each world is a tactical signer with its probability
    (one set-up draw per party, :mod:`sim.rules.types`)."""
    for w in range(keys.shape[0]):
        key = rng.stream_key(keys[w], rng.SETUP_DAY, rng.TYPES)
        for i in range(is_tactical.shape[1]):
            is_tactical[w, i] = types.is_tactical(p_tactical[i], rng.uniform(key, i))


def forced_today(events, day: int, width: int) -> np.ndarray:
    """(5, width) bool: today's scripted events by action row."""
    rows = {EventAction.ATTACK: ATTACK, EventAction.VIOLATE: VIOLATE,
            EventAction.WALKOUT: WALKOUT, EventAction.RETURN: RETURN,
            EventAction.WITHDRAW: WITHDRAW}
    out = np.zeros((5, max(width, 1)), dtype=np.bool_)
    for d, i, act in events:
        if d == day:
            out[rows[act], i] = True
    return out
