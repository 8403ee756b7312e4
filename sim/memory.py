"""Memory that fits: a world's footprint from the compiled parameters, and the batch size that
keeps a command within its memory budget.

A batch of ``n`` worlds holds, at the busiest moment of its day,

    fixed + n * per_world         bytes,

where ``per_world`` counts the state arrays (:class:`sim.state.State`, measured from the
variables it declares), what the intervention engine and the political track keep per world, and
the parameters copied per world, grown from the numbers of parties P, spoilers S, brokers B and
issues K. The compiled day (:mod:`sim.kernel`) has no temporaries per world.
A command also keeps every world's result row (:func:`sim.results.world_table`) until it ends,
twice over while batches are joined. The estimate is an upper bound of what numpy allocates
(``tracemalloc`` traces it): ``tests/test_memory.py`` measures the peak for several actor counts
and requires ``measured <= estimate <= SLACK * measured``, so a change to the model's arrays
that this module does not follow fails there first. The interpreter and its libraries
(:data:`PROCESS`, per process) come on top of the arrays.

The budget defaults to :data:`DEFAULT_SHARE` of the memory available when the command starts
(``MemAvailable`` in /proc/meminfo, or a cgroup's limit if lower); ``--memory`` sets it
(``4G``, ``512M``, ``30%``). Batches of at least :data:`sim.rng.BLOCK` worlds are whole seed
blocks, smaller ones a power of two dividing a block; results do not depend on the batch size.
A scenario whose single world, or whose results, cannot fit is refused before anything is
allocated, with the estimate and what to change.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sim.params import compile_params
from sim.rng import BLOCK
from sim.state import State

DEFAULT_SHARE = 0.5  # of the memory available at start: room for the interpreter, the OS, others
MAX_BATCH = 16 * BLOCK  # the batch size before budgets: larger batches are no faster
PROCESS = 280 << 20  # peak resident size of a process that imported sim and ran a Syria batch
# with numba's cached kernel: 268 MiB measured (ru_maxrss, Python 3.12, numba 0.68)
FALLBACK_AVAILABLE = 4 << 30  # when the system does not say what is available
MARGIN = 1.15  # the terms below came within 1% of the measured peak for some actor counts
F8, I2, I4 = 8, 2, 4  # bytes of a double, an int16, an int32

_UNITS = {"": None, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


class MemoryBudgetError(ValueError):
    """A command would need more memory than its budget; the message says what to change."""


@dataclass(frozen=True)
class Footprint:
    """Bytes a batch needs: ``fixed + n * per_world``; ``row`` per world kept in the results."""

    per_world: int
    fixed: int
    row: int

    def batch(self, n: int) -> int:
        """Bytes of a batch of ``n`` worlds."""
        return self.fixed + n * self.per_world

    def __or__(self, other: Footprint) -> Footprint:
        """The larger of two footprints, term by term (e.g. over strategies)."""
        return Footprint(max(self.per_world, other.per_world), max(self.fixed, other.fixed),
                         max(self.row, other.row))


# ---------------------------------------------------------------------------- the estimate
def footprint(p) -> Footprint:
    """The footprint of a batch of worlds of compiled parameters ``p`` (a ``Params``)."""
    P, S, B, K = p.n_parties, p.n_spoilers, p.n_brokers, len(p.issue_ids)
    per_world = state_bytes(p) + _besides_state(P, S, B, len(p.interventions)) \
        + 2 * result_row(P, S, K)
    # parameters (B, P), (S, P), (P, K), the tiled (P, P) ones, Mesa's agents, the daily series
    fixed = (256 << 10) + F8 * (4 * B * P + 4 * S * P + P * K + P * P) + 2048 * (P + S + B) \
        + 512 * p.horizon
    return Footprint(int(MARGIN * per_world), int(fixed), result_row(P, S, K))


def state_bytes(p) -> int:
    """Bytes of one world's :class:`sim.state.State`, from the variables it declares."""
    return sum(a.nbytes for a in State.initial(p, 1))


