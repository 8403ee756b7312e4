"""`python -m sim` does what `trucesim` does."""

from sim.cli import main

main()
