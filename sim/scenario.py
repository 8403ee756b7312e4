"""Loading scenario files: YAML -> validated :class:`~sim.schema.Scenario`.

Every problem is reported as a :class:`Problem` naming the file, the line, the field path, the
bad value and what was expected. YAML is parsed with ruamel.yaml's round-trip loader, which keeps
line numbers and never constructs Python objects from tags; aliases are expanded under a budget so
that a file cannot blow up memory.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.schema import Scenario

MAX_NODES = 200_000  # values after alias expansion; the largest shipped scenario has ~400
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    file: str
    line: int | None
    path: str
    value: Any
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        shown = _show(self.value)
        got = f" got {shown};" if shown is not None else ""
        return f"{where}:{field}{got} {self.expected}"


class ScenarioError(Exception):
    """Raised with every problem found in one input."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _show(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in
             ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}


class _Refused(ValueError):
    def __init__(self, message: str, loc: tuple):
        super().__init__(message)
        self.loc = loc


def _tag_of(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag)
    return value if isinstance(value, str) and value not in SAFE_TAGS else None


def _plain(node: Any, budget: list[int], loc: tuple = ()) -> Any:
    """Copy ruamel containers into plain dicts/lists, counting nodes against a budget.

    Raises:
        _Refused: for a non-standard YAML tag (which could name a Python object) or when
            aliases expand beyond MAX_NODES values.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _Refused(f"more than {MAX_NODES} values after expanding YAML aliases", loc)
    tag = _tag_of(node)
    if tag is not None:
        raise _Refused(f"YAML tag {tag} is not allowed (scenario files hold plain data)", loc)
    if isinstance(node, dict):
        return {k if isinstance(k, (int, float, bool)) else str(k): _plain(v, budget, loc + (k,))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, budget, loc + (i,)) for i, v in enumerate(node)]
    return node


def _line_of(doc: Any, loc: tuple) -> int | None:
    """1-based line of the deepest node of ``loc`` that exists in the parsed document."""
    line, node = None, doc
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    if line is None and isinstance(doc, (CommentedMap, CommentedSeq)):
        line = doc.lc.line + 1
    return line


def _dotted(loc: tuple, data: Any) -> str:
    """Field path as users write it: actors are addressed by id where possible."""
    parts, node = [], data
    for key in loc:
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            item = node[key]
            name = item.get("id") if isinstance(item, dict) else None
            parts.append(str(name) if isinstance(name, str) and name else str(key))
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts)


def parse_yaml(text: str, file: str) -> tuple[Any, Any]:
    """Parse YAML safely; returns (round-trip document, plain data)."""
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ScenarioError([Problem(file, line, "", None, f"YAML error: {exc.problem}")]) from None
    except (YAMLError, ValueError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError([Problem(file, None, "", None, f"YAML error: {first}")]) from None
    try:
        data = _plain(doc, [MAX_NODES])
    except _Refused as exc:
        where = _dotted(exc.loc, doc)
        raise ScenarioError([Problem(file, _line_of(doc, exc.loc), where, None, str(exc))]) from None
    except RecursionError:
        raise ScenarioError([Problem(file, None, "", None, "YAML nested too deeply")]) from None
    return doc, data


def _problems_from(exc: ValidationError, file: str, doc: Any, data: Any) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function")))
        if err["type"] == "invalid_reference":
            for sub_loc, value, expected in err["ctx"]["problems"]:
                full = loc + tuple(sub_loc)
                out.append(Problem(file, _line_of(doc, full), _dotted(full, data), value, expected))
            continue
        value = None if err["type"] == "missing" else err.get("input")
        expected = err["msg"]
        if err["type"] == "extra_forbidden":
            expected = "unknown field (check the spelling; see `trucesim schema`)"
        elif err["type"] == "missing":
            expected = "required field is missing"
        out.append(Problem(file, _line_of(doc, loc), _dotted(loc, data), value, expected))
    return out


def validate(data: Any, file: str = "<data>", doc: Any = None) -> Scenario:
    """Validate plain data as a scenario, raising :class:`ScenarioError` on any problem."""
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ScenarioError([Problem(file, 1, "", None,
                                     f"expected a mapping with meta: and actors:, found {kind}")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems_from(exc, file, doc, data)) from None


def read_text(path: str | Path) -> str:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(str(path), None, "", None,
                                     f"cannot read file: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError([Problem(str(path), None, "", None,
                                     f"file is larger than {MAX_BYTES} bytes")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError([Problem(str(path), line, "", None,
                                     f"not valid UTF-8 (byte {exc.start})")]) from None


def load(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Load, override (``PATH=VALUE`` strings) and validate a scenario file."""
    file = str(path)
    doc, data = parse_yaml(read_text(path), file)
    if overrides:
        from sim.overrides import apply_overrides

        data = apply_overrides(data, overrides, file)
    return validate(data, file, doc)


def scenario_hash(scn: Scenario) -> str:
    """Stable hash of a validated scenario (its canonical JSON)."""
    blob = json.dumps(scn.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