def _besides_state(P: int, S: int, B: int, n_iv: int) -> int:
    """Per-world arrays kept outside the declared state (the compiled day itself allocates
    nothing: its phases work on one world's scalars)."""
    spoiler = F8 * P * S  # ties per world (the intervention engine)
    brokers = F8 * B * P * (2 if n_iv else 1)  # leverage per world once an intervention acts
    brokers += F8 * B * (2 if n_iv else 1)  # today's pledges (sim.strategies.engine.Today)
    # the talks' state is declared in sim.state (counted by state_bytes)
    return spoiler + brokers + 40 * n_iv + 100 * P + 250  # + (P,) copies of parameters


def result_row(P: int, S: int, K: int) -> int:
    """Bytes of one world's row in the results table (:func:`sim.results.world_table`)."""
    talks = (24 + F8 * K + F8 * P) if K else 0
    return 112 + I4 * P + I4 * S + talks


def scenario_footprint(scn, strategies: list[str], days: int | None = None) -> Footprint:
    """The largest footprint over the strategies to be run (interventions change it)."""
    out = Footprint(0, 0, 0)
    for name in strategies:
        out = out | footprint(compile_params(scn, name, days))
    return out


# ---------------------------------------------------------------------------- the budget
@dataclass(frozen=True)
class Budget:
    """Bytes a command may use for its arrays, and where the figure came from."""

    bytes: int
    source: str


def available() -> int:
    """Memory available to this process now: MemAvailable, or the cgroup's room if less."""
    avail = _meminfo_available()
    room = _cgroup_room()
    figures = [x for x in (avail, room) if x is not None]
    return min(figures) if figures else FALLBACK_AVAILABLE


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil  # noqa: PLC0415  lazy: only where /proc/meminfo is missing (macOS, Windows)

        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - any failure means "not known"
        return None


