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

Names are imported on first use, so ``import sim`` stays fast (about 5 ms; pandas and the model load
with the first function called).
"""

from importlib import import_module

from sim.jitcache import forget_stale

forget_stale()  # numba's cache is reused only for the rules it was compiled from

_LAZY = {
    "load": "sim.api", "run": "sim.api", "compare": "sim.api",
    "scenarios": "sim.api", "plot_survival": "sim.api",
    "RunResult": "sim.runner", "Scenario": "sim.schema", "Problem": "sim.scenario",
    "ScenarioError": "sim.scenario", "scenario_hash": "sim.scenario",
}
__all__ = ["Problem", "RunResult", "Scenario", "ScenarioError", "compare", "load",
           "plot_survival", "run", "scenario_hash", "scenarios", "sweep"]


def _version() -> str:
    """The installed distribution's version: pyproject.toml's, the one source of truth."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415  lazy: ~0.1 s, on first use

    try:
        return version("trucesim")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":  # read on first use: importlib.metadata costs ~0.1 s to import
        globals()[name] = _version()
        return globals()[name]
    if name == "sweep":  # the package, callable as sim.api.sweep (see sim/sweep/__init__.py)
        return import_module("sim.sweep")
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {*__all__, "__version__"})
