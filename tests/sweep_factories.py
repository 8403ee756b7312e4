"""Tiny experiments for the sweep tests: the Syria scenario, few points, ~50 worlds, short days."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from sim.sweep import Store
from tests.factories import dump_yaml

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "scenarios" / "syria_2016.yaml"
BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "TRUCESIM_DEBUG"}


def make_experiment_data(kind: str = "lhs", n: int = 4, worlds: int = 50, days: int = 20,
                         strategies=("baseline", "monitoring"), **extra) -> dict:
    data = {
        "experiment": {"name": "tiny"},
        "scenario": str(SYRIA),
        "uncertainties": [
            {"path": "actors.nusra.spoiler.p_attack", "name": "nusra_p_attack",
             "range": [0.0, 0.1]},
            {"path": "information.p_misattribution", "name": "p_mis", "range": [0.1, 0.9]},
        ],
        "design": {"kind": kind, "n": n},
        "strategies": list(strategies),
        "worlds": worlds,
        "seed": 7,
        "days": days,
        "horizons": [10, days],
    }
    return data | extra


def write_experiment(folder: Path, data: dict | str, name: str = "exp.yaml") -> Path:
    path = Path(folder) / name
    path.write_text(data if isinstance(data, str) else dump_yaml(data))
    return path


def tables(out: Path) -> pd.DataFrame:
    """A finished sweep's outcome table (DuckDB over the parts)."""
    return Store(out).table()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dask_processes(folder: Path, workers: int,
                   preload: dict[int, Path] | None = None) -> Iterator[tuple[str, list, Path]]:
    """A real ``dask scheduler`` and ``workers`` single-threaded ``dask worker`` processes (no
    nanny: the pid is the worker, named w0, w1, ...) on 127.0.0.1, logging to
    ``folder/dask.log``; yields (address, [scheduler, *workers], log path). ``preload`` maps a
    worker's number to a script it runs as it starts (Dask's ``--preload``). On exit the
    workers are killed first, so the scheduler has nothing left to wait for."""
    preload = preload or {}
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log_path = Path(folder) / "dask.log"
    log = open(log_path, "w")  # noqa: SIM115 (open for the processes' lifetime)
    common = {"env": ENV, "stdout": log, "stderr": subprocess.STDOUT, "cwd": folder}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], **common)]
    procs += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--host", "127.0.0.1",
                                "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                "--name", f"w{i}",
                                *(["--preload", str(preload[i])] if i in preload else [])],
                               **common) for i in range(workers)]
    try:
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)
        yield address, procs, log_path
    finally:
        for p in [*procs[1:], procs[0]]:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=30)
        log.close()