def _cgroup_room() -> int | None:
    """memory.max - memory.current of this process's cgroup (v2), if it sets a limit."""
    root = Path("/sys/fs/cgroup")
    try:
        limit = (root / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return max(0, int(limit) - int((root / "memory.current").read_text()))
    except (OSError, ValueError):
        return None


def parse_memory(text: str) -> int | float:
    """``4G``, ``512M``, ``1.5GiB``, ``2048MB`` (binary units: 1G = 2**30 bytes) as bytes;
    ``30%`` as the share 0.3 of the memory available.

    Raises:
        ValueError: anything else, with what is expected.
    """
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(%|[kmgt]?(?:i?b)?)\s*", text.lower())
    expected = f"--memory: got {text!r}; expected a size such as 4G, 512M or 1.5GiB, or a " \
               "share of the available memory such as 30%"
    if not m:
        raise ValueError(expected)
    value, unit = float(m.group(1)), m.group(2)
    if unit == "%":
        if not 0 < value <= 100:
            raise ValueError(f"--memory: got {text!r}; a share must be in (0%, 100%]")
        return value / 100
    scale = _UNITS[unit[:1]] if unit not in ("b", "ib") else 1
    if scale is None or value <= 0:  # a bare number is ambiguous (bytes? megabytes?)
        raise ValueError(expected)
    return int(value * scale)


def budget(memory: Budget | str | int | None = None) -> Budget:
    """The budget: ``memory`` bytes, a ``--memory`` text, or the default share of available."""
    if isinstance(memory, Budget):
        return memory
    if isinstance(memory, int):
        return Budget(memory, f"{gib(memory)} given")
    share = DEFAULT_SHARE if memory is None else parse_memory(memory)
    if isinstance(share, int):
        return Budget(share, f"--memory {memory}")
    free = available()
    return Budget(int(free * share), f"{share:.0%} of the {gib(free)} available")


def worker_budget() -> Budget:
    """The default budget of a sweep worker given none: a share of its Dask memory limit when
    it is a Dask worker that has one, else of the memory available to it."""
    try:
        from distributed import get_worker  # noqa: PLC0415  lazy: dask (seconds)

        worker = get_worker()
        limit = getattr(getattr(worker, "memory_manager", worker), "memory_limit", None)
    except (ImportError, ValueError):  # not in a Dask worker
        limit = None
    if limit:
        return Budget(int(limit * DEFAULT_SHARE),
                      f"{DEFAULT_SHARE:.0%} of the Dask worker's memory limit of {gib(limit)}")
    return budget(None)


def gib(n: float) -> str:
    """Bytes as a short human figure: ``1.5 GiB``, ``340 MiB``."""
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MiB"


# ---------------------------------------------------------------------------- the plan
def plan(scn, strategies: list[str], days: int | None, worlds: int,
         memory: str | int | Budget | None = None, workers: int | None = 1,
         kept_rows: int | None = None) -> int:
    """The batch size for running ``worlds`` worlds of each strategy within ``memory``
    (:func:`budget`), with ``workers`` processes (0: one per core) sharing it.

    Raises:
        MemoryBudgetError: one world, or the results, cannot fit.
        ValueError: a ``memory`` text that is not a size.
    """
    limit = budget(memory)
    fp = scenario_footprint(scn, strategies, days)
    return batch_size(fp, worlds, limit, kept_rows, cpu_workers(workers))


def batch_size(fp: Footprint, worlds: int, limit: Budget, kept_rows: int | None = None,
               concurrent: int = 1) -> int:
    """Worlds per batch so that ``concurrent`` batches and the kept results fit ``limit``.

    Args:
        fp: the footprint (:func:`footprint`).
        worlds: worlds in one task (the batch never exceeds it).
        limit: the memory budget.
        kept_rows: result rows the command keeps until it ends (default ``worlds``).
        concurrent: batches in memory at once (worker processes), each in its own process.

    Raises:
        MemoryBudgetError: one world, or the results, cannot fit; the message says what to do.
    """
    if concurrent * fp.batch(1) + (concurrent - 1) * PROCESS > limit.bytes:
        raise MemoryBudgetError(_too_big(fp, limit, concurrent))
    results = 2 * fp.row * (worlds if kept_rows is None else kept_rows)
    room = limit.bytes - results - (concurrent - 1) * PROCESS
    if results > limit.bytes // 2:  # the results alone take most of the budget
        tasks = max(1, (kept_rows or worlds) // worlds)  # strategies (x points in a sweep part)
        fit = limit.bytes // 2 // (2 * fp.row * tasks)
        each = " per strategy" if tasks > 1 else ""
        raise MemoryBudgetError(
            f"the results of {kept_rows or worlds:,} worlds need about {gib(results)}, "
            f"more than half the memory budget of {gib(limit.bytes)} ({limit.source}). Run "
            f"at most {fit:,} worlds{each}, use a sweep (trucesim sweep keeps only summaries), "
            "or raise --memory.")
    per = room // concurrent - fp.fixed
    n = per // fp.per_world if per > 0 else 0
    if n < 1:
        raise MemoryBudgetError(_too_big(fp, limit, concurrent))
    return min(n, MAX_BATCH)  # sim.runner.batches aligns it on seed blocks


def aligned(n: int) -> int:
    """Whole seed blocks, or a power of two that divides a block (never straddles one)."""
    if n >= BLOCK:
        return n - n % BLOCK
    return 1 << int(math.log2(n))


def _too_big(fp: Footprint, limit: Budget, concurrent: int) -> str:
    need = fp.batch(1)
    per_worker = (f" per worker ({concurrent} workers, {gib(PROCESS)} for each process besides "
                  "the first)") if concurrent > 1 else ""
    fewer = " or use fewer workers" if concurrent > 1 else ""
    return (f"one world needs about {gib(need)}{per_worker}, more than the memory "
            f"budget of {gib(limit.bytes)} ({limit.source}). A world's state grows with parties "
            "squared and parties x spoilers: use fewer parties or spoilers, raise --memory"
            f"{fewer}.")


def cpu_workers(workers: int | None) -> int:
    """Worker processes a ``workers`` option means (0 or None: one per core)."""
    return max(1, workers or os.cpu_count() or 1)
