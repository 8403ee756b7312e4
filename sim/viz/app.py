"""What `trucesim viz` serves: ``solara run sim.viz.app`` renders :data:`Page`.

:func:`sim.viz.dashboard.serve` starts Solara on this module with the scenario's path and
``--set`` overrides in the environment. It holds only ``Page``: Solara would take any other
component named ``Layout`` or ``Page`` in the module it serves for its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sim.viz.dashboard import ENV_SCENARIO, ENV_SET
from sim.viz.page import make_page


def _from_env():
    path = os.environ.get(ENV_SCENARIO)
    if not path:
        return None
    return make_page(Path(path), json.loads(os.environ.get(ENV_SET, "[]")))


Page = _from_env()
