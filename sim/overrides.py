"""``PATH=VALUE`` overrides of scenario fields, shared by ``--set`` and sweep files.

A path is dotted: ``information.p_misattribution``, ``actors.government.stances.commitment``,
``strategies.baseline.description``. In a list of items with an ``id`` (actors), a segment
names the item by its id; a number indexes any list. Values are parsed as YAML scalars
(``0.3``, ``true``, ``[a, b]``), safely. The result is validated like a file.
"""

from __future__ import annotations

import copy
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from sim.schema import Scenario
from sim.yamlio import Problem, ScenarioError, parse_yaml


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> X; other annotations unchanged."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def schema_has(segs: list[str], model: type[BaseModel] = Scenario) -> bool:
    """Whether a dotted path names a field of the scenario schema (list items by id)."""
    node: Any = model
    for seg in segs:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            if seg not in node.model_fields:
                return False
            node = node.model_fields[seg].annotation
        elif get_origin(node) in (list, dict):
            node = get_args(node)[-1]
        else:
            return False
    return True


def _child(node: Any, seg: str) -> tuple[Any, Any]:
    """Return (container key, child) for one path segment, or raise KeyError."""
    if isinstance(node, dict):
        if seg not in node:
            raise KeyError(seg)
        return seg, node[seg]
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == seg:
                return i, item
        if seg.isdigit() and int(seg) < len(node):
            return int(seg), node[int(seg)]
    raise KeyError(seg)


def loc_of(data: dict, path: str) -> tuple:
    """The path as the keys and list indices that reach its value in ``data``.

    Raises:
        KeyError: with the segment that does not exist.
    """
    loc, node = [], data
    for seg in path.split("."):
        key, node = _child(node, seg)
        loc.append(key)
    return tuple(loc)


def set_path(data: dict, path: str, value: Any, in_place: bool = False) -> dict:
    """Return a copy of ``data`` (``data`` itself if ``in_place``) with ``path`` set to ``value``.

    A section of the schema that the file leaves out (it takes its defaults) is created on the
    way; any other segment before the last must exist, and list items must exist.

    Raises:
        KeyError: with the segment that does not exist.
    """
    out = data if in_place else copy.deepcopy(data)
    segs = path.split(".")
    node = out
    for k, seg in enumerate(segs[:-1]):
        if isinstance(node, dict) and node.get(seg) is None and schema_has(segs[:k + 1]):
            node[seg] = {}
        key, child = _child(node, seg)
        node = child
    last = segs[-1]
    if isinstance(node, dict):
        node[last] = value
    else:
        key, _ = _child(node, last)
        node[key] = value
    return out


def path_problem(full: dict, path: str) -> str | None:
    """What is wrong with ``path`` as the address of a number in ``full`` (a scenario dumped
    with its defaults), or None when it names one."""
    node: Any = full
    for seg in path.split("."):
        try:
            _, node = _child(node, seg)
        except KeyError:
            return f"no field '{seg}' on this path in the scenario"
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        return f"not a numeric field of the scenario (it holds {type(node).__name__})"
    return None


def typed(full: dict, path: str, value: float) -> float | int:
    """``value`` as the field at ``path`` holds it: integer fields get it rounded."""
    node: Any = full
    for seg in path.split("."):
        _, node = _child(node, seg)
    return round(value) if isinstance(node, int) else float(value)


def parse_override(text: str, file: str) -> tuple[str, Any]:
    """``PATH=VALUE`` as (path, value parsed as a YAML scalar); a ScenarioError if malformed."""
    if "=" not in text:
        raise ScenarioError([Problem("--set", None, text, None,
                                     "expected PATH=VALUE, e.g. information.p_detect=0.9")])
    path, raw = text.split("=", 1)
    path = path.strip()
    if not path or any(not s for s in path.split(".")):
        raise ScenarioError([Problem("--set", None, path, None, "empty segment in the path")])
    _, value = parse_yaml(raw if raw.strip() else "null", f"--set {path}")
    return path, value


def apply_overrides(data: dict, overrides: list[str], file: str) -> dict:
    """Apply each ``PATH=VALUE`` in turn; unknown paths are reported together."""
    problems = []
    for text in overrides:
        path, value = parse_override(text, file)
        try:
            data = set_path(data, path, value)
        except KeyError as exc:
            problems.append(Problem("--set", None, path, None,
                                    f"no field '{exc.args[0]}' on this path in {file}"))
    if problems:
        raise ScenarioError(problems)
    return data
