"""Reading the scenario schema itself: which model a field holds, its bounds, its choices.

Used to write the commented template (:mod:`sim.template`), to suggest the nearest field name
for a misspelt key, and to say where a value of a loaded scenario came from.
"""

from __future__ import annotations

import difflib
import types
from enum import Enum
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo


def unwrap(annotation: Any) -> list[Any]:
    """The types inside Optional, Union, list, dict values and Annotated."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list):
        return [t for a in get_args(annotation) for t in unwrap(a)]
    if origin is dict:
        return unwrap(get_args(annotation)[1])
    return [annotation]


def container(annotation: Any) -> str | None:
    """"list" or "dict" if the field holds a list or a map (of anything), else None."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return container(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        inner = [container(a) for a in get_args(annotation) if a is not type(None)]
        return inner[0] if len(inner) == 1 else None
    return {list: "list", dict: "dict"}.get(origin)


def model_for(info: FieldInfo, value: Any) -> type[BaseModel] | None:
    """The model a mapping value of this field is validated as (by ``kind`` in unions)."""
    models = [t for t in unwrap(info.annotation)
              if isinstance(t, type) and issubclass(t, BaseModel)]
    if len(models) > 1 and isinstance(value, dict):
        for m in models:
            if value.get("kind") in get_args(m.model_fields["kind"].annotation):
                return m
    return models[0] if models else None


def bounds(info: FieldInfo) -> str:
    """"0..1", "1..3650" or "" from a field's ge/gt/le/lt constraints."""
    low = high = None
    for m in info.metadata:
        low = getattr(m, "ge", getattr(m, "gt", low))
        high = getattr(m, "le", getattr(m, "lt", high))
    if low is None and high is None:
        return ""
    return f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"


def choices(info: FieldInfo) -> list[str]:
    """The allowed values of an enum field."""
    enums = [t for t in unwrap(info.annotation) if isinstance(t, type) and issubclass(t, Enum)]
    return [e.value for t in enums for e in t]


def model_at(root: type[BaseModel], loc: tuple, data: Any) -> type[BaseModel] | None:
    """The model whose fields ``loc[-1]`` should be one of, walking ``data`` from ``root``;
    None where the walk leaves the schema."""
    model, node, holding = root, data, None  # holding: a list/map field whose item comes next
    for key in loc[:-1]:
        node = _child(node, key)
        if holding is not None:
            model, holding = model_for(holding, node), None
        elif model is not None and isinstance(key, str) and key in model.model_fields:
            info = model.model_fields[key]
            if container(info.annotation):
                holding = info
            else:
                model = model_for(info, node)
        else:
            return None
        if model is None:
            return None
    return model if holding is None else None


def _child(node: Any, key: Any) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return None


def unknown_field_hint(root: type[BaseModel], loc: tuple, data: Any) -> str:
    """What to say about an unknown key: the nearest field name, or the fields allowed there."""
    model = model_at(root, loc, data)
    key = loc[-1] if loc else None
    if model is None or not isinstance(key, str):
        return "unknown field (check the spelling; see `trucesim schema`)"
    own = list(getattr(model, "__annotations__", {}))  # the model's own fields first
    names = sorted((n for n in model.model_fields if n != "kind"),
                   key=lambda n: n not in own)
    near = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    if near:
        return f"unknown field '{key}'; did you mean '{near[0]}'?"
    return f"unknown field '{key}'; expected one of: {', '.join(names)}"


class Limits(NamedTuple):
    """Bounds of a number in the schema; None is unbounded, ``*_open`` excludes the end."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def admits(self, value: float) -> bool:
        """Whether ``value`` lies within the bounds."""
        above = self.low is None or (value > self.low if self.low_open else value >= self.low)
        below = self.high is None or (value < self.high if self.high_open else value <= self.high)
        return above and below

    def __str__(self) -> str:
        low = "" if self.low is None else f"{'>' if self.low_open else ''}{self.low:g}"
        high = "" if self.high is None else f"{'<' if self.high_open else ''}{self.high:g}"
        return f"{low}..{high}"


def _limits(items: list[Any]) -> Limits:
    """The bounds set by ge/gt/le/lt constraints among ``items``."""
    out = Limits()
    for m in items:
        if getattr(m, "ge", None) is not None or getattr(m, "gt", None) is not None:
            open_ = getattr(m, "ge", None) is None
            out = out._replace(low=m.gt if open_ else m.ge, low_open=open_)
        if getattr(m, "le", None) is not None or getattr(m, "lt", None) is not None:
            open_ = getattr(m, "le", None) is None
            out = out._replace(high=m.lt if open_ else m.le, high_open=open_)
    return out


def _annotated_limits(annotation: Any) -> Limits:
    """Bounds of an ``Annotated`` type, also inside Optional; list and dict items too."""
    origin = get_origin(annotation)
    if origin is Annotated:
        infos = get_args(annotation)[1:]
        return _limits([m for info in infos for m in getattr(info, "metadata", [info])])
    if origin in (Union, types.UnionType, list, dict):
        found = [_annotated_limits(a) for a in get_args(annotation)]
        return next((lim for lim in found if lim != Limits()), Limits())
    return Limits()


def field_limits(root: type[BaseModel], loc: tuple, data: Any) -> Limits:
    """The bounds the schema puts on the number at ``loc`` of ``data`` (unbounded when not
    found); the number may be a field or an item of a list or map field."""
    model = model_at(root, loc, data)
    if model is not None and loc[-1] in model.model_fields:
        info = model.model_fields[loc[-1]]
        return _limits(info.metadata) if info.metadata else _annotated_limits(info.annotation)
    parent = model_at(root, loc[:-1], data) if len(loc) > 1 else None
    if parent is not None and loc[-2] in parent.model_fields:
        return _annotated_limits(parent.model_fields[loc[-2]].annotation)
    return Limits()
