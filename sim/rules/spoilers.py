"""Spoiler attacks (Stedman 1997; Kydd & Walter 2002).

Spoilers stand outside the truce and strike more as peace gains momentum:
    p_s(t) = min(1, p_attack_s * capability_s * (1 + provocation_s * M(t)))
where the momentum M(t) = (talks_progress + quiet7) / 2 and quiet7 is the share of the last
seven days without a party violation. Inducements offered to a spoiler restrain it as far as
its type allows (Stedman 1997): with receptiveness rho_s (limited 1, greedy 1/2, total 0) and
the amount a_s offered today,
    p_s(t) <- p_s(t) * (1 - rho_s * min(1, a_s))
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def momentum(talks_progress: float, violent_last7: int) -> float:
    """Peace momentum in [0, 1]; ``violent_last7`` counts violent days (0..7)."""
    quiet7 = 1.0 - violent_last7 / 7.0
    return (talks_progress + quiet7) / 2.0


@njit(cache=True)
def attack_probability(p_attack: float, capability: float, provocation: float,
                       mom: float) -> float:
    """Daily attack probability of one spoiler."""
    return min(1.0, p_attack * capability * (1.0 + provocation * mom))


@njit(cache=True)
def restrained(prob: float, receptiveness: float, offered: float) -> float:
    """Attack probability after inducements ``offered`` today."""
    return prob * (1.0 - receptiveness * min(1.0, offered))


@njit(cache=True)
def attacks(prob: float, u: float) -> bool:
    """Whether the spoiler attacks today, given a uniform draw ``u``."""
    return u < prob
