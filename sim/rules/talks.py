"""The political track: progress while everyone is at the table; walkouts and returns.

    progress <- min(1, progress + rate * legitimacy * mean trust * (1 - gap))   if all at table
A party at the table walks out with probability p_walkout_i once it perceived at least
walkout_threshold_i hostile acts in the last seven days; a party away returns with probability
p_return_i * mean trust_i once the count is below the threshold.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def advance(progress: float, all_in: bool, mean_trust_all: float, rate: float,
            legitimacy: float, gap: float) -> float:
    """Tomorrow's progress of the talks."""
    if not all_in:
        return progress
    return min(1.0, progress + rate * legitimacy * mean_trust_all * (1.0 - gap))


@njit(cache=True)
def at_table(in_talks: bool, hostile7: int, threshold: float, p_walkout: float,
             p_return: float, mean_trust: float, u: float) -> bool:
    """Whether party i is at the table after today's walkouts and returns."""
    angry = hostile7 >= threshold
    if in_talks:
        return not (angry and u < p_walkout)
    return (not angry) and u < p_return * mean_trust
