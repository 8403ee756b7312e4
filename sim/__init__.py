"""trucesim: truce-durability simulation with parties, brokers and spoilers.

The Python API mirrors the command line (:mod:`sim.api`); scenarios are named as with
``trucesim run``, by a shipped name or a path::

    import sim
    scn = sim.load("syria_2016", ["information.p_misattribution=0.1"])
    result = sim.run(scn, strategy="baseline", worlds=2000, seed=1)
    result.worlds          # one row per world (pandas)
    cmp = sim.compare("syria_2016", ["monitoring", "pressure"], worlds=2000, seed=1)
    cmp.table              # one row per strategy, against the baseline
    sim.plot_survival(cmp)

Names are imported on first use, so ``import sim`` (and ``trucesim --version``) stays fast.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trucesim")  # the one source: pyproject.toml's version, as installed
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

_LAZY = {
    "load": "sim.api", "run": "sim.api", "compare": "sim.api",
    "scenarios": "sim.api", "plot_survival": "sim.api",
    "RunResult": "sim.runner", "Scenario": "sim.schema", "Problem": "sim.scenario",
    "ScenarioError": "sim.scenario", "scenario_hash": "sim.scenario",
}
__all__ = ["Problem", "RunResult", "Scenario", "ScenarioError", "compare", "load",
           "plot_survival", "run", "scenario_hash", "scenarios", "sweep"]


def __getattr__(name: str):
    if name == "sweep":  # the package, callable as sim.api.sweep (see sim/sweep/__init__.py)
        return import_module("sim.sweep")
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
