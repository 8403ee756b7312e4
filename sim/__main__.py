"""`python -m sim` does what `trucesim` does."""

from sim.cli import main

if __name__ == "__main__":  # guarded: worker processes re-import this module
    main()
