"""Brokers who decide (docs/model.md, "Brokers who decide"; Kydd 2003; Beardsley 2011).

A broker with interests (stake s in its client's gains, counter-terrorism aim k, value V on the
truce, enforcement cost C) chooses each week, from last week's record, the action among those
its role allows with the highest utility plus a Gumbel shock of scale ``choice_spread`` (a
logit choice, McFadden 1974). With x the mean share of days the parties violated last week,
x_c its client's share, a the share of days spoilers struck a party and g_c the ground its
client expects to gain if the broker fights for it (:mod:`sim.rules.battlefield`; 0 without a
battlefield):
    U(press)    = (V - C) x - s x_c          pressing its own client costs it its stake
    U(shield)   = (s - V) x_c                impunity for the client, at the truce's cost
    U(reward)   = (V - C) (1 - x) / 2        rewarding a calm that holds
    U(fight)    = s (g_c + x_c) + k a - V (1 - x) - C   it also spares its client
    U(stay_out) = 0
Shield and fight need a client. Its action sets what it does until the next choice: a broker
presses party j's verified violations with weight f_bj = 1 if it presses, 1 if it fights
against j's side (j not its client), 1 if its own guarantee is in force and it neither fights
for nor shields j this week (a guarantee is a standing promise to press whoever violates,
whatever else the broker does: Walter 2002; one who takes a side breaks it toward that side:
Kydd 2003), else 0; a shielding broker multiplies the others'
pressure on its client by (1 - s); a rewarding one adds REWARD_SCALE x its capability to every
party's inducement. Parties learn each broker's credibility from what it
did in weeks with violations to punish: ``cred_b <- cred_b + lambda_b ([b pressed] - cred_b)``,
where a guarantor "pressed" if it pressed or, under its guarantee, took no side,
and expect the sanction p_verify * sum_b L_bj f_bj cred_b. Brokers without interests press
every week (today's fixed rule), so their credibility stays 1.
"""

from __future__ import annotations

import math

from numba import njit

from sim import rng
from sim.rules.battlefield import contest_share, effective, expected_gain, power

PRESS, SHIELD, REWARD, FIGHT, STAY_OUT = range(5)  # sim.broker_schema.ACTION_CODES
N_ACTIONS = 5
WEEK = 7
REWARD_SCALE = 0.05  # inducement per unit of a rewarding broker's capability (assumption)
TINY = 1e-300  # keeps log(u) finite at u = 0


@njit(cache=True)
def utility(a: int, stake: float, ct: float, value: float, cost: float, x: float, x_c: float,
            attacks: float, gain_c: float) -> float:
    """U(a) of the module docstring."""
    if a == PRESS:
        return (value - cost) * x - stake * x_c
    if a == SHIELD:
        return (stake - value) * x_c
    if a == REWARD:
        return 0.5 * (value - cost) * (1.0 - x)
    if a == FIGHT:
        return stake * (gain_c + x_c) + ct * attacks - value * (1.0 - x) - cost
    return 0.0


@njit(cache=True)
def gumbel(u: float) -> float:
    """A standard Gumbel draw from a uniform ``u`` in [0, 1)."""
    return -math.log(-math.log(max(u, TINY)))


@njit(cache=True)
def learn(cred: float, pressed: bool, evidence: bool, rate: float) -> float:
    """Credibility after a week: moved toward 1 if it pressed, 0 if not, when there was
    something to punish (``evidence``); unchanged otherwise."""
    if not evidence:
        return cred
    return cred + rate * ((1.0 if pressed else 0.0) - cred)


@njit(cache=True, inline="always")
def gain_if_fighting(w, b, c, s, p):
    """g_c: ground client ``c`` expects to gain if broker ``b`` fights for it this week."""
    if not p.has_battlefield:
        return 0.0
    P = s.share.shape[1]
    total, mine = 0.0, 0.0
    for i in range(P):
        e = effective(w, i, s, p)
        if i == c and s.broker_action[w, b] != FIGHT:
            e += p.broker_firepower[b]
        total += power(e, p.decisiveness)
        if i == c:
            mine = e
    share = contest_share(mine, total, p.decisiveness, P)
    return expected_gain(share, s.control[w, c], s.trend[w, c], p.trend_days)


