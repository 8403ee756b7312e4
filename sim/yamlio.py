"""Reading YAML safely, and problems located by file, line and field.

Every problem is a :class:`Problem` naming the file, the line, the field path, the bad value and
what was expected; :class:`ScenarioError` carries all the problems of one input. YAML is parsed
with ruamel.yaml's round-trip loader, which keeps line numbers and never constructs Python
objects from tags; aliases are expanded under a budget so that a file cannot blow up memory.

This module imports nothing else from ``sim``: scenario files, overrides, priors, experiment
files, codebook features and the shipped catalogue all read YAML and report problems through it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, CommentedSet, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

MAX_NODES = 200_000  # values after alias expansion; the largest shipped scenario has ~400
MAX_BYTES = 5_000_000
MAX_DEPTH = 64  # nesting levels; shipped scenarios use at most 7


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


# values the safe tags build; anything else came from a tag such as !!binary, !!set or !!pairs
PLAIN_SCALARS = (str, int, float, bool, type(None), dt.date)
BUILT_BY = {bytes: "!!binary", CommentedSet: "!!set", set: "!!set", tuple: "!!pairs"}


def _plain_key(key: Any, loc: tuple) -> Any:
    """A mapping key as plain data; tagged or composite keys are refused like tagged values."""
    tag = _tag_of(key)
    if tag is not None:
        raise _Refused(f"YAML tag {tag} is not allowed (scenario files hold plain data)", loc)
    if isinstance(key, (int, float, bool)):
        return key
    if not isinstance(key, str):
        raise _Refused("a key must be a plain name, not a list or a mapping", loc)
    return str(key)


def _plain(node: Any, budget: list[int], loc: tuple = ()) -> Any:
    """Copy ruamel containers into plain dicts/lists, counting nodes against a budget.

    Raises:
        _Refused: for a non-standard YAML tag (which could name a Python object), nesting
            deeper than MAX_DEPTH, or aliases expanding beyond MAX_NODES values.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _Refused(f"more than {MAX_NODES} values after expanding YAML aliases", loc)
    if len(loc) > MAX_DEPTH:
        raise _Refused(f"nested more than {MAX_DEPTH} levels deep (scenario files need fewer "
                       "than 10)", loc)
    tag = _tag_of(node)
    if tag is not None:
        raise _Refused(f"YAML tag {tag} is not allowed (scenario files hold plain data)", loc)
    if isinstance(node, dict):
        return {_plain_key(k, loc + (k,)): _plain(v, budget, loc + (k,))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, budget, loc + (i,)) for i, v in enumerate(node)]
    if isinstance(node, TaggedScalar):  # an explicit safe tag such as !!str
        return str(node.value)
    if not isinstance(node, PLAIN_SCALARS):
        built = next((t for cls, t in BUILT_BY.items() if isinstance(node, cls)), "a YAML tag")
        raise _Refused(f"a value built by {built} is not allowed (scenario files hold plain "
                       "numbers, text, dates, lists and mappings)", loc)
    return node


def line_of(doc: Any, loc: tuple) -> int | None:
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


def dotted(loc: tuple, data: Any) -> str:
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


# tokens that open or close flow collections, outside quoted scalars and comments
_FLOW = re.compile(r"""(?:(?<=^)|(?<=[\s\[{,:]))(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')"""
                   r"|(?:(?<=^)|(?<=\s))#[^\n]*|[\[\]{}\n]", re.MULTILINE)


def _flow_too_deep(text: str) -> int | None:
    """1-based line where flow collections nest deeper than MAX_DEPTH, if they do.

    Checked before parsing: on ``[[[...`` ruamel recurses to Python's recursion limit (3.4 s of
    CPU for 500,000 levels) and cannot say where; this scan is linear and gives the line.
    """
    depth, line = 0, 1
    for m in _FLOW.finditer(text):
        tok = m.group(0)
        if tok == "\n":
            line += 1
        elif tok in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif tok in "]}":
            depth = max(0, depth - 1)
        else:
            line += tok.count("\n")
    return None


