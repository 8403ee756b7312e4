"""Every parameter set of a run in ONE block of worlds (issue 17, item 7: the ensemble's speed).

:mod:`sim.ensemble` runs one block per parameter set, and a block pays per day the intervention
engine's numpy work and the compiled day's dispatch whatever its size: with 20 sets of 100
worlds that doubled the time of a compare. Here the sets' blocks are built as there (same
parameters, state, random keys and intervention engine per set) and then merged into one:

- the state arrays and the worlds' random keys are concatenated, set ``k`` in worlds
  ``bounds[k] .. bounds[k + 1] - 1``, so each world keeps its global index and its random
  numbers (world ``j`` of set ``k`` is still world ``first[k] + j`` of the seed);
- the compiled day reads each set's parameters from a stack (:mod:`sim.kernel_sets`);
- the intervention engine runs once for all worlds: a number of an intervention or of its
  trigger that differs between sets (an effect size with a prior) becomes a per-world array,
  as do the information probabilities, the brokers' leverage, the ties and capabilities.

Each world computes what it computes in its own set's block (tests/test_ensemble_block.py).
After the merge each set's block reads its worlds of the one block (views of the state and of
the engine's costs), so its world table and daily sums are taken as before.
Sets that cannot share a block (a prior that changes an array's shape, the scripted events, or
which actors an intervention reaches) raise :class:`NotMergeable`; callers then run a block per
set.
"""

from __future__ import annotations

from dataclasses import fields
from types import SimpleNamespace

import numpy as np
from pydantic import BaseModel

from sim import kernel
from sim.kernel_sets import run_day_sets, stack
from sim.params import Info
from sim.state import VARIABLES, State
from sim.strategies.compile import Compiled
from sim.strategies.engine import InterventionEngine
from sim.strategies.triggers import Activations


class NotMergeable(ValueError):
    """The parameter sets cannot share one block (see the module docstring)."""


class OneBlock:
    """The worlds of every parameter set in one batch: what the compiled day reads and writes."""

    def __init__(self, blocks: list):
        first = blocks[0]
        if any(b.params.events != first.params.events for b in blocks):
            raise NotMergeable("the scripted events differ between parameter sets")
        sizes = [b.state.n for b in blocks]
        self.bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.params = first.params  # what every set shares: actors, horizon, events
        self.state = merge_states([b.state for b in blocks])
        self.keys = np.concatenate([b.streams.keys for b in blocks])
        try:
            self.stacked = stack([b.fixed for b in blocks])
        except ValueError as exc:
            raise NotMergeable(str(exc)) from None
        self.engine = merge_engines([b.engine for b in blocks], sizes)
        self.threads, self.work = first.threads, first.work
        for k, b in enumerate(blocks):  # from now on each block reads its set's worlds here
            b.state, b.engine, b.one = self.view(k), self.engine_view(k), self

    def view(self, k: int) -> State:
        """Set ``k``'s worlds of the state: views, which the days run here write."""
        a, b = self.bounds[k], self.bounds[k + 1]
        return State(*(x[:, a:b] if _is_ring(v) else x[a:b]
                       for v, x in zip(VARIABLES, self.state)))

    def engine_view(self, k: int) -> SimpleNamespace:
        """Set ``k``'s worlds of what a world table reads of the intervention engine (views)."""
        a, b, e = self.bounds[k], self.bounds[k + 1], self.engine
        return SimpleNamespace(cost=e.cost[a:b], cost_one_off=e.cost_one_off[a:b],
                               activations=SimpleNamespace(uses=e.activations.uses[:, a:b]))

    @property
    def set_of_world(self) -> np.ndarray:
        """(worlds,) the parameter set of each world."""
        return np.repeat(np.arange(len(self.bounds) - 1), np.diff(self.bounds))

    def step(self, day: int) -> None:
        """Phases 0-7 of :meth:`sim.model.TruceModel.step` for every set's worlds."""
        p, s = self.params, self.state
        today = self.engine.begin_day(day, s)
        forced = kernel.forced_today(p.events, day, max(p.n_parties, p.n_spoilers))
        with np.errstate(over="ignore"):
            kernel.over_worlds(run_day_sets, s.n, self.threads, day, self.keys, s,
                               self.stacked, self.bounds, today, forced, scratch=self.work)


