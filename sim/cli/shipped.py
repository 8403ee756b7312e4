"""`trucesim scenarios` (what ships with trucesim, by name) and `trucesim --version`.

Registered on the main app by :func:`register`. Names are resolved in one place,
:func:`sim.shipped.resolve`, which every command reaches through :func:`sim.scenario.load`
or :func:`sim.sweep.load_experiment`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.table import Table

import sim
from sim.cli.common import out
from sim.shipped import EXPERIMENTS, SCENARIOS, catalogue, path_of


def scenarios(
    paths: Annotated[bool, typer.Option(
        "--paths", help="Also show where each file is installed (to copy and edit it).")] = False,
):
    """List the shipped scenarios and experiments; any command takes them by name.

    A file that exists always wins over a shipped name.

    Examples:

        trucesim scenarios

        trucesim run syria_2016 --worlds 2000

        trucesim compare validation/spoilers --strategies all

        trucesim sweep syria_guarantors_grid --workers 2

        trucesim scenarios --paths    # where each file is installed, to copy and edit
    """
    out.print(_table(SCENARIOS, "Shipped scenarios (trucesim run NAME)", paths))
    out.print(_table(EXPERIMENTS, "Shipped experiments (trucesim sweep NAME)", paths))


def _table(kind: str, title: str, paths: bool) -> Table:
    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("name", no_wrap=True)
    t.add_column("description")
    if paths:
        t.add_column("file", overflow="fold")
    for name, title_ in catalogue(kind):
        t.add_row(name, title_, *([str(path_of(name, kind))] if paths else []))
    return t


def _show_version(value: bool) -> None:
    if value:
        print(f"trucesim {sim.__version__}")
        raise typer.Exit()


def main_options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_show_version, is_eager=True,
        help="Print the version and exit.")] = False,
):
    """Options of `trucesim` itself (before any command)."""


def register(app: typer.Typer) -> None:
    """Add `scenarios` and the `--version` option to the CLI."""
    app.command()(scenarios)
    app.callback()(main_options)
