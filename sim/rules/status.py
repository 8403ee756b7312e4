"""Truce status: holding, in trouble, collapsed (absorbing).

In trouble: at least ``trouble_violations_7d`` party violations in the last 7 days, or a party
away from the talks. Collapsed: at least ``collapse_violent_days`` days with party violations in
the last ``collapse_window_days`` (sustained violence), or a party's formal withdrawal.
The cause of a collapse is the actor whose act opened the current escalation, i.e. the first
incident after at least ``quiet_days_reset`` quiet days (spoiler attacks are counted before
party violations on the same day, then actors in scenario order), or the withdrawing party.
"""

from __future__ import annotations

from numba import njit

HOLDING, IN_TROUBLE, COLLAPSED = 0, 1, 2  # sim.state.TruceStatus
NONE, SUSTAINED_VIOLENCE, WITHDRAWAL, OFFENSIVE = 0, 1, 2, 3  # sim.state.CollapseMode


@njit(cache=True)
def first_actor(acts) -> int:
    """Index of the first True in a row of acts, or -1."""
    for i in range(acts.shape[0]):
        if acts[i]:
            return i
    return -1


@njit(cache=True)
def classify(violent_days: int, violations_7d: int, any_away: bool, any_withdrawn: bool,
             trouble_thr: int, collapse_days: int) -> tuple[int, int]:
    """(new status, collapse mode), before applying absorption."""
    violence = violent_days >= collapse_days
    if any_withdrawn:
        return COLLAPSED, WITHDRAWAL
    if violence:
        return COLLAPSED, SUSTAINED_VIOLENCE
    if violations_7d >= trouble_thr or any_away:
        return IN_TROUBLE, NONE
    return HOLDING, NONE
