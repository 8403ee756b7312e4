"""A battlefield that moves: control and strength per party (docs/model.md, "Battlefield").

Each party i has a share of the contested ground ``control_i`` (summing to 1) and a military
strength ``strength_i`` in [0, 1]. Its effective strength adds the firepower of brokers
fighting for it: ``e_i = strength_i + sum_b [b fights for i] capability_b``. The balance is
Tullock's contest success function (Tullock 1980; Hirshleifer 1989):
    share_i = e_i^r / sum_j e_j^r                       (equal shares if every e_j is 0)
On a day of fighting (some party violates) control moves toward the balance and strength wears:
    control_i <- control_i + shift * (share_i - control_i)
    strength_i <- strength_i * (1 - attrition)
on a calm day parties rearm, ``strength_i <- strength_i + rearm * (1 - strength_i)``, and a
patron's aid restores ``aid * (1 - strength_i)`` every day. The trend of control is an
exponential average over ``trend_days``, ``trend_i <- trend_i + (dc_i - trend_i) / trend_days``,
and the ground a party expects to gain by fighting (Fearon 1995; Powell 2006: shifts in the
balance open windows for war) is
    g_i = (share_i - control_i) + trend_days * trend_i
which adds ``gain_weight * g_i`` to its daily gain from fighting.
"""

from __future__ import annotations

from numba import njit

FIGHT = 3  # sim.broker_schema.ACTION_CODES[BrokerAction.FIGHT]


@njit(cache=True)
def power(e: float, r: float) -> float:
    """e^r; r = 1 and r = 2 (the common decisiveness) without a call to pow: both are exact
    there (x * x is correctly rounded), and a call to pow costs more than the rest of the sum."""
    if r == 1.0:
        return e
    if r == 2.0:
        return e * e
    return e ** r


@njit(cache=True)
def contest_share(e_i: float, total: float, r: float, n: int) -> float:
    """share_i = e_i^r / sum_j e_j^r, with ``total`` the sum; equal shares if it is 0."""
    if total <= 0.0:
        return 1.0 / n
    return power(e_i, r) / total


@njit(cache=True)
def expected_gain(share: float, control: float, trend: float, trend_days: int) -> float:
    """g_i: ground a party expects to gain by fighting now."""
    return (share - control) + trend_days * trend


@njit(cache=True)
def rearm(strength: float, fighting: bool, attrition: float, rate: float, aid: float) -> float:
    """Tomorrow's strength: worn by fighting or rebuilt in calm, plus a patron's aid."""
    if fighting:
        strength = strength * (1.0 - attrition)
    else:
        strength = strength + rate * (1.0 - strength)
    return strength + aid * (1.0 - strength)


@njit(cache=True, inline="always")
def effective(w, i, s, p):
    """e_i: party i's strength plus the firepower of brokers fighting for it this week."""
    e = s.strength[w, i]
    for b in range(p.broker_client.shape[0]):
        if s.broker_action[w, b] == FIGHT and p.broker_client[b] == i:
            e += p.broker_firepower[b]
    return e


@njit(cache=True, inline="always")
def balance(w, s, p):
    """Today's balance ``s.share[w]`` from the effective strengths (no allocation)."""
    P = s.share.shape[1]
    total = 0.0
    for i in range(P):  # e_i^r, held in share[w, i] until the total is known
        s.share[w, i] = power(effective(w, i, s, p), p.decisiveness)
        total += s.share[w, i]
    for i in range(P):
        s.share[w, i] = 1.0 / P if total <= 0.0 else s.share[w, i] / total


@njit(cache=True, inline="always")
def battlefield_day(w, s, p):
    """Control, strength and trend after today's fighting (or calm); then the new balance."""
    P = s.share.shape[1]
    fighting = False
    for i in range(P):
        fighting = fighting or s.violated[w, i]
    for i in range(P):
        before = s.control[w, i]
        if fighting:
            s.control[w, i] = before + p.shift_rate * (s.share[w, i] - before)
        s.trend[w, i] += ((s.control[w, i] - before) - s.trend[w, i]) / p.trend_days
        aid = 0.0
        for b in range(p.broker_client.shape[0]):
            if p.broker_client[b] == i:
                aid += p.broker_aid[b]
        s.strength[w, i] = rearm(s.strength[w, i], fighting, p.attrition, p.rearm_rate,
                                 min(1.0, aid))
    balance(w, s, p)


@njit(cache=True, inline="always")
def gain_today(w, i, s, p):
    """Party i's gain from fighting today: its constant gain plus the weighted expected gain."""
    g = expected_gain(s.share[w, i], s.control[w, i], s.trend[w, i], p.trend_days)
    return p.gain_from_fighting[i] + p.gain_weight * g
