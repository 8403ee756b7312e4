"""trucesim: truce-durability simulation with parties, brokers and spoilers.

The Python API mirrors the command line::

    import sim
    scn = sim.load("scenarios/syria_2016.yaml")
    result = sim.run(scn, strategy="baseline", worlds=2000, seed=1)
    result.summary["survival"]["60"]
"""

from sim.runner import RunResult, run
from sim.scenario import Problem, ScenarioError, load, scenario_hash
from sim.schema import Scenario

__all__ = ["Problem", "RunResult", "Scenario", "ScenarioError", "load", "run", "scenario_hash"]
__version__ = "0.1.0"