@njit(cache=True)
def gumbel_bound(u: float) -> float:
    """An upper bound on :func:`gumbel` (u) without a logarithm: -log(-log u) <= -log(1 - u)
    <= u / (1 - u), as -log u >= 1 - u and -log(1 - u) <= u / (1 - u)."""
    u = max(u, TINY)
    return u / (1.0 - u)


@njit(cache=True)
def below(bound: float, best: float) -> bool:
    """Whether a value whose exact upper bound is ``bound`` is surely below ``best`` once both
    are rounded: by more than a margin far above the few units in the last place either can be
    off by (utilities and shocks are of order 1 to 100)."""
    return bound < best - 1e-9 * (1.0 + abs(best) + abs(bound))


@njit(cache=True, inline="always")
def choose(w, b, key, x, x_c, attacks, s, p):
    """Broker b's action this week: the best utility plus choice noise, among those allowed.

    The same as drawing every allowed action's shock and taking the first best, with fewer
    logarithms: the action of the highest utility gets its shock first; another whose utility
    plus an upper bound on its shock (:func:`gumbel_bound`, then 1 / t - 1 >= -log t once t =
    -log u is known) is surely below that value cannot be the best, and its shock, which
    nothing else reads, is not computed. Those left are compared in order, as before."""
    c = p.broker_client[b]
    allowed_fight = c >= 0 and p.broker_allowed[b, FIGHT]
    g_c = gain_if_fighting(w, b, c, s, p) if allowed_fight else 0.0  # read by U(fight) only
    stake, ct, value, cost = (p.broker_stake[b], p.broker_ct[b], p.broker_truce_value[b],
                              p.broker_cost[b])
    spread = p.broker_spread[b]
    top, top_u = -1, -math.inf
    for a in range(N_ACTIONS):  # the highest utility before the shocks (the first of equals)
        if not p.broker_allowed[b, a] or (c < 0 and (a == SHIELD or a == FIGHT)):
            continue
        u = utility(a, stake, ct, value, cost, x, x_c, attacks, g_c)
        if top < 0 or u > top_u:
            top, top_u = a, u
    if top < 0:
        return STAY_OUT
    top_v = top_u + spread * gumbel(rng.uniform(key, b * N_ACTIONS + top))
    best, best_u = STAY_OUT, -math.inf
    for a in range(N_ACTIONS):
        if not p.broker_allowed[b, a] or (c < 0 and (a == SHIELD or a == FIGHT)):
            continue
        if a == top:
            v = top_v
        else:
            u = utility(a, stake, ct, value, cost, x, x_c, attacks, g_c)
            draw = rng.uniform(key, b * N_ACTIONS + a)
            if below(u + spread * gumbel_bound(draw), top_v):
                continue
            t = -math.log(max(draw, TINY))  # gumbel(draw) = -log(t)
            if below(u + spread * (1.0 / t - 1.0), top_v):
                continue
            v = u + spread * -math.log(t)
        if v > best_u:
            best, best_u = a, v
    return best


@njit(cache=True, inline="always")
def weekly_choice(w, key, s, p, pledge):
    """Credibility learnt from last week's conduct (``pledge[b]`` > 0: b's own guarantee is
    in force), then each deciding broker's new action."""
    P = s.week_violations.shape[1]
    x = 0.0
    for i in range(P):
        x += s.week_violations[w, i] / (WEEK * P)
    attacks = s.week_attacks[w] / WEEK
    for b in range(p.broker_client.shape[0]):
        if not p.broker_decides[b]:
            continue
        s.credibility[w, b] = learn(s.credibility[w, b],
                                    kept_word(s.broker_action[w, b], pledge[b] > 0.0),
                                    x > 0.0, p.broker_learning[b])
        c = p.broker_client[b]
        x_c = s.week_violations[w, c] / WEEK if c >= 0 else 0.0
        a = choose(w, b, key, x, x_c, attacks, s, p)
        s.broker_action[w, b] = a
        s.n_broker_actions[w, b, a] += 1
    for i in range(P):
        s.week_violations[w, i] = 0
    s.week_attacks[w] = 0


