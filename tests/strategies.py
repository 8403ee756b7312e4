"""Hypothesis strategies for valid scenarios, with every bound read from the pydantic schema.

``section(Model)`` draws a dict of a model's numeric and enum fields (required ones always,
optional ones sometimes) within the ``ge/gt/le/lt`` constraints declared on the fields, so a
bound changed in sim/schema.py changes what is generated. ``scenario_data()`` assembles actors
whose cross-references are valid by construction: leverage and bias name parties, ties name
spoilers, a patron backs parties and earlier brokers (so no cycle), and events name an actor of
the right kind before the horizon.
"""

from __future__ import annotations

import datetime as dt
import types
from enum import Enum
from typing import Annotated, Literal, Union, get_args, get_origin

import annotated_types as at
from hypothesis import strategies as st

from sim import schema as S
from sim.interventions_schema import Trigger
from sim.scenario import validate

MAX_HORIZON = 60  # days; keeps a run of 64 worlds to a few milliseconds per day
DATES = st.dates(dt.date(1, 1, 1), dt.date(9000, 12, 31))
# No control characters or line/paragraph separators: ruamel.yaml 0.19 emits a NEL (U+0085)
# raw inside a single-quoted scalar, which its own reader then folds to a space.
CHARS = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))
NAMES = st.text(CHARS, min_size=1, max_size=20)
TEXT = st.text(CHARS, max_size=30)
SEEDS = st.integers(0, 2**32 - 1)


def _flatten(extras) -> list:
    """Constraint objects of ``Annotated`` extras (a FieldInfo carries them in .metadata)."""
    return [m for e in extras for m in getattr(e, "metadata", [e])]


def _number(kind: type, meta: list) -> st.SearchStrategy:
    lo = hi = None
    open_lo = open_hi = False
    for m in meta:
        if isinstance(m, at.Ge):
            lo = m.ge
        elif isinstance(m, at.Gt):
            lo, open_lo = m.gt, True
        elif isinstance(m, at.Le):
            hi = m.le
        elif isinstance(m, at.Lt):
            hi, open_hi = m.lt, True
    if kind is int:
        return st.integers(lo + open_lo if lo is not None else None,
                           hi - open_hi if hi is not None else None)
    return st.floats(lo, hi, exclude_min=open_lo, exclude_max=open_hi,
                     allow_nan=False, allow_infinity=False)


def value_of(annotation, meta: list | None = None) -> st.SearchStrategy | None:
    """Strategy for one field's value from its annotation and constraints, or None if the
    field is not a number, an enum, a literal, or an optional one of those."""
    meta = list(meta or [])
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return value_of(args[0], meta + _flatten(args[1:]))
    if origin in (Union, types.UnionType) and type(None) in args:
        inner = value_of(next(a for a in args if a is not type(None)), meta)
        return None if inner is None else st.none() | inner
    if origin is Literal:
        return st.sampled_from(args)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from([e.value for e in annotation])
    if annotation in (int, float):
        return _number(annotation, meta)
    return None