def merge_states(states: list[State]) -> State:
    """The states of several blocks as one, worlds in block order (a ring's worlds axis is its
    second)."""
    out = []
    for v, arrays in zip(VARIABLES, zip(*states)):
        axis = 1 if _is_ring(v) else 0
        try:
            out.append(np.concatenate(arrays, axis=axis))
        except ValueError:
            raise NotMergeable(f"state {v.name!r} differs in shape between sets") from None
    return State(*out)


def _is_ring(v) -> bool:
    """Whether a state variable is a ring (its first axis the day, its second the worlds)."""
    return bool(v.shape) and v.shape[0].startswith("ring:")


def per_world(values: list, sizes: list[int]):
    """One value for every world: the value itself when every set has it, else a (W,) array
    repeating each set's value over its worlds.

    Raises:
        NotMergeable: values that differ but are not all numbers.
    """
    if all(_same(v, values[0]) for v in values[1:]):
        return values[0]
    numbers = all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                  for v in values)
    arrays = all(isinstance(v, np.ndarray) and v.shape == values[0].shape for v in values)
    if not (numbers or arrays):
        raise NotMergeable(f"values {values[:2]} differ between parameter sets")
    return np.repeat(np.asarray(values), sizes, axis=0)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape \
            and a.dtype == b.dtype and bool(np.array_equal(a, b))
    return type(a) is type(b) and a == b


def merge_model(models: list, sizes: list[int]):
    """An intervention (or its trigger) of several sets as one: each field :func:`per_world`."""
    if all(m == models[0] for m in models[1:]):
        return models[0]
    fields = {}
    for name in type(models[0]).model_fields:
        values = [getattr(m, name) for m in models]
        fields[name] = merge_model(values, sizes) if isinstance(values[0], BaseModel) \
            else per_world(values, sizes)
    return SimpleNamespace(**fields)


REACH = ("party_mask", "spoiler_mask", "broker_mask")  # who an intervention reaches


def merge_compiled(items: list[Compiled], sizes: list[int]) -> Compiled:
    """One intervention of every set as compiled against each: who it reaches must agree; its
    other numbers (added leverage, a meeting's commitment) :func:`per_world`."""
    if len({c.iv.kind for c in items}) != 1 or any(
            not _same(getattr(c, m), getattr(items[0], m)) for c in items for m in REACH):
        raise NotMergeable("an intervention reaches other actors in another parameter set")
    rest = {f.name: per_world([getattr(c, f.name) for c in items], sizes)
            for f in fields(Compiled) if f.name not in ("iv", *REACH)}
    return Compiled(iv=merge_model([c.iv for c in items], sizes),
                    **{m: getattr(items[0], m) for m in REACH}, **rest)


def merge_engines(engines: list[InterventionEngine], sizes: list[int]) -> InterventionEngine:
    """The sets' intervention engines (fresh, before day 0) as one over all their worlds."""
    if len({len(e.items) for e in engines}) != 1:
        raise NotMergeable("a strategy's interventions apply in some parameter sets only")
    first, n = engines[0], sum(sizes)
    out = object.__new__(InterventionEngine)
    out.params = _params_view(engines, sizes)
    out.items = [merge_compiled(list(items), sizes) for items in zip(*(e.items for e in engines))]
    out.activations = Activations([c.iv for c in out.items], n, first.params.horizon)
    out.bonus = np.zeros((len(out.items), n))
    out.ties, out.capability, out.leverage = (
        np.concatenate([getattr(e, name) for e in engines])
        for name in ("ties", "capability", "leverage"))
    out.cost, out.cost_one_off, out.n = np.zeros(n), np.zeros(n), n
    out.prepare()
    if set(vars(out)) != set(vars(first)):  # the engine holds more than merged here
        raise NotMergeable("the intervention engine has state this merge does not know")
    return out


def _params_view(engines: list[InterventionEngine], sizes: list[int]) -> SimpleNamespace:
    """What the engine reads of the parameters each day, per world where sets differ."""
    p = engines[0].params
    info = Info(*(per_world([float(e.params.info[i]) for e in engines], sizes)
                  for i in range(len(Info._fields))))
    return SimpleNamespace(info=info, n_parties=p.n_parties, n_spoilers=p.n_spoilers,
                           horizon=p.horizon)

