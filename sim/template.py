"""The commented scenario template that ``trucesim new`` writes.

The values are a small, runnable example (two parties, a mediator, a patron, a spoiler, one
issue, three strategies). Every comment is generated from the schema: each field's
``description``, its bounds and, for choices, the allowed values, so the template cannot drift
from what ``check`` accepts. Tests load and run it.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.schema import Scenario
from sim.schema_info import bounds, choices, model_for, unwrap

WIDTH = 96  # comment lines are wrapped to this many characters

HEADER = """\
# A trucesim scenario, written by `trucesim new`. Edit the values, then:
#   trucesim check {file}        every problem, with line and field, in one pass
#   trucesim show {file}         every value the model will use, defaults filled in
#   trucesim strategies {file}   the strategies you can compare, with their costs
#   trucesim compare {file} --strategies all --worlds 2000 --out out/{stem}
#
# Scales. Probabilities (p_...) are per day and lie in 0..1. Most other numbers are shares or
# strengths in 0..1, where 0 is none and 1 the most. A party's incentives share one daily
# scale, where 1 is the most a party can gain or lose by fighting in a day. Positions on the
# political issue lie in -1..1. Costs are in effort points (see cost_per_day below).
# Every number should name its source under `sources:` at the end (`check --strict` insists).
"""

_T = "assumption (template value; replace with seeds/<file>.md#<anchor>, a citation or calibrated)"

PARTY_BEHAVIOUR = {
    "policy": "adaptive", "reciprocity": 0.5, "choice_spread": 0.1, "initial_trust": 0.4,
    "trust_build": 0.02, "trust_loss": 0.2, "commitment_speed": 0.02, "walkout_threshold": 3,
    "p_walkout": 0.2, "p_return": 0.05, "withdrawal_commitment": 0.0,
    "coerced_calm_discount": 0.0,
}

EXAMPLE: dict[str, Any] = {
    "meta": {"name": "My truce", "description": "What this scenario represents, in a sentence.",
             "start_date": dt.date(2025, 1, 1), "horizon_days": 365},
    "actors": [
        {"id": "north", "name": "Northern government", "kind": "party", "capability": 0.6,
         "stances": {"commitment": 0.6, "position": 0.5, "commitment_range": 0.1},
         "incentives": {"gain_from_fighting": 0.4, "cost_of_fighting": 0.15,
                        "value_of_settlement": 0.3, "sensitivity_to_pressure": 0.5},
         "behaviour": PARTY_BEHAVIOUR,
         "positions": {"territory": {"ideal": 0.9, "salience": 1.0}},
         "bargaining": {"reservation": 0.5, "hardening": 0.1, "discount": 0.95,
                        "p_renege": 0.01}},
        {"id": "south", "name": "Southern rebels", "kind": "party", "capability": 0.4,
         "stances": {"commitment": 0.6, "position": -0.5},
         "incentives": {"gain_from_fighting": 0.4, "cost_of_fighting": 0.15,
                        "value_of_settlement": 0.3, "sensitivity_to_pressure": 0.5},
         "behaviour": {"reciprocity": 0.6, "initial_trust": 0.4},
         "relations": {"spoiler_ties": {"raiders": 0.4}},
         "positions": {"territory": {"ideal": 0.1}}},
        {"id": "envoy", "name": "UN envoy", "kind": "broker", "role": "mediator",
         "legitimacy": 0.7, "capability": 0.3, "stances": {"commitment": 0.9},
         "relations": {"leverage": {"north": 0.3, "south": 0.3},
                       "bias": {"north": 0.0, "south": 0.0}}},
        {"id": "ally", "name": "Southern patron", "kind": "broker", "role": "patron",
         "capability": 0.6, "stances": {"commitment": 0.5},
         "relations": {"clients": ["south"], "support": 0.4, "leverage": {"south": 0.5},
                       "bias": {"south": 0.5}}},
        {"id": "raiders", "name": "Raiders", "kind": "spoiler", "capability": 0.5,
         "stances": {"commitment": 0.0},
         "spoiler": {"type": "total", "p_attack": 0.03, "provocation": 1.0,
                     "targets": ["north", "south"]}},
    ],
    "information": {"p_detect": 0.7, "p_verify": 0.3, "p_misattribution": 0.3,
                    "p_false_alarm": 0.01, "noise": 0.0},
    "truce": {"trouble_violations_7d": 4, "collapse_window_days": 14,
              "collapse_violent_days": 10, "quiet_days_reset": 7},
    "talks": {"start_day": 0, "base_rate": 0.01, "concession_rate": 0.05,
              "agreement_tolerance": 0.01, "initial_progress": 0.0},
    "issues": [{"id": "territory", "name": "Control of the disputed districts",
                "description": "0 = all to the south, 1 = all to the north."}],
    "pressure": {"decay": 0.1},
    "strategies": {
        "baseline": {"description": "The truce as signed, with the envoy mediating."},
        "monitors": {
            "description": "A monitoring mission from day 10.",
            "interventions": [{"kind": "monitoring", "p_verify": 0.8, "p_misattribution": 0.1,
                               "trigger": {"from_day": 10}, "cost_per_day": 1.0,
                               "note": "unarmed observers on both sides of the line"}]},
        "urgent_talks": {
            "description": "An urgent meeting whenever violations reach 4 in a week.",
            "interventions": [{"kind": "mediation_meeting", "mediator": "envoy",
                               "trigger": {"when": "violations_7d", "threshold": 4,
                                           "cooldown_days": 14, "budget": 3},
                               "cost_per_activation": 5.0}]},
    },
    "sources": {"meta.horizon_days": _T, "actors.*": _T, "information.*": _T, "truce.*": _T,
                "talks.*": _T, "pressure.*": _T, "strategies.*": _T},
}


def render(file_name: str = "scenario.yaml") -> str:
    """The template's text, with every field commented from the schema."""
    stem = file_name.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")
    lines = HEADER.format(file=file_name, stem=stem).splitlines()
    seen: set[tuple] = set()  # (model, field) already explained: later ones go uncommented
    for key, value in EXAMPLE.items():
        lines.append("")
        lines += _field(Scenario, key, value, 0, seen)
    return "\n".join(lines) + "\n"


