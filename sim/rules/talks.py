"""The political track: progress while everyone is at the table; walkouts and returns.

    progress <- min(1, progress + rate * legitimacy * mean trust * (1 - gap))   if all at table
A party at the table walks out with probability p_walkout_i once it perceived at least
walkout_threshold_i hostile acts in the last seven days; a party away returns with probability
p_return_i * mean trust_i once the count is below the threshold.
"""

from __future__ import annotations

import numpy as np


def advance(progress, all_in, mean_trust_all, rate: float, legitimacy: float, gap: float):
    step = rate * legitimacy * mean_trust_all * (1.0 - gap)
    return np.where(all_in, np.minimum(1.0, progress + step), progress)


def walkouts(in_talks, hostile7, threshold, p_walkout, p_return, mean_trust, u):
    """Returns (new in_talks, walked_out_today), each (W, P); parameters (P,) or (W, P)."""
    angry = hostile7 >= threshold
    leave = in_talks & angry & (u < p_walkout)
    back = ~in_talks & ~angry & (u < p_return * mean_trust)
    return (in_talks & ~leave) | back, leave
