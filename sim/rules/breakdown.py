"""When a truce ended: the onset of the fighting that ended it, not the day a window filled.

Ceasefire data date a breakdown by the renewed fighting or the declared end (docs/model.md,
section 6.3), so the model keeps two days. The sustained-violence rule (``V >= D`` violent days
in the last ``W``) *confirms* a breakdown on day ``t_c``; the breakdown is dated at its onset,
the first violent day of the window that confirmed it:
    t_onset = min{ d in [t_c - W + 1, t_c] : n(d) > 0 }
The day before that window is always quiet (else the window would have filled a day earlier),
so ``t_onset`` opens the run of fighting that ended the truce. A withdrawal is a declared end,
dated the day it is made.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def onset_day(violent_ring, w: int, day: int) -> int:
    """First violent day of world ``w`` among the ``len(violent_ring)`` days ending ``day``
    (rows ``d % len``; days before 0 are quiet); ``day`` itself if none was violent."""
    window = violent_ring.shape[0]
    for d in range(max(0, day - window + 1), day + 1):
        if violent_ring[d % window, w]:
            return d
    return day
