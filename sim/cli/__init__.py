"""The `trucesim` command line (:mod:`sim.cli.app` assembles it; ``sim.cli:main`` runs it)."""

from sim.cli.app import app, main

__all__ = ["app", "main"]
