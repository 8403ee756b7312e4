"""Test configuration: a derandomised hypothesis profile, loaded for every run.

``ci`` (the default) makes property tests reproducible: the same examples on every machine and
every run. Set HYPOTHESIS_PROFILE=dev to explore with fresh random examples.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# `from tests.factories import ...` works whatever the working directory or runner
# (`python -m pytest` adds the working directory to sys.path; the `pytest` script does not).
ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# The command line's consoles (sim/cli/common.py) are made when the module is first imported; rich
# fixes their width then if COLUMNS is set, and reads it at each print otherwise. Import them
# here, with COLUMNS unset, so that a test's CliRunner(env={"COLUMNS": ...}) governs its own
# output whichever test happens to import the command line first (the order differs between
# pytest-xdist's workers).
_columns = os.environ.pop("COLUMNS", None)
import sim.cli.common  # noqa: E402, F401

if _columns is not None:
    os.environ["COLUMNS"] = _columns

settings.register_profile(
    "ci", derandomize=True, max_examples=40, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def ctrl_c_raises():
    """SIGINT raises KeyboardInterrupt in this process, as Python sets it up in a terminal (a
    suite run in the background inherits SIGINT ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
