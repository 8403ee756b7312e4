"""Executors: where the parts of a sweep run. Each yields (index, outcome rows, world rows)
as parts finish, in whatever order they finish; the store makes the order irrelevant.

- ``local``: a pool of ``workers`` processes (:func:`sim.processes.pool_map`, the loop
  :mod:`sim.runner` uses too), or this process when ``workers`` is 1.
- ``dask``: Dask distributed, on a ``LocalCluster`` of ``workers`` single-threaded processes or
  on the cluster whose scheduler is at ``scheduler``. A worker that dies mid-part has its part
  rescheduled by Dask on another worker (up to ``RETRIES`` times). A scheduler that cannot be
  reached, or whose connection is lost mid-sweep, raises :class:`SchedulerError` (the sweep
  adds which parts are stored).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError

from sim import processes

RETRIES = 3
CONNECT_TIMEOUT = "30s"  # to reach the scheduler, and to get it back after a lost connection


class SchedulerError(Exception):
    """The Dask scheduler cannot be reached, or the connection to it was lost."""

    def __init__(self, message: str, lost: bool = False):
        super().__init__(message)
        self.lost = lost

# Settings for the LocalCluster's workers (a cluster at ``scheduler`` keeps its own). Measured on
# the sweep benchmark's parts (2 strategies x 1,000 worlds, ~1.1 s each; docs/performance.md):
# - Dask samples each task's stack every 10 ms for its dashboard's profile; this cluster has no
#   dashboard, and the sampling took ~7% of each part's time.
# - Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc hand freed memory
#   back to the system at once: 11,500 page faults per part against ~300 without it, ~4% of each
#   part's time. The workers get the malloc settings of trucesim's own processes instead.
# - Each worker preloads :mod:`sim.warm` (imports trucesim, loads the compiled day) as it starts,
#   in parallel with the others, instead of in its first part.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.preload": ["sim.warm"],
} | {f"distributed.nanny.pre-spawn-environ.{name}": value
     for name, value in processes.environ().items()}


def run_jobs(run_part: Callable, jobs: list, executor: str, workers: int,
             scheduler: str | None) -> Iterator[tuple]:
    """Run ``run_part`` on every job where ``executor`` says; yield its results as they finish.

    Args:
        run_part: a module-level function of one job (:func:`sim.sweep.run.run_part`), so that
            it can be sent to other processes.
        jobs: the parts to run (:class:`sim.sweep.run.PartJob`: ``index`` and ``exp.sha256``
            name each part's Dask task).
        executor: ``local`` or ``dask``.
        workers: processes (0: one per core).
        scheduler: a Dask scheduler's address, or None for a local cluster.
    """
    if not jobs:
        return iter(())
    if executor == "dask":
        return _dask(run_part, jobs, workers, scheduler)
    if executor != "local":
        raise ValueError(f"unknown executor {executor!r}; expected local or dask")
    return _local(run_part, jobs, workers)


def _local(run_part: Callable, jobs: list, workers: int) -> Iterator[tuple]:
    for _, result in processes.pool_map(run_part, jobs, workers):  # Ctrl-C ends the workers
        yield result


def local_cluster(workers: int):
    """A Dask LocalCluster of ``workers`` single-threaded worker processes, set up for sweeps."""
    import dask  # noqa: PLC0415  lazy: dask, only for --executor dask
    from distributed import LocalCluster  # noqa: PLC0415  lazy: dask

    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # read when the workers are created
        return LocalCluster(n_workers=max(1, workers or os.cpu_count() or 1),
                            threads_per_worker=1, processes=True, dashboard_address=None)


def _connect(client_class, target):
    """A Dask client of ``target`` (a cluster, or a scheduler's address).

    Raises:
        SchedulerError: the scheduler at that address does not answer.
    """
    try:
        return client_class(target, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        if not isinstance(target, str):
            raise
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {target} (no answer within "
            f"{CONNECT_TIMEOUT}: {exc}). Check that `dask scheduler` is running there, that "
            "the address and port are right (tcp://HOST:8786 by default) and that no firewall "
            "blocks the port; or leave out --scheduler to run on a local cluster.") from None


def _lost(scheduler: str | None, exc: BaseException) -> str:
    where = f"the Dask scheduler at {scheduler}" if scheduler else "the local Dask cluster"
    return (f"lost the connection to {where} mid-sweep "
            f"({type(exc).__name__}: {exc or 'cancelled'}).")


def _dask(run_part: Callable, jobs: list, workers: int, scheduler: str | None) -> Iterator[tuple]:
    from distributed import Client, as_completed  # noqa: PLC0415  lazy: dask

    cluster = local_cluster(workers) if scheduler is None else None
    client = _connect(Client, cluster if cluster is not None else scheduler)
    try:
        futures = [client.submit(run_part, job, pure=False, retries=RETRIES,
                                 key=f"trucesim-part-{job.exp.sha256[:12]}-{job.index}")
                   for job in jobs]
        for future in as_completed(futures):
            try:
                result = future.result()
            except (OSError, TimeoutError, CancelledError) as exc:
                if client.status == "running" and future.status == "error":
                    raise  # the part itself failed: not the connection
                raise SchedulerError(_lost(scheduler, exc), lost=True) from None
            yield result
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
