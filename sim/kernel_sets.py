"""The compiled day over the worlds of many parameter sets at once (issue 17, item 7).

A run of K parameter sets holds its worlds in one batch, set ``k`` in worlds
``bounds[k] .. bounds[k + 1] - 1``. The sets' parameters are stacked (:func:`stack`): each field
of :class:`sim.params.Fixed` gains a leading axis of K (a number becomes an array of K). Each day
:func:`run_day_sets` takes set ``k``'s parameters out of the stack once (:func:`pick`, views, no
copy) and runs :func:`sim.kernel.world_day` on that set's worlds: the same compiled rules on the
same numbers, so a world computes exactly what it computes in a batch of its set alone, and the
day costs one call of the compiled loop for all the sets.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.kernel import world_day
from sim.params import Fixed

Stacked = namedtuple("Stacked", Fixed._fields)  # each field of Fixed, with a leading sets axis


def stack(fixeds: list) -> Stacked:
    """The sets' :class:`~sim.params.Fixed` stacked along a leading axis, field by field.

    Raises:
        ValueError: a field whose shape or type differs between sets (they cannot share a
            compiled loop; run them as separate batches).
    """
    out = {}
    for name in Fixed._fields:
        values = [getattr(f, name) for f in fixeds]
        kinds = {(type(v), getattr(v, "dtype", None), np.shape(v)) for v in values}
        if len(kinds) != 1:
            raise ValueError(f"parameter {name!r} differs in shape or type between sets")
        out[name] = np.ascontiguousarray(np.stack([np.asarray(v) for v in values]))
    return Stacked(**out)


@njit(inline="always")
def pick(q, k):
    """Set ``k``'s :class:`~sim.params.Fixed` out of a :class:`Stacked` (views): one argument
    per field of Fixed, in its order (tests/test_ensemble_block.py checks every field)."""
    return Fixed(
        q.gain_from_fighting[k], q.cost_of_fighting[k], q.value_of_settlement[k],
        q.sensitivity_to_pressure[k], q.policy[k], q.reciprocity[k], q.choice_spread[k],
        q.trust_build[k], q.trust_loss[k], q.commitment_speed[k],
        q.walkout_threshold[k], q.p_walkout[k], q.p_return[k],
        q.withdrawal_commitment[k], q.coerced_calm_discount[k], q.has_coerced[k],
        q.has_types[k], q.p_tactical[k], q.tactical_gain[k], q.hostile_if_committed[k],
        q.hostile_if_tactical[k], q.signal_accuracy[k], q.has_intensity[k],
        q.max_incidents[k], q.offensive_incidents[k], q.p_attack[k], q.provocation[k],
        q.targets[k], q.on_parties[k], q.spoiler_receptiveness[k], q.leverage_eff[k],
        q.mediator_legitimacy[k], q.position_gap[k], q.base_rate[k], q.start_day[k],
        q.decay[k], q.p_detect[k], q.noise[k], q.trouble_violations_7d[k],
        q.collapse_window_days[k], q.collapse_violent_days[k], q.quiet_days_reset[k],
        q.has_politics[k], q.ideals[k], q.salience[k], q.reservation[k], q.hardening[k],
        q.discount[k], q.p_renege[k], q.bargaining_power[k], q.mediator_pull[k],
        q.concession_rate[k], q.agreement_tolerance[k], q.opening_gap[k],
        q.compromise[k], q.open_proposals[k], q.has_brokers_decide[k],
        q.broker_decides[k], q.broker_stake[k], q.broker_ct[k], q.broker_truce_value[k],
        q.broker_cost[k], q.broker_spread[k], q.broker_learning[k], q.broker_allowed[k],
        q.broker_client[k], q.broker_firepower[k], q.broker_aid[k],
        q.has_battlefield[k], q.control0[k], q.strength0[k], q.decisiveness[k],
        q.shift_rate[k], q.attrition[k], q.rearm_rate[k], q.gain_weight[k],
        q.trend_days[k],
    )


@njit(cache=True, nogil=True, _nrt=False)  # no reference counting: nothing allocated
def run_day_sets(lo, hi, day, keys, s, q, bounds, t, forced, work):
    """Phases 1-7 of ``day`` in worlds ``lo`` to ``hi - 1`` of a batch of sets: world ``w``
    of set ``k`` (``bounds[k] <= w < bounds[k + 1]``) under set ``k``'s parameters of the
    stack ``q``; ``work`` is this thread's scratch, as :func:`sim.kernel.run_day`'s."""
    for k in range(bounds.shape[0] - 1):
        first, last = max(lo, bounds[k]), min(hi, bounds[k + 1])
        if first < last:
            p = pick(q, k)
            for w in range(first, last):
                world_day(w, day, keys[w], s, p, t, forced, work)
