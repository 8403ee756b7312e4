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

import numpy as np


def momentum(talks_progress: np.ndarray, violent_last7: np.ndarray) -> np.ndarray:
    """Peace momentum in [0, 1] per world; ``violent_last7`` counts violent days (0..7)."""
    quiet7 = 1.0 - violent_last7 / 7.0
    return (talks_progress + quiet7) / 2.0


def attack_probability(p_attack, capability, provocation, mom: np.ndarray) -> np.ndarray:
    """(W, S) daily attack probability; capability and provocation are (S,) or per world (W, S)."""
    base = np.atleast_2d(p_attack * capability)
    return np.minimum(1.0, base * (1.0 + np.atleast_2d(provocation) * mom[:, None]))


def attacks(prob: np.ndarray, u: np.ndarray) -> np.ndarray:
    """(W, S) bool: which spoilers attack today."""
    return u < prob


def restrained(prob: np.ndarray, receptiveness: np.ndarray, offered: np.ndarray) -> np.ndarray:
    """(W, S) attack probability after inducements; ``offered`` is (W, S), ``receptiveness``
    (S,)."""
    return prob * (1.0 - receptiveness[None, :] * np.minimum(1.0, offered))
