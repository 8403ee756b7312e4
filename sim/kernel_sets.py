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


def _pick_source() -> str:
    """Source of :func:`pick`: one argument of :class:`Fixed` per field, in its order."""
    args = ", ".join(f"q.{name}[k]" for name in Fixed._fields)
    return f"def pick(q, k):\n    return Fixed({args})\n"


_namespace = {"Fixed": Fixed}
exec(compile(_pick_source(), __file__, "exec"), _namespace)  # noqa: S102  (built from Fixed)
pick = njit(inline="always")(_namespace["pick"])
pick.__doc__ = "Set ``k``'s :class:`~sim.params.Fixed` out of a :class:`Stacked` (views)."


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
