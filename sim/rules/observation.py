"""What each party perceives, with detection noise, false alarms and misattribution.

perceived[w, i, j] = detected violations of j by i      (prob p_detect each)
                   + false alarms about j               (prob p_false_alarm each day)
                   + spoiler attacks on i blamed on j   (prob p_misattribution * tie[j, s])
                   + collateral damage suffered by i    (prob collateral_i, blamed on all j)
A monitoring mission lowers p_misattribution and p_false_alarm, and raises p_verify, the chance
that brokers verify a violation (sim.rules.brokers) (Clayton & Sticher 2021; Fortna 2008).
A party never perceives itself (i = j).
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def detected(violated_j: bool, p_detect: float, u: float) -> bool:
    """Observer i detects a violation by j."""
    return violated_j and u < p_detect


@njit(cache=True)
def false_alarm(violated_j: bool, p_false_alarm: float, u: float) -> bool:
    """Observer i believes j violated when j did not."""
    return (not violated_j) and u < p_false_alarm


@njit(cache=True)
def blamed(attacked_s: bool, targets_si: bool, tie_js: float, p_misattribution: float,
           u: float) -> bool:
    """Spoiler s's attack on victim i blamed on party j, tied to s by ``tie_js``."""
    return attacked_s and targets_si and u < p_misattribution * tie_js


@njit(cache=True)
def collateral(p_collateral: float, u: float) -> bool:
    """Party i suffers a collateral incident today (it blames every other party)."""
    return u < p_collateral
