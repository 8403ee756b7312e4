"""The `trucesim` command line, assembled: the typer app, its commands, and :func:`main`.

Commands live in one module per group (:mod:`sim.cli.check`, :mod:`sim.cli.run`, ...), each
importing what they share from :mod:`sim.cli.common`; this module only puts them together.
Bad input (a scenario file, an override, an option) ends with exit code 2 and one message per
problem; nothing here prints a traceback unless TRUCESIM_DEBUG=1.
"""

from __future__ import annotations

import os
import sys

import typer

from sim import interrupts, processes
from sim.cli import (
    author,
    calibrate,
    cases,
    check,
    compare,
    run,
    shipped,
    sweep,
    teach,
    validate,
)
from sim.cli.common import err

app = typer.Typer(
    add_completion=False, no_args_is_help=True, rich_markup_mode="markdown",
    help="**trucesim**: simulate how long a truce survives, and why it fails.\n\n"
         "Examples:\n\n"
         "    trucesim scenarios\n\n"
         "    trucesim run syria_2016 --worlds 2000 --seed 1\n\n"
         "    trucesim compare scenarios/syria_2016.yaml --strategies all --out out/cmp\n\n"
         "    trucesim new my_truce.yaml\n\n"
         "    trucesim check scenarios/*.yaml\n\n"
         "    trucesim schema > scenario.schema.json\n\n"
         "    trucesim sweep experiments/syria_spoilers_sobol.yaml --out out/sobol\n\n"
         "    trucesim validate --quick\n\n"
         "    trucesim story scenarios/syria_2016.yaml --seed 1",
)

# in the order `trucesim --help` lists them
for _commands in (check, run, compare, sweep, validate, teach, author, shipped, cases,
                  calibrate):
    _commands.register(app)


def main() -> None:
    """Entry point for `trucesim` and `python -m sim`."""
    processes.keep_freed_memory()  # this process is ours: see sim/processes.py
    with interrupts.ctrl_c_kept():  # a Ctrl-C that Python swallows still stops the command
        try:
            app(prog_name="trucesim")
        except (KeyboardInterrupt, BrokenPipeError):
            sys.exit(130)
        except SystemExit:
            raise
        except Exception as exc:  # a bug, not bad input: short message, details on request
            if interrupts.ctrl_c_seen():  # an error after a Ctrl-C (a compile it cut short)
                sys.exit(130)
            if os.environ.get("TRUCESIM_DEBUG"):
                raise
            err.print(f"internal error: {type(exc).__name__}: {exc}\n"
                      "(set TRUCESIM_DEBUG=1 for the traceback, and please report it)",
                      markup=False, emoji=False)
            sys.exit(1)