# ---- comments from the schema ------------------------------------------------------------

def comment(info: FieldInfo) -> str:
    """A field's description, then its range or its allowed values, and its default."""
    parts = [(info.description or "").strip()]
    extra = [x for x in (bounds(info), " | ".join(choices(info)), _kinds(info)) if x]
    if not info.is_required() and info.default_factory is None and _scalar(info.default):
        extra.append(f"default {_yaml(info.default)}")
    if extra:
        parts.append(f"[{'; '.join(extra)}]")
    return " ".join(p for p in parts if p)


def _kinds(info: FieldInfo) -> str:
    """The ``kind:`` values of a list of tagged items (interventions)."""
    models = [t for t in unwrap(info.annotation) if isinstance(t, type)
              and issubclass(t, BaseModel) and "kind" in t.model_fields]
    kinds = [str(tag[0]) for m in models if (tag := get_args(m.model_fields["kind"].annotation))]
    return "kind: " + " | ".join(kinds) if len(kinds) > 1 else ""


# ---- writing YAML ----------------------------------------------------------------------------

def _scalar(value: Any) -> bool:
    return value is not None and not isinstance(value, (dict, list, BaseModel))


def _yaml(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    text = str(value)
    plain = text and text[0].isalpha() and not any(c in text for c in ":#{}[],&*!|>'\"%@`")
    return text if plain else json.dumps(text)


def _comment_lines(text: str, pad: str) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(pad) + 2 + len(line) + 1 + len(w) > WIDTH:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return [f"{pad}# {x}" for x in lines + ([line] if line else [])]


def _field(model: type[BaseModel], key: str, value: Any, depth: int, seen: set) -> list[str]:
    """Lines for ``key: value`` of ``model``, preceded by the field's comment the first time."""
    info = model.model_fields[key]  # KeyError here: the template names a field the schema lacks
    pad = "  " * depth
    out = [] if (model, key) in seen else _comment_lines(comment(info), pad)
    seen.add((model, key))
    sub = model_for(info, value)
    if sub is None or _scalar(value):
        if isinstance(value, dict) and len(pad + key + _yaml(value)) + 2 > WIDTH:
            return out + [f"{pad}{key}:"] + [f"{pad}  {_yaml(k)}: {_yaml(v)}"
                                             for k, v in value.items()]
        return out + [f"{pad}{key}: {_yaml(value)}"]
    out.append(f"{pad}{key}:")
    if isinstance(value, list):
        for item in value:
            out += _item(model_for(info, item), item, depth + 1, seen)
    elif set(value) <= set(sub.model_fields):
        for k, v in value.items():
            out += _field(sub, k, v, depth + 1, seen)
    else:  # a map from names (strategy names, issue ids) to objects
        for name, v in value.items():
            out.append(f"{pad}  {name}:")
            for k, vv in v.items():
                out += _field(sub, k, vv, depth + 2, seen)
    return out


def _item(model: type[BaseModel], item: dict, depth: int, seen: set) -> list[str]:
    """A list item: its fields, the first one after the dash."""
    lines: list[str] = []
    for k, v in item.items():
        lines += _field(model, k, v, depth + 1, seen)
    first = next(i for i, line in enumerate(lines) if not line.lstrip().startswith("#"))
    pad = "  " * (depth + 1)
    lines[first] = "  " * depth + "- " + lines[first][len(pad):]
    return lines
