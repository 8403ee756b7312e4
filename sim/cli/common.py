"""What every `trucesim` command shares: the consoles, option types and the ways to fail.

Bad input ends in :func:`fail`: one message per problem on stderr, exit code 2, no traceback.
Commands import their engines (runner, report, sweeps, dashboard) inside their bodies: those
take seconds to import (numba, pandas, dask, solara), and `trucesim --help` or a message about
a bad file should not wait for them.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from sim.scenario import ScenarioError, load
from sim.strategies import available

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

SCENARIO_HELP = "Scenario file (YAML), or a shipped scenario's name (`trucesim scenarios`)."


class Format(StrEnum):
    """How `run`, `compare` and `story` print their results."""

    TABLE = "table"
    JSON = "json"


# options shared by `run`, `compare` and the teaching commands
DaysOption = Annotated[int | None, typer.Option(min=1, max=3650, help="Horizon in days.")]
SeedOption = Annotated[int, typer.Option(min=0, help="Random seed.")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a field: PATH=VALUE (repeatable).")]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]
MemoryOption = Annotated[str | None, typer.Option(
    "--memory", help="Memory budget, e.g. 4G, 512M or 30% (of the memory available); default "
                     "50%. Batches are sized to fit; a scenario that cannot fit is refused.")]
ThreadsOption = Annotated[int | None, typer.Option(
    "--threads", min=0, max=256,
    help="Threads per process that share the worlds of each batch (0 = one per core); default "
         "the TRUCESIM_THREADS environment variable, else 1. Results do not depend on it.")]


def fail(messages: list[str], code: int = 2) -> NoReturn:
    """Print each message on stderr as it is and exit with ``code`` (2: bad input)."""
    say(messages)
    raise typer.Exit(code)


def say(lines: list[str]) -> None:
    """Print lines on stderr verbatim: no markup, and no emoji codes ("file.yaml:100:" stays)."""
    for line in lines:
        err.print(line, markup=False, highlight=False, emoji=False)


def say_out(lines: list[str]) -> None:
    """Print lines on stdout verbatim (no markup, highlighting or emoji codes)."""
    for line in lines:
        out.print(line, markup=False, highlight=False, emoji=False)


def load_or_fail(scenario: Path, overrides: list[str] | None):
    """The scenario with its ``--set`` overrides applied, or exit 2 with its located problems."""
    try:
        return load(scenario, overrides or [])
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])


def budget_or_fail(memory: str | None):
    """The memory budget of ``--memory`` (:mod:`sim.memory`), or exit 2 with what is expected."""
    from sim.memory import budget  # noqa: PLC0415  lazy: loads numpy and psutil (see module doc)

    try:
        return budget(memory)
    except ValueError as exc:
        fail([str(exc)])


def check_out_dir(out_dir: Path | None) -> None:
    """Refuse an output folder that cannot be created, before any simulation is run."""
    if out_dir is None:
        return
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        fail([f"--out {out_dir}: {existing} is a file; expected a folder (created if missing)"])
    if not os.access(existing, os.W_OK | os.X_OK):
        fail([f"--out {out_dir}: cannot write in {existing}; expected a writable folder"])


class Bar(Progress):
    """A rich progress bar drawn by the thread that advances it, with no thread of its own: a
    process with no other thread can fork its workers (:func:`sim.processes.start_method`),
    which start in milliseconds where spawned ones take seconds. It is redrawn at each
    advance (a batch or part done)."""

    def __init__(self, *columns, **kwargs):
        super().__init__(*columns, auto_refresh=False, **kwargs)

    def advance(self, task_id, advance: float = 1) -> None:
        """Advance the task and redraw."""
        super().advance(task_id, advance)
        self.refresh()

    def update(self, task_id, **kwargs) -> None:
        """Update the task and redraw."""
        super().update(task_id, **kwargs)
        self.refresh()


def progress(total: int) -> Progress:
    """A progress bar of world-days on stderr, shown only on a terminal."""
    return Bar(TextColumn("[bold]simulating"), BarColumn(),
                    TextColumn("{task.completed:,.0f}/{task.total:,.0f} world-days"),
                    TimeRemainingColumn(), console=err, transient=True,
                    disable=not err.is_terminal)


def check_strategy(scn, strategy: str, scenario: Path) -> None:
    """Exit 2 unless ``strategy`` is one the scenario can run (its own or the library's)."""
    if strategy not in available(scn):
        fail([f"{scenario}: strategies: no strategy '{strategy}'; expected one of: "
              f"{', '.join(available(scn))}"])