def section(model, skip: tuple[str, ...] = ()) -> st.SearchStrategy[dict]:
    """A dict of ``model``'s numeric and enum fields within their declared bounds."""
    required, optional = {}, {}
    for name, field in model.model_fields.items():
        strategy = value_of(field.annotation, field.metadata)
        if name in skip or strategy is None:
            continue
        (required if field.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


def field(model, name: str) -> st.SearchStrategy:
    """Strategy for one field of ``model`` within its declared bounds."""
    info = model.model_fields[name]
    return value_of(info.annotation, info.metadata)


def dict_value(model, name: str) -> st.SearchStrategy:
    """Strategy for the values of a ``dict[key, value]`` field (leverage, bias, ties)."""
    return value_of(get_args(model.model_fields[name].annotation)[1])


def keyed(ids: list[str], values: st.SearchStrategy) -> st.SearchStrategy[dict]:
    return st.dictionaries(st.sampled_from(ids), values) if ids else st.just({})


def subset(ids: list[str]) -> st.SearchStrategy[list]:
    return st.lists(st.sampled_from(ids), unique=True) if ids else st.just([])


@st.composite
def actor(draw, aid: str, kind: str, parties: list[str], spoilers: list[str],
          clients: list[str] = ()) -> dict:
    """One actor of ``kind``; a broker's clients are drawn from ``clients``."""
    out = {"id": aid, "name": draw(NAMES), "kind": kind,
           **draw(section(S.Actor, skip=("kind", "role"))),
           "stances": draw(section(S.Stances))}
    if kind == "party":
        out["incentives"] = draw(section(S.Incentives))
        out["behaviour"] = draw(section(S.Behaviour))
        q = draw(st.floats(0.0, 1.0))
        out["intent"] = {"types": {"committed": 1.0 - q, "tactical": q},
                         "tactical_gain": draw(field(S.Intent, "tactical_gain"))}
        out["relations"] = {"spoiler_ties": draw(keyed(spoilers, dict_value(S.Relations,
                                                                            "spoiler_ties")))}
    elif kind == "broker":
        out["role"] = draw(value_of(S.BrokerRole))
        out["relations"] = {
            **draw(section(S.Relations)),
            "clients": draw(subset(clients)),
            "leverage": draw(keyed(parties, dict_value(S.Relations, "leverage"))),
            "bias": draw(keyed(parties, dict_value(S.Relations, "bias"))),
        }
    else:
        out["spoiler"] = {**draw(section(S.SpoilerTraits)), "targets": draw(subset(parties))}
    return out


def _ordered_window(truce: dict) -> dict:
    """Swap the two collapse fields if needed: violent days cannot exceed the window."""
    default = {n: f.default for n, f in S.TruceRules.model_fields.items()}
    lo, hi = sorted(truce.get(n, default[n])
                    for n in ("collapse_violent_days", "collapse_window_days"))
    return {**truce, "collapse_violent_days": lo, "collapse_window_days": hi}


@st.composite
def events(draw, horizon: int, parties: list[str], spoilers: list[str]) -> list[dict]:
    out = []
    for action in draw(st.lists(value_of(S.EventAction), max_size=3)):
        ids = spoilers if action == "attack" else parties
        if ids:
            out.append({"day": draw(st.integers(0, horizon - 1)),
                        "actor": draw(st.sampled_from(ids)), "action": action})
    return out


INTERVENTION_KINDS = get_args(get_args(S.Intervention)[0])  # members of the tagged union


def _ordered_trigger(trigger: dict) -> dict:
    start, end = trigger.get("from_day", 0), trigger.get("until_day")
    if end is not None and end < start:
        trigger = {**trigger, "from_day": end, "until_day": start}
    return trigger


def intervention() -> st.SearchStrategy[dict]:
    """Any kind of intervention, its numbers and trigger within their declared bounds."""
    trigger = section(Trigger).map(_ordered_trigger)
    return st.sampled_from(INTERVENTION_KINDS).flatmap(
        lambda kind: st.tuples(section(kind), trigger).map(lambda t: {**t[0], "trigger": t[1]}))


@st.composite
def scenario_data(draw, max_parties: int = 4, max_brokers: int = 3,
                  max_spoilers: int = 2) -> dict:
    """Plain data of a valid scenario, as if read from a YAML file."""
    parties = [f"p{i}" for i in range(draw(st.integers(1, max_parties)))]
    brokers = [f"b{i}" for i in range(draw(st.integers(0, max_brokers)))]
    spoilers = [f"s{i}" for i in range(draw(st.integers(0, max_spoilers)))]
    horizon = draw(st.integers(1, MAX_HORIZON))
    # a broker backs parties and only earlier brokers, so patrons never form a cycle
    actors = [draw(actor(p, "party", parties, spoilers)) for p in parties]
    actors += [draw(actor(b, "broker", parties, spoilers, parties + brokers[:i]))
               for i, b in enumerate(brokers)]
    actors += [draw(actor(s, "spoiler", parties, spoilers)) for s in spoilers]
    issues = [f"i{k}" for k in range(draw(st.integers(0, 2)))]
    for a in actors:
        if a["kind"] == "party" and issues:  # every party states a position on every issue
            a["positions"] = {i: draw(section(S.Position)) | {"ideal": draw(field(S.Position,
                                                                                  "ideal"))}
                              for i in issues}
            a["bargaining"] = draw(section(S.Bargaining))
    monitoring = st.lists(intervention(), max_size=3)
    return {
        "meta": {"name": draw(NAMES), "description": draw(TEXT), "start_date": draw(DATES),
                 "horizon_days": horizon},
        "actors": draw(st.permutations(actors)),
        "information": draw(section(S.Information)),
        "truce": draw(section(S.TruceRules).map(_ordered_window)),
        "talks": draw(section(S.Talks)),
        "pressure": draw(section(S.Pressure)),
        "beliefs": draw(section(S.Beliefs)) | {"enabled": draw(st.booleans())},
        "strategies": {"baseline": {"description": draw(TEXT),
                                    "interventions": draw(monitoring)}},
        "events": draw(events(horizon, parties, spoilers)),
        "issues": [{"id": i, "name": i} for i in issues],
        "sources": draw(st.dictionaries(TEXT, TEXT, max_size=3)),
    }


def scenarios(**kw) -> st.SearchStrategy[S.Scenario]:
    """Validated scenarios (validation failing here is a bug in the strategy or the schema)."""
    return scenario_data(**kw).map(lambda data: validate(data, "<hypothesis>"))
