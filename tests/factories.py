"""``make_*`` helpers: small scenarios as plain data (what a YAML file parses to), validated
scenarios, and scenario files written to a directory."""

from __future__ import annotations

import copy
import io
from pathlib import Path

from ruamel.yaml import YAML

from sim.scenario import validate
from sim.schema import Scenario


def make_party(pid: str, commitment: float = 0.8, policy: str | None = None, **sections) -> dict:
    """A party; ``sections`` are extra blocks such as ``behaviour={...}``."""
    party = {"id": pid, "name": pid.title(), "kind": "party",
             "stances": {"commitment": commitment}}
    if policy is not None:
        sections.setdefault("behaviour", {})["policy"] = policy
    party.update(copy.deepcopy(sections))
    return party


def make_broker(bid: str, role: str = "mediator", commitment: float = 0.9, **relations) -> dict:
    return {"id": bid, "name": bid.title(), "kind": "broker", "role": role,
            "stances": {"commitment": commitment}, "relations": relations}


def make_spoiler(sid: str, p_attack: float = 0.1, **traits) -> dict:
    return {"id": sid, "name": sid.title(), "kind": "spoiler", "stances": {"commitment": 0.0},
            "spoiler": {"p_attack": p_attack, **traits}}


def make_scenario_data(*actors: dict, horizon: int = 60, **sections) -> dict:
    """A scenario dict; two adaptive parties, ``north`` and ``south``, unless actors are given."""
    data = {
        "meta": {"name": "Test truce", "start_date": "2020-01-01", "horizon_days": horizon},
        "actors": list(actors) or [make_party("north"), make_party("south", 0.7)],
    }
    data.update(copy.deepcopy(sections))
    return data


def make_scenario(*actors: dict, **kw) -> Scenario:
    return validate(make_scenario_data(*actors, **kw), "<test>")


def make_quiet_scenario(policy: str = "always_comply", horizon: int = 60, **sections) -> Scenario:
    """Two parties with the same fixed policy, no brokers, no spoilers, no false alarms."""
    parties = [make_party("north", policy=policy), make_party("south", policy=policy)]
    sections.setdefault("information", {"p_detect": 1.0, "p_false_alarm": 0.0, "noise": 0.0})
    return make_scenario(*parties, horizon=horizon, **sections)


def make_busy_scenario(horizon: int = 60) -> Scenario:
    """Every mechanism switched on: adaptive parties, brokers with a patron, two spoilers,
    false alarms, execution noise and a monitoring strategy — so that every stream is drawn."""
    north = make_party("north", 0.7, relations={"spoiler_ties": {"raiders": 0.6}},
                       incentives={"gain_from_fighting": 0.4, "sensitivity_to_pressure": 0.5},
                       behaviour={"reciprocity": 0.6, "walkout_threshold": 2, "p_walkout": 0.3})
    south = make_party("south", 0.6, incentives={"gain_from_fighting": 0.3},
                       behaviour={"policy": "generous_tit_for_tat"})
    return make_scenario(
        north, south,
        make_broker("envoy", leverage={"north": 0.3, "south": 0.3}),
        make_broker("patron", role="patron", clients=["north"], support=0.6,
                    leverage={"south": 0.5}),
        make_spoiler("raiders", p_attack=0.2, targets=["south"]),
        make_spoiler("zealots", p_attack=0.1),
        horizon=horizon,
        information={"p_detect": 0.7, "p_false_alarm": 0.05, "noise": 0.02},
        strategies={"baseline": {}, "monitoring": {"interventions": [
            {"kind": "monitoring", "trigger": {"from_day": 10}, "p_misattribution": 0.05}]}},
    )


def dump_yaml(data) -> str:
    buf = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(data, buf)
    return buf.getvalue()


def write_scenario(directory: Path, data: dict | str, name: str = "scenario.yaml") -> Path:
    """Write plain data (as YAML) or YAML text to ``directory/name``; return the path."""
    path = Path(directory) / name
    path.write_text(data if isinstance(data, str) else dump_yaml(data), encoding="utf-8")
    return path


def make_fragile_scenario_data(horizon: int = 150, **strategies) -> dict:
    """A fragile two-party truce with every kind of broker and a spoiler tied to one party.

    ``north`` is tied to the spoiler ``raiders``, whose attacks hit ``south`` (so they can be
    blamed on north); ``envoy`` mediates, ``guarantor`` presses both sides, ``patron`` backs
    north and presses south. Misattribution, false alarms and execution noise are all on, so
    every mechanism an intervention acts through is exercised. ``strategies`` are added to
    ``baseline`` by name (each a strategy dict).
    """
    north = make_party(
        "north", 0.6, relations={"spoiler_ties": {"raiders": 0.8}},
        incentives={"gain_from_fighting": 0.35, "cost_of_fighting": 0.05,
                    "value_of_settlement": 0.3, "sensitivity_to_pressure": 0.6},
        behaviour={"reciprocity": 0.6, "walkout_threshold": 3, "p_walkout": 0.3,
                   "p_return": 0.1})
    south = make_party(
        "south", 0.6,
        incentives={"gain_from_fighting": 0.3, "cost_of_fighting": 0.05,
                    "value_of_settlement": 0.3, "sensitivity_to_pressure": 0.6},
        behaviour={"reciprocity": 0.6, "walkout_threshold": 3, "p_walkout": 0.3,
                   "p_return": 0.1})
    envoy = make_broker("envoy", leverage={"north": 0.1, "south": 0.1})
    envoy["legitimacy"] = 0.7
    guarantor = make_broker("guarantor", role="guarantor", leverage={"north": 0.4, "south": 0.4})
    guarantor["capability"] = 0.8
    patron = make_broker("patron", role="patron", clients=["north"], support=0.3,
                         leverage={"south": 0.3}, bias={"north": 0.8})
    raiders = make_spoiler("raiders", p_attack=0.2, provocation=1.5, targets=["south"])
    raiders["capability"] = 0.8
    return make_scenario_data(
        north, south, envoy, guarantor, patron, raiders, horizon=horizon,
        information={"p_detect": 0.7, "p_verify": 0.3, "p_misattribution": 0.5,
                     "p_false_alarm": 0.03, "noise": 0.01},
        talks={"base_rate": 0.02},
        strategies={"baseline": {}, **copy.deepcopy(strategies)},
    )


def make_fragile_scenario(horizon: int = 150, **strategies) -> Scenario:
    """:func:`make_fragile_scenario_data`, validated."""
    return validate(make_fragile_scenario_data(horizon, **strategies), "<test>")
