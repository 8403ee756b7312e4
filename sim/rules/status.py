"""Truce status: holding, in trouble, collapsed (absorbing).

In trouble: at least ``trouble_violations_7d`` party violations in the last 7 days, or a party
away from the talks. Collapsed: at least ``collapse_violent_days`` days with party violations in
the last ``collapse_window_days`` (sustained violence), or a party's formal withdrawal.
The cause of a collapse is the actor whose act opened the current escalation, i.e. the first
incident after at least ``quiet_days_reset`` quiet days (spoiler attacks are counted before
party violations on the same day, then actors in scenario order), or the withdrawing party.
"""

from __future__ import annotations

import numpy as np

from sim.state import CollapseMode, TruceStatus


def first_actor(acts: np.ndarray) -> np.ndarray:
    """(W,) index of the first True along axis 1, or -1."""
    if acts.shape[1] > 8:
        return np.where(acts.any(axis=1), acts.argmax(axis=1), -1)
    out = np.full(acts.shape[0], -1, dtype=np.intp)
    for i in range(acts.shape[1] - 1, -1, -1):  # a short axis: a loop beats argmax
        out[acts[:, i]] = i
    return out


def incident_source(attacked: np.ndarray, violated: np.ndarray, n_parties: int) -> np.ndarray:
    """(W,) actor code of today's first incident: spoiler s -> P + s, party i -> i, none -> -1."""
    s = first_actor(attacked)
    p = first_actor(violated)
    return np.where(s >= 0, n_parties + s, p)


def classify(violent_days, violations_7d, any_away, any_withdrawn, trouble_thr, collapse_days):
    """(W,) new status and collapse mode, before applying absorption."""
    collapse_violence = violent_days >= collapse_days
    collapsed = collapse_violence | any_withdrawn
    mode = np.where(any_withdrawn, CollapseMode.WITHDRAWAL,
                    np.where(collapse_violence, CollapseMode.SUSTAINED_VIOLENCE, CollapseMode.NONE))
    trouble = (violations_7d >= trouble_thr) | any_away
    status = np.where(collapsed, TruceStatus.COLLAPSED,
                      np.where(trouble, TruceStatus.IN_TROUBLE, TruceStatus.HOLDING))
    return status.astype(np.int8), mode.astype(np.int8)
