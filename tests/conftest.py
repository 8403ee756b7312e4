"""Test configuration: a derandomised hypothesis profile, loaded for every run.

``ci`` (the default) makes property tests reproducible: the same examples on every machine and
every run. Set HYPOTHESIS_PROFILE=dev to explore with fresh random examples.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# `from tests.factories import ...` works whatever the working directory or runner
# (`python -m pytest` adds the working directory to sys.path; the `pytest` script does not).
ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

settings.register_profile(
    "ci", derandomize=True, max_examples=40, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