def _deepest_line(text: str) -> int:
    """1-based line with the deepest indentation (where block nesting is deepest)."""
    lines = text.split("\n")
    return 1 + max(range(len(lines)), key=lambda i: len(lines[i]) - len(lines[i].lstrip()))


def _one_line(text: str | None, limit: int = 200) -> str:
    """A parser message on one line (it may quote a whole multi-line value)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _yaml_problem(exc: Exception, text: str, file: str) -> Problem:
    """A YAML parsing error as a Problem, located whenever the parser knows where."""
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return Problem(file, line, "", None, f"YAML error: {_one_line(exc.problem)}")
    if isinstance(exc, ReaderError):  # a control character; position counts characters
        line = text[: exc.position].count("\n") + 1
        return Problem(file, line, "", None, f"YAML error: character {chr(exc.character)!r} "
                       "is not allowed (control characters cannot appear in YAML)")
    if isinstance(exc, RecursionError):
        return Problem(file, _deepest_line(text), "", None,
                       f"YAML error: nested too deeply (more than {MAX_DEPTH} levels)")
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return Problem(file, None, "", None, f"YAML error: {_one_line(first)}")


def _bad_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value.strip()[:10])
        return False
    except ValueError:
        return True


def _construction_problem(text: str, file: str, exc: Exception) -> Problem:
    """Locate the value the YAML library failed to build: a tag it chokes on (``!!set`` on a
    key) or an impossible date (2020-02-30), found by walking the composed nodes."""
    try:
        stack = [YAML(typ="rt", pure=True).compose(text)]
    except Exception:  # noqa: BLE001 -- cannot locate it; say so rather than crash
        stack = []
    while stack:
        node = stack.pop()
        if node is None:
            continue
        tag = getattr(node.tag, "value", node.tag)
        if isinstance(tag, str) and tag not in SAFE_TAGS:
            return Problem(file, node.start_mark.line + 1, "", None, f"YAML tag {tag} is not "
                           "allowed (scenario files hold plain data)")
        if tag == "tag:yaml.org,2002:timestamp" and _bad_date(node.value):
            return Problem(file, node.start_mark.line + 1, "", node.value,
                           f"YAML error: not a calendar date ({_one_line(exc)}); "
                           "expected YYYY-MM-DD")
        if isinstance(node.value, list):
            stack += [n for item in node.value
                      for n in (item if isinstance(item, tuple) else (item,))]
    return Problem(file, 1, "", None,
                   f"YAML error: the file could not be read ({type(exc).__name__})")


def parse_yaml(text: str, file: str) -> tuple[Any, Any]:
    """Parse YAML safely; returns (round-trip document, plain data)."""
    deep = _flow_too_deep(text)
    if deep is not None:
        raise ScenarioError([Problem(file, deep, "", None, f"YAML error: nested more than "
                                     f"{MAX_DEPTH} levels deep (scenario files need fewer "
                                     "than 10)")])
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        doc = yaml.load(text)
    except (YAMLError, RecursionError) as exc:
        raise ScenarioError([_yaml_problem(exc, text, file)]) from None
    except Exception as exc:  # noqa: BLE001 -- a bad date, or a tag ruamel chokes on
        raise ScenarioError([_construction_problem(text, file, exc)]) from None
    try:
        data = _plain(doc, [MAX_NODES])
    except _Refused as exc:
        where = dotted(exc.loc, doc)
        raise ScenarioError([Problem(file, line_of(doc, exc.loc), where, None, str(exc))]) from None
    return doc, data



def read_text(path: str | Path) -> str:
    """The text of a file, or a :class:`ScenarioError` saying why it cannot be read (missing,
    larger than MAX_BYTES, not UTF-8: the line of the first bad byte)."""
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
