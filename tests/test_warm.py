"""sim.warm: what a worker runs before its first part (Dask's ``--preload sim.warm``)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_warm_does_nothing_and_dask_setup_loads_the_compiled_day():
    """A fresh process: the import alone loads no model; the preload hook does."""
    code = ("import sys\nimport sim.warm\nprint('sim.model' in sys.modules)\n"
            "sim.warm.dask_setup(None)\nfrom sim import kernel\n"
            "print(len(kernel.run_day.overloads) > 0)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert out == ["False", "True"]