@njit(cache=True, inline="always")
def tally(w, day, s, p):
    """Today's violations and spoiler attacks on parties, into the week's record; on the day
    a collapse is confirmed, the broker (if any) fighting for the party that caused it."""
    if s.day_collapse_confirmed[w] == day:
        cause = s.collapse_cause[w]
        for b in range(s.broker_action.shape[1]):
            if s.broker_action[w, b] == FIGHT and cause == p.broker_client[b]:
                s.collapse_backer[w] = b
                break
    for i in range(s.week_violations.shape[1]):
        s.week_violations[w, i] += int(s.violated[w, i])
    for k in range(s.attacked.shape[1]):
        if s.attacked[w, k]:
            s.week_attacks[w] += 1
            break


@njit(cache=True)
def sides_with(a: int, client: int, j: int) -> bool:
    """Whether an action ``a`` takes party ``j``'s side: fighting for it or shielding it."""
    return (a == FIGHT or a == SHIELD) and client == j


@njit(cache=True)
def presses(a: int, client: int, j: int, pledged: bool) -> bool:
    """Whether a broker doing ``a`` presses party ``j``'s violations: it presses, or fights
    against j's side, or has pledged a guarantee and does not take j's side this week."""
    if a == PRESS or (a == FIGHT and client != j):
        return True
    return pledged and not sides_with(a, client, j)


@njit(cache=True)
def kept_word(a: int, pledged: bool) -> bool:
    """[b pressed] of the learning rule: it pressed; or, under its own guarantee, it neither
    fought for nor shielded a side (it kept its standing promise)."""
    return a == PRESS or (pledged and a != FIGHT and a != SHIELD)


@njit(cache=True, inline="always")
def shielded(w, j, s, p):
    """prod_q (1 - s_q) over the brokers q shielding party j this week, in broker order (1
    where none does): the share of the others' pressure on j that its patrons let through."""
    f = 1.0
    for q in range(p.broker_client.shape[0]):
        if s.broker_action[w, q] == SHIELD and p.broker_client[q] == j:
            f *= 1.0 - p.broker_stake[q]
    return f


@njit(cache=True, inline="always")
def weight(w, b, j, s, p, pledged, shield):
    """f_bj times the shields on j: how much of broker b's leverage on party j counts today
    (``pledged``: b's own guarantee is in force; ``shield``: :func:`shielded` for j, computed
    once for all brokers). The shields are those of the others q != b; a broker that shields
    j itself does not press it (f_bj = 0), so where f_bj = 1 the product over the others is
    the product over all, the same factors in the same order."""
    return shield if presses(s.broker_action[w, b], p.broker_client[b], j, pledged) else 0.0


@njit(cache=True, inline="always")
def expected_leverage(w, i, s, p, leverage, pledge):
    """sum_b L_bi f_bi cred_b: the pressure party i expects per verified violation."""
    shield = shielded(w, i, s, p)
    total = 0.0
    for b in range(leverage.shape[0]):
        total += leverage[b, i] * weight(w, b, i, s, p, pledge[b] > 0.0, shield) \
            * s.credibility[w, b]
    return total


@njit(cache=True, inline="always")
def reward(w, s, p):
    """Inducement every party gets from the brokers rewarding compliance this week."""
    total = 0.0
    for b in range(p.broker_client.shape[0]):
        if s.broker_action[w, b] == REWARD:
            total += REWARD_SCALE * p.broker_firepower[b]
    return total
